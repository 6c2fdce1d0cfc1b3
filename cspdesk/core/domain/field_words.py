"""A record's field names in the officer's words, for timelines and audit summaries (issue 19, defect 8: the
Safer Homes timeline said "actual cost pence, installed on changed")."""

from __future__ import annotations

# Names the rule below would not get right.
WORDS = {
    "actual_cost_pence": "actual cost",
    "estimated_cost_pence": "estimated cost",
    "client_date_of_birth": "client's date of birth",
    "dash_level": "DASH risk level",
    "dash_score": "DASH score",
    "marac_on": "MARAC date",
    "phone0": "phone",
    "phone1": "other phone",
    "safe0": "safe to call (phone)",
    "safe1": "safe to call (other phone)",
    "address_line1": "address",
    "address_line2": "address (second line)",
    "works_ordered_on": "works ordered date",
    "followed_up_on": "follow-up date",
}


def field_words(name: str) -> str:
    """'installed_on' → 'installed date', 'actual_cost_pence' → 'actual cost', 'surveyor' → 'surveyor'."""
    if name in WORDS:
        return WORDS[name]
    words = name.removesuffix("_pence").removesuffix("_id")
    if words.endswith("_on"):
        words = words.removesuffix("_on") + "_date"
    return words.replace("_", " ")
