"""Qualifying complaints for an ASB Case Review: what the linked cases' records show.

s.104(11) of the Anti-social Behaviour, Crime and Policing Act 2014: a qualifying complaint is made
within one month of the behaviour, and the application within six months of the complaint. The
officer still decides (s.104(1)(b)); this module lists the evidence and says which limb of the local
threshold the numbers meet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from cspdesk.core.domain.case_review import (
    CaseReviewRules,
    add_months,
    format_date,
    last_day_of_months_beginning,
    plural,
)


@dataclass(frozen=True)
class IncidentReport:
    """One report of behaviour, as recorded on a linked case.

    ``reporter_key`` identifies the person reporting (a person or party id as text); ``None`` when the
    reporter is unknown or anonymous - such reports count as incidents but not as an individual.
    ``duplicate_of`` points at another report of the same behaviour (to another agency).
    """

    id: str
    case_reference: str
    occurred_at: datetime
    reported_on: date
    reporter_key: str | None = None
    reporter_name: str | None = None
    reporting_agency: str | None = None
    duplicate_of: str | None = None


class ExclusionReason(StrEnum):
    REPORTED_BEFORE_BEHAVIOUR = "reported_before_behaviour"
    REPORTED_TOO_LATE = "reported_too_late"
    REPORTED_AFTER_APPLICATION = "reported_after_application"
    OUTSIDE_LOOKBACK = "outside_lookback"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return {
            "reported_before_behaviour": "Reported before the behaviour date (check the record)",
            "reported_too_late": "Not reported within one month of the behaviour",
            "reported_after_application": "Reported after the application was received",
            "outside_lookback": "Reported more than six months before the application",
            "duplicate": "Same incident already counted (reported to more than one agency)",
        }[self.value]


class ThresholdLimb(StrEnum):
    INCIDENTS = "incidents"
    INDIVIDUALS = "individuals"
    BOTH = "both"
    NEITHER = "neither"


@dataclass(frozen=True)
class ExcludedReport:
    report: IncidentReport
    reason: ExclusionReason
    detail: str


@dataclass(frozen=True)
class ThresholdAssessment:
    """What the records show. The officer still decides (s.104(1)(b)); this is the evidence."""

    application_received_on: date
    rules: CaseReviewRules
    lookback_from: date  # earliest report date that can count
    qualifying: tuple[IncidentReport, ...]  # one per incident, earliest report first
    excluded: tuple[ExcludedReport, ...]
    individuals: tuple[str, ...]  # distinct reporter keys among timely reports in the look-back

    @property
    def count(self) -> int:
        return len(self.qualifying)

    @property
    def distinct_individuals(self) -> int:
        return len(self.individuals)

    @property
    def incidents_limb_met(self) -> bool:
        return self.count >= self.rules.incidents_threshold

    @property
    def individuals_limb_met(self) -> bool:
        return self.distinct_individuals >= self.rules.individuals_threshold

    @property
    def limb(self) -> ThresholdLimb:
        if self.incidents_limb_met and self.individuals_limb_met:
            return ThresholdLimb.BOTH
        if self.incidents_limb_met:
            return ThresholdLimb.INCIDENTS
        if self.individuals_limb_met:
            return ThresholdLimb.INDIVIDUALS
        return ThresholdLimb.NEITHER

    @property
    def threshold_met(self) -> bool:
        return self.limb is not ThresholdLimb.NEITHER

    @property
    def explanation(self) -> str:
        """One plain-English sentence for the screen and the decision letter."""
        return _explain(self)

    def evidence(self) -> dict[str, Any]:
        """JSON-ready record of what was counted, for ``threshold_evidence`` on the application."""

        def rep(r: IncidentReport) -> dict[str, Any]:
            return {
                "id": r.id,
                "case_reference": r.case_reference,
                "occurred_at": r.occurred_at.isoformat(),
                "reported_on": r.reported_on.isoformat(),
                "reporter_name": r.reporter_name,
                "reporting_agency": r.reporting_agency,
            }

        return {
            "rules": self.rules.to_dict(),
            "application_received_on": self.application_received_on.isoformat(),
            "lookback_from": self.lookback_from.isoformat(),
            "count": self.count,
            "distinct_individuals": self.distinct_individuals,
            "limb": self.limb.value,
            "qualifying": [rep(r) for r in self.qualifying],
            "excluded": [
                rep(e.report) | {"reason": e.reason.value, "detail": e.detail} for e in self.excluded
            ],
            "explanation": self.explanation,
        }


def reporting_deadline(occurred_on: date, rules: CaseReviewRules) -> date:
    """Last day a complaint about behaviour on ``occurred_on`` is a qualifying complaint.

    s.104(11)(a): made within the period of one month beginning with the date of the behaviour.
    """
    return last_day_of_months_beginning(occurred_on, rules.reporting_window_months)


def lookback_start(received_on: date, rules: CaseReviewRules) -> date:
    """Earliest report date that counts for an application received on ``received_on``.

    s.104(11)(b): the application is made within the period of six months beginning with the date of
    the complaint; so the earliest complaint date is the one whose six-month period still contains
    the application date.
    """
    d = add_months(received_on, -rules.lookback_months) - timedelta(days=4)
    while last_day_of_months_beginning(d, rules.lookback_months) < received_on:
        d += timedelta(days=1)
    return d


def _incident_groups(reports: list[IncidentReport]) -> dict[str, str]:
    """Report id -> an id standing for its incident (union-find over the two "same incident" rules)."""
    parent = {r.id: r.id for r in reports}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    first_for_key: dict[tuple[datetime, str], str] = {}
    for r in reports:
        if r.duplicate_of is not None and r.duplicate_of in parent:
            union(r.id, r.duplicate_of)
        if r.reporter_key:
            key = (r.occurred_at.replace(second=0, microsecond=0), r.reporter_key)
            union(r.id, first_for_key.setdefault(key, r.id))
    return {r.id: find(r.id) for r in reports}


def assess_threshold(
    reports: Iterable[IncidentReport], received_on: date, rules: CaseReviewRules | None = None
) -> ThresholdAssessment:
    """Count qualifying complaints and separate individuals for an application received on ``received_on``.

    A report is timely if made within one month of the behaviour (s.104(11)(a)) and in the look-back:
    on or before the application and within six months of it (s.104(11)(b)).

    One incident reported to several agencies counts once [DOMAIN.md s.4, local]. Reports are the same
    incident when (a) one is marked ``duplicate_of`` the other (followed through chains), or (b) they
    have the same behaviour date and time (to the minute) and the same ``reporter_key``, whatever the
    agency. The incident counts if any of its reports is timely; its earliest timely report is the
    evidence, the others are listed as duplicates.

    Individuals: distinct ``reporter_key`` over every timely report, duplicates included - if two
    neighbours report the same incident, two individuals reported. Anonymous reports add no individual.
    """
    rules = rules or CaseReviewRules()
    reports = list(reports)
    start = lookback_start(received_on, rules)

    group_of = _incident_groups(reports)

    excluded: list[ExcludedReport] = []
    timely: list[IncidentReport] = []
    for r in reports:
        last_day = reporting_deadline(r.occurred_at.date(), rules)
        if r.reported_on < r.occurred_at.date():
            excluded.append(
                ExcludedReport(
                    r,
                    ExclusionReason.REPORTED_BEFORE_BEHAVIOUR,
                    f"Reported {format_date(r.reported_on)}, before the behaviour on "
                    f"{format_date(r.occurred_at.date())}.",
                )
            )
        elif r.reported_on > last_day:
            excluded.append(
                ExcludedReport(
                    r,
                    ExclusionReason.REPORTED_TOO_LATE,
                    f"Behaviour on {format_date(r.occurred_at.date())} was reported "
                    f"{format_date(r.reported_on)}; the last day was {format_date(last_day)}.",
                )
            )
        elif r.reported_on > received_on:
            excluded.append(
                ExcludedReport(
                    r,
                    ExclusionReason.REPORTED_AFTER_APPLICATION,
                    f"Reported {format_date(r.reported_on)}, after the application was "
                    f"received on {format_date(received_on)}.",
                )
            )
        elif r.reported_on < start:
            excluded.append(
                ExcludedReport(
                    r,
                    ExclusionReason.OUTSIDE_LOOKBACK,
                    f"Reported {format_date(r.reported_on)}; only reports from {format_date(start)} count.",
                )
            )
        else:
            timely.append(r)

    qualifying: list[IncidentReport] = []
    counted_group: dict[str, IncidentReport] = {}
    for r in sorted(timely, key=lambda r: (r.reported_on, r.occurred_at, r.id)):
        g = group_of[r.id]
        if g in counted_group:
            first = counted_group[g]
            excluded.append(
                ExcludedReport(
                    r,
                    ExclusionReason.DUPLICATE,
                    f"Same incident as the report of {format_date(first.reported_on)}"
                    f"{' to ' + first.reporting_agency if first.reporting_agency else ''}"
                    f" (case {first.case_reference}); counted once.",
                )
            )
        else:
            counted_group[g] = r
            qualifying.append(r)

    individuals = tuple(sorted({r.reporter_key for r in timely if r.reporter_key}))
    order = {r.id: i for i, r in enumerate(reports)}
    excluded.sort(key=lambda e: order[e.report.id])
    return ThresholdAssessment(received_on, rules, start, tuple(qualifying), tuple(excluded), individuals)


def _explain(a: ThresholdAssessment) -> str:
    r = a.rules
    window = f"between {format_date(a.lookback_from)} and {format_date(a.application_received_on)}"
    counted = (
        f"{plural(a.count, 'qualifying complaint', 'qualifying complaints')} and "
        f"{plural(a.distinct_individuals, 'separate individual', 'separate individuals')} reporting "
        f"{window}"
    )
    need = f"{r.incidents_threshold} or more complaints, or {r.individuals_threshold} or more individuals"
    verdict = {
        ThresholdLimb.BOTH: "so the threshold is met on both counts",
        ThresholdLimb.INCIDENTS: "so the threshold is met on the number of complaints",
        ThresholdLimb.INDIVIDUALS: "so the threshold is met on the number of individuals reporting",
        ThresholdLimb.NEITHER: (
            f"so the threshold ({need}) is not met; the partners may still decide to "
            "review on persistence, harm or the adequacy of the response"
        ),
    }[a.limb]
    return f"The records show {counted}, {verdict}."
