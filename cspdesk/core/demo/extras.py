"""The demo generators of each area, run after the cases in this order (one line each)."""

from __future__ import annotations

from collections.abc import Callable

from cspdesk.core.demo.generate import DemoContext


def default_extras() -> list[Callable[[DemoContext], dict[str, int]]]:
    from cspdesk.core.demo.enforcement import demo_enforcement

    extras: list[Callable[[DemoContext], dict[str, int]]] = []
    extras.append(demo_enforcement)
    # e.g.: from cspdesk.core.demo.enforcement import demo_enforcement; extras.append(demo_enforcement)
    return extras
