"""Cross-references within one profile's view: backlinks and related entries.

Computed from the view only, so an entry the profile cannot see is never a backlink,
never related, and never named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from hpkb.content.body import find_references, is_entry_id
from hpkb.view.gate import ProfileView

__all__ = ["Links", "link"]


@dataclass(frozen=True)
class Links:
    """For each visible entry: who refers to it, and what it is related to."""

    referenced_by: dict[str, tuple[str, ...]]
    related: dict[str, tuple[str, ...]]

    def backlinks(self, entry_id: str) -> tuple[str, ...]:
        return self.referenced_by.get(entry_id, ())

    def related_to(self, entry_id: str) -> tuple[str, ...]:
        return self.related.get(entry_id, ())


def link(profile_view: ProfileView, similar: dict[str, list[str]] | None = None) -> Links:
    """Backlinks (inline references, `related`, `sources`), and related entries: the
    authors' `related` (both ways) first, then the most similar entries by content."""
    visible = {e.id for e in profile_view.entries}
    referrers: dict[str, set[str]] = defaultdict(set)
    related: dict[str, set[str]] = defaultdict(set)
    for entry in profile_view.entries:
        targets = {r.target for r in find_references(entry.body, 1) if is_entry_id(r.target)}
        targets.update(entry.meta.get("sources", []))
        for target in entry.meta.get("related", []):
            related[entry.id].add(target)
            related[target].add(entry.id)
            targets.add(target)
        for target in targets & visible - {entry.id}:
            referrers[target].add(entry.id)
    ordered: dict[str, tuple[str, ...]] = {}
    for entry in profile_view.entries:
        chosen = sorted(related.get(entry.id, set()) & visible - {entry.id})
        for other in (similar or {}).get(entry.id, []):
            if other in visible and other != entry.id and other not in chosen:
                chosen.append(other)
        if chosen:
            ordered[entry.id] = tuple(chosen)
    return Links({k: tuple(sorted(v)) for k, v in referrers.items()}, ordered)
