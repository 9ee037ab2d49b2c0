"""Open exports: every entry a profile may see as JSON, plus each kind's JSON Schema."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.content.model import ENTRY_KINDS, Corpus, EntryKind
from hpkb.content.schema import json_schema
from hpkb.content.settings import Settings
from hpkb.reuse.store import TEXT, Reuse, key_of
from hpkb.view.gate import ProfileView, PublishedEntry, view
from hpkb.write import (
    Rendered,
    json_text,
    json_text_at,
    own_directory,
    write_text,
)

__all__ = ["EXPORT_FORMAT", "SCHEMA_VERSION", "Provenance", "aggregate_figures",
           "export_document", "export_files", "global_id", "provenance_of", "source_commit",
           "suppress_small", "write_export", "write_files"]

EXPORT_FORMAT = "hpkb-export"
SCHEMA_VERSION = 1


# Keys of report figures that are not counts of people or events (never suppressed).
_NOT_COUNTS = {"target_days", "median_days", "population", "per_million", "from", "to",
               "as_of"}


def global_id(force: str | None, entry_id: str) -> str:
    """`essex-police:PR-2023-001`: an entry's id across every force (the hub's key)."""
    return f"{force}:{entry_id}" if force else entry_id


def _entry_record(entry: Any, force: str | None, licence: str, owner: str) -> dict[str, Any]:
    return {
        "global_id": global_id(force, entry.id),
        "id": entry.id,
        "kind": entry.kind,
        "region": entry.region,
        "stale": entry.stale,
        "hidden_sources": entry.hidden_sources,
        "licence": licence,
        "copyright": f"© {owner}",
        "meta": dict(entry.meta),
        "body": entry.body,
    }


def suppress_small(figures: Any, below: int, key: str = "") -> Any:
    """Counts from 1 to ``below``-1 become None (zero and larger counts stay)."""
    if isinstance(figures, dict):
        return {k: suppress_small(v, below, k) for k, v in figures.items()}
    if isinstance(figures, list):
        return [suppress_small(v, below, key) for v in figures]
    if isinstance(figures, int) and not isinstance(figures, bool) and key not in _NOT_COUNTS \
            and 0 < figures < below:
        return None
    return figures


def _taxonomy_used(profile_view: ProfileView) -> dict[str, list[dict[str, Any]]]:
    """The themes (with their parents), recommendations and organisations the entries use,
    so a hub can show them without the force's taxonomy files."""
    taxonomy = profile_view.taxonomy
    themes = {t for e in profile_view.entries for t in taxonomy.expand_themes(e.meta["themes"])}
    recs = {r for e in profile_view.entries for r in e.meta.get("recommendations", [])}
    orgs = {str(e.meta["organisation"]) for e in profile_view.entries}
    return {
        "themes": [taxonomy.themes[t].model_dump(mode="json") for t in sorted(themes)
                   if t in taxonomy.themes],
        "recommendations": [taxonomy.recommendations[r].model_dump(mode="json")
                            for r in sorted(recs) if r in taxonomy.recommendations],
        "organisations": [taxonomy.organisations[o].model_dump(mode="json")
                          for o in sorted(orgs) if o in taxonomy.organisations],
    }


@dataclass(frozen=True)
class Provenance:
    """Where an export comes from: the force, its site, the source commit, the as-of date
    of the build, the licence, and the report settings for its aggregate figures."""

    force: str | None
    name: str
    commit: str | None
    licence: str = "Open Government Licence v3.0"
    targets: tuple[int, int] = (14, 30)
    population: int | None = None
    small_numbers: int = 5
    # The force's own figures (`aggregate_figures` of its internal view) and that view's
    # profile name; None: the exported profile's figures are given instead.
    aggregates: Mapping[str, Any] | None = None
    aggregates_profile: str | None = None


def aggregate_figures(profile_view: ProfileView, targets: tuple[int, int],
                      population: int | None) -> dict[str, Any]:
    """The counts an export may carry from a view: `hpkb report --json` with no period,
    without anything that names an entry (ids, titles), an agency or a month."""
    from hpkb.governance.report import period_report

    figures = period_report(profile_view, start=None, end=None, as_of=profile_view.today,
                            targets=targets, population=population)
    missed = figures["missed_opportunities"]
    return {
        "period": figures["period"],
        "position": {k: v for k, v in figures["position"].items() if k != "recent_debriefs"},
        "debriefs": figures["debriefs"],
        "actions": figures["actions"],
        "timeliness": figures["timeliness"],
        "problem_profile": {"last_12_months": figures["problem_profile"]["last_12_months"]},
        "missed_opportunities": {k: missed[k] for k in ("count", "debriefs", "by_kind",
                                                        "answered", "by_theme")},
        "responses": figures["responses"],
    }


def provenance_of(settings: Settings, commit: str | None, corpus: Corpus | None = None,
                  today: date | None = None) -> Provenance:
    """The provenance a repo's settings give its exports; with ``corpus``, the force's
    aggregate figures from its first personal (internal) profile, as of ``today``."""
    hpkb = settings.hpkb
    targets = (hpkb.timeliness.initial_review_days, hpkb.timeliness.report_days)
    internal = next(((name, p) for name, p in hpkb.profiles.items() if p.personal), None)
    figures = None
    if corpus is not None and internal is not None:
        figures = aggregate_figures(view(corpus, internal[0], internal[1], today=today),
                                    targets, hpkb.population)
    return Provenance(hpkb.organisation, settings.site_name, commit, hpkb.licence, targets,
                      hpkb.population, hpkb.small_numbers, figures,
                      internal[0] if figures is not None and internal else None)


def source_commit(root: Path) -> str | None:
    """The content repo's current commit, or None outside git."""
    import subprocess

    try:
        done = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"],
                              capture_output=True, text=True, timeout=10, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    commit = done.stdout.strip()
    return commit if len(commit) == 40 else None


def _owner(profile_view: ProfileView, provenance: Provenance) -> str:
    force = profile_view.taxonomy.organisations.get(provenance.force or "")
    return force.name if force is not None else provenance.name


def export_document(profile_view: ProfileView, provenance: Provenance,
                    entries: list[Any] | None = None) -> dict[str, Any]:
    """The export (format v1) as one JSON-ready document (entries in id order; their
    records, or ``entries`` in their place)."""
    owner = _owner(profile_view, provenance)
    aggregates = provenance.aggregates
    if aggregates is None:
        aggregates = aggregate_figures(profile_view, provenance.targets, provenance.population)
    return {
        "format": EXPORT_FORMAT,
        "schema_version": SCHEMA_VERSION,
        "profile": profile_view.name,
        "profile_ceiling": {"max_classification": profile_view.profile.max_classification,
                            "audiences": list(profile_view.profile.audiences),
                            "personal": profile_view.profile.personal},
        "organisation": provenance.force,
        "source": {"force": provenance.force, "name": provenance.name,
                   "commit": provenance.commit, "built": profile_view.today.isoformat()},
        "licence": provenance.licence,
        "taxonomy": _taxonomy_used(profile_view),
        "aggregates": {"suppressed_below": provenance.small_numbers,
                       "profile": provenance.aggregates_profile or profile_view.name,
                       "as_of": profile_view.today.isoformat(),
                       "figures": suppress_small(aggregates, provenance.small_numbers)},
        "entries": entries if entries is not None else
        [_entry_record(e, provenance.force, provenance.licence, owner)
         for e in profile_view.entries],
    }


def export_files(profile_view: ProfileView, provenance: Provenance,
                 reuse: Reuse | None = None) -> dict[str, str]:
    """The export's files by their path in its folder (entries.json, then
    schemas/<kind>.schema.json), made once: the site's downloads hold the same. With
    ``reuse``, each entry's record and the schemas are taken as a build before made them
    when their inputs are the same (`_entry_texts`, `_schema_texts`)."""
    files = {"entries.json": json_text(export_document(
        profile_view, provenance, _entry_texts(profile_view, provenance, reuse)))}
    files.update(_schema_texts(reuse))
    return files


# Where entries.json's entry records start their lines: in a list, in the document.
_ENTRY_NEWLINE = "\n    "


def _entry_texts(profile_view: ProfileView, provenance: Provenance, reuse: Reuse | None
                 ) -> list[Rendered]:
    """Each entry's record as entries.json holds it. An entry published as it was (its
    `PublishedEntry.digest`), under the same licence and owner, gives the same text:
    kept on the "export-entries" shelf, and made again only for the others (an edit's
    build need not make every record's text)."""
    owner = _owner(profile_view, provenance)
    terms = key_of(provenance.force, provenance.licence, owner, _ENTRY_NEWLINE)

    def made(entry: PublishedEntry) -> str:
        return json_text_at(_entry_record(entry, provenance.force, provenance.licence, owner),
                            _ENTRY_NEWLINE)

    return [Rendered(made(entry) if reuse is None else reuse.get(
        "export-entries", f"{entry.digest} {terms}", functools.partial(made, entry), TEXT))
        for entry in profile_view.entries]


def _schema_texts(reuse: Reuse | None) -> dict[str, str]:
    """The schema files' texts. They change only with hpkb's code (the seed of every
    shelf): kept, rather than made by Pydantic in every build."""
    names = {kind: f"schemas/{kind}.schema.json" for kind in ENTRY_KINDS}

    def made(kind: EntryKind) -> str:
        return json_text(json_schema(kind))

    return {name: made(kind) if reuse is None else
            reuse.get("export-schemas", kind, functools.partial(made, kind), TEXT)
            for kind, name in names.items()}


def write_files(files: Mapping[str, str], out: Path) -> list[Path]:
    """Write ``files`` (path in ``out`` → text) into ``out``; return them."""
    for rel, text in files.items():
        write_text(out / rel, text)
    return [out / rel for rel in files]


def write_export(profile_view: ProfileView, provenance: Provenance, out: Path,
                 files: Mapping[str, str] | None = None) -> list[Path]:
    """Write entries.json and schemas/<kind>.schema.json into ``out`` (``files``, when
    `export_files` made them already); return the files."""
    own_directory(out)
    return write_files(files if files is not None else export_files(profile_view, provenance),
                       out)
