"""The `hpkb` command: parse options, call the pipeline, map results to exit codes.

Exit codes: 0 success; 1 the content is wrong (errors, or warnings under --strict) or an
output could not be written safely; 2 usage errors (bad options, unknown profile).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
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
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD",
                                 param_hint="--as-of") from None


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
    """Check entries, taxonomy and cross-references.

    With PATHs, report only findings in those files or folders (references still
    resolve against the whole repository).

    Example: hpkb validate debriefs/RD-2024-007.md --format json
    """
    from hpkb.validate import validate_repo

    root = _root(ctx)
    wanted = [_relative(root, p) for p in paths]
    result = validate_repo(root, today=_as_of(as_of))
    findings = [d for d in result.diagnostics if _selected(d.file, wanted)]
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
