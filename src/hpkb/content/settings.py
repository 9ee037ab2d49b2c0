"""Settings: read from the `extra: hpkb:` block of a content repo's mkdocs.yml.

MkDocs ignores what sits under `extra`, so a force's single mkdocs.yml holds both the
site settings and hpkb's (profiles, timeliness targets). hpkb writes the per-profile
MkDocs config it builds with; it never hands the author's file to MkDocs as it is.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field

from hpkb.check.findings import Diagnostic, did_you_mean, error
from hpkb.content.conform import conform
from hpkb.content.files import read_text
from hpkb.content.schema import Audience, Classification, IsoDate, Text, _Strict
from hpkb.content.strict_yaml import parse_yaml

__all__ = ["CONFIG_FILE", "Profile", "Settings", "check_settings", "load_settings", "today_of"]

CONFIG_FILE = "mkdocs.yml"


class Profile(_Strict):
    """One audience's build: which entries it shows and whether personal parts show."""

    audiences: list[Audience] = Field(description="Entry audiences this profile shows.")
    max_classification: Classification = Field(description="Highest marking it shows.")
    personal: bool = Field(False, description="Show subjects, chronology, internal passages.")
    marking: Text | None = Field(None, description="Banner text; defaults to the marking.")


class Timeliness(_Strict):
    """Debrief timeliness targets in calendar days from the incident."""

    initial_review_days: int = Field(14, ge=1, le=365)
    report_days: int = Field(30, ge=1, le=365)


def _default_profiles() -> dict[str, Profile]:
    return {
        "internal": Profile(audiences=["internal", "shared", "public"],
                            max_classification="OFFICIAL-SENSITIVE", personal=True),
        "shared": Profile(audiences=["shared", "public"], max_classification="OFFICIAL"),
        "public": Profile(audiences=["public"], max_classification="OFFICIAL"),
    }


class HpkbSettings(_Strict):
    """The `extra: hpkb:` block."""

    organisation: Text | None = Field(None, description="The force that owns this repo.")
    profiles: dict[str, Profile] = Field(default_factory=_default_profiles)
    default_profile: Text = "shared"
    timeliness: Timeliness = Field(default_factory=Timeliness)
    population: int | None = Field(None, ge=1, description="Residents of the force area, "
                                   "for rates per million.")
    small_numbers: int = Field(5, ge=1, le=100, description="On non-internal sites, counts "
                               "below this show as 'fewer than N'.")
    entry_packs: list[Literal["debrief", "learning", "practice"]] = Field(
        [], description="Entry kinds that also get a PDF of their own (packs/entry-<ID>.pdf).")
    licence: Text = Field("Open Government Licence v3.0", description="The licence "
                          "exported entries are published under (each entry carries it).")
    allow: list[Text] = Field(
        [], description="Reviewed phrases the publication guard lets through (e.g. a "
        "judge's name in a citation).")
    as_of: IsoDate | None = Field(
        None, description="Treat this date as today in every command (stale reviews, "
        "overdue actions, pack periods), as --as-of does: for a demonstration or training "
        "repository whose figures must not change with the calendar. A force's own "
        "repository leaves it out.")


@dataclass(frozen=True)
class Settings:
    """Everything a command needs to know about the repo it runs in."""

    root: Path
    site_name: str
    hpkb: HpkbSettings
    # Line and column of each `extra: hpkb:` setting (by its path below that block).
    positions: Mapping[tuple[str | int, ...], tuple[int, int]] = field(
        default_factory=dict, repr=False, compare=False)

    @property
    def build_path(self) -> Path:
        return self.root / "build"

    def profile(self, name: str) -> Profile | None:
        return self.hpkb.profiles.get(name)


def load_settings(root: Path) -> tuple[Settings, list[Diagnostic]]:
    """Read mkdocs.yml; a missing file gives the defaults, a bad one gives findings."""
    defaults = Settings(root, "Homicide prevention knowledge base", HpkbSettings())
    path = root / CONFIG_FILE
    if not path.exists() and not path.is_symlink():
        return defaults, []
    text = read_text(path, CONFIG_FILE)
    if isinstance(text, Diagnostic):
        return defaults, [text]
    parsed = parse_yaml(text, CONFIG_FILE)
    if isinstance(parsed, Diagnostic):
        return defaults, [parsed]
    if not isinstance(parsed.value, dict):
        return defaults, [error(CONFIG_FILE, 1, 1, "HP901", "mkdocs.yml must be a mapping",
                                "write `site_name: …` and the other settings as fields")]
    site_name = parsed.value.get("site_name")
    extra = parsed.value.get("extra")
    block = extra.get("hpkb") if isinstance(extra, dict) else None
    if block is None:
        block = {}
    positions = {k[2:]: v for k, v in parsed.positions.items() if k[:2] == ("extra", "hpkb")}
    settings, findings = conform(HpkbSettings, block, CONFIG_FILE, positions)
    if settings is None:
        return defaults, findings
    for name in settings.profiles:
        if not _PROFILE_NAME.fullmatch(name):
            line, column = positions.get(("profiles", name), positions.get(("profiles",), (1, 1)))
            findings.append(error(CONFIG_FILE, line, column, "HP907",
                                  f"profile name `{name}` is not a lower-case id",
                                  "name it with lower-case letters, digits and hyphens, "
                                  "starting with a letter (it becomes the folder "
                                  "build/<profile>/)"))
    if settings.default_profile not in settings.profiles:
        line, column = positions.get(("default_profile",), (1, 1))
        findings.append(error(CONFIG_FILE, line, column, "HP902",
                              f"default_profile `{settings.default_profile}` is not a profile",
                              "name one of: " + ", ".join(settings.profiles)))
    name = site_name if isinstance(site_name, str) and site_name else defaults.site_name
    return Settings(root, name, settings, positions), findings


_PROFILE_NAME = re.compile(r"[a-z][a-z0-9-]{0,39}")


def check_settings(settings: Settings, organisations: Collection[str]) -> list[Diagnostic]:
    """What the settings say that the taxonomy must confirm: the force's organisation id
    is one of organisations.yml's."""
    organisation = settings.hpkb.organisation
    if organisation is None or organisation in organisations:
        return []
    line, column = settings.positions.get(("organisation",), (1, 1))
    return [error(CONFIG_FILE, line, column, "HP906",
                  f"organisation `{organisation}` is not in "
                  "content/taxonomy/organisations.yml",
                  did_you_mean(organisation, organisations,
                               "use the force's id from organisations.yml (its name in "
                               "lower case with hyphens, e.g. `essex-police`), or add the "
                               "force there"))]


def today_of(settings: Settings, as_of: date | None = None) -> date:
    """The date every command takes as today: ``as_of`` (--as-of) when given, else the
    repository's pinned `as_of` setting, else the calendar's date."""
    return as_of or settings.hpkb.as_of or date.today()
