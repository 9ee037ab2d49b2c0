"""Recommendation responses (content/responses/<recommendation-id>.md): reading and checks.

A response is the force's answer to one recommendation of any source (an inspectorate,
a national programme, a coroner's report, its own problem profile): accepted or not, its
lead, position and plan, actions in the same model as a debrief's, and the entries that
evidence it. Checked like entries, with file:line findings; pure (reads, never writes).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hpkb.check.findings import Diagnostic, error
from hpkb.check.rules import action_findings
from hpkb.content.body import body_findings, find_references
from hpkb.content.conform import conform
from hpkb.content.files import read_text, split_front_matter
from hpkb.content.model import Response, Source
from hpkb.content.schema import ResponseMeta
from hpkb.content.strict_yaml import parse_yaml
from hpkb.content.taxonomy import Taxonomy, unknown_owner, unknown_term

__all__ = ["RESPONSES_DIR", "load_responses", "read_response"]

RESPONSES_DIR = "content/responses"


def _checks(source: Source, meta: ResponseMeta, taxonomy: Taxonomy,
            known: Mapping[str, str]) -> list[Diagnostic]:
    """The rules across files: its recommendation, evidence, action owners and themes."""
    findings: list[Diagnostic] = []

    def at(path: tuple[str | int, ...], code: str, message: str, hint: str) -> None:
        findings.append(error(source.path, *source.where(path), code, message, hint))

    stem = Path(source.path).stem
    if meta.recommendation not in taxonomy.recommendations:
        message, hint = unknown_term("recommendation", meta.recommendation,
                                     taxonomy.recommendations)
        at(("recommendation",), "HP313", message, hint)
    elif stem != meta.recommendation:
        at(("recommendation",), "HP313",
           f"response to `{meta.recommendation}` is in {stem}.md",
           f"rename the file to {meta.recommendation}.md (one response a recommendation)")
    if meta.updated < meta.created:
        at(("updated",), "HP206", f"`updated` {meta.updated} is before `created` "
           f"{meta.created}", "set `updated` to the date the position was last brought up "
           "to date")
    for index, entry_id in enumerate(meta.evidence):
        if entry_id not in known:
            at(("evidence", index), "HP314", f"evidence `{entry_id}` names no entry",
               "list the ids of existing entries (RD-, LN- or PR-…)")
    for index, action in enumerate(meta.actions):
        if action.theme is not None and action.theme not in taxonomy.themes:
            message, hint = unknown_term("theme", action.theme, taxonomy.themes)
            at(("actions", index, "theme"), "HP305", f"action {action.id}: {message}", hint)
        if taxonomy.owners is not None and action.owner not in taxonomy.owners:
            message, hint = unknown_owner(action.owner, taxonomy.owners)
            at(("actions", index, "owner"), "HP309", f"action {action.id}: {message}", hint)
    for ref in find_references(source.body, source.body_line):
        if ref.target not in known:
            findings.append(error(source.path, ref.line, ref.column, "HP304",
                                  f"reference [[{ref.target}]] names no entry",
                                  "write [[ID]] with an existing entry's id"))
    return findings


def _load_one(root: Path, path: Path, taxonomy: Taxonomy, known: Mapping[str, str]
              ) -> tuple[Response | None, list[Diagnostic]]:
    rel = path.relative_to(root).as_posix()
    if path.is_symlink():
        return None, [error(rel, 1, 1, "HP003", "symbolic links are not read",
                            "replace the link with the real file (hpkb never follows links)")]
    text = read_text(path, rel)
    if isinstance(text, Diagnostic):
        return None, [text]
    return read_response(rel, text, taxonomy, known)


def read_response(rel: str, text: str, taxonomy: Taxonomy, known: Mapping[str, str]
                  ) -> tuple[Response | None, list[Diagnostic]]:
    """The response file ``rel`` holding ``text`` (as `read_text` gives it), and every
    finding `hpkb validate` makes on it (``known``: each entry id, to its file)."""
    split = split_front_matter(text, rel)
    if isinstance(split, Diagnostic):
        return None, [split]
    front_text, body, body_line = split
    parsed = parse_yaml(front_text, rel, line_offset=1)
    if isinstance(parsed, Diagnostic):
        return None, [parsed]
    if not isinstance(parsed.value, dict):
        return None, [error(rel, 2, 1, "HP010", "front matter must be a set of `field: value` "
                            "lines", "write one `field: value` per line between the --- lines")]
    # Responses hold actions as learning entries do: the same rules, dated from `created`.
    source = Source(rel, "learning", parsed.value, parsed.positions, body, body_line)
    meta, findings = conform(ResponseMeta, parsed.value, rel, parsed.positions)
    findings += body_findings(rel, body, body_line)
    if meta is None:
        return None, findings
    findings += action_findings(source, meta, meta.actions)
    findings += _checks(source, meta, taxonomy, known)
    return Response(rel, meta, body), findings


def load_responses(root: Path, taxonomy: Taxonomy, known: Mapping[str, str]
                   ) -> tuple[tuple[Response, ...], list[Diagnostic]]:
    """Every response under content/responses/ (none when the folder is missing), and
    every finding; ``known``: each entry id, to its file."""
    folder = root / RESPONSES_DIR
    if folder.is_symlink():
        return (), [error(RESPONSES_DIR, 1, 1, "HP003", "symbolic links are not read",
                          "replace the link with the real folder (hpkb never follows links)")]
    if not folder.is_dir():
        return (), []
    responses: list[Response] = []
    findings: list[Diagnostic] = []
    for path in sorted(folder.glob("*.md")):
        response, problems = _load_one(root, path, taxonomy, known)
        findings += problems
        if response is not None and not any(d.severity.value == "error" for d in problems):
            responses.append(response)
    return tuple(responses), findings
