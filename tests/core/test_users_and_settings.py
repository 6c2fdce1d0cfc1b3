"""Users come from the OS account; roles gate what they can do; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cspdesk.core.domain.vocab import Role
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.admin.users import UserService
from cspdesk.core.storage.models import AuditEntry
from cspdesk.core.storage.uow import uow_factory_for


def audit_rows(database, entity_type):
    with database.engine.connect() as conn:
        return conn.execute(select(AuditEntry).where(AuditEntry.entity_type == entity_type)).all()


def test_first_user_is_administrator_and_later_ones_read_only(database):
    users = UserService(uow_factory_for(database.engine))
    first, new1 = users.sign_in("Jane.Smith")
    second, new2 = users.sign_in("bob.jones")
    again, new3 = users.sign_in("jane.smith")
    assert (first.role, second.role) == (Role.ADMINISTRATOR, Role.PARTNER)
    assert (new1, new2, new3) == (True, True, False)
    assert again.user_id == first.user_id
    assert first.display_name == "Jane Smith"
    assert len(audit_rows(database, "user")) == 2


def test_administrator_assigns_roles_and_it_is_audited(services):
    users = services.users
    partner, _ = users.sign_in("pc.partner")
    users.update_user(services.actor, partner.user_id, role=Role.OFFICER)
    now, _ = users.sign_in("pc.partner")
    assert now.role == Role.OFFICER
    rows = [r for r in audit_rows(services.database, "user") if r.action == "update"]
    assert rows and rows[-1].details == {"role": ["partner", "officer"]}
    assert rows[-1].username == "admin.user"


def test_non_administrator_cannot_change_roles(services):
    officer, _ = services.users.sign_in("someone.else")
    with pytest.raises(PermissionDenied, match="does not allow"):
        services.users.update_user(officer, officer.user_id, role=Role.ADMINISTRATOR)


def test_last_administrator_cannot_be_demoted(services):
    with pytest.raises(ValidationError, match="at least one administrator"):
        services.users.update_user(services.actor, services.actor.user_id, role=Role.OFFICER)


def test_add_user_refuses_duplicates_and_blank_logins(services):
    services.users.add_user(services.actor, "new.officer", "New Officer", Role.OFFICER)
    with pytest.raises(ValidationError, match="already a user"):
        services.users.add_user(services.actor, "NEW.officer", "", Role.OFFICER)
    with pytest.raises(ValidationError):
        services.users.add_user(services.actor, "  ", "", Role.OFFICER)


def test_settings_have_defaults_and_changes_are_validated_and_audited(services):
    s = services.settings
    assert s.get("enforcement.cpw_comply_days") == 14
    assert s.get("case_review.incidents_threshold") == 3
    s.update(services.actor, {"enforcement.cpw_comply_days": "21"})
    assert s.get("enforcement.cpw_comply_days") == 21
    with pytest.raises(ValidationError) as exc:
        s.update(services.actor, {"case_review.incidents_threshold": 4})
    assert "case_review.incidents_threshold" in exc.value.fields
    assert "above 3" in exc.value.fields["case_review.incidents_threshold"]
    assert s.get("case_review.incidents_threshold") == 3
    with pytest.raises(ValidationError):
        s.update(services.actor, {"no.such.setting": 1})
    rows = audit_rows(services.database, "setting")
    assert [r.details["key"] for r in rows] == ["enforcement.cpw_comply_days"]
    assert s.section("enforcement")["cpw_comply_days"] == 21


def test_only_administrators_change_settings(services):
    partner, _ = services.users.sign_in("read.only")
    with pytest.raises(PermissionDenied):
        services.settings.update(partner, {"enforcement.cpw_comply_days": 10})
