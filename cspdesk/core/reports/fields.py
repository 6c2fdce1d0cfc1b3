"""The declared letter fields: every ``{name}`` a template may use, with the words an officer reads
and an example value used for the template preview (demo data).

A template may only use fields declared here, so a typing mistake in a template is refused when it is
saved rather than printed as ``{recipient_nmae}`` on a letter to a resident.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

# What a caller may pass as a field value. Lists are for LIST fields (one bullet each);
# dates and amounts are formatted here so every letter writes them the same way.
FieldValue = str | Sequence[str] | date | int | Decimal | float | bool | None


class FieldKind(StrEnum):
    TEXT = "text"
    LINES = "lines"  # several lines kept as lines (an address)
    LIST = "list"  # several items, one bullet each
    DATE = "date"
    MONEY = "money"
    FLAG = "flag"  # yes/no, for [if ...] sections only


@dataclass(frozen=True)
class LetterField:
    name: str
    label: str
    description: str
    example: FieldValue
    kind: FieldKind = FieldKind.TEXT


def _f(name: str, label: str, description: str, example: FieldValue, kind: FieldKind = FieldKind.TEXT):
    return LetterField(name, label, description, example, kind)


K = FieldKind
_DECLARED: tuple[LetterField, ...] = (
    # Every letter: the address window, the date and reference block.
    _f(
        "recipient_name",
        "Recipient's name",
        "Person or body the letter is addressed to",
        "Siân O'Brien-Ćosić",
    ),
    _f(
        "recipient_address",
        "Recipient's address",
        "Postal address, one line each",
        ("Flat 2, Zoë Court", "14 Midland Road", "Swadlincote", "Derbyshire", "DE11 0AA"),
        K.LINES,
    ),
    _f("letter_date", "Letter date", "Date printed on the letter", date(2025, 3, 12), K.DATE),
    _f("reference", "Our reference", "Case or notice reference", "CSP/2025/0142"),
    # Filled from the letterhead settings unless the caller gives them.
    _f("council_name", "Council name", "From the letterhead settings", "South Derbyshire District Council"),
    _f(
        "council_address",
        "Council address",
        "From the letterhead settings",
        "Civic Way, Swadlincote, Derbyshire DE11 0AH",
    ),
    _f("council_phone", "Council phone", "From the letterhead settings", "01283 595924"),
    _f(
        "council_email",
        "Council email",
        "From the letterhead settings",
        "community.safety@southderbyshire.gov.uk",
    ),
    _f("council_website", "Council website", "From the letterhead settings", "www.southderbyshire.gov.uk"),
    _f("officer_name", "Officer's name", "Officer signing the letter", "Priya Sharma"),
    _f("officer_title", "Officer's job title", "Job title under the signature", "Community Safety Officer"),
    # Complaints and ASB.
    _f("complaint_date", "Date of complaint", "When the complaint was received", date(2025, 3, 3), K.DATE),
    _f(
        "complaint_summary",
        "What was reported",
        "Short summary of the complaint, in plain words",
        "loud music and shouting late at night",
    ),
    _f(
        "incident_location",
        "Where it happened",
        "Place of the behaviour",
        "Midland Road and Maurice Lea Park, Church Gresley",
    ),
    _f(
        "next_contact_by",
        "Next contact by",
        "Date by which the officer will be in touch",
        date(2025, 3, 26),
        K.DATE,
    ),
    _f(
        "conduct",
        "The behaviour",
        "The conduct complained of, as full sentences: what, where, when",
        "Playing amplified music at 14 Midland Road, Church Gresley, loud enough to be heard in neighbouring "
        "homes between 11pm and 4am, on at least nine nights between 1 February and 2 March 2025.",
    ),
    _f(
        "conduct_effect",
        "Its effect",
        "The detrimental effect on the quality of life of people nearby, as full sentences",
        "Neighbours, including young children, are being kept awake at night. One household "
        "has had to sleep away from home.",
    ),
    _f(
        "requirements",
        "Requirements",
        "What must stop or be done, one per line, with dates",
        (
            "Stop playing amplified music that can be heard outside your home between 11pm and 7am, "
            "from the date of this letter.",
            "Remove the external speakers fixed to the rear wall of your home by 26 March 2025.",
        ),
        K.LIST,
    ),
    _f(
        "comply_by",
        "Comply by",
        "Date by which the behaviour must stop or the steps be taken",
        date(2025, 3, 26),
        K.DATE,
    ),
    # Acceptable Behaviour Contract.
    _f(
        "abc_terms",
        "Contract terms",
        "What the person agrees to do or not do, one per line",
        (
            "I will not play loud music or shout in or around Midland Road after 10pm.",
            "I will not gather with others in the stairwell of Zoë Court.",
            "I will be polite to my neighbours and to council staff.",
        ),
        K.LIST,
    ),
    _f("abc_start_date", "Contract starts", "First day of the contract", date(2025, 3, 12), K.DATE),
    _f(
        "abc_end_date",
        "Contract ends",
        "Last day of the contract (usually 6 months)",
        date(2025, 9, 11),
        K.DATE,
    ),
    _f("abc_review_interval", "Reviewed every", "How often the contract is reviewed", "6 weeks"),
    _f(
        "recipient_under_18",
        "Under 18?",
        "Yes if the person signing is under 18 (adds a parent's line)",
        True,
        K.FLAG,
    ),
    _f(
        "parent_guardian_name",
        "Parent or guardian",
        "Parent or guardian who signs for an under-18",
        "Mrs Ana Ćosić",
    ),
    # Notices.
    _f(
        "cpw_date",
        "Date of the warning",
        "Date the Community Protection Notice Warning was given",
        date(2025, 1, 20),
        K.DATE,
    ),
    _f("notice_issue_date", "Date of issue", "Date the notice is issued", date(2025, 3, 12), K.DATE),
    _f("appeal_by", "Appeal by", "Last day to appeal", date(2025, 4, 1), K.DATE),
    _f(
        "cpn_date",
        "Date of the CPN",
        "Date the Community Protection Notice was issued",
        date(2025, 1, 27),
        K.DATE,
    ),
    _f(
        "fpn_circumstances",
        "Circumstances of the offence",
        "What was done, when and where, in breach of the CPN",
        "On 28 February 2025 at about 1am you played amplified music at 14 Midland Road that could be heard "
        "in neighbouring homes, failing to comply with requirement 1 of the Community Protection Notice.",
    ),
    _f("fpn_amount", "Penalty amount", "Amount of the fixed penalty", Decimal("100"), K.MONEY),
    _f("fpn_pay_by", "Pay by", "Last day of the 14-day period", date(2025, 3, 26), K.DATE),
    _f(
        "fpn_reduced_amount",
        "Reduced amount",
        "Lower amount for early payment (leave blank if none)",
        Decimal("75"),
        K.MONEY,
    ),
    _f(
        "fpn_reduced_by",
        "Reduced amount if paid by",
        "Last day to pay the lower amount",
        date(2025, 3, 22),
        K.DATE,
    ),
    _f(
        "payment_details",
        "How to pay",
        "Whom to pay and how",
        "Pay online at www.southderbyshire.gov.uk/pay, or by card on 01283 595924 (Monday to Friday, "
        "9am to 5pm), quoting the reference at the top of this notice. Cheques payable to "
        "South Derbyshire District Council may be posted to the address above.",
    ),
    # Letter to the complainant.
    _f(
        "action_summary",
        "Action taken",
        "What has been done, in terms fit to share with the complainant",
        "We have spoken to the household concerned and given a formal written warning about noise.",
    ),
    _f(
        "next_steps",
        "What happens next",
        "What the council will do next and what the complainant can do",
        "We will keep the case open for the next eight weeks. Please keep recording any further incidents "
        "on the diary sheets we sent you.",
    ),
    # ASB Case Review (Community Trigger).
    _f(
        "application_date",
        "Application received",
        "Date the Case Review application was received",
        date(2025, 3, 5),
        K.DATE,
    ),
    _f(
        "threshold_decision_by",
        "Decision by",
        "Date by which the threshold decision will be made",
        date(2025, 3, 26),
        K.DATE,
    ),
    _f("threshold_met", "Threshold met?", "Yes if the threshold for a Case Review is met", True, K.FLAG),
    _f(
        "threshold_reasons",
        "Reasons",
        "Why the threshold was or was not met",
        "You reported three related incidents to the council and the police in the six months before "
        "your application: on 4 December 2024, 15 January 2025 and 2 March 2025.",
    ),
    _f(
        "review_meeting_by",
        "Review meeting by",
        "Date by which the review meeting will be held",
        date(2025, 4, 9),
        K.DATE,
    ),
    _f(
        "review_meeting_date",
        "Review meeting date",
        "Date the review meeting was held",
        date(2025, 4, 8),
        K.DATE,
    ),
    _f(
        "review_summary",
        "What the review found",
        "Summary of the review's findings",
        "The review found that reports were dealt with separately by each agency and were not linked, "
        "so the pattern of behaviour was missed.",
    ),
    _f(
        "recommendations",
        "Recommendations",
        "Recommendations, each with an owner and a date",
        (
            "The council's Community Safety team will be your single point of contact from 14 April 2025.",
            "Derbyshire Constabulary will carry out high-visibility "
            "patrols on Midland Road until 30 June 2025.",
            "The housing provider will review the tenancy of the address concerned by 31 May 2025.",
        ),
        K.LIST,
    ),
    # Safer Homes.
    _f("client_name", "Client's name", "Person whose home is being made safer", "Zoë Ní Bhriain"),
    _f("referral_date", "Referral date", "Date the referral was received", date(2025, 3, 4), K.DATE),
    _f(
        "referral_reason",
        "Reason for referral",
        "Why the client was referred (never sent to contractors)",
        "Domestic abuse: ex-partner has tried to force entry",
    ),
    _f(
        "victim_category",
        "Victim category",
        "DA, burglary, ASB, hate crime, elderly/vulnerable (never sent to contractors)",
        "Domestic abuse",
    ),
    _f(
        "perpetrator_name",
        "Perpetrator's name",
        "Never printed on letters to clients or contractors",
        "Dean Marsh",
    ),
    _f(
        "property_address",
        "Property address",
        "Address where the works are done",
        ("27 Hartshorne Road", "Woodville", "Swadlincote", "DE11 7EY"),
        K.LINES,
    ),
    _f(
        "works",
        "Works",
        "Works to be done or done, one per line",
        (
            "Fit British Standard (BS 3621) five-lever mortice lock to front and back doors",
            "Fit door chain and wide-angle door viewer to front door",
            "Fit fire-retardant letterbox",
            "Fit key-operated window locks to all ground-floor windows",
        ),
        K.LIST,
    ),
    _f(
        "access_details",
        "Access arrangements",
        "How to arrange access (safe number, times, who to ask for)",
        "Call the client on 07700 900123 to arrange a time; calls are safe on this number on "
        "weekdays between 10am and 2pm. Ask for Zoë by first name only and do not leave a message.",
    ),
    _f("works_complete_by", "Complete by", "Date by which the works must be done", date(2025, 3, 21), K.DATE),
    _f(
        "cost_limit",
        "Cost limit",
        "Most the council will pay without further approval",
        Decimal("450"),
        K.MONEY,
    ),
    _f("installed_date", "Works completed", "Date the works were completed", date(2025, 3, 19), K.DATE),
)

FIELDS: Mapping[str, LetterField] = {f.name: f for f in _DECLARED}

# Every letter needs these for its address window and reference block, whatever its body says.
FRAME_FIELDS: tuple[str, ...] = ("recipient_name", "recipient_address", "letter_date", "reference")


def field_label(name: str) -> str:
    f = FIELDS.get(name)
    return f.label if f else name


def demo_values() -> dict[str, FieldValue]:
    """Example values for every field: the template preview and the golden-image tests use them."""
    return {f.name: f.example for f in _DECLARED}


def is_blank(value: FieldValue) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return not any(str(v).strip() for v in value)
    return False


def is_true(value: FieldValue) -> bool:
    """Truth for [if ...]: blank, 'no', 'false' and '0' are false, so a form's yes/no text works."""
    if is_blank(value) or value is False:
        return False
    if isinstance(value, str):
        return value.strip().lower() not in {"no", "n", "false", "0"}
    if isinstance(value, Decimal | int | float):
        return value != 0
    return True


def format_money(value: Decimal | int | float) -> str:
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    return f"£{amount:,.0f}" if amount == amount.to_integral() else f"£{amount:,.2f}"


def format_date(value: date) -> str:
    """'12 March 2025': the form the council writes dates in letters (no leading zero)."""
    if isinstance(value, datetime):
        value = value.date()
    return f"{value.day} {value:%B %Y}"


def format_value(value: FieldValue) -> str:
    """One value as inline text. A list inside a sentence reads 'a, b and c'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, Decimal | float):
        return format_money(value)
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    items = [str(v).strip() for v in value if str(v).strip()]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def as_lines(value: FieldValue) -> list[str]:
    """A value as separate lines: lists as given, text split at line breaks."""
    if is_blank(value):
        return []
    if isinstance(value, str):
        return [ln.strip() for ln in value.splitlines() if ln.strip()]
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [format_value(value)]


def format_field(name: str, value: FieldValue) -> str:
    """Like format_value, but a whole number given for a MONEY field still prints as '£100'."""
    f = FIELDS.get(name)
    if f is not None and f.kind is FieldKind.MONEY and isinstance(value, int) and not isinstance(value, bool):
        return format_money(value)
    return format_value(value)
