"""The one declaration of every entry kind's front matter.

Validation, the JSON Schemas that `hpkb export` publishes, and the authoring guide all
come from these models. Each field is declared once, with its description and example.
Cross-field and cross-entry rules live in `check/rules.py` and `check/validate.py`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal, get_args

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field
from pydantic_core import PydanticCustomError

from hpkb.content.model import EntryKind

__all__ = [
    "CLASSIFICATIONS",
    "FACTORS",
    "MODEL_BY_KIND",
    "OPTIONAL_SECTIONS",
    "REQUIRED_SECTIONS",
    "ActionMeta",
    "ActionNote",
    "DebriefMeta",
    "LearningMeta",
    "MissedOpportunity",
    "PracticeMeta",
    "ResponseMeta",
    "iso_suggestion",
    "json_schema",
    "normalise_tag",
]

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}$")


_MONTH_NUMBERS = {name: number for number, month in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    start=1) for name in (month, month + ".")}
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_DAY_NAME_YEAR = re.compile(r"(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]+\.?),?\s+(\d{4})$")
_YEAR_MONTH_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")


def iso_suggestion(text: str) -> str | None:
    """The ISO spelling of a date written as people in the UK often write it
    (`19/04/2026`, `19 April 2026`, `2026-4-19`), or None."""
    text = text.strip()
    parts: tuple[int, int, int] | None = None
    if match := _DAY_MONTH_YEAR.match(text):
        parts = int(match[3]), int(match[2]), int(match[1])
    elif (match := _DAY_NAME_YEAR.match(text)) and match[2][:3].lower() in _MONTH_NUMBERS:
        parts = int(match[3]), _MONTH_NUMBERS[match[2][:3].lower()], int(match[1])
    elif match := _YEAR_MONTH_DAY.match(text):
        parts = int(match[1]), int(match[2]), int(match[3])
    if parts is None:
        return None
    try:
        return date(*parts).isoformat()
    except ValueError:
        return None


def _date_problem(detail: str) -> PydanticCustomError:
    # The text goes in as a value: braces in what the author wrote are never a template.
    return PydanticCustomError("hp_date", "{detail}", {"detail": detail})


def _to_date(value: Any) -> Any:
    """Accept a YAML date or a quoted ISO date; say exactly what is wrong otherwise."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise _date_problem(f"{value} is not a real calendar date") from None
    raise _date_problem(f"expected a date written YYYY-MM-DD, got {value!r}")


def normalise_tag(tag: str) -> str:
    """One spelling per tag: lower case, words joined by single hyphens."""
    return "-".join(re.split(r"[\s_-]+", tag.strip().lower())).strip("-")


IsoDate = Annotated[date, BeforeValidator(_to_date), Field(examples=["2024-05-14"])]
Text = Annotated[str, Field(min_length=1)]
Tag = Annotated[str, Field(min_length=1), AfterValidator(normalise_tag)]
ThemeId = Annotated[str, Field(min_length=1, examples=["coercive-control"])]

CLASSIFICATIONS: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE")
Classification = Literal["OFFICIAL", "OFFICIAL-SENSITIVE"]
Audience = Literal["internal", "shared", "public"]
Status = Literal["draft", "review", "published", "archived"]
ActionStatus = Literal["open", "in-progress", "completed", "dropped"]


class _Strict(BaseModel):
    # strict: 'yes' is not a boolean and 5 is not text; forbid: a typo is not ignored.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Cleared(_Strict):
    """The release decision that lets an entry be public."""

    by: Text = Field(description="Role that cleared the entry for release.",
                     examples=["Head of Public Protection"])
    on: IsoDate = Field(description="Date of the release decision.")


class ActionNote(_Strict):
    """A dated progress note on an action (`hpkb action --note` adds one)."""

    on: IsoDate = Field(description="Date of the note.")
    text: Text = Field(description="The progress made, or what holds the action up.",
                       examples=["Training plan agreed with Learning and Development"])


class ActionMeta(_Strict):
    """An action raised by a debrief or a learning entry."""

    id: str = Field(pattern=r"^A[0-9]{2,3}$", description="A01, A02, … within the entry.",
                    examples=["A01"])
    action: Text = Field(description="What is to be done.",
                         examples=["Brief response officers on stalking risk indicators"])
    owner: Text = Field(description="Team or role (never a person's name); from "
                        "content/taxonomy/owners.yml when the repository has that list.",
                        examples=["Public Protection Unit"])
    theme: ThemeId | None = Field(None, description="Theme id the action serves.")
    raised: IsoDate | None = Field(
        None, description="Date raised; defaults to the debrief meeting date.")
    due: IsoDate = Field(description="Date the action is due.")
    status: ActionStatus = Field(description="Where the action stands.")
    completed: IsoDate | None = Field(
        None, description="Completion date: required when completed, forbidden otherwise.")
    outcome: Text | None = Field(
        None, description="What was done: required when completed or dropped.")
    # None, not an empty list, when there are none: exports and pages stay as they were.
    notes: list[ActionNote] | None = Field(
        None, description="Dated progress notes, oldest first.")


class _Common(_Strict):
    id: str = Field(pattern=r"^(RD|LN|PR)-[0-9]{4}-[0-9]{3}$",
                    description="RD-, LN- or PR-YYYY-NNN; equals the file name.",
                    examples=["RD-2024-000"])
    title: str = Field(min_length=1, max_length=120, description="Title, at most 120 characters.",
                       examples=["Stabbing at a house party after a long-running dispute"])
    summary: Text = Field(description="One to three sentences; used in cards, search and packs.")
    themes: list[ThemeId] = Field(min_length=1, description="Theme ids from themes.yml.")
    tags: list[Tag] = Field([], description="Free tags, normalised to lower-case-hyphenated.",
                             examples=[["night-time-economy"]])
    organisation: Text = Field(description="Organisation id from organisations.yml.",
                               examples=["essex-police"])
    classification: Classification = Field(description="Protective marking.")
    audience: Audience = Field(description="Who may see it: internal, shared or public.")
    status: Status = Field(description="Drafts are left out of builds unless --drafts.")
    cleared: Cleared | None = Field(None, description="Release decision; required for public.")
    created: IsoDate = Field(description="Date the entry was created.")
    updated: IsoDate = Field(description="Date last updated; not before created.")
    owner: Text | None = Field(None, description="Team or role that keeps it current.",
                               examples=["Homicide Prevention Working Group"])
    review_by: IsoDate | None = Field(None, description="Review date; past dates are stale.")
    related: list[str] = Field([], description="Ids of related entries.",
                               examples=[["LN-2024-000"]])
    recommendations: list[str] = Field([], description="Recommendation ids.",
                                       examples=[["hmicfrs-2023-r3"]])


# Contributory factors: the inspectorate's list and those a domestic homicide review team
# records (stalking, separation, non-fatal strangulation, …).
Factor = Literal[
    "domestic-abuse", "coercive-control", "stalking", "separation", "non-fatal-strangulation",
    "honour-based-abuse", "economic-abuse", "threats-to-kill", "child-contact", "pregnancy",
    "older-or-vulnerable-victim", "suspect-suicide-risk", "adult-family-homicide",
    "mental-health", "drugs", "alcohol", "weapon-knife", "weapon-firearm", "gangs",
    "exploitation", "hate", "other"]
FACTORS: tuple[str, ...] = get_args(Factor)


class Incident(_Strict):
    """The incident's parameters, set by the review team."""

    reference: Text = Field(description="Operation name.", examples=["Op Ash"])
    date: IsoDate = Field(description="Date of the offence.")
    category: Literal["homicide", "near-miss"] = Field(description="Homicide or near miss.")
    offence: Text | None = Field(None, description="Offence.", examples=["GBH with intent"])
    context: Literal["domestic", "acquaintance", "stranger", "other"] = Field(
        description="Relationship context.")
    factors: list[Factor] = Field([], description="Contributory factors (every one that "
                                  "applies).")
    primary_factor: Factor | None = Field(
        None, description="The one factor the review team judged most significant; also "
        "listed under `factors`.", examples=["coercive-control"])
    area: Text | None = Field(None, description="District or local policing area, never an "
                              "address.", examples=["Harrowmere North"])
    proceedings: Literal["live", "concluded", "none"] | None = Field(
        None, description="While live, learning drawn from it stays internal.")
    reviews: list[Text] = Field([], description="Ids of related statutory reviews.",
                                examples=[["DARDR-2024-02"]])


class Subject(_Strict):
    """A victim or suspect: internal only, and the names feed the publication guard."""

    role: Literal["victim", "suspect", "witness", "other"] = Field(description="Role.")
    name: Text = Field(description="Full name (internal only).", examples=["Jane Example"])
    age_band: Text | None = Field(None, description="Age band.", examples=["25-34"])
    sex: Literal["female", "male", "other", "unknown"] | None = Field(None, description="Sex.")
    ethnicity: Text | None = Field(None, description="Self-defined ethnicity.")


class Process(_Strict):
    """The debrief's own timeline and participants."""

    identified: IsoDate = Field(description="Date the incident was put forward.")
    initial_review: IsoDate | None = Field(None, description="Initial review completed.")
    meeting: IsoDate | None = Field(None, description="Date of the debrief meeting.")
    report: IsoDate | None = Field(None, description="Learning and actions document issued.")
    attendees: list[Text] = Field([], description="Agencies and roles (no names).")
    partners_involved: bool | None = Field(None, description="Partner agencies took part.")
    overlaps: list[Literal["criminal-investigation", "domestic-homicide-review",
                           "safeguarding-review", "iopc", "coroner"]] = Field(
        [], description="Parallel processes.")


class MissedOpportunity(_Strict):
    """A chronology contact where an agency could have intervened: internal only."""

    agency: Text | None = Field(None, description="Agency that missed it (default: the "
                                "contact's agency).", examples=["Adult social care"])
    should_have: Text | None = Field(
        None, description="What should have happened.",
        examples=["Speak to the adult at risk alone and refer to the domestic abuse service"])
    kind: Literal["individual", "systemic"] | None = Field(
        None, description="Individual (one practitioner's decision) or systemic (a process, "
        "policy or system).")
    actions: list[str] = Field([], description="Ids of this debrief's actions that answer it.",
                               examples=[["A01"]])


def _missed_opportunity(value: Any) -> Any:
    """`missed_opportunity: true` (the form before records) is a record with no detail;
    `false` is none."""
    if value is True:
        return {}
    if value is False:
        return None
    if isinstance(value, str):  # `on`, `yes`: YAML 1.1 booleans are text here
        raise PydanticCustomError("bool_type", "Input should be a valid boolean")
    return value


class ChronologyItem(_Strict):
    """An earlier contact with victim or offender: internal only."""

    date: IsoDate = Field(description="Date of the contact.")
    agency: Text = Field(description="Agency that had the contact.", examples=["Police"])
    contact: Text = Field(description="Kind of contact.", examples=["999 call"])
    summary: Text = Field(description="What happened.")
    missed_opportunity: Annotated[
        MissedOpportunity | None,
        BeforeValidator(_missed_opportunity,
                        json_schema_input_type=bool | MissedOpportunity | None)] = Field(
        None, description="A missed opportunity to intervene: a record (agency, "
        "should_have, kind, actions), or `true` when not yet described.")


class DebriefMeta(_Common):
    """Rapid debrief of a homicide or near miss (debriefs/)."""

    incident: Incident
    subjects: list[Subject] = Field([], description="Victims and suspects (internal only).")
    process: Process
    chronology: list[ChronologyItem] = Field([], description="Earlier contacts (internal).")
    actions: list[ActionMeta] = Field([], description="Actions raised.")


class LearningMeta(_Common):
    """Learning drawn from one or more debriefs (content/learning/)."""

    sources: list[str] = Field([], description="Debrief ids the learning came from.",
                               examples=[["RD-2024-000"]])
    applies_to: list[Text] = Field([], description="Roles or departments it is for.",
                                   examples=[["Response officers"]])
    actions: list[ActionMeta] = Field([], description="Actions raised.")


class Contact(_Strict):
    """A published contact for a practice: a role mailbox is best."""

    name: Text = Field(description="Role or team.", examples=["Violence Reduction Unit"])
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", description="Email address.",
                       examples=["vru@example.police.uk"])


class PracticeMeta(_Common):
    """Shared practice, as in the College of Policing practice bank (practice/)."""

    effectiveness: Literal["worked", "promising", "untested", "did-not-work"] = Field(
        description='The "Does it work?" rating.')
    focus: Literal["prevention", "diversion", "reoffending", "organisational",
                   "investigation"] = Field(description="Focus.")
    topics: list[Text] = Field([], description="Topics.", examples=[["crime prevention"]])
    stage: Literal["planned", "piloted", "implemented", "ended"] = Field(
        description="Implementation stage.")
    evaluation: Literal["untested", "evaluated-locally", "independently-evaluated"] = Field(
        "untested", description="Strength of the evidence.")
    evaluation_ref: Text | None = Field(None, description="Citation or link to the evaluation.")
    recognised: list[Literal["hmicfrs-promising-practice", "smarter-practice",
                             "tilley-award", "funded-local-innovation"]] = Field(
        [], description="Recognition received.")
    scale: Literal["local", "regional", "national"] = Field(description="Scale.")
    target_group: list[Literal["adults", "children-and-young-people", "general-public",
                               "offenders", "victims"]] = Field(
        min_length=1, description="Who the practice is for.")
    contact: Contact
    region: Text | None = Field(None, description="Region; derived from the organisation.",
                                examples=["eastern"])


class ResponseMeta(_Strict):
    """The force's response to a recommendation of any source
    (content/responses/<recommendation-id>.md)."""

    recommendation: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
                                description="The recommendation's id; equals the file name.",
                                examples=["hmicfrs-2023-r3"])
    response: Literal["accepted", "partly-accepted", "not-accepted"] = Field(
        description="Whether the force accepted the recommendation.")
    lead: Text = Field(description="Role or team leading the response (never a person).",
                       examples=["Head of Public Protection"])
    position: Text = Field(description="Where the response stands now, in a few sentences.")
    plan: Text | None = Field(None, description="What remains to be done, and by when.")
    audience: Literal["internal", "shared"] = Field(
        "internal", description="`shared`: other forces' sites show the response status "
        "(accepted, partly or not, and when updated); its text stays internal.")
    created: IsoDate = Field(description="Date the response was first recorded; actions "
                             "without a `raised` date count from it.")
    updated: IsoDate = Field(description="Date the position was last brought up to date.")
    evidence: list[str] = Field([], description="Ids of entries that evidence the response.",
                                examples=[["PR-2024-003"]])
    actions: list[ActionMeta] = Field([], description="Actions in answer to the "
                                      "recommendation; global id `<recommendation>/A01`.")


MODEL_BY_KIND: dict[EntryKind, type[_Common]] = {
    "debrief": DebriefMeta,
    "learning": LearningMeta,
    "practice": PracticeMeta,
}


# The H2 sections each kind requires, and those it may add.
REQUIRED_SECTIONS: dict[EntryKind, tuple[str, ...]] = {
    "debrief": ("Summary", "Learning", "Good practice"),
    "learning": ("What we learned", "Recommendation"),
    "practice": ("Aim", "Intended outcome", "Description", "Overall impact", "Learning"),
}
OPTIONAL_SECTIONS: dict[EntryKind, tuple[str, ...]] = {
    "debrief": (),
    "learning": (),
    "practice": ("Resourcing", "Copyright", "Disclaimer"),
}


def json_schema(kind: EntryKind) -> dict[str, Any]:
    """The JSON Schema of one kind's front matter, for editors and the national hub."""
    schema = MODEL_BY_KIND[kind].model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"hpkb/{kind}.schema.json"
    return schema
