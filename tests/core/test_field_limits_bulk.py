"""One rule for text on every write path: the ORM, ORM bulk inserts, Core statements and storage.bulk.

Before issue 16 only the ORM's flush was checked, so the figures importer's bulk inserts stored a 5 MB area
name in a 120-character column (SQLite) or failed with a driver error (PostgreSQL), and NUL bytes were stored.
"""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from cspdesk.core.errors import ValidationError
from cspdesk.core.storage import bulk
from cspdesk.core.storage.field_limits import text_problem
from cspdesk.core.storage.models.figures import CrimeFigure, PoliceUkText

GOOD = {"month": "2022-01", "area": "Erewash", "category": "ASB", "count": 1, "source": "analyst"}
BAD = [{**GOOD, "area": "x" * 121}, {**GOOD, "area": "Ere\x00wash"}, {**GOOD, "category": "c" * 121}]


def test_the_rule():
    assert text_problem("x" * 120, 120, "Area") is None
    assert text_problem("x" * 121, 120, "Area") == "Area is too long: at most 120 characters, this has 121"
    assert text_problem("a\x00", None, "Note") == "Note contains a NUL character, which cannot be stored"


@pytest.mark.parametrize("row", BAD)
def test_orm_bulk_insert_is_checked(database, row):
    """Catches: session.execute(insert(Model), rows) skipping the limits
    (mutation: no before_execute hook)."""
    with Session(database.engine) as session:
        with pytest.raises(ValidationError):
            session.execute(insert(CrimeFigure), [GOOD, row])
        session.rollback()
        assert session.scalars(select(CrimeFigure)).all() == []


def test_core_insert_values_and_update_are_checked(database):
    with Session(database.engine) as session:
        with pytest.raises(ValidationError):
            session.connection().execute(CrimeFigure.__table__.insert(), BAD[:1])
        session.rollback()
        with pytest.raises(ValidationError):
            session.execute(insert(CrimeFigure).values(**{**GOOD, "area": "a\x00"}))
        session.rollback()
        session.execute(insert(CrimeFigure), [GOOD])
        with pytest.raises(ValidationError):
            session.execute(update(CrimeFigure).values(area="y" * 500))
        session.rollback()


def test_storage_bulk_is_checked_before_the_driver_sees_the_rows(database):
    """Catches: storage.bulk's sqlite3 fast path bypassing SQLAlchemy's hooks (mutation: no check_grid)."""
    grid = np.empty((2, 1), dtype=object)
    grid[:, 0] = ["Burglary", "t" * 201]
    with Session(database.engine) as session:
        with pytest.raises(ValidationError, match="at most 200 characters"):
            bulk.insert_rows(session.connection(), PoliceUkText.__table__, ["text"], grid)
        grid[1, 0] = "Drugs\x00"
        with pytest.raises(ValidationError, match="NUL"):
            bulk.insert_rows(session.connection(), PoliceUkText.__table__, ["text"], grid)
        grid[1, 0] = "Drugs"
        bulk.insert_rows(session.connection(), PoliceUkText.__table__, ["text"], grid)
        assert sorted(session.scalars(select(PoliceUkText.text))) == ["Burglary", "Drugs"]
