"""The `hpkb` command: parse options, call the pipeline, map results to exit codes.

Exit codes: 0 success; 1 the content is wrong (errors, or warnings under --strict) or an
output could not be written safely; 2 usage errors (bad options, unknown profile).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, get_args

import click

from hpkb.diagnostics import (
    Diagnostic,
    HpkbError,
    OutputFormat,
    count_summary,
    fails,
    format_diagnostics,
)
from hpkb.model import ENTRY_KINDS, EntryKind

__all__ = ["main"]


class _Group(click.Group):
    """Turns HpkbError into one line on stderr and its exit code (never a traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HpkbError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)


def _root(ctx: click.Context) -> Path:
    root: Path = ctx.obj["root"]
    return root


def _as_of(value: str | None) -> date | None:
    return _period_date(value, "--as-of")


def _report(diagnostics: Sequence[Diagnostic], fmt: OutputFormat, strict: bool) -> bool:
    """Print findings; True when they must fail the command."""
    if diagnostics or fmt == "json":
        click.echo(format_diagnostics(diagnostics, fmt))
    if fmt == "text" and diagnostics:
        click.echo(count_summary(diagnostics), err=True)
    return fails(diagnostics, strict)


_AS_OF = click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
                      help="Treat this date as today (stale reviews, overdue actions).")
_PROFILE = click.option("--profile", metavar="NAME",
                        help="Profile to build (default: the configured default, `shared`).")


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Content repository to work in.")
@click.version_option(package_name="hpkb")
@click.pass_context
def main(ctx: click.Context, root: Path) -> None:
    """hpkb: the homicide-prevention knowledge base.

    Turns front-mattered Markdown (debriefs, learning, shared practice) into a validated
    knowledge base, a site, search index, PDF packs and open exports.

    Example: hpkb validate && hpkb build --profile shared
    """
    ctx.ensure_object(dict)
    if not root.is_dir():
        raise click.BadParameter(f"{root} is not a folder", param_hint="--root")
    ctx.obj["root"] = root


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(list(get_args(OutputFormat))),
              default="text", show_default=True, help="Output format for findings.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@_AS_OF
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...], fmt: OutputFormat, strict: bool,
             as_of: str | None) -> None:
    """Check entries, taxonomy and cross-references, and what each profile that leaves
    the force would publish (subjects' names, personal data, hidden entries).

    With PATHs, report only findings in those files or folders (references still
    resolve against the whole repository).

    Example: hpkb validate debriefs/RD-2024-007.md --format json
    """
    from hpkb.pipeline import guard_every_profile
    from hpkb.validate import validate_repo

    root = _root(ctx)
    wanted = [_relative(root, p) for p in paths]
    result = validate_repo(root, today=_as_of(as_of))
    guarded = sorted(guard_every_profile(result))
    findings = [d for d in (*result.diagnostics, *guarded) if _selected(d.file, wanted)]
    failed = _report(findings, fmt, strict)
    if fmt == "text" and not findings:
        click.echo(f"{len(result.corpus.entries)} entries checked: no problems", err=True)
    ctx.exit(1 if failed else 0)


def _relative(root: Path, path: Path) -> str:
    absolute = path.resolve() if path.is_absolute() else (Path.cwd() / path).resolve()
    if not absolute.exists():
        raise click.BadParameter(f"{path} does not exist", param_hint="PATH")
    try:
        return absolute.relative_to(root.resolve()).as_posix()
    except ValueError:
        raise click.BadParameter(f"{path} is outside the repository {root}",
                                 param_hint="PATH") from None


def _selected(file: str, wanted: list[str]) -> bool:
    if not wanted:
        return True
    return any(w in (".", "") or file == w or file.startswith(w.rstrip("/") + "/")
               for w in wanted)


@main.command()
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    """Create a new content repository in an empty DIRECTORY.

    It gets mkdocs.yml, the framework themes, the inspection recommendations, the forces
    of England and Wales, templates, pack definitions and one example of each entry kind.

    Example: hpkb init ../essex-hpkb
    """
    from hpkb.scaffold import init_repo

    made = init_repo(directory)
    click.echo(f"created {len(made)} files in {directory}")
    click.echo(f"next: cd {directory} && hpkb validate && hpkb build")


@main.command()
@click.argument("kind", type=click.Choice(list(ENTRY_KINDS)))
@click.option("--title", required=True, help="Title of the new entry (one line, ≤ 120).")
@click.pass_context
def new(ctx: click.Context, kind: EntryKind, title: str) -> None:
    """Write a scaffold for a new entry with the next free id, and print its path.

    Never overwrites. The scaffold is a draft, internal and OFFICIAL-SENSITIVE until you
    decide otherwise.

    Example: hpkb new debrief --title "Stabbing after a dispute over a debt"
    """
    from hpkb.scaffold import new_entry

    root = _root(ctx)
    path = new_entry(root, kind, title)
    click.echo(path.relative_to(root).as_posix())


def _finish(report: Any, strict: bool, what: str) -> None:
    failed = _report(report.diagnostics, "text", strict)
    if failed or not report.built:
        click.echo(f"{what} refused: fix the problems above (nothing was changed)", err=True)
        sys.exit(1)
    if getattr(report, "up_to_date", False):
        click.echo(f"{what}: {report.entries} entries, nothing changed since the last build "
                   f"-> {report.output}", err=True)
        return
    click.echo(f"{what}: {report.entries} entries, {', '.join(report.stages) or 'no stages'}"
               f" -> {report.output}", err=True)


@main.command()
@_PROFILE
@click.option("--drafts", is_flag=True, help="Include draft entries.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--skip", multiple=True, type=click.Choice(["site", "search", "packs", "export"]),
              help="Leave a stage out (repeatable).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Output folder (must be inside build/; default build/<profile>).")
@_AS_OF
@click.pass_context
def build(ctx: click.Context, profile: str | None, drafts: bool, strict: bool,
          skip: tuple[str, ...], out: Path | None, as_of: str | None) -> None:
    """Validate, then build one profile's outputs into build/<profile>/.

    Refuses invalid content. The previous build is replaced only when the new one is
    complete.

    Example: hpkb build --profile internal --skip packs
    """
    from hpkb.pipeline import BuildRequest
    from hpkb.pipeline import build as run_build

    request = BuildRequest(_root(ctx), profile, drafts, strict, frozenset(skip), out,
                           _as_of(as_of))
    _finish(run_build(request), strict, "build")


@main.command()
@_PROFILE
@_AS_OF
@click.pass_context
def export(ctx: click.Context, profile: str | None, as_of: str | None) -> None:
    """Write the JSON export of every entry the profile may see, plus JSON Schemas.

    Output: build/<profile>/export/entries.json and export/schemas/<kind>.schema.json.

    Example: hpkb export --profile shared
    """
    from hpkb.pipeline import BuildRequest, export_only

    request = BuildRequest(_root(ctx), profile, today=_as_of(as_of))
    _finish(export_only(request), False, "export")


def _internal_view(ctx: click.Context, profile: str | None, as_of: date | None) -> Any:
    """A validated repo's view for the management commands (internal unless told)."""
    from hpkb.pipeline import profile_view
    from hpkb.validate import validate_repo

    validation = validate_repo(_root(ctx), today=as_of)
    if validation.has_errors:
        _report([d for d in validation.diagnostics if d.severity.value == "error"], "text",
                False)
        click.echo("refused: the content has errors (run `hpkb validate`)", err=True)
        sys.exit(1)
    return validation.settings, profile_view(validation, profile or "internal", today=as_of)


@main.command()
@click.option("--status", type=click.Choice(["open", "in-progress", "completed", "dropped"]),
              help="Only actions with this status.")
@click.option("--overdue", is_flag=True, help="Only open or in-progress actions past due.")
@click.option("--owner", help="Only actions whose owner contains this text (any case).")
@click.option("--theme", help="Only actions under this theme (sub-themes included).")
@_AS_OF
@click.option("--profile", metavar="NAME", help="Profile to read (default: internal).")
@click.option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@click.option("--json", "as_json", is_flag=True, help="JSON list (stable shape).")
@click.pass_context
def actions(ctx: click.Context, status: str | None, overdue: bool, owner: str | None,
            theme: str | None, as_of: str | None, profile: str | None, as_csv: bool,
            as_json: bool) -> None:
    """List actions across debriefs and learning entries.

    An action is overdue when it is open or in progress and its due date is before today
    (or --as-of); due today is not overdue.

    Example: hpkb actions --overdue --owner "Public Protection" --csv
    """
    import csv
    import io
    import json

    from hpkb.report import ACTION_FIELDS, action_rows, select_actions

    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")
    _, seen = _internal_view(ctx, profile, _as_of(as_of))
    today = seen.today
    if theme is not None and theme not in seen.taxonomy.themes:
        from hpkb.taxonomy import unknown_term

        message, hint = unknown_term("theme", theme, seen.taxonomy.themes)
        raise click.BadParameter(f"{message} ({hint})", param_hint="--theme")
    rows = select_actions(action_rows(seen, today), seen.taxonomy, status=status,
                          overdue=overdue, owner=owner, theme=theme)
    if as_json:
        click.echo(json.dumps([r.as_json() for r in rows], indent=2, ensure_ascii=False))
    elif as_csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(ACTION_FIELDS)
        for row in rows:
            record = row.as_json()
            writer.writerow(["" if record[f] is None else record[f] for f in ACTION_FIELDS])
        click.echo(buffer.getvalue(), nl=False)
    else:
        for row in rows:
            flag = " OVERDUE" if row.overdue else ""
            click.echo(f"{row.id:<16} {row.status:<11} due {row.due}{flag}  {row.owner}: "
                       f"{row.action}")
        click.echo(f"{len(rows)} action{'s' * (len(rows) != 1)} "
                   f"({sum(r.overdue for r in rows)} overdue) as of {today}", err=True)


@main.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="Start of the period.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="End of the period (default: --as-of).")
@_AS_OF
@click.option("--profile", metavar="NAME", help="Profile to read (default: internal).")
@click.option("--json", "as_json", is_flag=True, help="JSON (stable shape).")
@click.pass_context
def report(ctx: click.Context, start: str | None, end: str | None, as_of: str | None,
           profile: str | None, as_json: bool) -> None:
    """Governance figures for a period: debriefs, actions and timeliness.

    Debriefs count by incident date inside the period; actions by the date raised, with
    their status as of --as-of. With no period: everything to date.

    Example: hpkb report --from 2024-04-01 --to 2025-03-31 --as-of 2025-04-30 --json
    """
    import json

    from hpkb.report import period_report

    first = _period_date(start, "--from")
    last = _period_date(end, "--to")
    if first and last and first > last:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    settings, seen = _internal_view(ctx, profile, _as_of(as_of))
    today = seen.today
    targets = (settings.hpkb.timeliness.initial_review_days,
               settings.hpkb.timeliness.report_days)
    figures = period_report(seen, start=first, end=last, as_of=today, targets=targets,
                            population=settings.hpkb.population)
    if as_json:
        click.echo(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    click.echo(_report_text(figures))


def _period_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD",
                                 param_hint=name) from None


def _report_text(figures: dict[str, Any]) -> str:
    period = figures["period"]
    debriefs = figures["debriefs"]
    acts = figures["actions"]
    lines = [f"Period: {period['from'] or 'start'} to {period['to']} (as of {period['as_of']})",
             "",
             f"Debriefs: {debriefs['count']} ({debriefs['by_category']['homicide']} homicide, "
             f"{debriefs['by_category']['near-miss']} near miss)",
             "  by context: " + ", ".join(f"{k} {v}" for k, v in debriefs["by_context"].items()),
             "  by factor:  " + ", ".join(f"{k} {v}" for k, v in debriefs["by_factor"].items()
                                         if v),
             "  by financial year: " + ", ".join(
                 f"{y} {c['homicide']} homicide / {c['near-miss']} near miss"
                 for y, c in debriefs["by_financial_year"].items()),
             "",
             f"Actions raised: {acts['raised']}; completed {acts['completed']}, open "
             f"{acts['open']} (in progress {acts['in_progress']}), dropped {acts['dropped']}, "
             f"overdue {acts['overdue']}",
             ""]
    for name, label in (("initial_review", "Initial review"), ("report", "Report")):
        step = figures["timeliness"][name]
        median = step["median_days"]
        lines.append(f"{label} (target {step['target_days']} days): within {step['within']}, "
                     f"late {step['late']}, missing {step['missing']}"
                     + (f"; median {median:g} days" if median is not None else ""))
    profile = figures["problem_profile"]
    recent = profile["last_12_months"]
    lines += ["", f"Last 12 months to {period['to']}: {recent['incidents']} incidents, "
              f"{recent['homicides']} homicides"
              + (f"; {profile['homicide_rate_per_million']:g} homicides per million residents"
                 if profile["homicide_rate_per_million"] is not None else "")]
    if figures["stale"]:
        lines += ["", "Due for review:"]
        for owner, entries in figures["stale"].items():
            lines += [f"  {owner}: " + ", ".join(f"{e['id']} (since {e['review_by']})"
                                                 for e in entries)]
    return "\n".join(lines)


def _index_folder(ctx: click.Context, profile: str | None) -> tuple[str, Path]:
    from hpkb.config import load_settings
    from hpkb.search import INDEX_DIR

    settings, _ = load_settings(_root(ctx))
    name = profile or settings.hpkb.default_profile
    if settings.profile(name) is None:
        raise HpkbError(f"unknown profile `{name}`; the profiles are: "
                        + ", ".join(settings.hpkb.profiles))
    return name, _root(ctx) / "build" / name / INDEX_DIR


def _index_is_stale(root: Path, folder: Path) -> bool:
    from hpkb.load import find_entry_files

    built = max((p.stat().st_mtime for p in folder.glob("*.toc")), default=0.0)
    files, _ = find_entry_files(root)
    return any(f.path.stat().st_mtime > built for f in files)


def _search_options(command: Any) -> Any:
    """The query and filter options `search` and `hub search` share."""
    for option in reversed([
            click.argument("query", default=""),
            click.option("--type", "kind", type=click.Choice(list(ENTRY_KINDS)),
                         help="Only this kind."),
            click.option("--theme", help="Only entries under this theme (sub-themes "
                         "included)."),
            click.option("--organisation", help="Only entries of this organisation id."),
            click.option("--since", metavar="YYYY-MM-DD", help="Created on or after this date."),
            click.option("--until", metavar="YYYY-MM-DD", help="Created on or before this date."),
            click.option("--limit", type=click.IntRange(1, 100), default=10,
                         show_default=True, help="Most results to show (1 to 100)."),
            click.option("--json", "as_json", is_flag=True, help="JSON (stable shape).")]):
        command = option(command)
    return command


def _run_search(folder: Path, query: str, kind: str | None, theme: str | None,
                organisation: str | None, since: str | None, until: str | None,
                limit: int, as_json: bool, missing: str) -> None:
    """Query an index folder and print the results (text or --json)."""
    import html
    import json
    import re

    from hpkb.search import SearchError, search_index

    try:
        found = search_index(folder, query, kind=kind, theme=theme, organisation=organisation,
                             since=_period_date(since, "--since"),
                             until=_period_date(until, "--until"), limit=limit)
    except SearchError as exc:
        raise HpkbError(f"{exc}: {missing}", exit_code=1) from None
    if as_json:
        click.echo(json.dumps(found.as_json(), indent=2, ensure_ascii=False))
        return
    for result in found.results:
        snippet = html.unescape(re.sub(r"<b[^>]*>(.*?)</b>", r"[\1]", result["snippet"]))
        click.echo(f"{result['id']}  {result['type']:<8} {result['score']:>7.2f}  "
                   f"{result['title']}")
        click.echo(f"    {' '.join(snippet.split())}")
    if found.suggestion:
        click.echo(f"No results. Did you mean: {found.suggestion}?")
    click.echo(f"{found.total} result{'s' * (found.total != 1)}", err=True)
    for facet, counts in found.facets.items():
        if counts:
            click.echo(f"  {facet}: " + ", ".join(f"{k} {v}" for k, v in counts.items()),
                       err=True)


@main.command()
@_search_options
@_PROFILE
@click.pass_context
def search(ctx: click.Context, query: str, kind: str | None, theme: str | None,
           organisation: str | None, since: str | None, until: str | None, limit: int,
           as_json: bool, profile: str | None) -> None:
    """Fielded, faceted full-text search over a built profile's index.

    QUERY may use fields: theme:, type:, tags:, organisation:, region:, rating:, focus:
    (e.g. `theme:county-lines rating:worked`). Titles and summaries weigh more than text.

    Example: hpkb search "coercive control" --type learning --since 2023-01-01
    """
    name, folder = _index_folder(ctx, profile)
    if folder.is_dir() and _index_is_stale(_root(ctx), folder):
        click.echo(f"note: content changed since the {name} index was built; run "
                   f"`hpkb build --profile {name}` for current results", err=True)
    _run_search(folder, query, kind, theme, organisation, since, until, limit, as_json,
                f"run `hpkb build --profile {name}` first")


@main.command()
@_PROFILE
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--packs", is_flag=True, help="Typeset the PDF packs too (slower).")
@click.pass_context
def serve(ctx: click.Context, profile: str | None, port: int, packs: bool) -> None:
    """Preview a profile's site with its search API on 127.0.0.1, rebuilt on change.

    Saving an author file rebuilds what depends on it (incrementally), prints its
    findings, and reloads the pages open in the browser. Packs only with --packs.

    The API: GET /api/search?q=…&type=…&theme=…&organisation=…&since=…&until=…&limit=…
    answers in the same JSON as `hpkb search --json`.

    Example: hpkb serve --profile internal --port 8001
    """
    from waitress import create_server

    from hpkb.pipeline import BuildRequest
    from hpkb.serve import Generation, make_app, rebuilder, watch

    root = _root(ctx)
    # A preview: packs (slow to typeset) only when asked for; the rest as `hpkb build`.
    request = BuildRequest(root, profile, skip=frozenset() if packs else frozenset({"packs"}))
    generation = Generation()
    rebuild_parts = rebuilder(request, generation, lambda found: _report(found, "text", False))

    def rebuild(changed: list[str]) -> Callable[[], None] | None:
        if changed:
            click.echo("changed: " + ", ".join(changed), err=True)
        return rebuild_parts(changed)

    rebuild([])
    name, _ = _index_folder(ctx, profile)
    build_folder = root / "build" / name
    if not (build_folder / "site").is_dir():
        raise HpkbError("nothing to serve: the build failed (see above)", exit_code=1)
    # A reloading page asks for about ten files at once while others poll: with four
    # threads waitress queued them (and said so in the author's terminal).
    server = create_server(make_app(build_folder, generation), host="127.0.0.1", port=port,
                           threads=8)
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop), daemon=True)
    watcher.start()
    _serve_until_stopped(server, f"the {name} site", stop)


def _serve_until_stopped(server: Any, what: str, stop: threading.Event) -> None:
    """Run a waitress server until Ctrl+C; then set ``stop`` (a watcher may wait on it)."""
    click.echo(f"serving {what} on http://127.0.0.1:{server.effective_port}/ "
               "(Ctrl+C stops)", err=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        server.close()


@main.command()
@click.argument("pack_ids", nargs=-1)
@click.option("--entry", "entries", multiple=True, metavar="ID",
              help="Also make a pack of these entries (repeatable).")
@_PROFILE
@_AS_OF
@click.pass_context
def pack(ctx: click.Context, pack_ids: tuple[str, ...], entries: tuple[str, ...],
         profile: str | None, as_of: str | None) -> None:
    """Build the PDF packs of content/packs.yml (all when none named) into
    build/<profile>/packs/.

    With --entry, also a pack of the named entries (entries.pdf). An unchanged pack is
    copied from the previous build, not typeset again.

    Example: hpkb pack learning-domestic-abuse --entry PR-2023-001 --profile shared
    """
    from hpkb.pipeline import BuildRequest, packs_only

    request = BuildRequest(_root(ctx), profile, today=_as_of(as_of))
    _finish(packs_only(request, pack_ids, entries), False, "pack")


@main.group()
def hub() -> None:
    """The national hub: many forces' shared exports in one site.

    Example: hpkb hub build ../essex/build/shared/export ../kent/build/shared/export
    """


@hub.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path),
              help="Output folder (must be inside build/; default build/hub).")
@click.option("--strict", is_flag=True, help="A skipped source or entry fails the build.")
@click.option("--names", "names_files", multiple=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A names register: names the hub must never publish, one per line "
              "(blank lines and # comments ignored). Repeatable: one file per force. Keep "
              "it with the hub's operator, never in an export.")
@click.option("--allow", "allow_files", multiple=True, metavar="FILE",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Reviewed phrases the hub's guard lets through, one per line (as "
              "`extra: hpkb: allow:` does for a force). Repeatable.")
@_AS_OF
@click.pass_context
def hub_build(ctx: click.Context, sources: tuple[Path, ...], out: Path | None, strict: bool,
              names_files: tuple[Path, ...], allow_files: tuple[Path, ...],
              as_of: str | None) -> None:
    """Build a national site, search index and packs from forces' shared exports.

    SOURCES are export folders (build/shared/export), build folders, entries.json files,
    or .zip / .tar.gz archives of them. Each is checked again; what is skipped is said,
    with the force and entry. An export whose declared profile and limits disagree, or
    whose limits allow more than the shared profile, is skipped. The newest export of an
    entry wins; near-identical entries from different forces are listed in
    build/hub/duplicates.json, never merged.

    Everything the hub would publish is then checked as a force's build checks it: a
    name from a --names register (HP601) or personal data such as a phone number
    (HP602) anywhere refuses the whole hub build, whatever --strict says, and the
    previous hub stays. A shared export holds them only when it was changed after the
    force's guard passed it, so none of it can be trusted: the force fixes and exports
    again, or the source is left off. A reviewed phrase that is not personal data is
    let through with --allow.

    Example: hpkb hub build ../essex/build/shared/export kent-export.tar.gz
    """
    from hpkb.hub import HubRequest, build_hub, read_lines

    report = build_hub(HubRequest(_root(ctx), tuple(sources), out, strict, _as_of(as_of),
                                  names=read_lines(names_files),
                                  allow=read_lines(allow_files)))
    failed = _report(report.diagnostics, "text", strict)
    if failed or not report.built:
        click.echo("hub build refused: fix the problems above (nothing was changed)",
                   err=True)
        sys.exit(1)
    click.echo(f"hub: {report.entries} entries from {len(report.forces)} forces "
               f"({', '.join(report.forces)}), {len(report.similar)} possible duplicates "
               f"-> {report.output}", err=True)


def _hub_folder(ctx: click.Context, out: Path | None) -> Path:
    from hpkb.write import BUILD_DIR

    return _root(ctx) / (out or Path(BUILD_DIR) / "hub")


@hub.command("search")
@_search_options
@click.option("--out", type=click.Path(path_type=Path),
              help="The hub's build folder (default build/hub).")
@click.pass_context
def hub_search(ctx: click.Context, query: str, kind: str | None, theme: str | None,
               organisation: str | None, since: str | None, until: str | None, limit: int,
               as_json: bool, out: Path | None) -> None:
    """Search every force's entries in the hub's index (as `hpkb search` does).

    Ids are global (essex-police:PR-2023-001): each result says which force shared it.

    Example: hpkb hub search "carers discharge" --type practice
    """
    from hpkb.search import INDEX_DIR

    _run_search(_hub_folder(ctx, out) / INDEX_DIR, query, kind, theme, organisation, since,
                until, limit, as_json, "run `hpkb hub build` first")


@hub.command("serve")
@click.option("--out", type=click.Path(path_type=Path),
              help="The hub's build folder (default build/hub).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.pass_context
def hub_serve(ctx: click.Context, out: Path | None, port: int) -> None:
    """Serve the hub's site and its search API (GET /api/search) on 127.0.0.1.

    Example: hpkb hub serve --port 8002
    """
    from waitress import create_server

    from hpkb.serve import make_app

    folder = _hub_folder(ctx, out)
    if not (folder / "site").is_dir():
        raise HpkbError("nothing to serve: run `hpkb hub build` first", exit_code=1)
    server = create_server(make_app(folder), host="127.0.0.1", port=port, threads=4)
    _serve_until_stopped(server, "the hub", threading.Event())
