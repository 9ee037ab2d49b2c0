"""The build, stage by stage: validate → view(profile) → outputs, swapped in when complete."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from hpkb.check.findings import Diagnostic, HpkbError, error, fails
from hpkb.check.validate import Validation, validate_repo
from hpkb.content.body import is_entry_id
from hpkb.content.model import Corpus
from hpkb.content.settings import Profile, Settings, load_settings, today_of
from hpkb.deaths.outputs import InternalOutputs, internal_outputs, record_terms
from hpkb.guard.publication import (
    SOURCE_RECORD,
    OutputGuard,
    SourceCheck,
    check_sources,
    guard_outputs,
    guard_sources,
)
from hpkb.outputs.export import (
    Provenance,
    export_files,
    provenance_of,
    source_commit,
    write_export,
)
from hpkb.outputs.packs.definitions import PACKS_FILE, PackDef, pack_document
from hpkb.outputs.packs.typeset import build_packs
from hpkb.outputs.search.index import INDEX_DIR, index_view, more_like_this
from hpkb.outputs.site.build import SEARCH_HOLD, _home_and_pages, build_site
from hpkb.outputs.site.engine import prime
from hpkb.outputs.site.pages import entry_page
from hpkb.outputs.site.search import INDEX_FOLDER
from hpkb.outputs.site.templates import template_dirs
from hpkb.reuse.fingerprint import BUILD_STAMP, build_fingerprint, code_digest, tree_state
from hpkb.reuse.store import JSON, Codec, Memory, Reuse, compact_json
from hpkb.view.gate import ProfileView, view
from hpkb.write import (
    BUILD_DIR,
    CACHE_DIR,
    build_lock,
    inside_build,
    link_tree,
    own_directory,
    staged_directory,
    write_json,
    write_text,
)

__all__ = ["STAGES", "BuildReport", "BuildRequest", "Guards", "Packs", "Preview", "StagePlan",
           "build", "export_only", "guard_every_profile", "national_packs", "profile_view",
           "reuse_for", "warm", "write_stages"]

# The output stages, in the order a build writes them (and reports them written).
STAGES = ("search", "packs", "site", "export")


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked `hpkb build` (or `export`) for."""

    root: Path
    profile: str | None = None
    drafts: bool = False
    strict: bool = False
    skip: frozenset[str] = frozenset()
    out: Path | None = None
    today: date | None = None
    # `hpkb serve`'s first pass after a save: everything the pages show, but the site's
    # search index, the export and the packs taken as they are from the live build (its
    # stamp then never says "nothing changed"); a full build follows it.
    preview: bool = False
    # The author files saved since the last build (paths in the repo, as `hpkb serve`'s
    # watcher saw them): a preview of saved entries writes only their pages.
    saved: frozenset[str] = frozenset()
    # What earlier builds in this process (`hpkb serve`) made that this one may reuse.
    memory: Memory | None = field(default=None, compare=False, repr=False)
    # False: the reference build (`--no-reuse`): nothing taken from the live build or
    # from what earlier builds kept in build/.cache; every stage works from the sources.
    reuse: bool = True
    # `hpkb serve`: set when a newer save comes; the build then ends at its next stage,
    # writing nothing (`BuildReport.stopped`), and the live build stays as it was.
    stop: threading.Event | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class BuildReport:
    """What a build did: its findings, where it wrote, and which stages ran."""

    diagnostics: tuple[Diagnostic, ...]
    output: Path | None = None
    stages: tuple[str, ...] = ()
    entries: int = 0
    up_to_date: bool = False  # nothing changed since the live build: nothing was written
    deferred: tuple[str, ...] = ()  # a preview's parts taken from the last build (DEFERRABLE)
    stopped: bool = False  # ended at `BuildRequest.stop`: nothing was written

    @property
    def built(self) -> bool:
        return self.output is not None


# In a build's stamp: the view had no findings, and held this many entries.
QUIET_VIEW = "quiet view: "
# A preview's stamp in place of its inputs' fingerprint: no build's inputs match it.
PREVIEW_STAMP = "preview"
# What a preview may take from the live build as it is: (the stage it is part of, its
# folder in the build).
DEFERRABLE = {"site-search": ("site", f"site/{INDEX_FOLDER}"),
              "export": ("export", "export"),
              "packs": ("packs", "packs")}


class _Stopped(Exception):
    """Internal: `BuildRequest.stop` was set; the staging folder is discarded."""


class _OutputRefused(Exception):
    """Internal: an output check failed with ``findings``; the staging folder is
    discarded."""

    def __init__(self, findings: list[Diagnostic]) -> None:
        super().__init__(f"{len(findings)} findings")
        self.findings = findings


def _packs_stage(request: BuildRequest, validation: Validation, seen: ProfileView,
                 out: Path, previous: Path | None, only: frozenset[str] = frozenset(),
                 entries: tuple[str, ...] = ()) -> list[Diagnostic]:
    """Typeset the packs defined in content/packs.yml (or only the named ones), plus an
    entry pack when entry ids are given."""
    settings = validation.settings
    targets = (settings.hpkb.timeliness.initial_review_days,
               settings.hpkb.timeliness.report_days)
    deaths = _death_outputs(request.root, validation, seen)  # hpkb.deaths: internal only
    chosen = [p for p in validation.packs if (not only or p.id in only)
              and (p.kind != "deaths" or deaths is not None)]
    if entries:
        chosen.append(PackDef.model_validate({"id": "entries", "title": "Selected entries",
                                              "kind": "entry", "entries": list(entries)}))
    if not only and not entries:  # kinds a repo opted in to get one PDF per entry
        chosen += [PackDef.model_validate({"id": f"entry-{e.id.lower()}", "title": e.title,
                                           "kind": "entry", "entries": [e.id]})
                   for e in seen.entries if e.kind in settings.hpkb.entry_packs]
    return _typeset(request.root, seen, chosen, targets, out, previous,
                    settings.hpkb.organisation or settings.site_name, settings.site_name,
                    settings.hpkb.population, deaths)


def _typeset(root: Path, seen: ProfileView, chosen: list[PackDef], targets: tuple[int, int],
             out: Path, previous: Path | None, organisation: str, site_name: str,
             population: int | None = None, deaths: InternalOutputs | None = None
             ) -> list[Diagnostic]:
    from hpkb.deaths.pack import deaths_pack_document

    documents = [deaths_pack_document(p, deaths) if p.kind == "deaths" and deaths is not None
                 else pack_document(p, seen, targets, population) for p in chosen]
    own_directory(out)
    context = {"marking": seen.profile.marking or seen.profile.max_classification,
               "organisation": organisation, "site_name": site_name, "profile": seen.name,
               "produced": seen.today.isoformat()}
    failures, _ = build_packs(documents, out,
                              previous if previous is not None and previous.is_dir() else None,
                              template_dirs(root), context, seen.today)
    return [error(PACKS_FILE, 1, 1, "HP803", f"pack `{pack_id}` could not be typeset: "
                  f"{problem}", "check the pack template override, or report this")
            for pack_id, problem in sorted(failures.items())]


def national_packs(root: Path, seen: ProfileView, out: Path, previous: Path | None
                   ) -> list[Diagnostic]:
    """A hub's packs: one learning pack per top-level theme that has entries."""
    used = {t for e in seen.entries for t in seen.taxonomy.expand_themes(e.meta["themes"])}
    chosen = [PackDef.model_validate({"id": f"national-{theme.id}",
                                      "title": f"National learning pack: {theme.title}",
                                      "kind": "theme", "theme": theme.id})
              for theme in seen.taxonomy.themes.values()
              if theme.parent is None and theme.id in used]
    return _typeset(root, seen, chosen, (14, 30), out, previous, "National hub",
                    "National homicide prevention hub")


def _profile(validation: Validation, name: str | None) -> tuple[str, Profile]:
    """The named profile (the configured default when None): its name and settings."""
    settings = validation.settings
    chosen = name or settings.hpkb.default_profile
    profile = settings.profile(chosen)
    if profile is None:
        known = ", ".join(settings.hpkb.profiles)
        raise HpkbError(f"unknown profile `{chosen}`; the profiles are: {known}")
    return chosen, profile


def profile_view(validation: Validation, name: str | None, *, drafts: bool = False,
                 today: date | None = None) -> ProfileView:
    """The named profile's view of a validated repo (the configured default when None)."""
    chosen, profile = _profile(validation, name)
    return view(validation.corpus, chosen, profile, drafts=drafts,
                today=today_of(validation.settings, today))


def guard_every_profile(validation: Validation) -> list[Diagnostic]:
    """The source guard's findings for every profile that leaves the force (shared,
    public, …), as `hpkb validate` reports them: a name or personal data is refused
    when it is written, not first when a build is asked for. A finding that two
    profiles share is given once, for the first profile configured."""
    findings: dict[tuple[str, int, int, str], Diagnostic] = {}
    for name, profile in validation.settings.hpkb.profiles.items():
        if profile.personal:
            continue
        seen = profile_view(validation, name)
        for finding in guard_sources(seen, validation.corpus, validation.settings.hpkb.allow):
            findings.setdefault((finding.file, finding.line, finding.column, finding.code),
                                finding)
    return list(findings.values())


def _viewed(request: BuildRequest) -> tuple[Validation, ProfileView | None]:
    """Validate and decide the profile's view (None when validation fails)."""
    validation = validate_repo(request.root, today=request.today)
    if fails(validation.diagnostics, request.strict):
        return validation, None
    return validation, profile_view(validation, request.profile, drafts=request.drafts,
                                    today=request.today)


def _guarded(validation: Validation, seen: ProfileView) -> ProfileView:
    """The view with the source guard's findings on what it would publish added (the
    view's own findings, such as held-back entries, ride on it too)."""
    guarded = guard_sources(seen, validation.corpus, validation.settings.hpkb.allow)
    return replace(seen, diagnostics=seen.diagnostics + tuple(guarded)) if guarded else seen


def _checked(request: BuildRequest) -> tuple[Validation, ProfileView | None]:
    validation, seen = _viewed(request)
    return validation, _guarded(validation, seen) if seen is not None else None


def _live_stamp(target: Path, fingerprint: str) -> tuple[list[str] | None, bool]:
    """The live build's stamp past its first two lines, when the build came from these
    very inputs and stands as it was left (else None); and whether it stands as it was
    left (its files' names, sizes and times as its stamp recorded them)."""
    stamp = target / BUILD_STAMP
    if not stamp.is_file():
        return None, False
    lines = stamp.read_text(encoding="utf-8").splitlines()
    intact = len(lines) > 1 and lines[1] == tree_state(target)
    return (lines[2:] if intact and lines[0] == fingerprint else None), intact


def reuse_for(root: Path, target: Path, memory: Memory | None = None, intact: bool = False
              ) -> Reuse:
    """What a build of the folder ``target`` may reuse: the records kept for it in
    build/.cache, ``memory`` (`hpkb serve`'s), and the live build in ``target``
    (``intact``: it stands as its stamp recorded it)."""
    name = hashlib.sha256(str(target).encode()).hexdigest()[:16]
    return Reuse(inside_build(root, Path(CACHE_DIR) / f"kept-{name}"), code_digest(), memory,
                 target if target.is_dir() else None, intact)


@dataclass(frozen=True)
class _Identity:
    """Which build a request asks for: its profile, folder and inputs' fingerprint, and
    the rest of the live build's stamp when that build came from the same inputs."""

    name: str
    target: Path
    commit: str | None
    fingerprint: str
    live: list[str] | None
    intact: bool  # the live build stands as it was left (whatever its inputs)
    files: dict[str, str] = field(default_factory=dict)  # input files' digests, by path

    @property
    def quiet_entries(self) -> int | None:
        """The live build's entry count, when its view had no findings."""
        quiet = [line for line in self.live or [] if line.startswith(QUIET_VIEW)]
        return int(quiet[0].removeprefix(QUIET_VIEW)) if quiet else None


def _identity(request: BuildRequest, settings: Settings) -> _Identity | None:
    """None when the profile is unknown (validation, then `_profile`, say so)."""
    name = request.profile or settings.hpkb.default_profile
    if settings.profile(name) is None:
        return None
    target = _target(request, name)
    today = request.today or date.today()
    commit = source_commit(request.root)
    files: dict[str, str] = {}
    fingerprint = build_fingerprint(request.root, (
        name, f"drafts={request.drafts}", "skip=" + ",".join(sorted(request.skip)),
        today.isoformat(), f"commit={commit}"), files)
    return _Identity(name, target, commit, fingerprint, *_live_stamp(target, fingerprint),
                     files)


def _target(request: BuildRequest, profile: str) -> Path:
    return inside_build(request.root, request.out or Path(BUILD_DIR) / profile)


def warm(request: BuildRequest) -> None:
    """Fill ``request.memory`` as a build would have (validation, and the live search
    index's documents), and load MkDocs. `hpkb serve` calls it when its first build found
    nothing changed (and so made nothing), so that the first save is previewed as quickly
    as the next."""
    if request.memory is None:
        return
    request, identity = _started(request)
    with _reusing(request, identity) as reuse:
        validation = validate_repo(request.root, request.today, reuse,
                                   identity.files if identity is not None else {})
        target = _target(request, request.profile or validation.settings.hpkb.default_profile)
        if (target / INDEX_DIR).is_dir():
            more_like_this(target / INDEX_DIR, (), reuse=reuse)
    if (target / "mkdocs.yml").is_file():
        prime(target / "mkdocs.yml")


def _validated(request: BuildRequest, reuse: Reuse, digests: Mapping[str, str]
               ) -> Validation:
    """``validate_repo``, taking what earlier builds kept of files whose bytes are as
    before (``digests``: what the fingerprint read).

    What is loaded by then lives as long as the build: it goes to the collector's
    permanent generation (``gc.freeze``), so that the build's later collections do not
    scan it over and over. Frozen objects are still freed when nothing refers to them; a
    process that goes on building (`hpkb serve`) calls ``gc.unfreeze`` after each build."""
    with _frozen_when_loaded():
        return validate_repo(request.root, request.today, reuse, digests)


@contextlib.contextmanager
def _frozen_when_loaded() -> Iterator[None]:
    # Frozen before the collector runs again: its first young collection would otherwise
    # scan all that was loaded meanwhile.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def build(request: BuildRequest) -> BuildReport:
    """One profile's build: up to date? → validate → view → outputs (the source guard,
    each output stage, the output guard) → swap. Nothing is written unless every stage
    and both guards pass; a refused build leaves the live one as it was."""
    request, identity = _started(request)
    with _reusing(request, identity) as reuse:
        if (known := _unchanged_before_validating(request, identity, reuse)) is not None:
            return known
        validation = _validated(request, reuse, identity.files if identity else {})
        if fails(validation.diagnostics, request.strict):
            return BuildReport(validation.diagnostics)
        name, _ = _profile(validation, request.profile)
        identity = identity or _identity(request, validation.settings)
        assert identity is not None  # _profile has refused an unknown profile
        reuse.put("validation", identity.fingerprint, validation.diagnostics, FINDINGS)
        if identity.quiet_entries is not None and reuse.on:  # same inputs, quiet view
            return _up_to_date(validation.diagnostics, identity, identity.quiet_entries)
        seen = profile_view(validation, name, drafts=request.drafts,
                            today=request.today or date.today())
        findings = validation.diagnostics + seen.diagnostics
        if fails(seen.diagnostics, request.strict):
            return BuildReport(findings)
        if identity.live is not None and reuse.on:  # same inputs as the live build
            return _up_to_date(findings, identity, len(seen.entries))
        plan = _stage_plan(request, identity, validation, seen, reuse)
        try:
            done, refused = write_stages(identity.target, plan)  # outputs, guards, swap
        except _Stopped:
            return BuildReport(findings, stopped=True)
        if refused:
            return BuildReport(findings + tuple(refused))
        return BuildReport(findings, identity.target, done, len(seen.entries),
                           deferred=tuple(sorted(plan.preview.deferred)))


def _started(request: BuildRequest) -> tuple[BuildRequest, _Identity | None]:
    """The request with its date settled (`as_of` in the settings, unless given), and
    which build it asks for (None when the settings cannot say: validation will)."""
    if request.memory is not None:
        request.memory.turn()
    settings, problems = load_settings(request.root)
    request = replace(request, today=today_of(settings, request.today))
    return request, None if problems else _identity(request, settings)


@contextlib.contextmanager
def _reusing(request: BuildRequest, identity: _Identity | None) -> Iterator[Reuse]:
    """What this build may reuse (nothing with `--no-reuse`), kept for the next build
    when it is done; but for a preview's (`hpkb serve` keeps it in memory, and the full
    build that follows keeps its own on disk) or a stopped build's."""
    if not request.reuse:
        reuse = Reuse.off()
    elif identity is None:  # no build folder known yet: only what this process holds
        reuse = Reuse(None, code_digest(), request.memory)
    else:
        reuse = reuse_for(request.root, identity.target, request.memory, identity.intact)
    yield reuse
    if request.stop is not None and request.stop.is_set():
        # Its successor starts at once: nothing written, and the memory keeps what the
        # build before it used, which it may not have reached.
        if request.memory is not None:
            request.memory.keep_all()
    elif not request.preview:
        reuse.keep()


# Validation's findings, as the "validation" shelf keeps them (by the inputs' fingerprint).
FINDINGS: Codec[tuple[Diagnostic, ...]] = Codec(
    lambda found: compact_json([d.as_json() for d in found]),
    lambda text: tuple(Diagnostic.from_json(d) for d in JSON.decode(text)))


def _unchanged_before_validating(request: BuildRequest, identity: _Identity | None,
                                 reuse: Reuse) -> BuildReport | None:
    """The live build came from these very inputs and its view had nothing to say: its
    validation findings, kept for these inputs, are the answer (None otherwise)."""
    if identity is None or identity.quiet_entries is None or not reuse.on:
        return None
    known = reuse.find("validation", identity.fingerprint, FINDINGS)
    if known is None:
        return None
    if fails(known, request.strict):
        return BuildReport(known)
    return _up_to_date(known, identity, identity.quiet_entries)


def _up_to_date(findings: tuple[Diagnostic, ...], identity: _Identity, entries: int
                ) -> BuildReport:
    return BuildReport(findings, identity.target, (), entries, up_to_date=True)


def _stage_plan(request: BuildRequest, identity: _Identity, validation: Validation,
                seen: ProfileView, reuse: Reuse) -> StagePlan:
    """What the output stages need for this build: the source guard to run, the records
    to write last, what a preview takes from the live build, the death records' parts."""
    settings, target = validation.settings, identity.target
    checked: list[SourceCheck] = []
    # Only from a live build that stands as its stamp recorded it (its guard passed
    # those very files), and only parts it has.
    deferred = frozenset(
        part for part, (stage, folder) in DEFERRABLE.items()
        if request.preview and identity.intact and stage not in request.skip
        and (target / folder).is_dir())
    only = _saved_entries(request.saved, seen, target) if deferred else None
    if only is not None and "search" not in request.skip and (target / INDEX_DIR).is_dir():
        # A preview of saved entries shows their pages; the Whoosh index (the search
        # API's, and what related entries are scored on) catches up in the full build.
        deferred = deferred | {"search"}

    def source_guard() -> list[Diagnostic]:
        # Any finding refuses the build (they are all errors); write_stages runs this
        # while the Whoosh index's second process works.
        checked.append(check_sources(seen, validation.corpus, settings.hpkb.allow,
                                     reuse.live))
        return checked[0].findings

    def records(staging: Path) -> None:
        # Last: the stamp covers every other file of the build as it stands.
        write_json(staging / SOURCE_RECORD, checked[0].record())
        quiet = "" if seen.diagnostics else f"{QUIET_VIEW}{len(seen.entries)}\n"
        inputs = PREVIEW_STAMP if deferred else identity.fingerprint
        write_text(staging / BUILD_STAMP, f"{inputs}\n{tree_state(staging)}\n{quiet}")

    # Death investigations (hpkb.deaths): the internal site's section and analysts' files;
    # every other profile gets only the records' names, addresses and refs, for its guard.
    deaths = _death_outputs(request.root, validation, seen)
    return StagePlan(
        request.root, settings, seen,
        # The aggregate figures are the export's (and the site's downloads'): a preview
        # takes those from the live build, and has no need of them.
        provenance_of(settings, identity.commit,
                      None if "export" in deferred else validation.corpus, seen.today),
        request.skip,
        Packs({p.id: p.title for p in validation.packs},
              lambda out, previous: _packs_stage(request, validation, seen, out, previous)),
        Guards(validation.corpus, settings.hpkb.allow,
               _death_terms(request.root, validation, seen), source_guard),
        reuse, Preview(deferred, only), pages=_with_section(request.root, deaths),
        before_guard=deaths.write if deaths is not None else None, after_guard=records,
        stop=request.stop)


def _saved_entries(saved: frozenset[str], seen: ProfileView, target: Path
                   ) -> frozenset[str] | None:
    """The entries whose pages alone a preview writes: those of the saved files, when
    each saved file is an entry the view shows and the view shows the very entries the
    live build does (no page to add or take away). None: every page. The other pages
    (listings, backlinks, related entries) catch up in the full build that follows."""
    by_path = {e.path: e.id for e in seen.entries}
    if not saved or not saved <= by_path.keys():
        return None
    pages = {entry_page(e.id, e.kind) for e in seen.entries}
    docs = target / "docs"
    live = {p.relative_to(docs).as_posix()
            for folder in {page.split("/", 1)[0] for page in pages}
            for p in (docs / folder).glob("*.md") if is_entry_id(p.stem)}
    return frozenset(by_path[path] for path in saved) if live == pages else None


@dataclass(frozen=True)
class Guards:
    """What the guards need besides the view: the source guard to run (its findings
    refuse the build), and what the output guard looks for in every file written."""

    corpus: Corpus  # what is hidden from the view (entries, names)
    allow: list[str]  # reviewed phrases let through
    terms: tuple[str, ...] = ()  # the death records' strings (`_death_terms`)
    sources: Callable[[], list[Diagnostic]] | None = None


@dataclass(frozen=True)
class Packs:
    """The packs' stage: their titles (for the site's downloads), and what typesets
    them into a folder, given the live build's packs ((out, previous) → findings)."""

    titles: Mapping[str, str]
    typeset: Callable[[Path, Path | None], list[Diagnostic]]


@dataclass(frozen=True)
class Preview:
    """What an `hpkb serve` preview takes from the live build as it is: the parts
    ``deferred`` (`DEFERRABLE`), and, when only saved entries changed, those entries
    (``only``: their pages alone are written)."""

    deferred: frozenset[str] = frozenset()
    only: frozenset[str] | None = None


@dataclass(frozen=True)
class StagePlan:
    """What the output stages (search, packs, site, export, then the output guard) need:
    a force's build and the national hub both run them through ``write_stages``."""

    root: Path
    settings: Settings
    seen: ProfileView
    provenance: Provenance
    skip: frozenset[str]
    packs: Packs
    guards: Guards
    reuse: Reuse  # what the stages may take from earlier builds (`reuse_for`)
    preview: Preview = Preview()
    pages: tuple[str, dict[str, str]] | None = None  # the site's home text and extra pages
    before_guard: Callable[[Path], None] | None = None  # more outputs, checked too
    after_guard: Callable[[Path], None] | None = None  # the build's own records
    stop: threading.Event | None = None  # `BuildRequest.stop`, looked at between stages


def write_stages(target: Path, plan: StagePlan) -> tuple[tuple[str, ...], list[Diagnostic]]:
    """Write every stage not skipped into a staging folder, guard it, and swap it in for
    ``target``: (the stages written, no findings), or ((), the findings refusing it)."""
    refused: list[Diagnostic] = []
    trash = inside_build(plan.root, Path(CACHE_DIR))  # where a retired build goes
    try:
        with build_lock(plan.root), staged_directory(target, trash) as folder:
            _going_on(plan)
            staged = _Staged(plan, folder, target)
            similar = _write_search(staged)  # the source guard runs meanwhile
            _going_on(plan)
            refused += _write_packs(staged)
            _going_on(plan)
            exported = _export_files(staged)
            guard = _output_guard(staged)

            def meanwhile() -> None:  # while MkDocs renders the site
                _going_on(plan)
                _write_export(staged, exported)
                _going_on(plan)
                guard.scan(("site",), (SEARCH_HOLD,))  # all but the site, as it is now

            _going_on(plan)
            refused += _write_site(staged, similar, exported, meanwhile)
            _going_on(plan)
            refused = refused or _guard_the_rest(staged, guard)
            if refused:
                raise _OutputRefused(refused)
            if plan.after_guard is not None:
                plan.after_guard(folder)
    except _OutputRefused as refusal:
        return (), refusal.findings
    return tuple(stage for stage in STAGES if staged.writes(stage)), []


def _going_on(plan: StagePlan) -> None:
    """Raises `_Stopped` when the build is asked to stop (`BuildRequest.stop`)."""
    if plan.stop is not None and plan.stop.is_set():
        raise _Stopped


@dataclass(frozen=True)
class _Staged:
    """What every output stage is given: the plan (with its `Reuse`, the one seam for
    reusing earlier work) and the staging ``folder`` it writes into."""

    plan: StagePlan
    folder: Path
    target: Path  # the live build's folder, swapped for ``folder`` when all passed

    @property
    def previous(self) -> Path | None:
        """The live build, to take unchanged parts from (None: none, or no reuse)."""
        return self.plan.reuse.live

    def writes(self, stage: str) -> bool:
        """Whether this build makes ``stage`` (neither skipped nor taken as it is)."""
        return stage not in self.plan.skip | self.plan.preview.deferred


def _write_search(staged: _Staged) -> dict[str, list[str]]:
    """The Whoosh index, and each entry's related entries from it; the source guard
    runs meanwhile, while a second process indexes (its findings refuse the build)."""
    plan = staged.plan

    def source_guard() -> None:
        if plan.guards.sources is not None and (found := plan.guards.sources()):
            raise _OutputRefused(found)

    if "search" in plan.skip:
        source_guard()
        return {}
    index, previous = staged.folder / INDEX_DIR, staged.previous
    if "search" in plan.preview.deferred:
        link_tree(staged.target / INDEX_DIR, index)
        source_guard()
    else:
        before = previous / INDEX_DIR if previous is not None else None
        index_view(plan.seen, index, before if before is not None and before.is_dir() else None,
                   meanwhile=source_guard, reuse=plan.reuse)
    only = plan.preview.only
    related = sorted(only) if only is not None else [e.id for e in plan.seen.entries]
    return more_like_this(index, related, reuse=plan.reuse)


def _write_packs(staged: _Staged) -> list[Diagnostic]:
    """The PDF packs (a preview takes the live build's as they are)."""
    if "packs" in staged.plan.preview.deferred:
        link_tree(staged.target / "packs", staged.folder / "packs")
        return []
    if "packs" in staged.plan.skip:
        return []
    previous = staged.previous
    return staged.plan.packs.typeset(staged.folder / "packs",
                             previous / "packs" if previous is not None else None)


def _export_files(staged: _Staged) -> Mapping[str, str] | None:
    """The export's files, made once for the export and the site's downloads (None when
    neither is written here)."""
    if not staged.writes("export") and "site" in staged.plan.skip:
        return None
    if "export" in staged.plan.preview.deferred:
        return None
    return export_files(staged.plan.seen, staged.plan.provenance, staged.plan.reuse)


def _write_site(staged: _Staged, similar: dict[str, list[str]],
                exported: Mapping[str, str] | None, meanwhile: Callable[[], None]
                ) -> list[Diagnostic]:
    """The docs tree, MkDocs' project and the built site with its own search index;
    ``meanwhile`` runs while MkDocs renders (in a second process, but in `hpkb serve`,
    which keeps MkDocs loaded)."""
    plan, deferred = staged.plan, staged.plan.preview.deferred
    if "site" in plan.skip:
        meanwhile()
        return []
    return build_site(plan.root, plan.settings, plan.seen, staged.folder, similar,
                      staged.folder / "packs", plan.packs.titles, reuse=plan.reuse,
                      provenance=plan.provenance, pages=plan.pages,
                      search_index="previous" if "site-search" in deferred else "write",
                      downloads=staged.target / "docs" / "downloads"
                      if "export" in deferred else None,
                      exported=exported, only=plan.preview.only,
                      meanwhile=meanwhile, render_here=plan.reuse.memory is not None
                      or len(plan.seen.entries) < RENDER_APART_MIN)


# With fewer entries than this, MkDocs renders in the build's own process: a second
# interpreter's start (importing MkDocs) costs more than the work it would overlap.
RENDER_APART_MIN = 200


def _write_export(staged: _Staged, exported: Mapping[str, str] | None) -> None:
    """The open export (a preview takes the live build's as it is)."""
    plan = staged.plan
    if "export" in plan.preview.deferred:
        link_tree(staged.target / "export", staged.folder / "export")
    elif "export" not in plan.skip:
        write_export(plan.seen, plan.provenance, staged.folder / "export", exported)


def _output_guard(staged: _Staged) -> OutputGuard:
    """The output guard of this build, to scan its files as they are finished."""
    plan = staged.plan
    return OutputGuard(staged.folder, plan.seen, plan.guards.corpus, plan.guards.allow,
                       staged.previous, records=plan.guards.terms)


def _guard_the_rest(staged: _Staged, guard: OutputGuard) -> list[Diagnostic]:
    """Any more outputs (the death-investigation section's), then the output guard over
    every file it has not scanned yet."""
    if staged.plan.before_guard is not None:
        staged.plan.before_guard(staged.folder)
    return guard.finish()


# --- Death investigations (hpkb.deaths): what a build takes from deaths/*.csv.

def _death_outputs(root: Path, validation: Validation, seen: ProfileView
                   ) -> InternalOutputs | None:
    """The internal profile's section, packs and analysts' files (None elsewhere, or
    without records)."""
    if not seen.profile.personal:
        return None
    return internal_outputs(root, seen.today, frozenset(validation.corpus.taxonomy.organisations),
                            validation.settings.hpkb.organisation)


def _death_terms(root: Path, validation: Validation, seen: ProfileView) -> tuple[str, ...]:
    """What no file of a profile that leaves the force may hold: every name, address and
    ref in the death records."""
    if seen.profile.personal:
        return ()
    return tuple(record_terms(root, set(validation.corpus.taxonomy.organisations), seen.today))


def _with_section(root: Path, deaths: InternalOutputs | None
                  ) -> tuple[str, dict[str, str]] | None:
    """The site's home text and free pages, with the death-investigation section's."""
    if deaths is None:
        return None
    home, extra = _home_and_pages(root)
    return home, {**extra, **deaths.section.pages}


PartWriter = Callable[[Validation, ProfileView, Path, Path], list[Diagnostic]]


def _replace_part(request: BuildRequest, part: str, write: PartWriter,
                  check: Callable[[Validation], None] | None = None) -> BuildReport:
    """Rebuild only build/<profile>/<part>: validate, decide the view, write into a staging
    folder, guard it, and swap it in when complete (as `build` does for the whole)."""
    validation, seen = _checked(request)
    if seen is None:
        return BuildReport(validation.diagnostics)
    findings = validation.diagnostics + seen.diagnostics
    if fails(seen.diagnostics, request.strict):
        return BuildReport(findings)
    if check is not None:
        check(validation)
    target = inside_build(request.root, Path(BUILD_DIR) / seen.name / part)
    if not target.parent.exists():
        own_directory(target.parent)
    refused: list[Diagnostic] = []
    try:
        with build_lock(request.root), \
                staged_directory(target, inside_build(request.root, Path(CACHE_DIR))) as staging:
            refused = write(validation, seen, staging, target)
            refused += guard_outputs(staging, seen, validation.corpus,
                                     validation.settings.hpkb.allow,
                                     target if target.is_dir() else None,
                                     _death_terms(request.root, validation, seen))
            if refused:
                raise _OutputRefused(refused)
    except _OutputRefused:
        return BuildReport(findings + tuple(refused))
    return BuildReport(findings, target, (part,), len(seen.entries))


def export_only(request: BuildRequest) -> BuildReport:
    """`hpkb export`: replace only build/<profile>/export."""
    def write(validation: Validation, seen: ProfileView, staging: Path, _: Path
              ) -> list[Diagnostic]:
        write_export(seen, provenance_of(validation.settings, source_commit(request.root),
                                         validation.corpus, seen.today), staging)
        return []

    return _replace_part(request, "export", write)


def packs_only(request: BuildRequest, names: tuple[str, ...], entries: tuple[str, ...]
               ) -> BuildReport:
    """`hpkb pack`: replace only build/<profile>/packs (all packs, the named ones, or an
    entry pack)."""
    def check(validation: Validation) -> None:
        unknown = set(names) - {p.id for p in validation.packs}
        if unknown:
            raise HpkbError("unknown pack " + ", ".join(sorted(unknown)) + "; the packs are: "
                            + ", ".join(p.id for p in validation.packs))
        missing = [e for e in entries if e not in validation.corpus.by_id]
        if missing:
            raise HpkbError("unknown entry " + ", ".join(missing))

    def write(validation: Validation, seen: ProfileView, staging: Path, target: Path
              ) -> list[Diagnostic]:
        if names and target.is_dir():  # keep the packs not named
            for pdf in target.glob("*.pdf"):
                if pdf.stem not in names:
                    shutil.copy2(pdf, staging / pdf.name)
        return _packs_stage(request, validation, seen, staging, target, frozenset(names),
                            entries)

    return _replace_part(request, "packs", write, check)
