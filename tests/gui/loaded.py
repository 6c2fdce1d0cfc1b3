"""Waiting for a page whose data comes from a worker (cspdesk/gui/loading.py), instead of sleeping."""

from __future__ import annotations


def wait_loaded(qtbot, page, timeout: int = 30000):
    """Wait until none of ``page``'s background loads is still on its way; returns the page."""
    from cspdesk.gui.loading import PageLoader

    loaders = page.findChildren(PageLoader)
    qtbot.waitUntil(lambda: not any(loader.loading for loader in loaders), timeout=timeout)
    return page
