"""Move core/services/*.py into one package per area and rewrite every reference (one-off tool, issue 20).

    python tools/restructure_services.py            # show what would move
    python tools/restructure_services.py --apply    # git mv + rewrite imports, strings and doc paths

Mechanical on purpose: each module keeps its name inside its area's package, so the change is only
``cspdesk.core.services.X`` -> ``cspdesk.core.services.<area>.X`` (imports, monkeypatch strings, the
registry's factories) and ``core/services/X.py`` -> ``core/services/<area>/X.py`` (docs, comments). A module
that is not in AREAS stops the run, so a new module is placed on purpose, not by default.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "cspdesk" / "core" / "services"

# Shared by every area, or the composition itself: they stay at the top of core/services.
TOP = {
    "__init__",
    "context",
    "registry",
    "quick_start",
    "dashboard",
    "restriction",
}  # dashboard reads every area;
# restriction is the one rule every area asks

AREAS: dict[str, tuple[str, ...]] = {
    "cases": (
        "actions",
        "case_closure",
        "case_common",
        "case_edit",
        "case_export",
        "case_index",
        "case_intake",
        "case_list",
        "case_parties",
        "case_party_edit",
        "case_query",
        "cases",
        "chronology",
        "incident_edit",
        "incidents",
        "risk",
        "saved_filters",
        "case_sharing",
    ),  # attachments: letters
    "enforcement": (
        "enforcement",
        "enforcement_detail",
        "enforcement_dto",
        "enforcement_letters",
        "enforcement_register",
        "enforcement_steps",
        "enforcement_support",
    ),
    "case_review": (
        "case_review",
        "case_review_plan",
        "case_review_print",
        "case_review_records",
        "case_review_reports",
        "case_review_steps",
    ),
    "safer_homes": ("safer_homes", "safer_homes_outputs", "safer_homes_read", "safer_homes_records"),
    "letters": (
        "attachments",
        "documents",
        "letter_areas",
        "letter_sources",
        "letter_templates",
        "letters",
        "letters_batch",
        "letters_case",
        "letters_print",
    ),
    "figures": ("figures", "figures_bulk", "figures_local", "figures_store"),
    "reports": ("report_pack", "report_pack_data", "report_pack_dto", "report_pack_print"),
    "forums": ("forums", "forums_print"),
    "admin": ("users", "settings", "health", "demo", "backups"),
    "data_protection": (
        "retention",
        "retention_records",
        "subject_access",
        "subject_access_print",
        "subject_requests",
        "data_protection_csv",
        "audit_log",
    ),
    "working_copies": ("working_copies",),
}

AREA_DOCS = {
    "cases": "ASB cases: intake, the case screen (parties, incidents, actions, risk, chronology, "
    "attachments), the case list and search, closure",
    "enforcement": "the enforcement ladder (CPW, CPN, FPN, "
    "ABC...): steps, statutory dates, the notice register",
    "case_review": "Community Trigger / ASB Case Review "
    "applications: steps, the action plan, figures, letters",
    "safer_homes": "Safer Homes referrals: intake, reading (masked), exports and letters",
    "letters": "letters and documents: templates, values from each area, mail merge, filing and reprinting",
    "figures": "crime figures: analyst and police.uk imports, the district and local tables",
    "reports": "the partnership report pack and the quarterly return",
    "forums": "area forums: meetings, issues, the printed log",
    "admin": "users and roles, settings (the one reader), health checks, demo data, backups",
    "data_protection": "retention reviews, subject access "
    "and other data-subject requests, the audit log's reports",
    "working_copies": "working copies for area forums: take, "
    "bring back, conflicts (the machinery is core/sync)",
}


def module_area() -> dict[str, str]:
    return {m: area for area, mods in AREAS.items() for m in mods}


def check_every_module_placed() -> list[str]:
    placed = module_area()
    missing = sorted(p.stem for p in SERVICES.glob("*.py") if p.stem not in placed and p.stem not in TOP)
    return missing


def rewrite(text: str, where: dict[str, str]) -> str:
    names = "|".join(sorted(where, key=len, reverse=True))
    text = re.sub(
        rf"cspdesk\.core\.services\.({names})\b(?!\.py)",
        lambda m: f"cspdesk.core.services.{where[m.group(1)]}.{m.group(1)}",
        text,
    )
    text = re.sub(
        rf"core/services/({names})\.py\b",
        lambda m: f"core/services/{where[m.group(1)]}/{m.group(1)}.py",
        text,
    )
    text = re.sub(
        rf"^(\s*)from cspdesk\.core\.services import ({names})\b",
        lambda m: f"{m.group(1)}from cspdesk.core.services.{where[m.group(2)]} import {m.group(2)}",
        text,
        flags=re.M,
    )
    # registry.py: _get("module", "Name") -> _get("area.module", "Name")
    text = re.sub(rf'_get\("({names})"', lambda m: f'_get("{where[m.group(1)]}.{m.group(1)}"', text)
    return text


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--apply", action="store_true")
    args = ap.parse_args()
    missing = check_every_module_placed()
    if missing:
        print("Place these modules in AREAS first: " + ", ".join(missing), file=sys.stderr)
        return 2
    where = {m: a for m, a in module_area().items() if (SERVICES / f"{m}.py").exists()}
    for m, a in sorted(where.items(), key=lambda x: (x[1], x[0])):
        print(f"core/services/{m}.py -> core/services/{a}/{m}.py")
    if not args.apply:
        return 0
    for area in AREAS:
        pkg = SERVICES / area
        pkg.mkdir(exist_ok=True)
        init = pkg / "__init__.py"
        if not init.exists():
            init.write_text(f'"""Services for {AREA_DOCS[area]}."""\n', encoding="utf-8")
            subprocess.run(["git", "add", str(init)], cwd=ROOT, check=True)
    for m, a in where.items():
        subprocess.run(
            ["git", "mv", f"cspdesk/core/services/{m}.py", f"cspdesk/core/services/{a}/{m}.py"],
            cwd=ROOT,
            check=True,
        )
    files = subprocess.run(
        ["git", "ls-files", "*.py", "*.md", "*.toml", "*.spec", "*.sh", "*.cfg", "*.ini"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    changed = 0
    for name in files:
        path = ROOT / name
        if not path.is_file() or name.startswith("tools/restructure_services.py"):
            continue
        old = path.read_text(encoding="utf-8")
        new = rewrite(old, where)
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed += 1
    print(f"rewrote {changed} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
