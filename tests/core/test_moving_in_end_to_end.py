"""Moving in end to end: the council-shaped workbook (tools/make_moving_in_workbook.py) imported sheet by
sheet,
mapped and value-mapped in code as an officer would in the window, then checked and undone."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import UserError
from cspdesk.core.services.cases.case_query import CaseQuery
from cspdesk.core.services.moving_in import ImportPlan, RecordKind

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location(
        "make_moving_in_workbook", ROOT / "tools" / "make_moving_in_workbook.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("movein") / "asb-case-log.xlsx"
    made = _tool().make_workbook(path, cases=400, incidents=1200, notices=60)
    return path, made


def _with_officers(services):
    services.users.add_user(services.actor, "joe.bloggs", "Joe Bloggs", Role.OFFICER)
    services.users.add_user(services.actor, "sam.khan", "Sam Khan", Role.OFFICER)


def _accept_suggestions(
    services, plan: ImportPlan, extra: dict[str, dict[str, str]] | None = None
) -> ImportPlan:
    values: dict[str, dict[str, str]] = {k: dict(v) for k, v in plan.values.items()}
    for v in services.moving_in.values_to_map(plan):
        if v.mapped_to is None and v.suggestion:
            values.setdefault(v.field, {})[v.value] = v.suggestion
    for field, words in (extra or {}).items():
        values.setdefault(field, {}).update(words)
    return ImportPlan(plan.path, plan.sheet, plan.kind, plan.columns, values, plan.confirmed_people)


def test_a_council_case_log_moves_in_and_out_again(services, workbook):
    path, made = workbook
    _with_officers(services)
    mi = services.moving_in
    info = mi.open_file(path)
    log = info.sheet("Case log")
    assert log is not None and log.header_row == 3 and log.row_count == made.cases
    assert any("Totals row" in n for n in log.notes)
    assert log.column("Notes (internal)").hidden
    assert log.same_shape_as == ("Archive 2018",)

    plan = mi.propose(path, "Case log", RecordKind.CASES)
    assert plan.columns["Case Ref"] == "legacy_reference"
    assert plan.columns["Date rec'd"] == "reported_on"
    assert plan.columns["Type of ASB"] == "category"
    assert "Notes (internal)" not in plan.columns  # hidden: offered, never proposed
    plan = _accept_suggestions(
        services,
        plan,
        {"category": {"Dog fouling": "environmental", "Neighbour dispute": "neighbour_nuisance"}},
    )
    dry = mi.dry_run(services.actor, plan)
    reasons = {r.row: r.reason for r in dry.rejected}
    assert set(reasons) == {4 + i for i in (7, 13, 21, 34, 55)}, reasons
    assert "month first" in reasons[4 + 13]
    assert "is on row" in reasons[4 + 34]
    assert "too long" in reasons[4 + 55]
    assert dry.counts["cases to make"] == made.good_cases
    assert [m.in_file.split(",")[0] for m in dry.uncertain_people] == ["Jon Smith"]

    confirmed = ImportPlan(
        plan.path,
        plan.sheet,
        plan.kind,
        plan.columns,
        plan.values,
        frozenset(m.key for m in dry.uncertain_people),
    )
    cases = mi.run(services.actor, confirmed)
    assert cases.counts["cases to make"] == made.good_cases

    found = services.case_list.case_ids(CaseQuery(text="ASB/2019/0001"), services.actor)
    rows = services.case_list.rows_for(list(found))
    assert "Youth ASB reported at High Street" in {r.title for r in rows.values()}

    inc_plan = _accept_suggestions(services, mi.propose(path, "Incidents", RecordKind.INCIDENTS))
    incidents = mi.run(services.actor, inc_plan)
    assert incidents.counts["incidents to make"] == made.good_incidents

    notice_plan = _accept_suggestions(
        services,
        mi.propose(path, "CPW-CPN register", RecordKind.NOTICES),
        {"kind": {"Community Protection Warning": "cpw"}},
    )
    notices = mi.run(services.actor, notice_plan)
    assert notices.counts["notices to make"] == made.notices
    to_check = mi.notices_to_check()
    assert len(to_check) == made.disagreeing_notices, [n.disagreements for n in to_check][:5]
    assert all("Appeal by" in n.disagreements for n in to_check)

    with pytest.raises(UserError, match="cannot be undone"):
        mi.undo(services.actor, cases.batch_id)  # its cases have incidents and notices from later imports
    mi.undo(services.actor, notices.batch_id)
    mi.undo(services.actor, incidents.batch_id)
    mi.undo(services.actor, cases.batch_id)
    assert [b.undone_at is not None for b in mi.batches()] == [True, True, True]
