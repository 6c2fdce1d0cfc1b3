"""The notice's "Issued by" line leaves out what the record lacks. An imported notice (moving in) may have
no officer or authority; the line read "Issued by , ; served …" before. (Caught: the old f-string.)"""

from __future__ import annotations

import uuid
from datetime import date

from cspdesk.core.services.enforcement import NoticeDetail
from cspdesk.gui.widgets.notice_detail import detail_html


def detail(**changes) -> NoticeDetail:
    values: dict = dict(
        id=uuid.uuid4(),
        reference="CPW-2019-0001",
        kind="Community Protection Warning",
        kind_code="cpw",
        stage="Lapsed",
        stage_code="lapsed",
        case_id=uuid.uuid4(),
        case_reference="ASB-2019-0001",
        party_id=None,
        recipient="A Person",
        recipient_address="1 High Street",
        conduct="Noise",
        detrimental_effect="",
        officer="Sam Officer",
        authority="South Derbyshire District Council",
        served_on=date(2019, 3, 4),
        service_method="By hand",
        dates=[],
        issued_on=date(2019, 3, 4),
        appeal_by=None,
        pay_by=None,
        comply_by=None,
        amount_pence=None,
        discount_amount_pence=None,
        paid_on=None,
        outcome="",
        next_due_on=None,
        next_due_what="",
        document_due=False,
        requirements=[],
        events=[],
        informed=[],
        parent=None,
        children=[],
        allowed=[],
        closed=True,
        version=1,
    )
    values.update(changes)
    return NoticeDetail(**values)


def test_issued_by_names_who_and_how_it_was_served():
    text = detail_html(detail(), date(2026, 11, 26))
    assert "Sam Officer, South Derbyshire District Council; served 04/03/2019 (by hand)" in text


def test_an_imported_notice_without_officer_or_authority_has_no_empty_names():
    text = detail_html(detail(officer="", authority=""), date(2026, 11, 26))
    assert ", ;" not in text and "by</b> ," not in text
    assert "Served 04/03/2019 (by hand)" in text
    assert "· ·" not in detail_html(detail(recipient=""), date(2026, 11, 26))  # nobody named: no empty place
    text = detail_html(
        detail(officer="", authority="", served_on=None, service_method=""), date(2026, 11, 26)
    )
    assert "Issued by: not recorded" in text
