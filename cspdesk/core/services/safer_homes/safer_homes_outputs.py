"""What leaves CSPDesk about Safer Homes referrals: CSV exports, the partner list, the printed
summary, the works order and the values for letters. Each carries only what its recipient needs
(``core.domain.protection``), and each is written to the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from cspdesk.core import exports
from cspdesk.core.domain.protection import (
    Viewer,
    can_see_personal_details,
    partner_referral_list,
    works_order_view,
)
from cspdesk.core.domain.safer_homes import RESTRICTED, Tenure, format_pence
from cspdesk.core.domain.vocab import RiskLevel, Role, SaferHomesStatus
from cspdesk.core.errors import PermissionDenied, ValidationError
from cspdesk.core.services.admin.settings import read_settings, section
from cspdesk.core.services.context import Actor
from cspdesk.core.services.restriction import account_for_looks, referral_refs
from cspdesk.core.services.safer_homes.safer_homes_read import (
    ReferralQuery,
    SaferHomesReader,
    address_text,
    category_label,
)
from cspdesk.core.services.safer_homes.safer_homes_records import (
    ENTITY,
    Names,
    all_records,
    current_rules,
    load,
    measures_of,
    to_record,
)
from cspdesk.core.storage.uow import UnitOfWork

LETTERS = ("acknowledgement", "works_order", "follow_up")

LIST_COLUMNS = (
    "reference",
    "referred_on",
    "client",
    "address",
    "category",
    "agency",
    "ward",
    "status",
    "secured_on",
    "days_to_secure",
    "waiting_too_long",
)
PARTNER_COLUMNS = ("reference", "referrer_name", "referred_on", "client", "status_label", "secured_on")


def _d(value: Any) -> str:
    if value in (None, ""):
        return ""
    if value == RESTRICTED:
        return RESTRICTED
    return (
        date.fromisoformat(value).strftime("%d/%m/%Y")
        if isinstance(value, str)
        else value.strftime("%d/%m/%Y")
    )


def _yes(value: Any) -> str:
    return {True: "Yes", False: "No", None: "Not recorded"}.get(value, str(value))


def _label(enum, value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        return enum(value).label
    except ValueError:
        return str(value)


class SaferHomesOutputs:
    def __init__(self, uow: Callable[[str], UnitOfWork], reader: SaferHomesReader, today: Callable[[], date]):
        self._uow = uow
        self._reader = reader
        self._today = today

    def _audit(
        self, actor: Actor, action: str, referral_id: uuid.UUID | None, summary: str, details: dict[str, Any]
    ) -> None:
        with self._uow(actor.username) as uow:
            uow.audit(action, ENTITY, referral_id, summary, details)
            uow.commit()

    def _look(self, actor: Actor, referral_id: uuid.UUID, reason: str | None, what: str) -> None:
        with self._uow(actor.username) as uow:
            account_for_looks(uow, actor, referral_refs(uow.session, [referral_id]).values(), what, reason)
            uow.commit()

    # ----- CSV ------------------------------------------------------------------------------------
    def export_csv(self, actor: Actor, query: ReferralQuery, path: Path) -> int:
        """The list as the actor sees it (restricted clients masked), one referral a line."""
        actor.require(Role.OFFICER, "export Safer Homes referrals")
        rows = self._reader.rows(actor, query)
        exports.write_csv_file(
            path,
            [c.replace("_", " ").capitalize() for c in LIST_COLUMNS],
            (
                [
                    r.reference,
                    _d(r.referred_on),
                    r.client,
                    r.address,
                    r.category,
                    r.agency,
                    r.ward,
                    r.status,
                    _d(r.secured_on),
                    "" if r.days_to_secure is None else r.days_to_secure,
                    "Yes" if r.waiting_too_long else "",
                ]
                for r in rows
            ),
        )
        self._audit(
            actor,
            "export",
            None,
            f"Safer Homes referral list exported ({len(rows)} referrals)",
            {"rows": len(rows), "file": Path(path).name},
        )
        return len(rows)

    def export_partner_list(self, actor: Actor, agency: str, path: Path) -> int:
        """A referring agency's own referrals and their progress; never an address or a phone, and
        no restricted client's name (``protection.partner_referral_list``)."""
        actor.require(Role.OFFICER, "export a partner's referral list")
        with self._uow("system") as uow:
            records = [r for _row, r in all_records(uow.session)]
        rows = sorted(
            partner_referral_list(records, agency), key=lambda r: r["referred_on"] or "", reverse=True
        )
        exports.write_csv_file(
            path,
            ["Reference", "Referred by", "Referred on", "Client", "Status", "Secured on"],
            (
                [
                    r["reference"],
                    r["referrer_name"] or "",
                    _d(r["referred_on"]),
                    r["client"] or "",
                    r["status_label"],
                    _d(r["secured_on"]),
                ]
                for r in rows
            ),
        )
        self._audit(
            actor,
            "export",
            None,
            f"Safer Homes partner list exported for {agency} ({len(rows)} referrals)",
            {"agency": agency, "rows": len(rows), "file": Path(path).name},
        )
        return len(rows)

    # ----- PDFs -----------------------------------------------------------------------------------
    def _letterhead(self):
        from cspdesk.core.reports.safer_homes_pdf import letterhead_from

        with self._uow("system") as uow:
            return letterhead_from(section(read_settings(uow.session, "council"), "council"))

    def summary_pdf(
        self, actor: Actor, referral_id: uuid.UUID, path: Path, reason: str | None = None
    ) -> Path:
        """The referral on paper, masked exactly as the screen is for this actor (unmasked: a look, with a
        reason, logged)."""
        from cspdesk.core.reports.safer_homes_pdf import Document, Section, write_pdf

        detail = self._reader._look(actor, referral_id, reason, "Summary printed")
        v = detail.values
        masked = detail.masked
        phones = v.get("phones")
        phone_text = (
            RESTRICTED
            if phones == RESTRICTED
            else "\n".join(
                f"{p['number']} — {'safe to call' if p.get('safe_to_call') else 'NOT safe to call'}"
                for p in phones or ()
            )
        )
        measures = [["Measure", "Qty", "Unit cost", "Total"]] + [
            [
                m["description"],
                str(m["quantity"]),
                format_pence(m["unit_cost_pence"]),
                format_pence(m["quantity"] * m["unit_cost_pence"]),
            ]
            for m in v.get("measures") or ()
        ]
        if len(measures) > 1:
            measures.append(["Estimated total", "", "", format_pence(detail.estimated_cost_pence)])
        elig = detail.eligibility
        sections = [
            Section(
                "Referral",
                rows=[
                    ("Status", detail.status.label),
                    ("Referred on", _d(v.get("referred_on"))),
                    ("Referring agency", v.get("referrer_agency") or ""),
                    (
                        "Referrer",
                        _join(v.get("referrer_name"), v.get("referrer_role"), v.get("referrer_contact")),
                    ),
                    ("Victim category", category_label(v.get("victim_category"))),
                    ("Ward", v.get("ward") or ""),
                    ("Consent", _consent(v)),
                ],
            ),
            Section(
                "Client and household",
                rows=[
                    ("Name", v.get("client_name") or ""),
                    ("Date of birth", _d(v.get("client_date_of_birth"))),
                    ("Address", address_text(v)),
                    ("Phones", phone_text),
                    ("Safe contact", v.get("safe_contact") or ""),
                    ("Safe address for letters", v.get("safe_address") or ""),
                    ("Language / interpreter", _language(v)),
                    ("Access needs", v.get("access_needs") or ""),
                    ("Children in household", str(v.get("children_in_household", ""))),
                ],
            ),
            Section(
                "Home and risk",
                rows=[
                    ("Tenure", _label(Tenure, v.get("tenure"))),
                    ("Landlord", v.get("landlord_name") or ""),
                    ("Landlord permission", _yes(v.get("landlord_permission"))),
                    ("Perpetrator", v.get("perpetrator_name") or ""),
                    ("Perpetrator lives there", _yes(v.get("perpetrator_resident"))),
                    ("Victim wants to stay", _yes(v.get("victim_wants_to_stay"))),
                    (
                        "DASH",
                        _join(
                            _label(RiskLevel, v.get("dash_level")),
                            None if v.get("dash_score") in (None, RESTRICTED) else f"score {v['dash_score']}",
                            sep=" / ",
                        ),
                    ),
                    ("MARAC date", _d(v.get("marac_on"))),
                    ("Police reference", v.get("police_reference") or ""),
                ],
            ),
            Section(
                "Eligibility",
                paragraphs=[
                    "Not yet checked."
                    if elig is None
                    else ("Eligible" if elig.eligible else "Not eligible")
                    + (f" (checked {detail.eligibility_checked})." if detail.eligibility_checked else ".")
                ]
                + ([f"• {r}" for r in elig.reasons] if elig else []),
            ),
            Section(
                "Survey and works",
                rows=[
                    ("Survey", _join(_d(v.get("survey_on")), v.get("surveyor"), sep=" by ")),
                    ("Contractor", v.get("contractor") or ""),
                    ("Works ordered", _d(v.get("works_ordered_on"))),
                    ("Installed", _d(v.get("installed_on"))),
                    ("Property secured", _d(v.get("secured_on"))),
                    (
                        "Actual cost",
                        ""
                        if v.get("actual_cost_pence") in (None, RESTRICTED)
                        else format_pence(v["actual_cost_pence"]),
                    ),
                    ("Follow-up call", _d(v.get("followed_up_on"))),
                    (
                        "Days from referral to secured",
                        "" if detail.days_to_secure is None else str(detail.days_to_secure),
                    ),
                ],
                table=measures if len(measures) > 1 else (),
            ),
        ]
        if masked:
            # One line instead of two tables of "Restricted": the reader learns nothing either way.
            sections[1:3] = [
                Section(
                    "Client, household and risk",
                    paragraphs=[
                        "Restricted. This is a domestic abuse referral: the client's "
                        "name, address, phones, household, the perpetrator and the "
                        "risk assessment are shown only to those permitted to see them."
                    ],
                )
            ]
        if detail.status in (SaferHomesStatus.DECLINED, SaferHomesStatus.WITHDRAWN):
            sections.append(
                Section("Ended", rows=[("Reason", v.get("end_reason") or ""), ("On", _d(v.get("closed_on")))])
            )
        note = (
            f"Printed by {actor.display_name} on {self._today():%d/%m/%Y}. "
            + (
                "This is a restricted (domestic abuse) referral: details you may not see read "
                "\u201cRestricted\u201d. "
                if masked
                else ""
            )
            + "Keep securely; shred when no longer needed."
        )
        doc = Document(f"Safer Homes referral {detail.reference}", "Referral summary", sections, note)
        write_pdf(Path(path), doc, self._letterhead())
        self._audit(
            actor,
            "print",
            referral_id,
            f"Safer Homes referral {detail.reference}: summary printed" + (" (masked)" if masked else ""),
            {"reference": detail.reference, "masked": masked},
        )
        return Path(path)

    def works_order_pdf(
        self, actor: Actor, referral_id: uuid.UUID, path: Path, reason: str | None = None
    ) -> Path:
        """The contractor's copy: address, access, a safe number and the works. Never the client's
        name, the category, the reason for the referral, the risk or the referrer."""
        from cspdesk.core.reports.safer_homes_pdf import Document, Section, write_pdf

        actor.require(Role.OFFICER, "issue works orders")
        view = self._works_order(actor, referral_id)
        self._look(actor, referral_id, reason, "Works order printed")
        if not view["measures"] or not view["contractor"]:
            raise ValidationError(
                {"measures": "Specify the works and the contractor before printing the works order."}
            )
        address = "\n".join(
            x for x in (view["address_line1"], view["address_line2"], view["town"], view["postcode"]) if x
        )
        access = [
            x
            for x in (
                view["access_details"],
                f"An interpreter is needed ({view['interpreter_language']})."
                if view["interpreter_language"]
                else None,
            )
            if x
        ]
        sections = [
            Section(
                "Order",
                rows=[
                    ("Order number", view["reference"]),
                    ("Contractor", view["contractor"] or ""),
                    ("Ordered on", _d(view["works_ordered_on"]) or _d(self._today())),
                ],
            ),
            Section(
                "Property",
                rows=[
                    ("Address", address),
                    ("Contact to arrange access", view["contact_phone"] or view["contact_note"]),
                    ("Access arrangements", "\n".join(access) or "None recorded"),
                ],
            ),
            Section(
                "Works required",
                table=[["Item", "Quantity"]]
                + [[m["description"], str(m["quantity"])] for m in view["measures"]],
            ),
            Section(
                "Confidentiality",
                paragraphs=[
                    "Keep the occupier's address and phone number confidential. "
                    "Do not share them with anyone outside your firm.",
                    "Do not leave cards, letters or voicemail messages, and do not "
                    "discuss this job with neighbours or visitors to the property.",
                    "When the works are finished, send your invoice quoting order "
                    f"number {view['reference']}, with a list of the items fitted.",
                ],
            ),
        ]
        doc = Document(
            f"Works order {view['reference']}",
            "Safer Homes scheme — works order for the contractor",
            sections,
            f"Issued by {actor.display_name} on {self._today():%d/%m/%Y}.",
        )
        write_pdf(Path(path), doc, self._letterhead())
        self._audit(
            actor,
            "print",
            referral_id,
            f"Safer Homes referral {view['reference']}: works order printed",
            {"reference": view["reference"], "contractor": view["contractor"]},
        )
        return Path(path)

    def _works_order(self, actor: Actor, referral_id: uuid.UUID) -> dict[str, Any]:
        with self._uow("system") as uow:
            row = load(uow.session, referral_id)
            record = to_record(row, measures_of(uow.session, row.id), Names.load(uow.session))
        return works_order_view(record, actor.viewer)

    # ----- letters ----------------------------------------------------------------------------------
    def letter_pdf(
        self, actor: Actor, referral_id: uuid.UUID, letter: str, path: Path, reason: str | None = None
    ) -> Path:
        """One of the three Safer Homes letters, through the letters engine's default templates
        (``resources/templates``), filled from ``safer_homes_letter_values`` and so limited as it is."""
        from cspdesk.core.domain.safer_homes import works_complete_by
        from cspdesk.core.reports import LetterheadSettings, default_templates, render_letter

        actor.require(Role.OFFICER, "write Safer Homes letters")
        values = dict(self.safer_homes_letter_values(referral_id, letter, actor))
        self._look(actor, referral_id, reason, f"{letter.replace('_', ' ').capitalize()} letter printed")
        lh = self._letterhead()
        letterhead = LetterheadSettings(
            council_name=lh.council,
            team_name=lh.team,
            phone=lh.phone,
            email=lh.email,
            address_lines=tuple(x.strip() for x in lh.address.splitlines() if x.strip()),
            officer_name=actor.display_name,
        )
        values["letter_date"] = self._today()
        if letter == "works_order":
            # The contractor is written to by firm; the occupier is never named (protection.works_order_view).
            values["recipient_address"] = (values["recipient_name"],)
            values["recipient_name"] = "The Manager"
            values["client_name"] = "The occupier"
            with self._uow("system") as uow:
                rules = current_rules(uow.session)
            values["works_complete_by"] = works_complete_by(self._today(), rules)
            from decimal import Decimal

            values["cost_limit"] = Decimal(str(values["cost_limit"]))
        elif letter == "acknowledgement":
            values["referral_reason"] = values.get("victim_category") or "Safer Homes referral"
        template = default_templates()[TEMPLATE_FOR[letter]]
        pdf = render_letter(
            template.body,
            values,
            letterhead,
            protective_marking=template.protective_marking,
            title=template.name,
        )
        Path(path).write_bytes(pdf)
        self._audit(
            actor,
            "print",
            referral_id,
            f"Safer Homes referral {values['reference']}: {letter.replace('_', ' ')} letter printed",
            {"reference": values["reference"], "letter": letter},
        )
        return Path(path)

    def safer_homes_letter_values(
        self, referral_id: uuid.UUID, letter: str, viewer: Viewer | Actor
    ) -> dict[str, Any]:
        """Plain field values for a letter (names follow the letters engine's declared fields).

        ``acknowledgement`` to the referrer; ``works_order`` to the contractor (from
        ``works_order_view``: no name, category or reason); ``follow_up`` to the client, only to a
        safe address (for a restricted referral, the recorded safe address and nothing else).
        """
        viewer = viewer.viewer if isinstance(viewer, Actor) else viewer
        if letter not in LETTERS:
            raise ValidationError(
                {"letter": f"Unknown Safer Homes letter {letter!r}; choose one of {', '.join(LETTERS)}."}
            )
        with self._uow("system") as uow:
            row = load(uow.session, referral_id)
            record = to_record(row, measures_of(uow.session, row.id), Names.load(uow.session))
        works = [
            f"{m.description}" + (f" × {m.quantity}" if m.quantity != 1 else "") for m in record.measures
        ]
        if letter == "works_order":
            view = works_order_view(record, viewer)
            access = " ".join(
                x.rstrip(".") + "."
                for x in (
                    view["access_details"],
                    f"Call {view['contact_phone']} to arrange a time."
                    if view["contact_phone"]
                    else view["contact_note"],
                )
                if x
            )
            return {
                "reference": record.reference,
                "recipient_name": view["contractor"] or "",
                "property_address": tuple(
                    x
                    for x in (view["address_line1"], view["address_line2"], view["town"], view["postcode"])
                    if x
                ),
                "works": tuple(works),
                "access_details": access,
                "cost_limit": record.estimated_cost_pence / 100,
            }
        if not can_see_personal_details(viewer, record):
            raise PermissionDenied("You do not have permission to write to this client or about them.")
        if letter == "acknowledgement":
            return {
                "reference": record.reference,
                "recipient_name": record.referrer_name or "",
                "recipient_address": tuple(x for x in (record.referrer_agency, record.referrer_contact) if x),
                "referral_date": record.referred_on,
                "client_name": record.client_name or "",
                "victim_category": record.victim_category.label if record.victim_category else "",
            }
        if record.is_restricted and not (record.safe_address or "").strip():
            raise ValidationError(
                {
                    "safe_address": "Record a safe address for this client before writing to them; "
                    "letters to a restricted client never go to the home address."
                }
            )
        if record.safe_address and record.safe_address.strip():
            address = tuple(
                x.strip() for x in record.safe_address.replace(",", "\n").splitlines() if x.strip()
            )
        else:
            address = tuple(
                x for x in (record.address_line1, record.address_line2, record.town, record.postcode) if x
            )
        return {
            "reference": record.reference,
            "recipient_name": record.client_name or "",
            "recipient_address": address,
            "installed_date": record.installed_on,
            "works": tuple(works),
        }


TEMPLATE_FOR = {
    "acknowledgement": "safer_homes_referral_ack",
    "works_order": "safer_homes_works_order",
    "follow_up": "safer_homes_follow_up",
}


def _join(*parts: Any, sep: str = ", ") -> str:
    """Non-blank parts joined; one "Restricted" if any part is masked (never "Restricted, Restricted")."""
    if any(p == RESTRICTED for p in parts):
        return RESTRICTED
    return sep.join(str(p) for p in parts if p not in (None, ""))


def _consent(v: dict[str, Any]) -> str:
    given = v.get("consent_given")
    if given == RESTRICTED:
        return RESTRICTED
    if given is None:
        return "Not recorded"
    how = ", ".join(x for x in (v.get("consent_method"), _d(v.get("consent_on"))) if x)
    return ("Given" if given else "Not given") + (f" ({how})" if how else "")


def _language(v: dict[str, Any]) -> str:
    lang = v.get("language")
    if lang == RESTRICTED:
        return RESTRICTED
    return ", ".join(
        x for x in (lang, "interpreter needed" if v.get("interpreter_needed") is True else "") if x
    )
