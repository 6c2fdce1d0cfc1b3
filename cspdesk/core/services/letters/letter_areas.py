"""Every area's letters in one list (like ``core/demo/extras.py``): an area adds its entries here.

See ``letter_sources.py`` for what a ``LetterSource`` is. A provider that only calls the area's own
service needs no module of its own: see the Case Review entries below.
"""

from __future__ import annotations

from cspdesk.core.services.letters.letter_sources import LetterSource, ProviderContext, Subject


def _case_review(letter: str):
    def values(ctx: ProviderContext, application_id, actor) -> dict:
        return ctx.services.case_reviews.case_review_letter_values(application_id, letter)

    return values


_CASE_REVIEW_HINTS = {
    "recipient_name": "the applicant's name on the Case Review application",
    "recipient_address": "the applicant's address / contact on the Case Review application",
    "threshold_reasons": "record the threshold decision (step 'Threshold decision')",
    "review_meeting_date": "record the review meeting",
    "review_summary": "record the review's decision",
    "recommendations": "add the action plan",
}

CASE_REVIEW_LETTERS: tuple[LetterSource, ...] = (
    LetterSource(
        Subject.APPLICATION, "case_review_ack", _case_review("acknowledgement"), fix_hints=_CASE_REVIEW_HINTS
    ),
    LetterSource(
        Subject.APPLICATION,
        "case_review_threshold",
        _case_review("threshold_decision"),
        fix_hints=_CASE_REVIEW_HINTS,
    ),
    LetterSource(
        Subject.APPLICATION, "case_review_outcome", _case_review("outcome"), fix_hints=_CASE_REVIEW_HINTS
    ),
)


def _safer_homes(letter: str):
    def values(ctx: ProviderContext, referral_id, actor) -> dict:
        # The area decides what each letter may say and to whom (restricted referrals, contractors). The
        # letters service has accounted for the look before gathering (LetterService._account_for_preview).
        from cspdesk.core.services.safer_homes.safer_homes_outputs import referral_letter_values

        return referral_letter_values(ctx.session, referral_id, letter, actor.viewer)

    return values


_SAFER_HOMES_HINTS = {
    "recipient_name": "the referral (referrer, client or contractor)",
    "recipient_address": "the referral: the referrer's contact, the client's (safe) address",
    "installed_date": "record the installed date (Survey and works)",
    "works": "add the measures (Survey and works)",
    "property_address": "the client's address on the referral",
}

SAFER_HOMES_LETTERS: tuple[LetterSource, ...] = (
    LetterSource(
        Subject.REFERRAL,
        "safer_homes_referral_ack",
        _safer_homes("acknowledgement"),
        fix_hints=_SAFER_HOMES_HINTS,
    ),
    LetterSource(
        Subject.REFERRAL,
        "safer_homes_works_order",
        _safer_homes("works_order"),
        fix_hints={
            **_SAFER_HOMES_HINTS,
            "recipient_name": "the contractor (Survey and works)",
            "client_name": "never typed: the Safer Homes service decides what a contractor sees",
        },
        ask=("recipient_address", "works_complete_by"),
    ),
    LetterSource(
        Subject.REFERRAL, "safer_homes_follow_up", _safer_homes("follow_up"), fix_hints=_SAFER_HOMES_HINTS
    ),
)


def _notice(kinds: tuple[str, ...]):
    def values(ctx: ProviderContext, notice_id, actor) -> dict:
        from cspdesk.core.services.letters.letters_case import victims_home
        from cspdesk.core.storage.models import AsbCase, EnforcementNotice

        values = ctx.services.enforcement.notice_letter_values(notice_id)
        n = ctx.session.get(EnforcementNotice, notice_id)
        case = ctx.session.get(AsbCase, n.case_id) if n is not None else None
        if case is not None and victims_home(ctx, case):
            values["incident_location"] = ""  # never the complainant's home, in a letter to the perpetrator
        return values

    def applies(ctx: ProviderContext, notice_id) -> bool:
        from cspdesk.core.storage.models import EnforcementNotice

        n = ctx.session.get(EnforcementNotice, notice_id)
        return n is not None and n.kind in kinds

    return values, applies


_NOTICE_HINTS = {
    "recipient_name": "the notice's recipient (a party on the case)",
    "recipient_address": "the recipient's address on the case (People)",
    "conduct": "the notice's conduct",
    "conduct_effect": "the notice's detrimental effect",
    "requirements": "the notice's requirements",
    "notice_issue_date": "issue the notice first",
    "comply_by": "the notice's comply-by date",
    "appeal_by": "issue the notice first (the appeal date follows from it)",
    "cpw_date": "the warning this notice follows",
    "fpn_amount": "the penalty amount on the notice",
    "fpn_pay_by": "issue the notice first",
    "abc_terms": "the contract's terms (requirements)",
}

# The template for each kind of notice (vocab.NoticeKind); the other kinds are recorded, not written.
NOTICE_KIND_FOR_TEMPLATE = {
    "asb_warning": "warning_letter",
    "abc": "abc",
    "cpw": "cpw",
    "cpn": "cpn",
    "fpn": "fpn",
}

NOTICE_LETTERS: tuple[LetterSource, ...] = tuple(
    LetterSource(
        Subject.NOTICE,
        code,
        _notice((kind,))[0],
        fix_hints=_NOTICE_HINTS,
        applies_to=_notice((kind,))[1],
        ask=("incident_location",),
    )
    for code, kind in NOTICE_KIND_FOR_TEMPLATE.items()
)


def area_sources() -> list[LetterSource]:
    from cspdesk.core.services.letters.letters_case import CASE_LETTERS

    return [*CASE_LETTERS, *NOTICE_LETTERS, *CASE_REVIEW_LETTERS, *SAFER_HOMES_LETTERS]
