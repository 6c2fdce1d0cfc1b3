"""The council's words: statuses, roles, categories and the CSP priority themes.

Values are stored in the database as the enum's value (a short lowercase code); ``label()``
gives the words an officer reads. Keep codes stable: they are in every database.
"""

from __future__ import annotations

from enum import StrEnum


class Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS.get(self.value, self.value.replace("_", " ").capitalize())

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Role(Labelled):
    ADMINISTRATOR = "administrator"
    OFFICER = "officer"
    PARTNER = "partner"  # partner agency, read-only


class CaseStatus(Labelled):
    OPEN = "open"
    CLOSED = "closed"


class ClosureReason(Labelled):
    RESOLVED = "resolved"
    NO_FURTHER_ACTION = "no_further_action"
    REFERRED = "referred"
    INSUFFICIENT_EVIDENCE = "insufficient_evidence"


class RiskLevel(Labelled):
    STANDARD = "standard"
    MEDIUM = "medium"
    HIGH = "high"


class PartyRole(Labelled):
    COMPLAINANT = "complainant"
    VICTIM = "victim"
    WITNESS = "witness"
    PERPETRATOR = "perpetrator"
    OTHER = "other"


class PartyKind(Labelled):
    PERSON = "person"
    BUSINESS = "business"
    COMMUNITY_GROUP = "community_group"
    GROUP = "group"  # e.g. "group of youths", unnamed


class ReportChannel(Labelled):
    PHONE = "phone"
    EMAIL = "email"
    POLICE = "police"
    AREA_FORUM = "area_forum"
    COUNCILLOR = "councillor"
    ONLINE_FORM = "online_form"
    LETTER = "letter"
    IN_PERSON = "in_person"


class PlaceType(Labelled):
    RESIDENTIAL = "residential"
    PARK = "park"
    OPEN_SPACE = "open_space"
    TOWN_CENTRE = "town_centre"
    LAYBY = "layby"
    SERVICE_STATION = "service_station"
    BUSINESS = "business"
    SCHOOL = "school"
    CAR_PARK = "car_park"
    RURAL_LAND = "rural_land"
    OTHER = "other"


class AsbCategory(Labelled):
    YOUTH_ASB = "youth_asb"
    NUISANCE_VEHICLES = "nuisance_vehicles"
    OFF_ROAD_BIKES = "off_road_bikes"
    NEIGHBOUR_NUISANCE = "neighbour_nuisance"
    NOISE = "noise"
    DRUGS = "drugs"
    HATE_RELATED = "hate_related"
    CRIMINAL_DAMAGE = "criminal_damage"
    STREET_DRINKING = "street_drinking"
    INTIMIDATION = "intimidation"
    ENVIRONMENTAL = "environmental"
    ANIMAL_NUISANCE = "animal_nuisance"
    OTHER = "other"


class PriorityTheme(Labelled):
    """The four headline CSP priorities of the 2023-26 plan (DOMAIN.md section 2)."""

    ASB_SAFER_SPACES = "asb_safer_spaces"
    SAFEGUARDING = "safeguarding"
    VIOLENCE = "violence"
    ACQUISITIVE_RURAL = "acquisitive_rural"


class PriorityTag(Labelled):
    """The plan's sub-priorities; every case is tagged with one or more."""

    PARKS_OPEN_SPACES = "parks_open_spaces"
    YOUTH_ASB = "youth_asb"
    NUISANCE_VEHICLES = "nuisance_vehicles"
    PERSISTENT_OFFENDERS = "persistent_offenders"
    HATE_CRIME = "hate_crime"
    MODERN_SLAVERY = "modern_slavery"
    CUCKOOING_COUNTY_LINES = "cuckooing_county_lines"
    SUBSTANCE_MISUSE = "substance_misuse"
    CSE = "cse"
    CYBER_SAFETY = "cyber_safety"
    SUPPORTING_VICTIMS = "supporting_victims"
    DOMESTIC_ABUSE = "domestic_abuse"
    VAWG = "vawg"
    SERIOUS_VIOLENCE = "serious_violence"
    VEHICLE_CRIME = "vehicle_crime"
    RURAL_CRIME = "rural_crime"
    BURGLARY = "burglary"
    BUSINESS_CRIME = "business_crime"

    @property
    def theme(self) -> PriorityTheme:
        return _TAG_THEME[self]


_TAG_THEME: dict[PriorityTag, PriorityTheme] = {}
for _t in ("parks_open_spaces", "youth_asb", "nuisance_vehicles", "persistent_offenders"):
    _TAG_THEME[PriorityTag(_t)] = PriorityTheme.ASB_SAFER_SPACES
for _t in (
    "hate_crime",
    "modern_slavery",
    "cuckooing_county_lines",
    "substance_misuse",
    "cse",
    "cyber_safety",
    "supporting_victims",
):
    _TAG_THEME[PriorityTag(_t)] = PriorityTheme.SAFEGUARDING
for _t in ("domestic_abuse", "vawg", "serious_violence"):
    _TAG_THEME[PriorityTag(_t)] = PriorityTheme.VIOLENCE
for _t in ("vehicle_crime", "rural_crime", "burglary", "business_crime"):
    _TAG_THEME[PriorityTag(_t)] = PriorityTheme.ACQUISITIVE_RURAL


class ActionStatus(Labelled):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class ChronologyKind(Labelled):
    INCIDENT = "incident"
    ACTION = "action"
    NOTE = "note"
    NOTICE = "notice"
    LETTER = "letter"
    STATUS = "status"
    RISK = "risk"
    ATTACHMENT = "attachment"
    PARTY = "party"


class NoticeKind(Labelled):
    WARNING_LETTER = "warning_letter"
    ABC = "abc"
    CPW = "cpw"
    CPN = "cpn"
    FPN = "fpn"
    PROSECUTION = "prosecution"
    CIVIL_INJUNCTION = "civil_injunction"
    PSPO_FPN = "pspo_fpn"
    CLOSURE_NOTICE = "closure_notice"
    CLOSURE_ORDER = "closure_order"
    DISPERSAL_DIRECTION = "dispersal_direction"


class MeetingKind(Labelled):
    AREA_FORUM = "area_forum"
    SAFER_SPACES = "safer_spaces"
    TASKING = "tasking"
    IOM = "iom"
    CARE = "care"
    CSP_BOARD = "csp_board"
    OTHER = "other"


class SaferHomesStatus(Labelled):
    REFERRED = "referred"
    ELIGIBILITY_CHECKED = "eligibility_checked"
    SURVEYED = "surveyed"
    WORKS_ORDERED = "works_ordered"
    SECURED = "secured"
    FOLLOWED_UP = "followed_up"
    CLOSED = "closed"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class VictimCategory(Labelled):
    DOMESTIC_ABUSE = "domestic_abuse"
    BURGLARY = "burglary"
    ASB = "asb"
    HATE_CRIME = "hate_crime"
    OLDER_VULNERABLE = "older_vulnerable"


class CaseReviewStatus(Labelled):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    THRESHOLD_DECIDED = "threshold_decided"
    REVIEW_MEETING = "review_meeting"
    OUTCOME_SENT = "outcome_sent"
    ACTION_PLAN_MONITORING = "action_plan_monitoring"
    CLOSED = "closed"
    APPEAL_TO_PCC = "appeal_to_pcc"


class DocumentKind(Labelled):
    LETTER = "letter"
    ATTACHMENT = "attachment"


_LABELS: dict[str, str] = {
    "administrator": "Administrator",
    "officer": "Officer",
    "partner": "Partner (read-only)",
    "no_further_action": "No further action",
    "youth_asb": "Youth ASB",
    "nuisance_vehicles": "Nuisance vehicles and parking",
    "off_road_bikes": "Off-road bikes",
    "hate_related": "Hate-related",
    "asb_safer_spaces": "ASB and Safer Spaces",
    "safeguarding": "Safeguarding and Vulnerability",
    "violence": "Violence",
    "acquisitive_rural": "Acquisitive and Rural Crime",
    "parks_open_spaces": "Parks and open spaces",
    "persistent_offenders": "Targeting persistent offenders",
    "cuckooing_county_lines": "Cuckooing and county lines",
    "cse": "Child sexual exploitation (CSE)",
    "domestic_abuse": "Domestic abuse",
    "vawg": "Violence against women and girls (VAWG)",
    "serious_violence": "Serious violence (e.g. knife crime)",
    "area_forum": "Area forum",
    "online_form": "Online form",
    "in_person": "In person",
    "town_centre": "Town centre",
    "layby": "Layby",
    "warning_letter": "ASB warning letter",
    "abc": "Acceptable Behaviour Contract",
    "cpw": "Community Protection Notice Warning",
    "cpn": "Community Protection Notice",
    "fpn": "Fixed Penalty Notice",
    "pspo_fpn": "PSPO Fixed Penalty Notice",
    "safer_spaces": "Safer Spaces meeting",
    "tasking": "Police and Partner Tasking",
    "iom": "Integrated Offender Management",
    "care": "Children at Risk of Exploitation",
    "csp_board": "CSP Board",
    "eligibility_checked": "Eligibility checked",
    "works_ordered": "Works ordered",
    "secured": "Property secured",
    "followed_up": "Followed up",
    "asb": "ASB",
    "older_vulnerable": "Older or vulnerable person",
    "threshold_decided": "Threshold decided",
    "review_meeting": "Review meeting",
    "outcome_sent": "Outcome sent",
    "action_plan_monitoring": "Action plan monitoring",
    "appeal_to_pcc": "Appeal to the PCC",
}
