"""One place for each rule: a default is written once, settings are read by one reader, and the date rules
that depend on settings live in the domain.

What these catch (each checked by breaking the code once, 2026-12-06):
- a declaration that writes its own number instead of the domain's (e.g. ``enforcement.cpw_comply_days`` back
  to a
  literal 21): ``test_declared_defaults_are_the_domains_rules`` fails;
- a service that reads the ``app_setting`` table itself again (as ``case_review_reports.py``,
  ``report_pack.py``
  and ``safer_homes_outputs.py`` did): ``test_only_the_settings_module_reads_the_settings_table`` fails;
- the works order's "complete by" written as 10 working days in the service again: changing the setting no
  longer moves the date and ``test_works_order_complete_by_follows_the_setting`` fails.
"""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

from cspdesk.core.domain.case_review import CaseReviewRules, appeal_by
from cspdesk.core.domain.deadlines import EnforcementRules
from cspdesk.core.domain.safer_homes import SaferHomesRules, works_complete_by
from cspdesk.core.services.admin.settings import (
    SETTINGS,
    case_review_rules,
    enforcement_rules,
    safer_homes_rules,
    section,
)

ROOT = Path(__file__).resolve().parents[2] / "cspdesk"
DEFAULTS = {d.key: d.default for d in SETTINGS}


def test_declared_defaults_are_the_domains_rules():
    assert enforcement_rules(section(DEFAULTS, "enforcement")) == EnforcementRules()
    assert case_review_rules(section(DEFAULTS, "case_review")) == CaseReviewRules()
    assert safer_homes_rules(section(DEFAULTS, "safer_homes")) == SaferHomesRules()


def test_a_setting_reaches_the_rules():
    values = section(DEFAULTS, "enforcement") | {"cpw_comply_days": 21, "fpn_discount_pence": 0}
    rules = enforcement_rules(values)
    assert rules.cpw_comply_days == 21 and rules.fpn_discount_amount_pence is None  # 0 pence: no discount


def test_only_the_settings_module_reads_the_settings_table():
    allowed = {
        ROOT / "core/services/admin/settings.py",
        ROOT / "core/storage/models/admin.py",
        ROOT / "core/storage/models/__init__.py",
        ROOT / "core/demo/generate.py",
    }  # writes the demo marker in its bulk insert
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        if path in allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Name) and node.id == "AppSetting":
                offenders.append(f"{path.relative_to(ROOT.parent)}:{node.lineno}")
    assert not offenders, "read settings through core/services/admin/settings.py: " + ", ".join(offenders)


def test_appeal_by_counts_working_days_from_the_letter():
    # Friday 18/12/2026 + 5 working days: Mon 21 to Thu 24, then Christmas Day (Fri 25) and Boxing Day's
    # substitute (Mon 28) are skipped, so Tuesday 29/12.
    assert appeal_by(date(2026, 12, 18), 5) == date(2026, 12, 29)


def test_works_order_complete_by_follows_the_setting():
    rules = safer_homes_rules(section(DEFAULTS, "safer_homes") | {"works_complete_working_days": 3})
    assert works_complete_by(date(2026, 11, 26), rules) == date(2026, 12, 1)  # Thu + 3 working days
    assert works_complete_by(date(2026, 11, 26), SaferHomesRules()) == date(2026, 12, 10)  # the default 10


def test_works_order_letter_takes_the_date_from_settings(services, tmp_path):
    """Through the service and the printed letter: the setting moves the date the contractor is asked for."""
    from tests.core.test_safer_homes_service import da_form, pdf_text, secure

    da = services.safer_homes.intake(services.actor, da_form()).id
    secure(services, da)
    out = services.safer_homes_outputs
    assert "10 December 2026" in pdf_text(
        out.letter_pdf(services.actor, da, "works_order", tmp_path / "a.pdf")
    )
    services.settings.update(services.actor, {"safer_homes.works_complete_working_days": 3})
    assert "1 December 2026" in pdf_text(
        out.letter_pdf(services.actor, da, "works_order", tmp_path / "b.pdf")
    )
