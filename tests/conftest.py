"""Shared fixtures. Qt runs offscreen; every test gets its own database file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CSPDESK_USER", "test.officer")

import pytest  # noqa: E402


def pytest_collection_modifyitems(items):
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)
