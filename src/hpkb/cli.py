"""The `hpkb` command: parse options, call the pipeline, map results to exit codes.

Exit codes: 0 success; 1 the content is wrong (errors, or warnings under --strict) or an
output could not be written safely; 2 usage errors (bad options, unknown profile).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, get_args

import click

from hpkb.check.findings import (
    Diagnostic,
    HpkbError,
    OutputFormat,
    count_summary,
    fails,
    format_diagnostics,
)
from hpkb.content.model import ENTRY_KINDS, EntryKind

__all__ = ["main"]


class _Group(click.Group):
    """Turns HpkbError, and the system's refusal to read or write a file (a full disk,
    a permission), into one line on stderr and its exit code (never a traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except HpkbError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"error: {exc.strerror or exc}{where} (free the space or fix the "
                       "permission, then run the command again)", err=True)
            ctx.exit(1)


def _entries(count: int) -> str:
    """"1 entry", "33 entries"."""
    return f"{count} {'entry' if count == 1 else 'entries'}"


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
    from hpkb.check.validate import validate_repo
    from hpkb.pipeline import guard_every_profile

    root = _root(ctx)
    wanted = [_relative(root, p) for p in paths]
    result = validate_repo(root, today=_as_of(as_of))
    guarded = sorted(guard_every_profile(result))
    findings = [d for d in (*result.diagnostics, *guarded) if _selected(d.file, wanted)]
    failed = _report(findings, fmt, strict)
    if fmt == "text" and not findings:
        click.echo(f"{_entries(len(result.corpus.entries))} checked: no problems", err=True)
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
@click.option("--organisation", required=True, metavar="ID",
              help="The force's id in the taxonomy, e.g. essex-police.")
@click.option("--name", help="The force's name as the site shows it (default: its name in "
              "the taxonomy).")
@click.option("--examples", is_flag=True, help="Add one example entry of each kind.")
def init(directory: Path, organisation: str, name: str | None, examples: bool) -> None:
    """Create a new content repository for a force in an empty DIRECTORY.

    It gets mkdocs.yml naming the force, the framework themes, the inspection
    recommendations, the forces of England and Wales, pack definitions, a README with
    next steps and an empty templates/ folder for overrides; then a git repository whose
    pre-commit hook runs `hpkb validate`.

    Example: hpkb init ../essex-hpkb --organisation essex-police
    """
    from hpkb.authoring.scaffold import init_repo

    made = init_repo(directory, organisation, name, examples=examples)
    click.echo(f"created {len(made.files)} files in {directory}")
    if not made.git:
        click.echo("git was not found: run `git init` there yourself to keep history",
                   err=True)
    click.echo(f"next: cd {directory}, read README.md, then hpkb new debrief --title \"…\"")


@main.command()
@click.option("--prune", is_flag=True,
              help="Delete the overrides that are unchanged copies of hpkb's templates.")
@click.pass_context
def templates(ctx: click.Context, prune: bool) -> None:
    """List this repository's template overrides (templates/), marking those that are
    unchanged copies of hpkb's own templates; --prune deletes those copies.

    Copies keep a repository from receiving template fixes: `hpkb validate` warns about
    them (HP704). hpkb's own templates are in the folder printed last.

    Example: hpkb templates --prune
    """
    from hpkb.outputs.site.overrides import overrides, prune_copies
    from hpkb.outputs.site.templates import package_dir

    root = _root(ctx)
    if prune:
        removed = prune_copies(root)
        for path in removed:
            click.echo(f"deleted {path.as_posix()}")
        click.echo(f"{len(removed)} unchanged cop{'y' if len(removed) == 1 else 'ies'} "
                   "deleted", err=True)
        return
    found = overrides(root)
    for item in found:
        click.echo(f"{item.path.as_posix()}  {'unchanged copy' if item.copy else 'override'}")
    click.echo(f"{len(found)} file{'' if len(found) == 1 else 's'} in templates/; hpkb's own "
               f"templates: {package_dir('templates')}", err=True)


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
    from hpkb.authoring.scaffold import new_entry

    root = _root(ctx)
    path = new_entry(root, kind, title)
    click.echo(path.relative_to(root).as_posix())


def _finish(report: Any, strict: bool, what: str) -> None:
    failed = _report(report.diagnostics, "text", strict)
    if failed or not report.built:
        click.echo(f"{what} refused: fix the problems above (nothing was changed)", err=True)
        sys.exit(1)
    if getattr(report, "up_to_date", False):
        click.echo(f"{what}: {_entries(report.entries)}, nothing changed since the last build "
                   f"-> {report.output}", err=True)
        return
    click.echo(f"{what}: {_entries(report.entries)}, {', '.join(report.stages) or 'no stages'}"
               f" -> {report.output}", err=True)


@main.command()
@_PROFILE
@click.option("--drafts", is_flag=True, help="Include draft entries.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@click.option("--skip", multiple=True, type=click.Choice(["site", "search", "packs", "export"]),
              help="Leave a stage out (repeatable).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Output folder (must be inside build/; default build/<profile>).")
@click.option("--no-reuse", is_flag=True,
              help="Build everything afresh: take nothing from the last build or what it "
                   "kept (the reference build).")
@_AS_OF
@click.pass_context
def build(ctx: click.Context, profile: str | None, drafts: bool, strict: bool,
          skip: tuple[str, ...], out: Path | None, no_reuse: bool, as_of: str | None
          ) -> None:
    """Validate, then build one profile's outputs into build/<profile>/.

    Refuses invalid content. The previous build is replaced only when the new one is
    complete.

    Example: hpkb build --profile internal --skip packs
    """
    from hpkb.pipeline import BuildRequest
    from hpkb.pipeline import build as run_build

    request = BuildRequest(_root(ctx), profile, drafts, strict, frozenset(skip), out,
                           _as_of(as_of), reuse=not no_reuse)
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
    from hpkb.check.validate import validate_repo
    from hpkb.pipeline import profile_view

    validation = validate_repo(_root(ctx), today=as_of)
    if validation.has_errors:
        _report([d for d in validation.diagnostics if d.severity.value == "error"], "text",
                False)
        click.echo("refused: the content has errors (run `hpkb validate`)", err=True)
        sys.exit(1)
    return validation.settings, profile_view(validation, profile or "internal", today=as_of)


@main.group(invoke_without_command=True)
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
    """List actions across debriefs, learning entries and recommendation responses;
    `hpkb actions import` updates them from a spreadsheet.

    A response's actions have global ids such as hmicfrs-2023-r3/A01 and name the
    recommendation's source.

    An action is overdue when it is open or in progress and its due date is before today
    (or --as-of); due today is not overdue.

    Example: hpkb actions --overdue --owner "Public Protection" --csv
    """
    import csv
    import io
    import json

    from hpkb.governance.report import ACTION_FIELDS, action_rows, select_actions
    from hpkb.outputs.wording import count_of

    if ctx.invoked_subcommand is not None:
        return
    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")
    _, seen = _internal_view(ctx, profile, _as_of(as_of))
    today = seen.today
    if theme is not None and theme not in seen.taxonomy.themes:
        from hpkb.content.taxonomy import unknown_term

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
        width = max((len(row.id) for row in rows), default=16)
        for row in rows:
            flag = " OVERDUE" if row.overdue else ""
            source = f" [{row.source}]" if row.source else ""
            click.echo(f"{row.id:<{width}} {row.status:<11} due {row.due}{flag}  {row.owner}: "
                       f"{row.action}{source}")
        click.echo(f"{count_of(len(rows), 'action')} ({sum(r.overdue for r in rows)} "
                   f"overdue) as of {today}", err=True)


def _updated(outcome: Any, dry_run: bool, what: str) -> None:
    """Print an update's findings (exit 1, nothing written), or write its files (unless
    ``dry_run``) and print what changed."""
    from hpkb.authoring.action_edit import write_all

    if outcome.findings:
        _report(outcome.findings, "text", False)
        click.echo(f"nothing written: {what} would leave errors (fix them and run again)",
                   err=True)
        sys.exit(1)
    if not dry_run:
        write_all(outcome.staged)  # before saying what changed: it may refuse
    for request, changes in outcome.changes:
        if changes:
            click.echo(f"{request.ref}: {'; '.join(changes)}")


def _day(value: str | None, name: str) -> date | None:
    """A date option, which must be written YYYY-MM-DD (the hint names the likely one)."""
    from hpkb.content.schema import iso_suggestion

    try:
        return _period_date(value, name)
    except click.BadParameter:
        suggestion = iso_suggestion(value or "")
        hint = f" (did you mean {suggestion}?)" if suggestion else ""
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD{hint}",
                                 param_hint=name) from None


def _text(value: str | None, name: str) -> str | None:
    """A text option, without surrounding spaces; never empty."""
    from hpkb.authoring.action_edit import text_problem

    if value is None:
        return None
    if not value.strip():
        raise click.BadParameter("must not be empty", param_hint=name)
    if (problem := text_problem(value)) is not None:
        raise click.BadParameter(f"cannot be written: {problem}", param_hint=name)
    return value.strip()


@main.command("action")
@click.argument("target", metavar="ENTRY/AID")
@click.option("--status", type=click.Choice(["open", "in-progress", "completed", "dropped"]),
              help="New status. Any other status than completed removes the completion "
              "date.")
@click.option("--completed", metavar="YYYY-MM-DD",
              help="Completion date (with --status completed).")
@click.option("--due", metavar="YYYY-MM-DD", help="New due date.")
@click.option("--owner", metavar="OWNER",
              help="New owner: a role or team, from content/taxonomy/owners.yml when the "
              "repository has it.")
@click.option("--outcome", metavar="TEXT",
              help="What was done, or why the action was dropped (replaces any outcome).")
@click.option("--note", metavar="TEXT", help="Add a dated progress note to the action.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Date the note (default: the repository's as_of setting, else today).")
@click.pass_context
def action(ctx: click.Context, target: str, status: str | None, completed: str | None,
           due: str | None, owner: str | None, outcome: str | None, note: str | None,
           as_of: str | None) -> None:
    """Update one action in its entry's file: ENTRY/AID is its global id (a
    recommendation response's actions go by the recommendation's id, as in
    hmicfrs-2023-r3/A02).

    Only that action's lines change: comments, quoting, the body and the rest of the file
    stay as they were. The file is written only when it would still pass `hpkb
    validate`'s checks; otherwise the findings are printed, exit 1, and the file is left
    untouched.

    Example: hpkb action RD-2024-007/A02 --status in-progress --note "Training plan agreed"
    """
    from hpkb.authoring.action_edit import (
        ActionUpdate,
        Repo,
        Request,
        apply_updates,
        parse_action_ref,
    )

    ref = parse_action_ref(target)
    if ref is None:
        raise click.BadParameter(f"{target!r} is not an action id: write the entry id, a "
                                 "slash and the action id, as in RD-2024-007/A02",
                                 param_hint="ENTRY/AID")
    update = ActionUpdate(status, _day(completed, "--completed"), _day(due, "--due"),
                          _text(owner, "--owner"), _text(outcome, "--outcome"),
                          _text(note, "--note"))
    if update.empty:
        raise click.UsageError("nothing to change: give --status, --completed, --due, "
                               "--owner, --outcome or --note")
    result = apply_updates(Repo.open(_root(ctx), _as_of(as_of)), [Request(ref, update)])
    if not result.findings and not result.staged:
        click.echo(f"{ref}: no change")
        return
    _updated(result, False, f"updating {ref}")


@actions.command("import")
@click.argument("csv_file", metavar="FILE.csv",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what would change; write nothing.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Date the notes (default: the repository's as_of setting, else today).")
@click.pass_context
def actions_import(ctx: click.Context, csv_file: Path, dry_run: bool, as_of: str | None
                   ) -> None:
    """Update actions from a spreadsheet saved as CSV (UTF-8, as Excel writes it).

    The header row names the columns: `id` (the global id, RD-2024-007/A02) and any of
    status, completed, due, owner, outcome and note; a blank cell changes nothing. The
    other columns `hpkb actions --csv` writes are ignored, so its output can be edited
    and imported back. All or nothing: when any row or any changed file has an error,
    the findings are printed (at FILE.csv:ROW:COLUMN, or at the entry's file and line),
    exit 1, and no file is written.

    Example: hpkb actions import working-group-2024-09.csv --dry-run
    """
    from hpkb.authoring.action_edit import Repo, apply_updates
    from hpkb.authoring.action_import import read_requests

    requests, problems = read_requests(csv_file, click.format_filename(csv_file))
    outcome = apply_updates(Repo.open(_root(ctx), _as_of(as_of)), requests, problems)
    _updated(outcome, dry_run, "this import")
    changed = sum(1 for _, changes in outcome.changes if changes)
    files = len(outcome.staged)
    counted = (f"{changed} action{'s' * (changed != 1)} in {files} "
               f"file{'s' * (files != 1)}")
    click.echo(f"dry run: {counted} would change; nothing written" if dry_run
               else f"{counted} updated", err=True)


@main.command()
@click.option("--from", "start", metavar="YYYY-MM-DD", help="Start of the period.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="End of the period (default: --as-of).")
@click.option("--period", metavar="NAME",
              help="A named period instead of --from/--to: a financial quarter or year "
              "(2024-25-Q4, 2024-25), last-financial-quarter, last-financial-year, "
              "last-quarter (the three months to today) or last-year.")
@_AS_OF
@click.option("--profile", metavar="NAME", help="Profile to read (default: internal).")
@click.option("--json", "as_json", is_flag=True, help="JSON (stable shape).")
@click.pass_context
def report(ctx: click.Context, start: str | None, end: str | None, period: str | None,
           as_of: str | None, profile: str | None, as_json: bool) -> None:
    """Governance figures for a period: the position as at --as-of, what changed in the
    period, debriefs, actions and timeliness.

    The position counts everything to date; the period's debriefs count by incident date
    inside it, its actions by the date raised, with their status as of --as-of. With no
    period: everything to date.

    Example: hpkb report --period 2024-25-Q4 --as-of 2025-03-31 --json
    """
    import json
    import re

    from hpkb.governance.periods import PERIOD_PATTERN, period_problem, resolve_period
    from hpkb.governance.report import period_report

    first = _period_date(start, "--from")
    last = _period_date(end, "--to")
    if first and last and first > last:
        raise click.BadParameter("--from is after --to", param_hint="--from")
    if period is not None:
        if first or last:
            raise click.UsageError("give --period or --from/--to, not both")
        problem = None if re.match(PERIOD_PATTERN, period) else (
            f"`{period}` is not a period: write 2024-25-Q4, 2024-25, last-financial-quarter, "
            "last-financial-year, last-quarter, last-year or all")
        problem = problem or period_problem(period)
        if problem:
            raise click.BadParameter(problem, param_hint="--period")
    settings, seen = _internal_view(ctx, profile, _as_of(as_of))
    today = seen.today
    if period is not None and period != "all":
        named = resolve_period(period, today)
        first, last = named.start, named.end
        today = named.as_of(today) if as_of is None else today
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
    from hpkb.outputs.wording import count_of, plural

    period = figures["period"]
    debriefs = figures["debriefs"]
    acts = figures["actions"]
    here, changes = figures["position"], figures["changes"]
    homicides = count_of(debriefs["by_category"]["homicide"], "homicide")
    near_misses = count_of(debriefs["by_category"]["near-miss"], "near miss", "near misses")
    lines = [f"Period: {period['from'] or 'start'} to {period['to']} (as of {period['as_of']})",
             "",
             f"Position as at {here['as_of']}: {count_of(here['debriefs'], 'debrief')}; "
             f"{count_of(here['actions_raised'], 'action')} raised, {here['completed']} "
             f"completed ({here['completed_late']} late), {here['outstanding']} outstanding "
             f"({here['outstanding_recent']} from the {len(here['recent_debriefs'])} most "
             f"recent {plural(len(here['recent_debriefs']), 'debrief')}), {here['overdue']} "
             f"overdue, {here['dropped']} dropped",
             f"In the period: {count_of(changes['debriefs'], 'debrief')} held; "
             f"{count_of(changes['actions_raised'], 'action')} raised, "
             f"{changes['actions_completed']} completed",
             "",
             f"Debriefs: {debriefs['count']} ({homicides}, {near_misses})",
             "  by context: " + ", ".join(f"{k} {v}" for k, v in debriefs["by_context"].items()),
             "  by factor:  " + ", ".join(f"{k} {v}" for k, v in debriefs["by_factor"].items()
                                         if v),
             "  by primary factor: " + ", ".join(
                 f"{k} {v}" for k, v in debriefs["by_primary_factor"].items()),
             "  by financial year: " + ", ".join(
                 f"{y} {count_of(c['homicide'], 'homicide')} / "
                 f"{count_of(c['near-miss'], 'near miss', 'near misses')}"
                 for y, c in debriefs["by_financial_year"].items()),
             "",
             f"Actions raised in the period: {acts['raised']}; completed {acts['completed']}, "
             f"open {acts['open']} (in progress {acts['in_progress']}), dropped "
             f"{acts['dropped']}, overdue {acts['overdue']}",
             ""]
    for name, label in (("initial_review", "Initial review"), ("report", "Report")):
        step = figures["timeliness"][name]
        median = step["median_days"]
        lines.append(f"{label} (target {step['target_days']} days): within {step['within']}, "
                     f"late {step['late']}, missing {step['missing']}"
                     + (f"; median {median:g} days" if median is not None else ""))
    profile = figures["problem_profile"]
    recent = profile["last_12_months"]
    lines += ["", f"Last 12 months to {period['to']}: "
              f"{count_of(recent['incidents'], 'incident')}, "
              f"{count_of(recent['homicides'], 'homicide')}"
              + (f"; {profile['homicide_rate_per_million']:g} homicides per million residents"
                 if profile["homicide_rate_per_million"] is not None else "")]
    missed = figures["missed_opportunities"]
    if missed["count"]:
        lines += ["", f"Missed opportunities: {missed['count']} in "
                  f"{count_of(missed['debriefs'], 'debrief')} ({missed['by_kind']['systemic']} "
                  f"systemic, {missed['by_kind']['individual']} individual, "
                  f"{missed['by_kind']['not_recorded']} not yet judged; {missed['answered']} "
                  "answered by an action)",
                  "  by agency: " + ", ".join(f"{k} {v}" for k, v in missed["by_agency"].items()),
                  "  by theme:  " + ", ".join(f"{k} {v}" for k, v in missed["by_theme"].items())]
    responses = figures["responses"]
    if responses["count"]:
        given = responses["by_response"]
        lines += ["", f"Recommendation responses: {responses['count']} ("
                  + ", ".join(f"{k.replace('-', ' ')} {v}" for k, v in given.items() if v)
                  + f"); their actions: {responses['actions']['outstanding']} outstanding, "
                  f"{responses['actions']['overdue']} overdue"]
    if figures["stale"]:
        lines += ["", "Due for review:"]
        for owner, entries in figures["stale"].items():
            lines += [f"  {owner}: " + ", ".join(f"{e['id']} (since {e['review_by']})"
                                                 for e in entries)]
    return "\n".join(lines)


def _index_folder(ctx: click.Context, profile: str | None) -> tuple[str, Path]:
    from hpkb.content.settings import load_settings
    from hpkb.outputs.search.index import INDEX_DIR

    settings, _ = load_settings(_root(ctx))
    name = profile or settings.hpkb.default_profile
    if settings.profile(name) is None:
        raise HpkbError(f"unknown profile `{name}`; the profiles are: "
                        + ", ".join(settings.hpkb.profiles))
    return name, _root(ctx) / "build" / name / INDEX_DIR


def _index_is_stale(root: Path, folder: Path) -> bool:
    from hpkb.content.files import find_entry_files

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

    from hpkb.outputs.search.index import SearchError, search_index

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
@click.option("--skip-packs", is_flag=True,
              help="Leave the PDF packs out of the rebuilds (faster; the downloads page "
              "then lists none).")
@click.pass_context
def serve(ctx: click.Context, profile: str | None, port: int, skip_packs: bool) -> None:
    """Preview a profile's site with its search API on 127.0.0.1, rebuilt on change.

    Saving an author file rebuilds what depends on it (incrementally), prints its
    findings, and reloads the pages open in the browser. The first pages after a save
    keep the live build's PDF packs; the packs are typeset again in the build that
    follows, in the background.

    The API: GET /api/search?q=…&type=…&theme=…&organisation=…&since=…&until=…&limit=…
    answers in the same JSON as `hpkb search --json`.

    Example: hpkb serve --profile internal --port 8001
    """
    from waitress import create_server

    from hpkb.pipeline import BuildRequest
    from hpkb.serve import Generation, Rest, make_app, rebuilder, watch

    root = _root(ctx)
    # As `hpkb build`: a save's preview takes the packs from the live build, and the full
    # build after it typesets them again (unchanged ones are copied).
    request = BuildRequest(root, profile,
                           skip=frozenset({"packs"}) if skip_packs else frozenset())
    generation = Generation()
    rebuild_parts = rebuilder(request, generation, lambda found: _report(found, "text", False))

    def rebuild(changed: list[str]) -> Rest | None:
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
    watcher.join(timeout=60)  # a build under way ends at its next stage, writing nothing


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
    from hpkb.hub.build import HubRequest, build_hub, read_lines

    report = build_hub(HubRequest(_root(ctx), tuple(sources), out, strict, _as_of(as_of),
                                  names=read_lines(names_files),
                                  allow=read_lines(allow_files)))
    failed = _report(report.diagnostics, "text", strict)
    if failed or not report.built:
        click.echo("hub build refused: fix the problems above (nothing was changed)",
                   err=True)
        sys.exit(1)
    forces = len(report.forces)
    click.echo(f"hub: {_entries(report.entries)} from {forces} force{'s' * (forces != 1)} "
               f"({', '.join(report.forces)}), {len(report.similar)} possible "
               f"duplicate{'s' * (len(report.similar) != 1)} "
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
    from hpkb.outputs.search.index import INDEX_DIR

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


# --- Death investigations (hpkb.deaths): `hpkb deaths validate` and `hpkb deaths report`.

@main.group()
def deaths() -> None:
    """Death investigations: the records in deaths/*.csv from the force and its partners,
    merged into deaths, counted, and searched for spikes and possibly linked series.
    Internal only: nothing of the records leaves the internal profile.

    Example: hpkb deaths report --period last-financial-quarter
    """


@deaths.command("validate")
@click.option("--format", "fmt", type=click.Choice(list(get_args(OutputFormat))),
              default="text", show_default=True, help="How to print the findings.")
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@_AS_OF
@click.pass_context
def deaths_validate(ctx: click.Context, fmt: OutputFormat, strict: bool,
                    as_of: str | None) -> None:
    """Check every row of deaths/*.csv against the column contract, and
    deaths/reviews.yml; a file with errors is not loaded at all.

    Example: hpkb deaths validate --format github
    """
    from hpkb.deaths.command import deaths_validate as check

    findings = check(_root(ctx), _as_of(as_of))
    failed = _report(findings, fmt, strict)
    if fmt == "text" and not findings:
        click.echo("death records checked: no problems", err=True)
    ctx.exit(1 if failed else 0)


@deaths.command("report")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="Start of the period.")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="End of the period (default: today).")
@click.option("--period", metavar="NAME",
              help="A named period instead of --from/--to: a financial year or quarter "
              "(2024-25, 2024-25-Q4), last-financial-quarter or last-financial-year.")
@_AS_OF
@click.option("--json", "as_json", is_flag=True, help="JSON (stable shape).")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True,
              help="Alerts to list in the text summary.")
@click.pass_context
def deaths_report(ctx: click.Context, start: str | None, end: str | None,
                  period: str | None, as_of: str | None, as_json: bool, limit: int) -> None:
    """The analytical report on death investigations for a period: records merged into
    deaths, counts by month, area, category, place, age and sex, substance; coroner's
    outcomes pending; spikes; alerts of possibly linked deaths, strongest first (reviewed
    ones set aside). Findings on the records go to stderr; any error exits 1, after the
    report of the files that did load.

    Example: hpkb deaths report --period 2024-25-Q4 --json
    """
    import json

    from hpkb.deaths.command import deaths_report as analyse_period
    from hpkb.deaths.report import report_json, report_text

    analysis = analyse_period(_root(ctx), period, _period_date(start, "--from"),
                              _period_date(end, "--to"), _as_of(as_of))
    if analysis.findings:
        click.echo(format_diagnostics(analysis.findings, "text"), err=True)
        click.echo(count_summary(analysis.findings), err=True)
    if as_json:
        click.echo(json.dumps(report_json(analysis), indent=2, ensure_ascii=False))
    else:
        click.echo(report_text(analysis, limit))
    ctx.exit(1 if fails(analysis.findings, False) else 0)
