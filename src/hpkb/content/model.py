"""Plain frozen data shared by every stage: sources, entries, actions, the corpus."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from hpkb.content.strict_yaml import PositionsView

__all__ = [
    "ENTRY_KINDS",
    "ID_PREFIX",
    "KIND_FOLDERS",
    "Corpus",
    "Entry",
    "EntryKind",
    "Response",
    "Source",
    "kind_of_id",
]

EntryKind = Literal["debrief", "learning", "practice"]
ENTRY_KINDS: tuple[EntryKind, ...] = ("debrief", "learning", "practice")
KIND_FOLDERS: dict[EntryKind, str] = {
    "debrief": "debriefs",
    "learning": "content/learning",
    "practice": "practice",
}
ID_PREFIX: dict[EntryKind, str] = {"debrief": "RD", "learning": "LN", "practice": "PR"}
_KIND_BY_PREFIX: dict[str, EntryKind] = {prefix: kind for kind, prefix in ID_PREFIX.items()}


def kind_of_id(entry_id: str) -> EntryKind | None:
    """The entry kind an id's prefix names (``RD-2024-007`` is a debrief), if any."""
    local = entry_id.rpartition(":")[2]  # a global id's force prefix aside
    return _KIND_BY_PREFIX.get(local[:2]) if local[2:3] == "-" else None


@dataclass(frozen=True)
class Source:
    """One author file as read: front matter with positions, and the body."""

    path: str  # relative to the repo root, with forward slashes
    kind: EntryKind
    front: dict[str, Any]
    positions: PositionsView
    body: str
    body_line: int  # file line of the body's first line
    # A digest of the file's name, kind and bytes (`content.files.entry_digest`): all the rest
    # comes from them ("" when not known).
    digest: str = field(default="", compare=False, repr=False)

    def where(self, path: tuple[str | int, ...]) -> tuple[int, int]:
        """Line and column of a front-matter key or item, or of its nearest parent."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found is not None:
                return found
        return (1, 1)


@dataclass(frozen=True)
class Entry:
    """A valid entry: its source, its typed front matter, and its kind."""

    source: Source
    meta: Any  # the kind's pydantic model (schema.DebriefMeta, LearningMeta, PracticeMeta)

    @property
    def id(self) -> str:
        return str(self.meta.id)

    @property
    def kind(self) -> EntryKind:
        return self.source.kind


@dataclass(frozen=True)
class Response:
    """A valid recommendation response (content/responses/<recommendation-id>.md)."""

    path: str
    meta: Any  # schema.ResponseMeta
    body: str

    @property
    def recommendation(self) -> str:
        return str(self.meta.recommendation)


@dataclass(frozen=True)
class Corpus:
    """Every valid entry and the taxonomy, keyed for lookup; built once, read by all."""

    entries: tuple[Entry, ...]
    taxonomy: Any  # taxonomy.Taxonomy
    by_id: dict[str, Entry] = field(default_factory=dict)
    responses: tuple[Response, ...] = ()  # by recommendation id

    @staticmethod
    def of(entries: tuple[Entry, ...], taxonomy: Any,
           responses: tuple[Response, ...] = ()) -> Corpus:
        ordered = tuple(sorted(entries, key=lambda e: e.id))
        return Corpus(ordered, taxonomy, {e.id: e for e in ordered},
                      tuple(sorted(responses, key=lambda r: r.recommendation)))
