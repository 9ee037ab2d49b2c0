"""The national hub: many forces' shared exports in one site, search index and packs.

Each force runs hpkb on its own repo and publishes `build/shared/export/`. The hub reads
only those exports, never a force's sources, and checks each one again (defence in
depth): format and schema version, shape, a declared profile that agrees with its limits
and nothing above the shared profile in it. A problem in one source skips that source or
entry with a finding that names the force and entry; it never silently drops another
force's entries. Then the publication guard runs over everything the hub would publish,
as in a force's build: personal data or a name from the hub's names register refuses the
whole hub (a shared export holds them only when it was changed after its force's guard).

Stages: read → check → merge (newest version of each global id; near-identical entries
from different forces listed, never merged) → the hub's view → the guard → the same
site, search, packs and export stages as a force's build (the output guard looking for
the register's names), with hub pages for the national problem profile and the
similarity report.
"""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from hpkb.check.findings import Diagnostic, HpkbError, error, fails, warning
from hpkb.content.body import REFERENCE, is_entry_id
from hpkb.content.model import ENTRY_KINDS, Corpus, Entry, Source, kind_of_id
from hpkb.content.schema import MODEL_BY_KIND, DebriefMeta, Subject
from hpkb.content.settings import HpkbSettings, Profile, Settings
from hpkb.content.taxonomy import Organisation, Recommendation, Taxonomy, Theme
from hpkb.guard.personal_data import with_article
from hpkb.guard.publication import DECLARED_CONTACT, TextScan, guarded_names
from hpkb.outputs.export import EXPORT_FORMAT, SCHEMA_VERSION, Provenance
from hpkb.outputs.site.markdown_text import escape_md
from hpkb.view.gate import PERSONAL_FIELDS, ProfileView, PublishedEntry

__all__ = ["HubReport", "HubRequest", "HubSource", "build_hub", "guard_published",
           "read_lines", "read_sources", "register_corpus", "similar_pairs"]

HUB_PROFILE = Profile(audiences=["shared", "public"], max_classification="OFFICIAL",
                      marking="OFFICIAL")
MAX_EXPORT_BYTES = 256 * 2**20
_FORCE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_ALLOWED_MARKINGS = {"OFFICIAL"}  # the shared profile's ceiling; nothing above it


@dataclass(frozen=True)
class HubSource:
    """One force's export as read and checked."""

    path: str  # as given on the command line
    force: str
    name: str
    built: str
    commit: str | None
    entries: tuple[dict[str, Any], ...]
    taxonomy: Mapping[str, list[dict[str, Any]]]
    aggregates: Mapping[str, Any]


@dataclass(frozen=True)
class HubRequest:
    root: Path
    sources: tuple[Path, ...]
    out: Path | None = None
    strict: bool = False
    today: date | None = None
    site_name: str = "National homicide prevention hub"
    names: tuple[str, ...] = ()  # the names register: names the hub never publishes
    allow: tuple[str, ...] = ()  # reviewed phrases the hub's guard lets through


@dataclass(frozen=True)
class HubReport:
    diagnostics: tuple[Diagnostic, ...]
    output: Path | None = None
    entries: int = 0
    forces: tuple[str, ...] = ()
    similar: tuple[tuple[str, str, float], ...] = field(default_factory=tuple)

    @property
    def built(self) -> bool:
        return self.output is not None


# --- read ------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes | str:
    """The bytes of a source's entries.json (export folder, build folder, the file itself,
    or a .zip / .tar.gz archive holding it), or a message saying why not."""
    found = _find_export(path)
    if isinstance(found, str):
        return found
    size, read = found
    return "entries.json is larger than 256 MiB" if size > MAX_EXPORT_BYTES else read()


def _find_export(path: Path) -> tuple[int, Callable[[], bytes]] | str:
    """Where a source's entries.json is: its size and how to read it (read only once
    the size is known to be within the limit), or a message saying why not."""
    if path.is_dir():
        for candidate in (path / "entries.json", path / "export" / "entries.json"):
            if candidate.is_file() and not candidate.is_symlink():
                return candidate.stat().st_size, candidate.read_bytes
        return "no entries.json in this folder (give an export folder or an archive)"
    if not path.is_file():
        return "no such file or folder"
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                infos = [i for i in archive.infolist() if i.filename.endswith("entries.json")]
                if not infos:
                    return "the archive holds no entries.json"
                info = min(infos, key=lambda i: i.filename.count("/"))
                data = archive.read(info) if info.file_size <= MAX_EXPORT_BYTES else b""
                return info.file_size, lambda: data
        if tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                members = [m for m in archive.getmembers()
                           if m.isfile() and m.name.endswith("entries.json")]
                if not members:
                    return "the archive holds no entries.json"
                member = min(members, key=lambda m: m.name.count("/"))
                handle = archive.extractfile(member) if member.size <= MAX_EXPORT_BYTES \
                    else None
                data = handle.read() if handle is not None else b""
                return member.size, lambda: data
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        return f"unreadable archive: {exc}"
    if path.name.endswith(".json"):
        return path.stat().st_size, path.read_bytes
    return "not an export folder, entries.json, .zip or .tar.gz"


def _problem(where: str, message: str, hint: str, *, skip_all: bool = False) -> Diagnostic:
    # A warning, so one bad source never stops the others reaching the hub; every skip
    # is said, and --strict turns any of them into a refusal.
    return warning(where, 1, 1, "HP901" if skip_all else "HP902", message, hint)


def _check_entry(record: Any, force: str) -> str | None:
    """Why an exported entry cannot go into the hub, or None when it can."""
    if not isinstance(record, dict):
        return "is not an object"
    entry_id = record.get("id")
    if not isinstance(entry_id, str) or not is_entry_id(entry_id) or ":" in entry_id:
        return "has no valid `id`"
    if record.get("global_id") != f"{force}:{entry_id}":
        return f"has global id {record.get('global_id')!r}, expected `{force}:{entry_id}`"
    kind = record.get("kind")
    if kind not in ENTRY_KINDS or kind_of_id(entry_id) != kind:
        return f"has kind {kind!r}, which does not match its id"
    meta = record.get("meta")
    if not isinstance(meta, dict) or not isinstance(record.get("body"), str):
        return "has no `meta` object or no `body` text"
    leaked = [name for name in PERSONAL_FIELDS if name in meta]
    if leaked:
        return f"carries personal fields ({', '.join(leaked)}), which never leave a force"
    if meta.get("classification") not in _ALLOWED_MARKINGS or \
            meta.get("audience") not in HUB_PROFILE.audiences:
        return (f"is marked {meta.get('classification')!r} for {meta.get('audience')!r}: "
                "above what a shared export may hold")
    try:
        MODEL_BY_KIND[kind].model_validate(meta, strict=False)
    except ValidationError as exc:
        first = exc.errors()[0]
        at = ".".join(str(p) for p in first["loc"])
        return f"has an invalid `{at}`: {first['msg']}"
    if meta.get("id") != entry_id:
        return "has a `meta.id` different from its id"
    return None


# The profiles every force has unless it redefines them: an export that calls itself
# by one of these names must carry that profile's limits.
_STANDARD_PROFILES = HpkbSettings().profiles


def _limits(audiences: Iterable[str], classification: str, personal: bool) -> str:
    return (f"audiences {', '.join(sorted(set(audiences)))}, up to {classification}, "
            f"{'with' if personal else 'without'} personal details")


def _profile_problem(name: Any, ceiling: Any) -> str | None:
    """Why an export's declared profile keeps it out of the hub (completing "<force> …"),
    or None. Its limits (`profile_ceiling`) must allow no more than the shared profile,
    and a standard profile's name (in any case) must come with that profile's limits: a
    name and limits that disagree say the export is not what it claims to be."""
    if not isinstance(name, str) or not name.strip():
        return "declares no profile (`profile`)"
    audiences = ceiling.get("audiences") if isinstance(ceiling, dict) else None
    classification = ceiling.get("max_classification") if isinstance(ceiling, dict) else None
    personal = ceiling.get("personal") if isinstance(ceiling, dict) else None
    if not isinstance(audiences, list) or not audiences or \
            not all(isinstance(a, str) for a in audiences) or \
            not isinstance(classification, str) or not isinstance(personal, bool):
        return (f"exported its `{name}` profile without readable limits (`profile_ceiling`: "
                "audiences, max_classification, personal)")
    wider = ([f"an audience `{a}`" for a in sorted(set(audiences) - set(HUB_PROFILE.audiences))]
             + ([f"up to {classification}"] if classification not in _ALLOWED_MARKINGS else [])
             + (["personal details"] if personal else []))
    if wider:
        return (f"exported its `{name}` profile, which allows more than the shared profile: "
                f"{', '.join(wider)}")
    standard = _STANDARD_PROFILES.get(name.strip().casefold())
    if standard is not None and (set(audiences) != set(standard.audiences) or
                                 classification != standard.max_classification or
                                 personal != standard.personal):
        declared = _limits(audiences, classification, personal)
        expected = _limits(standard.audiences, standard.max_classification, standard.personal)
        return (f"exported a profile it calls `{name}` whose limits are not that profile's "
                f"({declared}; `{name.strip().casefold()}` is {expected}): changed after "
                "hpkb wrote it, or a profile redefined under a standard name")
    return None


def read_sources(paths: Iterable[Path]) -> tuple[list[HubSource], list[Diagnostic]]:
    """Read and check every source; a bad source or entry is skipped with a finding."""
    sources: list[HubSource] = []
    findings: list[Diagnostic] = []
    for path in paths:
        where = str(path)
        raw = _read_bytes(path)
        if isinstance(raw, str):
            findings.append(_problem(where, f"source skipped: {raw}",
                                     "give the force's build/shared/export folder",
                                     skip_all=True))
            continue
        try:
            document = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            findings.append(_problem(where, f"source skipped: entries.json is not JSON ({exc})",
                                     "export it again with `hpkb export --profile shared`",
                                     skip_all=True))
            continue
        source = _check_source(where, document, findings)
        if source is not None:
            sources.append(source)
    return sources, findings


def _check_source(where: str, document: Any, findings: list[Diagnostic]) -> HubSource | None:
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        findings.append(_problem(where, "source skipped: not an hpkb export",
                                 "give the force's build/shared/export folder", skip_all=True))
        return None
    if document.get("schema_version") != SCHEMA_VERSION:
        findings.append(_problem(
            where, f"source skipped: export schema version {document.get('schema_version')!r}"
            f" (this hub reads version {SCHEMA_VERSION})",
            "ask the force to export with a matching hpkb version", skip_all=True))
        return None
    origin = document.get("source")
    force = origin.get("force") if isinstance(origin, dict) else None
    if not isinstance(force, str) or not _FORCE.match(force):
        findings.append(_problem(where, "source skipped: the export names no force",
                                 "set `extra: hpkb: organisation:` in the force's mkdocs.yml",
                                 skip_all=True))
        return None
    wrong = _profile_problem(document.get("profile"), document.get("profile_ceiling"))
    if wrong is not None:
        findings.append(_problem(where, f"source skipped: {force} {wrong}",
                                 "export the standard shared profile again (hpkb export "
                                 "--profile shared) and send the export as hpkb wrote it",
                                 skip_all=True))
        return None
    entries = document.get("entries")
    if not isinstance(entries, list):
        findings.append(_problem(where, f"source skipped: {force}'s export has no entry list",
                                 "export it again", skip_all=True))
        return None
    kept: list[dict[str, Any]] = []
    for index, record in enumerate(entries):
        why = _check_entry(record, force)
        if why is None:
            kept.append(record)
            continue
        name = record.get("id") if isinstance(record, dict) else None
        findings.append(_problem(where, f"{force}, entry {name or f'#{index + 1}'}: skipped: "
                                 f"it {why}", "fix it in the force's repo and export again"))
    taxonomy = document.get("taxonomy") if isinstance(document.get("taxonomy"), dict) else {}
    aggregates = document.get("aggregates") if isinstance(document.get("aggregates"),
                                                          dict) else {}
    assert isinstance(origin, dict)
    return HubSource(where, force, str(origin.get("name") or force),
                     str(origin.get("built") or ""), origin.get("commit"), tuple(kept),
                     taxonomy or {}, aggregates or {})


# --- merge -----------------------------------------------------------------------------

def _newest(sources: list[HubSource], findings: list[Diagnostic]
            ) -> dict[str, tuple[HubSource, dict[str, Any]]]:
    """Each global id once: the version from the newest build (then the newest update,
    then the later source on the command line)."""
    chosen: dict[str, tuple[tuple[str, str, int], HubSource, dict[str, Any]]] = {}
    for order, source in enumerate(sources):
        for record in source.entries:
            key = record["global_id"]
            candidate = ((source.built, str(record["meta"].get("updated", "")), order),
                         source, record)
            if key in chosen:
                older, newer = sorted([chosen[key], candidate], key=lambda c: c[0])
                findings.append(warning(
                    older[1].path, 1, 1, "HP903",
                    f"{key} is in two exports: kept the one built {newer[0][0]} "
                    f"({newer[1].path}), not the one built {older[0][0]}",
                    "a force's newer export replaces its older one; drop the old source"))
                candidate = newer
            chosen[key] = candidate
    return {key: (source, record) for key, (_, source, record) in chosen.items()}


def _globalise(text: str, force: str, known: set[str]) -> str:
    """[[ID]] of the same force → [[force:ID]]; a reference the hub cannot show becomes
    its plain text."""
    def swap(match: re.Match[str]) -> str:
        target, label = match.group(1).strip(), match.group(2)
        if not is_entry_id(target):
            return match.group(0)
        full = target if ":" in target else f"{force}:{target}"
        if full not in known:
            return escape_md(label or target)
        return f"[[{full}|{label}]]" if label else f"[[{full}]]"
    return REFERENCE.sub(swap, text)


def _published(source: HubSource, record: dict[str, Any], known: set[str],
               taxonomy: Taxonomy) -> PublishedEntry:
    meta = dict(record["meta"])
    force = source.force
    full = record["global_id"]
    meta["id"] = full
    for name in ("related", "sources"):
        if isinstance(meta.get(name), list):
            meta[name] = [g for g in (f"{force}:{i}" for i in meta[name]) if g in known]
    return PublishedEntry(full, record["kind"], f"{source.path}#{record['id']}", meta,
                          _globalise(record["body"], force, known),
                          record.get("region") or taxonomy.region_of(str(meta["organisation"])),
                          bool(record.get("stale")), int(record.get("hidden_sources") or 0),
                          source=force)


def _taxonomy(sources: list[HubSource], findings: list[Diagnostic]) -> Taxonomy:
    """The union of the sources' vocabularies (the first definition of an id wins)."""
    parts: dict[str, dict[str, Any]] = {"themes": {}, "recommendations": {},
                                        "organisations": {}}
    models: dict[str, type[BaseModel]] = {"themes": Theme, "recommendations": Recommendation,
                                          "organisations": Organisation}
    for source in sources:
        for part, model in models.items():
            for raw in source.taxonomy.get(part, []) or []:
                try:
                    item = model.model_validate(raw, strict=False)
                except ValidationError:
                    findings.append(warning(source.path, 1, 1, "HP904",
                                            f"{source.force}: a {part[:-1]} in the export's "
                                            "taxonomy is malformed and was left out",
                                            "export again with a current hpkb"))
                    continue
                item_id = str(getattr(item, "id"))  # noqa: B009 - every taxonomy model has one
                known = parts[part].get(item_id)
                if known is not None and known != item:
                    findings.append(warning(
                        source.path, 1, 1, "HP904",
                        f"{source.force} defines {part[:-1]} `{item_id}` differently from "
                        "an earlier source; the earlier definition is used",
                        "forces share the framework taxonomy; align the definitions"))
                    continue
                parts[part][item_id] = item
    return Taxonomy(parts["themes"], parts["recommendations"], parts["organisations"])


# --- near-identical entries ------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")


def _shingles(entry: PublishedEntry, size: int = 3) -> set[str]:
    words = _WORD.findall(f"{entry.title} {entry.meta.get('summary', '')} {entry.body}"
                          .lower())
    return {" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))}


def similar_pairs(entries: Iterable[PublishedEntry], threshold: float = 0.6
                  ) -> list[tuple[str, str, float]]:
    """Pairs of entries from different forces whose text is nearly the same (Jaccard
    similarity of word 3-grams ≥ ``threshold``), most similar first. Candidates come
    from shared uncommon 3-grams, so the cost stays near-linear."""
    listed = [e for e in entries]
    sets = {e.id: _shingles(e) for e in listed}
    force = {e.id: e.source for e in listed}
    postings: dict[str, list[str]] = defaultdict(list)
    for entry_id, grams in sets.items():
        for gram in grams:
            postings[gram].append(entry_id)
    common = max(20, len(listed) // 20)
    shared: Counter[tuple[str, str]] = Counter()
    for ids in postings.values():
        if len(ids) > common:
            continue
        for i, first in enumerate(ids):
            for second in ids[i + 1:]:
                if force[first] != force[second]:
                    shared[(min(first, second), max(first, second))] += 1
    pairs = []
    for (first, second), count in shared.items():
        union = len(sets[first] | sets[second])
        if union and count / union >= threshold * 0.5:  # cheap bound before the exact one
            score = len(sets[first] & sets[second]) / union
            if score >= threshold:
                pairs.append((first, second, round(score, 3)))
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))


# --- the publication guard -------------------------------------------------------------

def read_lines(paths: Iterable[Path]) -> tuple[str, ...]:
    """The lines of ``paths`` (a --names register or an --allow list: UTF-8 text, one
    name or phrase a line), without blank lines and `#` comments; HpkbError when a file
    cannot be read, since the hub cannot guard what it was not told."""
    lines: list[str] = []
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise HpkbError(f"cannot read {path}: {exc}") from None
        lines += [line for raw in text.splitlines()
                  if (line := " ".join(raw.split())) and not line.startswith("#")]
    return tuple(lines)


def register_corpus(names: Iterable[str], taxonomy: Taxonomy) -> Corpus:
    """The names register as the guard takes names (`subject_names`): the subjects of a
    debrief, in a corpus of nothing else. The guard reads only that debrief's subjects,
    id and title, so the rest of a debrief is left unset; its id and title are empty, so
    there is no hidden entry to look for (the guard looks for no empty text)."""
    subjects = [Subject.model_construct(role="other", name=name) for name in names]
    if not subjects:
        return Corpus.of((), taxonomy)
    meta = DebriefMeta.model_construct(  # type: ignore[call-arg]  # see above
        id="", title="", subjects=subjects)
    return Corpus.of((Entry(Source("names register", "debrief", {}, {}, "", 1), meta),),
                     taxonomy)


def _strings(value: Any, path: str, *, keys: bool = False) -> Iterable[tuple[str, str]]:
    """Every text in a JSON value, with where it is (`meta.actions[0].text`); with
    ``keys``, the keys of its objects too, where a page shows them (the financial years
    of a force's figures)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if keys:
                yield f"{path} (a key)", str(key)
            yield from _strings(item, f"{path}.{key}", keys=keys)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, f"{path}[{index}]", keys=keys)


def _published_texts(sources: list[HubSource], view: ProfileView
                     ) -> Iterable[tuple[HubSource, str, str, str]]:
    """(source, what, field, text) for every text the hub would publish from a source:
    each entry's fields and body (a line at a time), the taxonomy items it is the first
    to define, its figures and its build date."""
    by_force = {s.force: s for s in sources}
    for entry in view.entries:
        source = by_force[str(entry.source)]
        what = f"entry {entry.id.split(':', 1)[1]}"
        for field_name, text in _strings(dict(entry.meta), "meta"):
            yield source, what, field_name, text
        if entry.region:
            yield source, what, "region", entry.region
        for number, line in enumerate(entry.body.splitlines(), 1):
            yield source, what, f"body line {number}", line
    parts: dict[str, Mapping[str, BaseModel]] = {"themes": view.taxonomy.themes,
                                                 "recommendations": view.taxonomy.recommendations,
                                                 "organisations": view.taxonomy.organisations}
    for part, items in parts.items():
        for item_id, item in items.items():
            first = next((s for s in sources if any(
                isinstance(raw, dict) and raw.get("id") == item_id
                for raw in s.taxonomy.get(part, []) or [])), sources[0])
            for field_name, text in _strings(item.model_dump(mode="json"), "taxonomy"):
                yield first, f"{part[:-1]} `{item_id}`", field_name, text
    for source in sources:
        yield source, "figures", "source.built", source.built
        for field_name, text in _strings(dict(source.aggregates), "aggregates", keys=True):
            yield source, "figures", field_name, text


def guard_published(sources: list[HubSource], view: ProfileView, names: Iterable[str] = (),
                    allow: Iterable[str] = ()) -> list[Diagnostic]:
    """A force's source guard, run by the hub over every text it would publish: a name in
    the names register (as the guard matches a debrief subject's: full name or surname,
    any case, hyphens and apostrophes any way) is an HP601 error, personal data by the
    owned rules an HP602 error, unless the hit lies inside an allowed phrase. Errors
    refuse the whole hub: a shared export holds such text only when it was changed
    after its force's guard passed it, and nothing else in it can then be trusted."""
    scanner = TextScan(guarded_names(names), allow=allow)
    findings: list[Diagnostic] = []
    for source, what, where, text in _published_texts(sources, view):
        # A practice's published contact address is meant to be public.
        path = tuple(where.removeprefix("meta.").split("."))
        for placed in scanner.hits(text, skip=DECLARED_CONTACT.get(path, frozenset())):
            at = f"{source.force}, {what}, {where}"
            if placed.hit.rule == "subject name":
                findings.append(error(
                    source.path, 1, 1, "HP601",
                    f"{at}: the hub would publish `{placed.written}`, a name in its names "
                    "register",
                    "the force removes the name and exports again: people are named only in "
                    "a debrief's `subjects`, which never leave the force"))
            else:
                findings.append(error(
                    source.path, 1, 1, "HP602",
                    f"{at}: the hub would publish what looks like "
                    f"{with_article(placed.hit.rule)}: `{placed.written}`",
                    "the force removes or generalises it and exports again; if it is not "
                    "personal data, add the exact phrase to the hub's --allow file after "
                    "review"))
    return findings


# --- hub pages -------------------------------------------------------------------------

def _figure(value: Any, below: int) -> str:
    return f"fewer than {below}" if value is None else str(value)


def _total(values: list[Any], below: int) -> str:
    """The sum of the forces' counts; a withheld count (None) is at least 1."""
    known = sum(v for v in values if isinstance(v, int))
    withheld = sum(1 for v in values if v is None)
    return f"at least {known + withheld}" if withheld else str(known)


def _included(sources: list[HubSource], name: dict[str, str]) -> list[str]:
    """Which forces' figures the page adds up, from which profile, and as of when."""
    included, missing = [], []
    for source in sorted(sources, key=lambda s: s.force):
        label = escape_md(name.get(source.force, source.force))
        if not source.aggregates.get("figures"):
            missing.append(label)
            continue
        profile = source.aggregates.get("profile")
        as_of = source.aggregates.get("as_of") or source.built
        included.append(f"{label} (as of {escape_md(as_of)}"
                        + (", from its internal figures" if profile == "internal" else
                           f", from its {escape_md(profile)} profile" if profile else "")
                        + ")")
    lines = ["Figures included: " + ("; ".join(included) or "none") + "."]
    if missing:
        lines.append("Not included (their exports carry no figures): "
                     + ", ".join(missing) + ".")
    return lines


def national_profile_page(sources: list[HubSource], taxonomy: Taxonomy) -> str:
    """The national problem profile from each force's aggregate figures (counts from the
    force's own internal view, small numbers withheld by the force)."""
    rows: list[tuple[str, dict[str, Any], int]] = []
    for source in sorted(sources, key=lambda s: s.force):
        figures = source.aggregates.get("figures") or {}
        below = int(source.aggregates.get("suppressed_below") or 5)
        rows.append((source.force, figures, below))
    name = {o.id: o.name for o in taxonomy.organisations.values()}
    lines = ["# National problem profile", "",
             "Each force's figures, as its export gives them: counts from the force's own "
             "records (its internal view, not only what it shares), so they include debriefs "
             "no other force can read. Small counts are withheld by the force (shown as "
             "*fewer than N*, N being the force's threshold, usually 5); a total that "
             "includes a withheld count says *at least*, counting each withheld one as 1.",
             "", *_included(sources, name), ""]
    # Two narrow tables rather than one wide one: a table wider than the page scrolls,
    # and a scrolling region must be reachable by keyboard.
    debrief_keys = ("debriefs", "homicide", "near-miss")
    action_keys = ("raised", "completed", "open", "overdue")
    columns: dict[str, list[Any]] = defaultdict(list)
    debrief_rows: list[str] = []
    action_rows: list[str] = []
    for force, figures, below in rows:
        if not figures:
            continue
        debriefs = figures.get("debriefs") or {}
        actions = figures.get("actions") or {}
        values = {"debriefs": debriefs.get("count"),
                  "homicide": (debriefs.get("by_category") or {}).get("homicide"),
                  "near-miss": (debriefs.get("by_category") or {}).get("near-miss"),
                  **{key: actions.get(key) for key in action_keys}}
        for key, value in values.items():
            columns[key].append(value)
        as_of = next((str(s.aggregates.get("as_of") or s.built) for s in sources
                      if s.force == force), "")
        label = escape_md(name.get(force, force))
        debrief_rows.append(f"| {label} | " + " | ".join(
            _figure(values[k], below) for k in debrief_keys) + f" | {escape_md(as_of)} |")
        action_rows.append(f"| {label} | " + " | ".join(
            _figure(values[k], below) for k in action_keys) + " |")
    lines += ["## Debriefs by force", "",
              "| Force | Debriefs | Homicides | Near misses | Figures as of |",
              "|---|---|---|---|---|", *debrief_rows,
              "| **All forces** | " + " | ".join(f"**{_total(columns[k], 5)}**"
                                             for k in debrief_keys) + " | |",
              "", "## Actions by force", "",
              "Actions raised to date and where they stand (open includes in progress).", "",
              "| Force | Raised | Completed | Open | Overdue |", "|---|---|---|---|---|",
              *action_rows,
              "| **All forces** | " + " | ".join(f"**{_total(columns[k], 5)}**"
                                             for k in action_keys) + " |"]
    years: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for _, figures, _ in rows:
        for year, counts in ((figures.get("debriefs") or {}).get("by_financial_year")
                             or {}).items():
            for category, value in counts.items():
                years[year][category].append(value)
    if years:
        lines += ["", "## Debriefs by financial year, all forces", "",
                  "| Financial year | Homicides | Near misses |", "|---|---|---|"]
        for year in sorted(years):
            lines.append(f"| {escape_md(year)} | {_total(years[year]['homicide'], 5)} | "
                         f"{_total(years[year]['near-miss'], 5)} |")
    return "\n".join(lines) + "\n"


def similarity_page(pairs: list[tuple[str, str, float]]) -> str:
    lines = ["# Possible duplicates", "",
             "Entries from different forces whose text is nearly the same. The hub never "
             "merges them: an editor reviews each pair with the forces.", ""]
    if not pairs:
        return "\n".join([*lines, "No near-identical entries across forces."]) + "\n"
    lines += ["| Entry | Entry | Similarity |", "|---|---|---|"]
    for first, second, score in pairs:
        lines.append(f"| [[{first}]] | [[{second}]] | {round(score * 100)}% |")
    return "\n".join(lines) + "\n"


# --- build -----------------------------------------------------------------------------

def _home(sources: list[HubSource], view: ProfileView) -> str:
    names = {o.id: o.name for o in view.taxonomy.organisations.values()}
    forces = ", ".join(escape_md(names.get(s.force, s.force))
                       for s in sorted(sources, key=lambda s: s.force))
    return (f"This national hub brings together the shared entries of {len(sources)} "
            f"forces: {forces}. Every entry says which force shared it. The "
            "[national problem profile](pages/national.md) adds up the forces' own "
            "figures; [possible duplicates](pages/duplicates.md) lists near-identical "
            "entries from different forces for an editor to review.\n")


def hub_view(sources: list[HubSource], findings: list[Diagnostic], today: date
             ) -> ProfileView:
    chosen = _newest(sources, findings)
    known = set(chosen)
    taxonomy = _taxonomy(sources, findings)
    entries = tuple(_published(source, record, known, taxonomy)
                    for _, (source, record) in sorted(chosen.items()))
    return ProfileView("hub", HUB_PROFILE, entries, taxonomy, today, ())


def build_hub(request: HubRequest) -> HubReport:
    """Read, check and merge the sources, then build build/hub (or --out) and swap it in."""
    from hpkb.pipeline import Guards, Packs, StagePlan, national_packs, reuse_for, write_stages
    from hpkb.write import BUILD_DIR, inside_build, write_json

    sources, findings = read_sources(request.sources)
    if not sources:
        findings.append(error("hub", 1, 1, "HP905", "no usable source: nothing to build",
                              "name one or more forces' build/shared/export folders"))
    if fails(findings, request.strict):
        return HubReport(tuple(findings))
    built = [date.fromisoformat(s.built) for s in sources
             if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s.built)]
    today = request.today or max(built, default=date.today())
    view = hub_view(sources, findings, today)
    findings += guard_published(sources, view, request.names, request.allow)
    if fails(findings, request.strict):
        return HubReport(tuple(findings))
    pairs = similar_pairs(view.entries)
    settings = Settings(request.root, request.site_name,
                        HpkbSettings(profiles={"hub": HUB_PROFILE}, default_profile="hub"))
    target = inside_build(request.root, request.out or Path(BUILD_DIR) / "hub")
    pages = {"national.md": national_profile_page(sources, view.taxonomy),
             "duplicates.md": similarity_page(pairs)}

    def duplicates(staging: Path) -> None:
        write_json(staging / "duplicates.json",
                   [{"entries": [a, b], "similarity": s} for a, b, s in pairs])

    # The output guard looks for the register's names in every file written (exports
    # hold no hidden entries, so it has none of those to look for), lets the same
    # reviewed phrases through, and refuses a PDF it cannot read.
    plan = StagePlan(request.root, settings, view, Provenance(None, request.site_name, None),
                     frozenset(), Packs({}, lambda out, previous: national_packs(
                         request.root, view, out, previous)),
                     Guards(register_corpus(request.names, view.taxonomy), list(request.allow)),
                     reuse_for(request.root, target), pages=(_home(sources, view), pages),
                     before_guard=duplicates)
    _, refused = write_stages(target, plan)
    plan.reuse.keep()
    if refused:
        return HubReport(tuple(findings + refused))
    return HubReport(tuple(findings), target, len(view.entries),
                     tuple(sorted({s.force for s in sources})), tuple(pairs))
