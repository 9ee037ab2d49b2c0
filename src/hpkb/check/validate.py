"""Validate a content repository: schema, rules within entries, rules across entries.

Collects every finding; never stops at the first. Pure: reads files, writes nothing.
"""

from __future__ import annotations

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from hpkb.check.findings import Diagnostic, error, warning
from hpkb.check.rules import entry_findings
from hpkb.content.body import body_findings, find_references
from hpkb.content.conform import conform
from hpkb.content.files import (
    EntryFile,
    entry_digest,
    find_entry_files,
    parse_source,
    read_text,
    read_with_digest,
)
from hpkb.content.model import ID_PREFIX, KIND_FOLDERS, Corpus, Entry, Source, kind_of_id
from hpkb.content.responses import load_responses
from hpkb.content.schema import CLASSIFICATIONS, MODEL_BY_KIND, LearningMeta
from hpkb.content.settings import Settings, check_settings, load_settings, today_of
from hpkb.content.taxonomy import Taxonomy, load_taxonomy, unknown_owner, unknown_term
from hpkb.deaths.analyse import check_deaths
from hpkb.outputs.packs.definitions import PackDef, load_packs
from hpkb.outputs.site.overrides import overrides_findings
from hpkb.outputs.site.templates import template_links
from hpkb.reuse.kept import Read, Typed, typed_codec, typed_key
from hpkb.reuse.store import Reuse

__all__ = ["Validation", "check_entry_text", "validate_repo"]


@dataclass(frozen=True)
class Validation:
    """The outcome of validating a repository: settings, valid entries and all findings."""

    settings: Settings
    corpus: Corpus
    diagnostics: tuple[Diagnostic, ...]
    packs: tuple[PackDef, ...] = ()

    @property
    def has_errors(self) -> bool:
        return any(d.severity.value == "error" for d in self.diagnostics)


def _classification_hook(err: dict[str, Any], name: str, loc: tuple[str | int, ...]
                         ) -> Diagnostic | None:
    if loc == ("classification",) and err["type"] == "literal_error":
        value = str(err.get("input"))
        if value.upper().replace("_", " ").replace("-", " ") in ("SECRET", "TOP SECRET"):
            return error("", 0, 0, "HP110",
                         f"classification {value} is refused: hpkb holds OFFICIAL and "
                         "OFFICIAL-SENSITIVE material only",
                         "remove this file from the repository and handle it through "
                         "the proper secure channel")
        if value.upper() in CLASSIFICATIONS and value not in CLASSIFICATIONS:
            return error("", 0, 0, "HP104", f"`classification` must be written {value.upper()}",
                         "write the marking in capitals")
    return None


def _kind_mismatch(source: Source) -> Diagnostic | None:
    raw_id = source.front.get("id")
    kind = kind_of_id(raw_id) if isinstance(raw_id, str) else None
    if kind is None or kind == source.kind:
        return None
    line, column = source.where(("id",))
    return error(source.path, line, column, "HP202",
                 f"id `{raw_id}` is a {kind} id but the file is in {KIND_FOLDERS[source.kind]}/",
                 f"move the file to {KIND_FOLDERS[kind]}/, or give it a "
                 f"{ID_PREFIX[source.kind]}- id")


def _typed(source: Source, today: date) -> Typed:
    mismatch = _kind_mismatch(source)
    if mismatch is not None:  # checking it against the wrong kind's schema would only add noise
        return None, [mismatch, *body_findings(source.path, source.body, source.body_line)]
    meta, findings = conform(MODEL_BY_KIND[source.kind], source.front, source.path,
                             source.positions, _classification_hook)
    findings += body_findings(source.path, source.body, source.body_line)
    if meta is None:
        return None, findings
    return Entry(source, meta), findings + entry_findings(source, meta, today)


def _where(entry: Entry, path: tuple[str | int, ...]) -> tuple[str, int, int]:
    line, column = entry.source.where(path)
    return entry.source.path, line, column


def _vocabulary_findings(entry: Entry, taxonomy: Taxonomy) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    meta = entry.meta
    for index, theme in enumerate(meta.themes):
        if theme not in taxonomy.themes:
            message, hint = unknown_term("theme", theme, taxonomy.themes)
            findings.append(error(*_where(entry, ("themes", index)), "HP305", message, hint))
    for index, action in enumerate(getattr(meta, "actions", [])):
        if action.theme is not None and action.theme not in taxonomy.themes:
            message, hint = unknown_term("theme", action.theme, taxonomy.themes)
            findings.append(error(*_where(entry, ("actions", index, "theme")), "HP305",
                                  f"action {action.id}: {message}", hint))
        if taxonomy.owners is not None and action.owner not in taxonomy.owners:
            message, hint = unknown_owner(action.owner, taxonomy.owners)
            findings.append(error(*_where(entry, ("actions", index, "owner")), "HP309",
                                  f"action {action.id}: {message}", hint))
    for index, rec in enumerate(meta.recommendations):
        if rec not in taxonomy.recommendations:
            message, hint = unknown_term("recommendation", rec, taxonomy.recommendations)
            findings.append(error(*_where(entry, ("recommendations", index)), "HP306",
                                  message, hint))
    if meta.organisation not in taxonomy.organisations:
        message, hint = unknown_term("organisation", meta.organisation, taxonomy.organisations)
        findings.append(error(*_where(entry, ("organisation",)), "HP307", message, hint))
    return findings


def _id_hint(target: str, known: Iterable[str]) -> str:
    """Suggest ids of the same kind that differ by a typo, never a vaguely similar one."""
    import difflib

    same_kind = [k for k in known if k[:3] == target[:3]]
    close = difflib.get_close_matches(target, same_kind, n=2, cutoff=0.85)
    if close:
        return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    return "no entry has this id: check for a typo, or create the entry first"


def _reference_findings(entry: Entry, known: dict[str, str]) -> list[Diagnostic]:
    findings: list[Diagnostic] = []
    meta = entry.meta
    for index, target in enumerate(meta.related):
        if target == entry.id:
            findings.append(warning(*_where(entry, ("related", index)), "HP310",
                                    "entry lists itself as related", "remove its own id"))
        elif target not in known:
            findings.append(error(*_where(entry, ("related", index)), "HP302",
                                  f"related entry `{target}` does not exist",
                                  _id_hint(target, known)))
    if isinstance(meta, LearningMeta):
        for index, target in enumerate(meta.sources):
            if target not in known or kind_of_id(target) != "debrief":
                findings.append(error(*_where(entry, ("sources", index)), "HP303",
                                      f"source `{target}` is not a known debrief",
                                      _id_hint(target, known) if target.startswith("RD-")
                                      else "sources must be debrief ids (RD-…)"))
    for ref in find_references(entry.source.body, entry.source.body_line):
        if kind_of_id(ref.target) is not None and ref.target not in known:
            findings.append(error(entry.source.path, ref.line, ref.column, "HP304",
                                  f"reference [[{ref.target}]] names no entry",
                                  _id_hint(ref.target, known)))
    return findings


def check_entry_text(entry_file: EntryFile, text: str, taxonomy: Taxonomy, today: date,
                     known: Mapping[str, str]) -> list[Diagnostic]:
    """The findings `hpkb validate` makes on one entry file, for ``text`` (as `read_text`
    gives it) in place of what the file holds: its YAML, schema, rules within the entry,
    vocabulary and references (``known``: every entry id, to the file that has it).
    Checks across entries (duplicate ids, tag spellings, the publication guard) are not
    made: they need every file."""
    loaded = parse_source(entry_file, text)
    if isinstance(loaded, Diagnostic):
        return [loaded]
    entry, findings = _typed(loaded, today)
    if entry is not None:
        findings += _vocabulary_findings(entry, taxonomy)
        findings += _reference_findings(entry, dict(known))
    return findings


def _tag_key(tag: str) -> str:
    return re.sub(r"[^a-z0-9]", "", tag).removesuffix("s")


def _tag_findings(entries: Iterable[Entry]) -> list[Diagnostic]:
    uses: dict[str, dict[str, list[tuple[Entry, int]]]] = defaultdict(lambda: defaultdict(list))
    for entry in entries:
        for index, tag in enumerate(entry.meta.tags):
            uses[_tag_key(tag)][tag].append((entry, index))
    findings: list[Diagnostic] = []
    for spellings in uses.values():
        if len(spellings) < 2:
            continue
        common = max(spellings, key=lambda t: (len(spellings[t]), -len(t), t))
        for tag, places in spellings.items():
            if tag == common:
                continue
            for entry, index in places:
                findings.append(warning(*_where(entry, ("tags", index)), "HP308",
                                        f"tag `{tag}` is nearly the same as `{common}`",
                                        f"use `{common}` so the entries group together"))
    return findings


def _page_findings(root: Path) -> list[Diagnostic]:
    """Free pages (content/pages/*.md) are published on every site: same body rules."""
    findings: list[Diagnostic] = []
    folder = root / "content" / "pages"
    if not folder.is_dir():
        return findings
    for path in sorted(folder.glob("*.md")):
        rel = path.relative_to(root).as_posix()
        text = read_text(path, rel)
        if isinstance(text, Diagnostic):
            findings.append(text)
            continue
        findings += body_findings(rel, text, 1)
        findings += [error(rel, ref.line, ref.column, "HP304",
                           f"reference [[{ref.target}]]: free pages cannot link entries",
                           "free pages appear in every profile; link from an entry instead")
                     for ref in find_references(text, 1)]
    return findings


def _duplicate_findings(sources: Iterable[Source]) -> tuple[dict[str, str], list[Diagnostic]]:
    known: dict[str, str] = {}
    findings: list[Diagnostic] = []
    for source in sources:
        raw_id = source.front.get("id")
        if not isinstance(raw_id, str):
            continue
        if raw_id in known:
            line, column = source.where(("id",))
            findings.append(error(source.path, line, column, "HP301",
                                  f"id `{raw_id}` is already used by {known[raw_id]}",
                                  "run `hpkb new` for the next free id"))
            continue
        known[raw_id] = source.path
    return known, findings


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while loading: the loaded data are trees (no
    cycles), and repeated full collections over a growing heap cost more the more entries
    there are."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def validate_repo(root: Path, today: date | None = None, reuse: Reuse | None = None,
                  digests: Mapping[str, str] | None = None) -> Validation:
    """Load and check everything under ``root``: taxonomy, entries, cross-references.
    With ``reuse``, an entry file whose bytes are as before is neither parsed nor typed
    again (the checks across entries are all made again), and one whose bytes' digest is
    in ``digests`` (by path: what the build's fingerprint read) is not even read."""
    with _paused_gc():
        return _validate(root, today, reuse, digests or {})


def _read_and_typed(entry_file: EntryFile, today: date, reuse: Reuse | None,
                    digests: Mapping[str, str]) -> Read:
    """One entry file read and typed (its own checks made), or the finding that stopped
    it: from ``reuse`` when its bytes are as a build before read them."""
    digest = digests.get(entry_file.rel)
    read: tuple[str, str] | Diagnostic | None = None
    if digest is None or reuse is None:
        read = read_with_digest(entry_file.path, entry_file.rel)
        if isinstance(read, Diagnostic):
            return read
        digest = read[1]

    def made() -> Read:
        got = read if read is not None else read_with_digest(entry_file.path, entry_file.rel)
        if isinstance(got, Diagnostic):
            return got
        loaded = parse_source(entry_file, *got)
        if isinstance(loaded, Diagnostic):
            return loaded
        entry, findings = _typed(loaded, today)
        return loaded, entry, tuple(findings)

    if reuse is None:
        return made()
    key = entry_digest(entry_file.rel, entry_file.kind, digest)
    return reuse.get("typed", typed_key(key, today), made, typed_codec(entry_file, key))


def _read_all(root: Path, today: date, reuse: Reuse | None, digests: Mapping[str, str]
              ) -> tuple[list[Diagnostic], list[tuple[Source, Typed]]]:
    """Every entry file read and typed: (findings of files that could not be read, the
    others with their typing, in file order)."""
    files, findings = find_entry_files(root)
    typed: list[tuple[Source, Typed]] = []
    for entry_file in files:
        read = _read_and_typed(entry_file, today, reuse, digests)
        if isinstance(read, Diagnostic):
            findings.append(read)
        else:
            source, entry, own = read
            typed.append((source, (entry, list(own))))
    return findings, typed


def _validate(root: Path, as_of: date | None, reuse: Reuse | None,
              digests: Mapping[str, str]) -> Validation:
    settings, findings = load_settings(root)
    today = today_of(settings, as_of)
    taxonomy, taxonomy_findings = load_taxonomy(root)
    findings += taxonomy_findings
    findings += check_settings(settings, taxonomy.organisations)
    findings += overrides_findings(root) + template_links(root)
    findings += check_deaths(root, taxonomy.organisations, today)  # deaths/ (hpkb.deaths)
    unreadable, read = _read_all(root, today, reuse, digests)
    findings += unreadable
    known, duplicate_findings = _duplicate_findings(tuple(source for source, _ in read))
    findings += duplicate_findings
    duplicated = {(d.file) for d in duplicate_findings}
    entries: list[Entry] = []
    for source, (entry, entry_problems) in read:
        findings += entry_problems
        if entry is None:
            continue
        findings += _vocabulary_findings(entry, taxonomy)
        findings += _reference_findings(entry, known)
        if source.path not in duplicated:
            entries.append(entry)
    findings += _tag_findings(entries)
    findings += _page_findings(root)
    packs, pack_findings = load_packs(root, set(taxonomy.themes), set(taxonomy.recommendations),
                                      set(known))
    findings += pack_findings
    responses, response_findings = load_responses(root, taxonomy, known)
    findings += response_findings
    corpus = Corpus.of(tuple(entries), taxonomy, responses)
    return Validation(settings, corpus, tuple(findings), tuple(packs))
