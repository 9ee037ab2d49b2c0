"""Update actions in entry files in place: `hpkb action` and `hpkb actions import`.

The front matter is read and written with a round-trip YAML library (ruamel.yaml), so
comments, key order and quoting survive; then only the lines that differ are put into
the file, so everything outside the edited action stays byte for byte, as do the body,
the line endings and a byte-order mark. Each changed file is checked as `hpkb validate`
checks one file, and written (atomically) only when no error is found.
"""

from __future__ import annotations

import io
import os
import re
import stat
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, get_args

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString, ScalarString

from hpkb.check.findings import Diagnostic, HpkbError, Severity, did_you_mean, error
from hpkb.check.validate import check_entry_text
from hpkb.content.files import EntryFile, find_entry_files, parse_source, read_text
from hpkb.content.responses import RESPONSES_DIR, read_response
from hpkb.content.schema import ActionStatus
from hpkb.content.settings import load_settings, today_of
from hpkb.content.taxonomy import Taxonomy, load_taxonomy, unknown_owner

__all__ = ["ACTION_STATUSES", "ActionRef", "ActionUpdate", "EntryEdit", "Outcome", "Problem",
           "Repo", "Request", "Staged", "apply_updates", "parse_action_ref", "text_problem",
           "write_all"]

ACTION_STATUSES: tuple[str, ...] = get_args(ActionStatus)
_BOM = b"\xef\xbb\xbf"

_REF = re.compile(r"((?:RD|LN|PR)-[0-9]{4}-[0-9]{3}|[a-z0-9]+(?:-[a-z0-9]+)*)/(A[0-9]{2,3})")
_BREAK = re.compile(r"\r\n|\r|\n")
# The order the schema declares an action's fields in: a key an update adds goes after
# the last key before it in this order.
_KEY_ORDER = ("id", "action", "owner", "theme", "raised", "due", "status", "completed",
              "outcome", "notes")
_UPDATED = ("status", "completed", "due", "owner", "outcome", "notes")
# Long values stay on one line: re-wrapping them would change lines nobody edited.
_WIDTH = 4096


@dataclass(frozen=True)
class ActionRef:
    """A global action id: the entry's id and the action's id within it."""

    entry: str
    action: str

    def __str__(self) -> str:
        return f"{self.entry}/{self.action}"


def parse_action_ref(text: str) -> ActionRef | None:
    """``RD-2024-007/A02`` as an ActionRef, or None when it is not written so."""
    match = _REF.fullmatch(text.strip())
    return ActionRef(match[1], match[2]) if match else None


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be an action's text (a control character, or a line or
    paragraph separator, which YAML readers disagree on), or None."""
    for character in text:
        if character not in "\n\t" and unicodedata.category(character) in ("Cc", "Cs", "Zl",
                                                                            "Zp"):
            return (f"it holds the character U+{ord(character):04X} (a control character or "
                    "a line separator), which front matter cannot keep")
    return None


@dataclass(frozen=True)
class ActionUpdate:
    """The changes asked for one action; None leaves a field as it is."""

    status: str | None = None
    completed: date | None = None
    due: date | None = None
    owner: str | None = None
    outcome: str | None = None
    note: str | None = None

    @property
    def empty(self) -> bool:
        return all(value is None for value in (self.status, self.completed, self.due,
                                               self.owner, self.outcome, self.note))


@dataclass(frozen=True)
class Problem:
    """A finding not yet placed: the caller knows where it belongs (a CSV cell, or none)."""

    code: str
    message: str
    hint: str

    def at(self, file: str, line: int, column: int) -> Diagnostic:
        return error(file, line, column, self.code, self.message, self.hint)

    def as_text(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class Staged:
    """A file's new bytes, ready to write, and the bytes it held when read."""

    entry_file: EntryFile
    original: bytes
    new: bytes


@dataclass(frozen=True)
class Repo:
    """What an update is checked against: the entry files, the taxonomy and today."""

    files: Mapping[str, EntryFile]  # by entry id (the file's name)
    links: Mapping[str, Diagnostic]  # entry files that are symbolic links, by id: refused
    taxonomy: Taxonomy
    today: date
    problems: tuple[Diagnostic, ...]  # errors in the taxonomy or settings
    # Recommendation responses (content/responses/<recommendation>.md), by recommendation
    # id: their actions are updated as entries' are, and checked as `hpkb validate` checks
    # a response.
    responses: Mapping[str, EntryFile] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path, as_of: date | None = None) -> Repo:
        """The repository at ``root``; ``as_of`` (--as-of) is today when given."""
        settings, findings = load_settings(root)
        taxonomy, taxonomy_findings = load_taxonomy(root)
        files, file_findings = find_entry_files(root)
        links = {Path(d.file).stem: d for d in file_findings
                 if d.code == "HP003" and d.file.endswith(".md")}
        problems = tuple(d for d in (*findings, *taxonomy_findings)
                         if d.severity is Severity.ERROR)
        folder = root / RESPONSES_DIR
        responses: dict[str, EntryFile] = {}
        if folder.is_dir() and not folder.is_symlink():
            for path in sorted(folder.glob("*.md")):
                rel = path.relative_to(root).as_posix()
                if path.is_symlink():
                    links[path.stem] = error(rel, 1, 1, "HP003", "symbolic links are not read",
                                             "replace the link with the real file (hpkb never "
                                             "follows links)")
                else:
                    responses[path.stem] = EntryFile(path, rel, "learning")
        return cls({Path(f.rel).stem: f for f in files}, links, taxonomy,
                   today_of(settings, as_of), problems, responses)

    def locate(self, ref: ActionRef) -> EntryFile | Diagnostic | Problem:
        """The file of the entry ``ref`` names; its link finding when it is a symbolic
        link; a problem when there is no such entry or it cannot have actions."""
        if ref.entry in self.links:
            return self.links[ref.entry]
        found = self.files.get(ref.entry) or self.responses.get(ref.entry)
        if found is None:
            # Suggest only ids of the same kind: RD-2025-011 is no typo for LN-2025-001.
            with_actions = [i for i, f in self.files.items()
                            if f.kind != "practice" and i[:3] == ref.entry[:3]]
            return Problem("HP312", f"no entry `{ref.entry}`",
                           did_you_mean(ref.entry, with_actions,
                                        "run `hpkb actions` to list every action's id"))
        if found.kind == "practice":
            return Problem("HP312", f"`{ref.entry}` is a practice entry, which has no actions",
                           "actions belong to debriefs (RD-…) and learning entries (LN-…)")
        return found

    def owner_problem(self, owner: str) -> Problem | None:
        """The finding for an owner not in owners.yml (when the repository has one)."""
        owners = self.taxonomy.owners
        if owners is None or owner in owners:
            return None
        return Problem("HP309", *unknown_owner(owner, owners))

    def check(self, entry_file: EntryFile, text: str) -> list[Diagnostic]:
        """The errors `hpkb validate` would find in the entry's (or response's) file if it
        held ``text``."""
        known = {entry_id: f.rel for entry_id, f in self.files.items()}
        if self.responses.get(Path(entry_file.rel).stem) == entry_file:
            findings = read_response(entry_file.rel, text, self.taxonomy, known)[1]
        else:
            findings = check_entry_text(entry_file, text, self.taxonomy, self.today, known)
        return [d for d in findings if d.severity is Severity.ERROR]


def _lines(text: str) -> list[tuple[str, str]]:
    """Each line's text and the line break that ends it ("" for the last)."""
    found: list[tuple[str, str]] = []
    start = 0
    for match in _BREAK.finditer(text):
        found.append((text[start:match.start()], match.group()))
        start = match.end()
    found.append((text[start:], ""))
    return found


def _yaml(front: Sequence[str]) -> YAML:
    """A round-trip reader and writer set to the front matter's own indentation."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = _WIDTH
    mapping, sequence, offset = _indents(front)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


_KEY_ALONE = re.compile(r"( *)[^\s#-][^:#]*:\s*(?:#.*)?$")
_MAPPING_KEY = re.compile(r"( *)[^\s#-][^:]*:(?:\s|$)")
_DASH = re.compile(r"( *)-( +)\S")


def _indents(front: Sequence[str]) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) as the front matter writes them:
    the actions list's style first (that is what an update writes), else the first
    nested list's; hpkb's own style, `  - id: A01`, when there is none."""
    mapping: int | None = None
    dashes: list[tuple[int, int, int]] = []  # (key's indent, dash's, key's after the dash)
    for index, line in enumerate(front[:-1]):
        key = _KEY_ALONE.match(line)
        if key is None:
            continue
        following = next((n for n in front[index + 1:] if n.strip()
                          and not n.lstrip().startswith("#")), "")
        if item := _DASH.match(following):
            style = (len(key[1]), len(item[1]), len(item[1]) + 1 + len(item[2]))
            if line.startswith("actions:"):
                dashes.insert(0, style)
            else:
                dashes.append(style)
        elif mapping is None and (nested := _MAPPING_KEY.match(following)) \
                and len(nested[1]) > len(key[1]):
            mapping = len(nested[1]) - len(key[1])
    if not dashes:
        return mapping or 2, 4, 2
    parent, dash, key_at = dashes[0]
    return mapping or 2, key_at - parent, dash - parent


def _dump(yaml: YAML, data: Any) -> list[str]:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue().split("\n")[:-1]


def _comment_or_blank(line: str) -> bool:
    return not line.strip() or line.lstrip().startswith("#")


def _splice(original: list[str], base: list[str], new: list[str], lift: bool
            ) -> list[int | str] | None:
    """``original`` with the changes that turn ``base`` (the writer's copy of it) into
    ``new``: each line kept as its index in ``original``, each written line as text; None
    when a changed line has no counterpart in ``original``. With ``lift``, a key added
    after comment lines goes above them: the writer puts a key added at the end of an
    action after the comments that close it, which are about what follows."""
    to_original: dict[int, int] = {}
    for block in SequenceMatcher(None, original, base, autojunk=False).get_matching_blocks():
        for step in range(block.size):
            to_original[block.b + step] = block.a + step
    edits: list[tuple[int, int, list[str]]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, base, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        written = new[j1:j2]
        if tag == "insert":
            while lift and i1 > 0 and _comment_or_blank(base[i1 - 1]):
                i1 -= 1
            start = to_original[i1 - 1] + 1 if i1 > 0 and i1 - 1 in to_original else None
            if i1 == 0:
                start = 0
            if start is None or (i1 < len(base) and to_original.get(i1) != start):
                return None
            edits.append((start, start, written))
            continue
        # Comments and blank lines the writer drops with a removed key stay in the file.
        left = Counter(written)
        kept = []
        for line in base[i1:i2]:
            if left[line] > 0:
                left[line] -= 1
            elif _comment_or_blank(line):
                kept.append(line)
        places = [to_original.get(i) for i in range(i1, i2)]
        first = places[0]
        if first is None or places != list(range(first, first + len(places))):
            return None
        edits.append((first, first + len(places), written + kept))
    result: list[int | str] = list(range(len(original)))
    for start, end, written in sorted(edits, reverse=True):
        result[start:end] = written
    return result


@dataclass(frozen=True)
class _Parts:
    """An entry file cut where its front matter starts and ends."""

    bom: bool
    opening: tuple[str, str]
    front: list[tuple[str, str]]
    rest: str


class EntryEdit:
    """One entry file being updated: its front matter as round-trip YAML, changed in
    memory by `update`; `staged` gives the file's new bytes."""

    def __init__(self, entry_file: EntryFile, original: bytes, parts: _Parts, yaml: YAML,
                 data: CommentedMap, base: list[str]) -> None:
        self.entry_file = entry_file
        self.original = original
        self._parts = parts
        self._yaml = yaml
        self._data = data
        self._base = base
        self.changed = False
        # The actions an update changed: their fields are read back as `hpkb validate`
        # reads the written file.
        self._edited: set[str] = set()

    @classmethod
    def read(cls, entry_file: EntryFile) -> EntryEdit | Diagnostic:
        """The file read for update, or the finding that stops it (the ones `hpkb
        validate` gives for a file it cannot read, or a front matter it cannot parse)."""
        rel = entry_file.rel
        text = read_text(entry_file.path, rel)
        if isinstance(text, Diagnostic):
            return text
        parsed = parse_source(entry_file, text)
        if isinstance(parsed, Diagnostic):
            return parsed
        original = entry_file.path.read_bytes()
        bom = original.startswith(_BOM)
        lines = _lines(original[len(_BOM) if bom else 0:].decode("utf-8"))
        close = next(i for i in range(1, len(lines))
                     if lines[i][0].rstrip(" \t") in ("---", "..."))
        parts = _Parts(bom, lines[0], lines[1:close], "".join(a + b for a, b in lines[close:]))
        front = [line for line, _ in parts.front]
        yaml = _yaml(front)
        try:
            data = yaml.load("\n".join(front) + "\n")
            base = _dump(yaml, data)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, column = (mark.line + 2, mark.column + 1) if mark is not None else (2, 1)
            return error(rel, line, column, "HP006",
                         f"YAML the updater cannot read: {getattr(exc, 'problem', exc)}",
                         "edit this entry's front matter by hand")
        if not isinstance(data, CommentedMap):
            return error(rel, 2, 1, "HP010", "front matter must be a set of `field: value` lines",
                         "write one `field: value` per line between the --- lines")
        return cls(entry_file, original, parts, yaml, data, base)

    def _actions(self) -> list[CommentedMap]:
        found = self._data.get("actions")
        if not isinstance(found, list):
            return []
        return [a for a in found if isinstance(a, CommentedMap)]

    def action_ids(self) -> list[str]:
        return [str(a.get("id")) for a in self._actions()]

    def unknown_action(self, ref: ActionRef) -> Problem | None:
        """The finding for an action id the entry does not have."""
        ids = self.action_ids()
        if ref.action in ids:
            return None
        fallback = (f"{ref.entry} has actions {', '.join(ids)}" if ids
                    else f"{ref.entry} has no actions")
        return Problem("HP312", f"{ref.entry} has no action `{ref.action}`",
                       did_you_mean(ref.action, ids, fallback))

    def update(self, action_id: str, update: ActionUpdate, note_on: date
               ) -> list[str] | Diagnostic:
        """Apply ``update`` to the action (which must exist: `unknown_action`); what
        changed, in words, or the finding that stops it."""
        action = next(a for a in self._actions() if str(a.get("id")) == action_id)
        changes: list[str] = []
        if update.status is not None:
            old = action.get("status")
            if old != update.status:
                _set(action, "status", _like(old, update.status))
                changes.append(f"status {old} → {update.status}")
            if update.status != "completed" and update.completed is None \
                    and "completed" in action:
                # Only a completed action has a completion date (HP204).
                changes.append(f"completed {action['completed']} removed")
                del action["completed"]
        for key, day in (("completed", update.completed), ("due", update.due)):
            if day is None:
                continue
            old = action.get(key)
            if old is None:
                _set(action, key, _own(day))
                changes.append(f"{key} {day.isoformat()}")
            elif str(old) != day.isoformat():
                _set(action, key,
                     _like(old, day.isoformat()) if isinstance(old, ScalarString) else _own(day))
                changes.append(f"{key} {old} → {day.isoformat()}")
        if update.owner is not None and action.get("owner") != update.owner:
            old = action.get("owner")
            _set(action, "owner", _like(old, update.owner))
            changes.append(f"owner {old} → {update.owner}")
        if update.outcome is not None and action.get("outcome") != update.outcome:
            changes.append("outcome set" if action.get("outcome") is None
                           else "outcome replaced")
            _set(action, "outcome", _like(action.get("outcome"), update.outcome))
        if update.note is not None:
            problem = self._add_note(action, action_id, note_on, update.note)
            if problem is not None:
                return problem
            changes.append("note added")
        if changes:
            self.changed = True
            self._edited.add(action_id)
        return changes

    def _add_note(self, action: CommentedMap, action_id: str, on: date, text: str
                  ) -> Diagnostic | None:
        note = CommentedMap([("on", _own(on)), ("text", _like(None, text))])
        notes = action.get("notes")
        if notes is None:
            _set(action, "notes", CommentedSeq([note]))
        elif isinstance(notes, list):
            notes.append(note)
        else:
            line, column = action.lc.key("notes")
            return error(self.entry_file.rel, line + 2, column + 1, "HP103",
                         f"action {action_id}: `notes` is not a list",
                         "write each note as `- {on: YYYY-MM-DD, text: …}` under `notes:`")
        return None

    def staged(self) -> Staged:
        """The file's new bytes: the front matter's changed lines written in, every
        other byte as it was. HpkbError when the change cannot be put in so."""
        new = _dump(self._yaml, self._data)
        front = [line for line, _ in self._parts.front]
        for lift in (True, False):
            spliced = _splice(front, self._base, new, lift)
            if spliced is not None and self._faithful(front, spliced):
                staged = Staged(self.entry_file, self.original, self._bytes(spliced))
                self._reads_back(staged)
                return staged
        raise HpkbError(f"{self.entry_file.rel}: cannot put the change in without rewriting "
                        "other lines of the front matter; nothing was written (make this "
                        "change by hand)", exit_code=1)

    def _reads_back(self, staged: Staged) -> None:
        """HpkbError unless hpkb's own reader reads each field an update sets as the
        update set it."""
        source = parse_source(self.entry_file, normalised(staged.new))
        if isinstance(source, Diagnostic):
            return  # the check of the written file reports it
        written = {str(a.get("id")): a for a in source.front.get("actions", [])
                   if isinstance(a, dict)}
        for action in self._actions():
            action_id = str(action.get("id"))
            if action_id not in self._edited:
                continue
            for key in _UPDATED:
                if _plain(action.get(key)) != written.get(action_id, {}).get(key):
                    raise HpkbError(f"{self.entry_file.rel}: action {action_id}'s `{key}` "
                                    "would not read back as given; nothing was written "
                                    "(make this change by hand)", exit_code=1)

    def _faithful(self, front: list[str], spliced: list[int | str]) -> bool:
        """Whether the spliced front matter reads as the updated data does, with every
        comment line of the file still in it."""
        text = [front[i] if isinstance(i, int) else i for i in spliced]
        comments = Counter(line for line in front if line.lstrip().startswith("#"))
        kept = Counter(line for line in text if line.lstrip().startswith("#"))
        if comments - kept:
            return False
        try:
            return bool(self._yaml.load("\n".join(text) + "\n") == self._data)
        except YAMLError:
            return False

    def _bytes(self, spliced: list[int | str]) -> bytes:
        parts = self._parts
        newline = parts.opening[1]
        out = [parts.opening[0], newline]
        for item in spliced:
            out += parts.front[item] if isinstance(item, int) else (item, newline)
        out.append(parts.rest)
        return (_BOM if parts.bom else b"") + "".join(out).encode("utf-8")


def _set(action: CommentedMap, key: str, value: Any) -> None:
    """Set ``key`` where it is, or add it after the last key the schema puts before it."""
    if key in action:
        action[key] = value
        return
    before = _KEY_ORDER[:_KEY_ORDER.index(key)]
    position = 0
    for index, existing in enumerate(action):
        if existing in before:
            position = index + 1
    action.insert(position, key, value)


def _plain(value: Any) -> Any:
    """A round-trip value as plain Python, as hpkb's own reader gives it."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if isinstance(value, str) else value


def _own(day: date) -> date:
    """A date object of its own: the writer marks an object met twice as an anchor and
    an alias, which front matter refuses (HP007)."""
    return date.fromordinal(day.toordinal())


def _like(old: Any, text: str) -> Any:
    """``text`` written as ``old`` was (quoted, or as a block), else plain; text of
    several lines as a literal block."""
    if isinstance(old, ScalarString):
        return type(old)(text)
    return LiteralScalarString(text) if "\n" in text else text


def normalised(data: bytes) -> str:
    """A file's bytes as `read_text` gives its text (no byte-order mark, LF breaks)."""
    text = data.decode("utf-8").removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_staged(repo: Repo, staged: Iterable[Staged]) -> list[Diagnostic]:
    """The errors `hpkb validate` would find in each file once written."""
    return [d for s in staged for d in repo.check(s.entry_file, normalised(s.new))]


def write_all(staged: Sequence[Staged]) -> None:
    """Write each file's new bytes: every file to a temporary file beside it first, then
    each moved over its file (atomic per file). HpkbError, and nothing written, when a
    file is no longer what was read (someone changed it meanwhile)."""
    temps: list[tuple[str, Path]] = []
    try:
        for item in staged:
            path = item.entry_file.path
            if path.is_symlink() or path.read_bytes() != item.original:
                raise HpkbError(f"{item.entry_file.rel} changed while hpkb was updating it; "
                                "nothing was written: run the command again", exit_code=1)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                            suffix=".tmp")
            temps.append((temp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(item.new)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, stat.S_IMODE(path.stat().st_mode))
        while temps:
            temp, path = temps[0]
            os.replace(temp, path)
            temps.pop(0)
    except OSError as exc:
        raise HpkbError(f"cannot write {exc.filename}: {exc.strerror}", exit_code=1) from None
    finally:
        for temp, _ in temps:
            Path(temp).unlink(missing_ok=True)


@dataclass(frozen=True)
class Request:
    """One update asked for, and the CSV row that asked for it ("" for the command line:
    then a problem with the request stops the command as an error line)."""

    ref: ActionRef
    update: ActionUpdate
    source: str = ""
    line: int = 0
    columns: Mapping[str, int] = field(default_factory=dict)  # field → its CSV column

    def place(self, problem: Problem, column: str = "id") -> Diagnostic:
        if not self.source:
            raise HpkbError(problem.as_text(), exit_code=1)
        return problem.at(self.source, self.line, self.columns.get(column, 1))


@dataclass(frozen=True)
class Outcome:
    """What a set of updates comes to: each request's changes in words (in order), the
    files to write, and the findings that stop them all."""

    changes: tuple[tuple[Request, tuple[str, ...]], ...]
    staged: tuple[Staged, ...]
    findings: tuple[Diagnostic, ...]


def apply_updates(repo: Repo, requests: Iterable[Request],
                  found: Iterable[Diagnostic] = ()) -> Outcome:
    """Apply every request in memory, in order (several may change one file), then check
    each changed file as `hpkb validate` would; ``found``: findings made before (in the
    requests' spreadsheet). Nothing is written here."""
    edits: dict[str, EntryEdit | Diagnostic] = {}
    changes: list[tuple[Request, tuple[str, ...]]] = []
    findings: list[Diagnostic] = [*found, *repo.problems]
    for request in requests:
        target = repo.locate(request.ref)
        if isinstance(target, Problem):
            findings.append(request.place(target))
            continue
        if isinstance(target, Diagnostic):
            findings.append(target)
            continue
        owner = request.update.owner
        if owner is not None and (problem := repo.owner_problem(owner)) is not None:
            findings.append(request.place(problem, "owner"))
            continue
        edit = edits.get(target.rel)
        if edit is None:
            edit = edits[target.rel] = EntryEdit.read(target)
            if isinstance(edit, Diagnostic):
                findings.append(edit)
        if isinstance(edit, Diagnostic):
            continue
        if (problem := edit.unknown_action(request.ref)) is not None:
            findings.append(request.place(problem))
            continue
        done = edit.update(request.ref.action, request.update, repo.today)
        if isinstance(done, Diagnostic):
            findings.append(done)
            continue
        changes.append((request, tuple(done)))
    staged = tuple(edit.staged() for edit in edits.values()
                   if isinstance(edit, EntryEdit) and edit.changed)
    findings += check_staged(repo, staged)
    return Outcome(tuple(changes), staged, tuple(findings))
