"""Shared fixtures. Qt runs offscreen; every test gets its own database file."""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("CSPDESK_USER", "test.officer")
# Keep QSettings (window geometry) out of the developer's real profile.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cspdesk-test-config-")

import pytest  # noqa: E402

TODAY = date(2026, 11, 26)


def pytest_collection_modifyitems(items):
    for item in items:
        if "qtbot" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.gui)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "cspdesk.sqlite"


@pytest.fixture
def database(db_path):
    from cspdesk.core.storage.database import open_database

    db = open_database(db_path)
    yield db
    db.engine.dispose()


@pytest.fixture
def services(database):
    """Services on a new, empty database; the signed-in user is its administrator."""
    from cspdesk.core.services.registry import build_services

    return build_services(database, "admin.user", today=lambda: TODAY)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    """One small demo database made once per run; each test gets its own copy."""
    from sqlalchemy.orm import Session

    from cspdesk.core.demo import generate_demo
    from cspdesk.core.demo.extras import default_extras
    from cspdesk.core.services.users import UserService
    from cspdesk.core.storage.database import open_database
    from cspdesk.core.storage.uow import uow_factory_for

    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    db = open_database(path)
    UserService(uow_factory_for(db.engine)).sign_in("admin.user")
    with Session(db.engine) as s:
        generate_demo(s, cases=400, seed=7, today=TODAY, extras=default_extras())
        s.commit()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.engine.dispose()
    return path


@pytest.fixture
def demo_db_path(_demo_template, tmp_path) -> Path:
    target = tmp_path / "demo.sqlite"
    shutil.copy2(_demo_template, target)
    return target


@pytest.fixture
def demo_services(demo_db_path):
    from cspdesk.core.services.registry import build_services
    from cspdesk.core.storage.database import open_database

    db = open_database(demo_db_path)
    yield build_services(db, "admin.user", today=lambda: TODAY)
    db.engine.dispose()
