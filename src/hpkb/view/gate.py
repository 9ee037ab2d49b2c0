"""The one place that decides what a profile may see.

`view()` takes the whole corpus and returns only what one profile may publish: the
visible entries, each with personal fields, internal passages and references to hidden
entries already removed. Every output (site, search, packs, exports) reads a
`ProfileView` and nothing else, so nothing hidden can reach it by another route.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from hpkb.check.findings import Diagnostic, warning
from hpkb.content.body import REFERENCE, internal_passages, is_entry_id, split_internal
from hpkb.content.model import Corpus, Entry, EntryKind, Response, kind_of_id
from hpkb.content.schema import CLASSIFICATIONS, DebriefMeta, LearningMeta
from hpkb.content.settings import Profile
from hpkb.content.taxonomy import Taxonomy

__all__ = ["ProfileView", "PublishedEntry", "PublishedResponse", "hidden_reference_text",
           "rewrite_references", "view"]

# Fields that hold personal data or case detail: only a `personal` profile sees them.
PERSONAL_FIELDS = ("subjects", "chronology")


@dataclass(frozen=True)
class PublishedEntry:
    """An entry as one profile may publish it: nothing in it is hidden from that profile."""

    id: str
    kind: EntryKind
    path: str
    meta: Mapping[str, Any]  # published front matter, JSON-ready (dates as ISO text)
    body: str  # internal passages handled, hidden references replaced by plain text
    region: str | None
    stale: bool
    hidden_sources: int  # sources the profile may not see: counted, never named
    source: str | None = None  # the force that shared it (a national hub's entries only)
    # The body's `::: internal` passages on a personal profile, as (first line, line after
    # the last) of ``body``, so a site can mark them; empty elsewhere (they are cut out).
    internal: tuple[tuple[int, int], ...] = ()

    @property
    def title(self) -> str:
        return str(self.meta["title"])

    @functools.cached_property
    def fields_digest(self) -> str:
        """A digest of every published field but the text (their repr: the fields in
        their order, the front matter's keys in the file's)."""
        return hashlib.sha256(repr([getattr(self, f.name) for f in dataclasses.fields(self)
                                    if f.name != "body"]).encode()).hexdigest()

    @functools.cached_property
    def digest(self) -> str:
        """A digest of every published field: what is made from the entry alone is the
        same for the same digest."""
        return hashlib.sha256(f"{self.fields_digest}\0{self.body}".encode()).hexdigest()


@dataclass(frozen=True)
class PublishedResponse:
    """A recommendation response as one profile may publish it: in full on a personal
    profile; elsewhere, when the force shares it, only its status and date."""

    recommendation: str
    path: str
    meta: Mapping[str, Any]  # JSON-ready front matter (dates as ISO text)
    body: str


@dataclass(frozen=True)
class ProfileView:
    """Everything one profile may publish, and the warnings deciding it raised."""

    name: str
    profile: Profile
    entries: tuple[PublishedEntry, ...]
    taxonomy: Taxonomy
    today: date
    diagnostics: tuple[Diagnostic, ...]
    responses: tuple[PublishedResponse, ...] = ()

    def get(self, entry_id: str) -> PublishedEntry | None:
        return next((e for e in self.entries if e.id == entry_id), None)


_KIND_PHRASE: dict[EntryKind, str] = {
    "debrief": "an internal debrief",
    "learning": "an internal learning entry",
    "practice": "an internal practice entry",
}


def hidden_reference_text(target: str) -> str:
    """What a visible entry shows in place of a reference to an entry it may not name."""
    kind = kind_of_id(target)
    return _KIND_PHRASE[kind] if kind else "an internal entry"


def _allowed(profile: Profile, entry: Entry, drafts: bool) -> bool:
    """Audience and marking allow it; a draft only with ``drafts``; and only a published
    entry leaves the force (an entry in review or archived shows on the internal site,
    with a banner saying so)."""
    meta = entry.meta
    if meta.status == "draft" and not drafts:
        return False
    if not profile.personal and meta.status in ("review", "archived"):
        return False
    if meta.audience not in profile.audiences:
        return False
    return CLASSIFICATIONS.index(meta.classification) <= CLASSIFICATIONS.index(
        profile.max_classification)


def _live_sources(entry: Entry, corpus: Corpus) -> list[str]:
    if not isinstance(entry.meta, LearningMeta):
        return []
    live: list[str] = []
    for source_id in entry.meta.sources:
        source = corpus.by_id.get(source_id)
        if (source is not None and isinstance(source.meta, DebriefMeta)
                and source.meta.incident.proceedings == "live"):
            live.append(source_id)
    return live


def rewrite_references(body: str, visible: set[str]) -> str:
    def replace(match: Any) -> str:
        target = match.group(1).strip()
        if is_entry_id(target) and target not in visible:
            return hidden_reference_text(target)
        return str(match.group(0))

    return REFERENCE.sub(replace, body)


def _publish(entry: Entry, profile: Profile, visible: set[str], taxonomy: Taxonomy,
             today: date) -> PublishedEntry:
    meta = entry.meta
    exclude = set() if profile.personal else set(PERSONAL_FIELDS)
    data: dict[str, Any] = meta.model_dump(mode="json", exclude_none=True, exclude=exclude)
    data["related"] = [r for r in meta.related if r in visible]
    hidden_sources = 0
    if isinstance(meta, LearningMeta):
        data["sources"] = [s for s in meta.sources if s in visible]
        hidden_sources = len(meta.sources) - len(data["sources"])
    body = split_internal(entry.source.body, keep_internal=profile.personal)
    region = getattr(meta, "region", None) or taxonomy.region_of(meta.organisation)
    stale = meta.review_by is not None and meta.review_by < today
    internal = internal_passages(entry.source.body) if profile.personal else ()
    return PublishedEntry(entry.id, entry.kind, entry.source.path, MappingProxyType(data),
                          rewrite_references(body, visible), region, stale, hidden_sources,
                          internal=internal)


# What a profile without personal details shows of a response the force shares.
SHARED_RESPONSE_FIELDS = ("recommendation", "response", "updated")


def _publish_response(response: Response, profile: Profile, visible: set[str]
                      ) -> PublishedResponse | None:
    meta = response.meta
    if profile.personal:
        data: dict[str, Any] = meta.model_dump(mode="json", exclude_none=True)
        data["evidence"] = [e for e in meta.evidence if e in visible]
        body = rewrite_references(split_internal(response.body, keep_internal=True), visible)
        return PublishedResponse(response.recommendation, response.path,
                                 MappingProxyType(data), body)
    if meta.audience not in profile.audiences:
        return None
    data = meta.model_dump(mode="json", include=set(SHARED_RESPONSE_FIELDS))
    return PublishedResponse(response.recommendation, response.path, MappingProxyType(data), "")


def view(corpus: Corpus, name: str, profile: Profile, *, drafts: bool = False,
         today: date | None = None) -> ProfileView:
    """What profile ``name`` may publish from ``corpus`` — the only such decision in hpkb."""
    today = today or date.today()
    candidates = [e for e in corpus.entries if _allowed(profile, e, drafts)]
    findings: list[Diagnostic] = []
    visible_entries: list[Entry] = []
    for entry in candidates:
        live = [] if profile.personal else _live_sources(entry, corpus)
        if live:
            line, column = entry.source.where(("sources",))
            findings.append(warning(
                entry.source.path, line, column, "HP311",
                f"{entry.id} is held back from the {name} profile: its source "
                f"{', '.join(live)} has live proceedings",
                "it will publish once `incident.proceedings` is no longer `live`"))
            continue
        visible_entries.append(entry)
    visible = {e.id for e in visible_entries}
    published = tuple(_publish(e, profile, visible, corpus.taxonomy, today)
                      for e in visible_entries)
    responses = tuple(r for r in (_publish_response(r, profile, visible)
                                  for r in corpus.responses) if r is not None)
    return ProfileView(name, profile, published, corpus.taxonomy, today, tuple(findings),
                       responses)
