"""The demo generators of each area, run after the cases in this order (one line each)."""

from __future__ import annotations

from collections.abc import Callable

from cspdesk.core.demo.case_review import demo_case_review
from cspdesk.core.demo.enforcement import demo_enforcement
from cspdesk.core.demo.figures import demo_figures
from cspdesk.core.demo.generate import DemoContext
from cspdesk.core.demo.restricted import demo_restricted_looks
from cspdesk.core.demo.safer_homes import demo_safer_homes


def default_extras() -> list[Callable[[DemoContext], dict[str, int]]]:
    return [
        demo_case_review,
        demo_safer_homes,
        demo_figures,
        demo_enforcement,
        demo_restricted_looks,
    ]
