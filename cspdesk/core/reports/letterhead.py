"""Letterhead and signature settings: what the top of every letter and the sign-off say.

The defaults are South Derbyshire's Communities Team; the settings service stores an edited copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cspdesk.core.paths import resources_dir


def default_logo_path() -> Path:
    return resources_dir() / "images" / "default_logo.png"


@dataclass(frozen=True)
class LetterheadSettings:
    council_name: str = "South Derbyshire District Council"
    # None means the default logo shipped in resources/images; "" means no logo at all.
    logo_path: Path | str | None = None
    address_lines: tuple[str, ...] = ("Civic Way", "Swadlincote", "Derbyshire", "DE11 0AH")
    team_name: str = "Communities Team"
    phone: str = "01283 595924"
    email: str = "community.safety@southderbyshire.gov.uk"
    website: str = "www.southderbyshire.gov.uk"
    # Blank until set: a letter with [signature] is refused rather than signed by nobody.
    officer_name: str = ""
    officer_title: str = "Community Safety Officer"
    signature_path: Path | str | None = None
    extra: tuple[tuple[str, str], ...] = field(default=())  # more label/value lines under the contact details

    def resolved_logo(self) -> Path | None:
        if self.logo_path == "":
            return None
        path = Path(self.logo_path) if self.logo_path else default_logo_path()
        return path if path.is_file() else None

    def resolved_signature(self) -> Path | None:
        path = Path(self.signature_path) if self.signature_path else None
        return path if path and path.is_file() else None

    def as_values(self) -> dict[str, str]:
        """The letterhead's share of the template fields; a caller's own values win over these."""
        values = {
            "council_name": self.council_name,
            "council_address": ", ".join(a for a in self.address_lines if a.strip()),
            "council_phone": self.phone,
            "council_email": self.email,
            "council_website": self.website,
            "officer_name": self.officer_name,
            "officer_title": self.officer_title,
        }
        return {k: v for k, v in values.items() if v.strip()}
