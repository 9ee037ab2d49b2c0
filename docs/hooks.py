"""MkDocs hooks for the user guide: the reference pages are generated from hpkb itself.

- `reference/cli.md` from every command's `--help` (click's public API);
- `reference/fields.md` from the schema (the same tables as a site's authoring guide);
- `reference/finding-codes.md` from `hpkb.check.codes.FINDING_CODES`.

The pages exist only in the build (`File.generated`), so they can never be out of date.
"""

from __future__ import annotations

from collections.abc import Iterator

import click
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from hpkb.check.codes import FINDING_CODES
from hpkb.cli import main
from hpkb.outputs.site.guide import guide_sections
from hpkb.outputs.site.markdown_text import escape_md
from hpkb.outputs.site.pages import KIND_TITLES


def commands(group: click.Group = main, path: tuple[str, ...] = ("hpkb",)
             ) -> Iterator[tuple[tuple[str, ...], click.Command, click.Context]]:
    """Every command below ``group``, with its full name and a context to render it."""
    yield from _below(group, path, _context(group, path[0]))


def _context(command: click.Command, name: str, parent: click.Context | None = None
             ) -> click.Context:
    """The context ``--help`` renders in (the command's own settings, a fixed width)."""
    return command.make_context(name, [], parent=parent, resilient_parsing=True,
                                terminal_width=88, max_content_width=88)


def _below(group: click.Group, path: tuple[str, ...], parent: click.Context
           ) -> Iterator[tuple[tuple[str, ...], click.Command, click.Context]]:
    for name in group.list_commands(parent):
        command = group.get_command(parent, name)
        if command is None or command.hidden:
            continue
        context = _context(command, name, parent)
        yield (*path, name), command, context
        if isinstance(command, click.Group):
            yield from _below(command, (*path, name), context)


def cli_reference() -> str:
    """The command-line reference: each command's summary and its whole `--help`."""
    root = _context(main, "hpkb")
    lines = ["# Command line", "",
             "Generated from the commands' own `--help`, so it always matches the installed "
             "hpkb. Every command exits 0 on success, 1 when the content is wrong (errors, or "
             "warnings under `--strict`) or an output could not be replaced safely, and 2 on "
             "a usage error. Run `hpkb COMMAND --help` for the same text in a terminal.", "",
             "## hpkb", "", "```text", main.get_help(root).rstrip(), "```", ""]
    for path, command, context in commands():
        lines += [f"## {' '.join(path)}", "", command.get_short_help_str(limit=200), "",
                  "```text", command.get_help(context).rstrip(), "```", ""]
    return "\n".join(lines)


def fields_reference() -> str:
    """Every field of every entry kind, from the schema hpkb validates against."""
    lines = ["# Field reference", "",
             "Generated from the schema `hpkb validate` checks against: the same tables "
             "as the authoring guide page of every built site. How to write an entry is in "
             "[Writing entries](../authoring.md).", ""]
    for section in guide_sections():
        lines += [f"## {KIND_TITLES[section.kind]} (`{section.folder}/`)", "",
                  escape_md(section.description), "",
                  "Required sections: " + ", ".join(f"`## {s}`" for s in section.sections)
                  + "." + (" Optional: " + ", ".join(f"`## {s}`"
                                                     for s in section.optional_sections)
                           + "." if section.optional_sections else ""), "",
                  section.table]
    return "\n".join(lines)


def codes_reference() -> str:
    """Every finding code, grouped by area, from hpkb's own list."""
    lines = ["# Finding codes", "",
             "Every problem hpkb reports carries one of these codes, as in "
             "`debriefs/RD-2024-007.md:14:3: HP203 error … (hint)`. Errors always fail a "
             "command; warnings fail only under `--strict`. The list is generated from "
             "hpkb's own catalogue (`src/hpkb/check/codes.py`), which a test holds to the codes "
             "the program raises.", ""]
    area = None
    for entry in FINDING_CODES:
        if entry.area != area:
            area = entry.area
            lines += ["", f"## {escape_md(area)}", "",
                      "| Code | Severity | What it finds | What to do |", "|---|---|---|---|"]
        lines.append(f"| <span id=\"{entry.code.lower()}\">{entry.code}</span> | "
                     f"{entry.severity} | {escape_md(entry.finds)} | {escape_md(entry.fix)} |")
    return "\n".join(lines) + "\n"


GENERATED = {"reference/cli.md": cli_reference, "reference/fields.md": fields_reference,
             "reference/finding-codes.md": codes_reference}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Add the generated reference pages to the guide."""
    for path, make in GENERATED.items():
        files.append(File.generated(config, path, content=make()))
    return files
