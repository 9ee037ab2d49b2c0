"""The rule-code catalogue (hpkb.check.codes) against the codes the source really raises."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

from hpkb.check.codes import FINDING_CODES, FindingCode, finding_code

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "hpkb"
CATALOGUE = SRC / "check" / "codes.py"
CODE_LITERAL = re.compile(r'"(HP[0-9]{3,4})"')
SEVERITIES = ("error", "warning", "error or warning")


def _source_files() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if path != CATALOGUE)


def _used_codes() -> dict[str, list[str]]:
    """Each code literal in src/hpkb (but the catalogue) → the places it appears."""
    used: dict[str, list[str]] = defaultdict(list)
    for path in _source_files():
        text = path.read_text(encoding="utf-8")
        for match in CODE_LITERAL.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            used[match.group(1)].append(f"{path.relative_to(ROOT)}:{line}")
    return dict(used)


def test_every_code_in_the_source_is_catalogued() -> None:
    used = _used_codes()
    missing = sorted(code for code in used if finding_code(code) is None)
    assert not missing, (
        "codes raised in src/hpkb but missing from the catalogue: "
        + ", ".join(f"{code} ({', '.join(used[code])})" for code in missing)
        + "; add a FindingCode for each to FINDING_CODES in src/hpkb/check/codes.py")


def test_every_catalogued_code_is_used() -> None:
    used = _used_codes()
    stale = [entry.code for entry in FINDING_CODES if entry.code not in used]
    assert not stale, (
        "catalogue entries no source file in src/hpkb raises: " + ", ".join(stale)
        + "; remove them from src/hpkb/check/codes.py (or raise them)")


def test_codes_are_unique_sorted_and_well_formed() -> None:
    codes = [entry.code for entry in FINDING_CODES]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    assert not duplicates, f"codes catalogued twice: {', '.join(duplicates)}"
    assert codes == sorted(codes, key=lambda code: int(code[2:])), "FINDING_CODES must be sorted by number"
    malformed = [code for code in codes if not re.fullmatch(r"HP[0-9]{3,4}", code)]
    assert not malformed, f"codes not of the form HP123: {', '.join(malformed)}"


def test_lookup() -> None:
    first = FINDING_CODES[0]
    assert finding_code(first.code) is first
    assert finding_code("HP000") is None
    assert finding_code("hp001") is None


def test_text_is_whole_sentences_without_placeholders() -> None:
    problems = []
    for entry in FINDING_CODES:
        for name in ("finds", "fix"):
            text: str = getattr(entry, name)
            if not text.strip():
                problems.append(f"{entry.code}.{name} is empty")
            elif not text.endswith("."):
                problems.append(f"{entry.code}.{name} does not end with a full stop")
            if "{" in text or "}" in text:
                problems.append(f"{entry.code}.{name} has a brace (an unfilled placeholder?)")
            if text != text.strip() or "  " in text:
                problems.append(f"{entry.code}.{name} has stray spaces")
    assert not problems, "; ".join(problems)


def test_severity_and_area_are_known() -> None:
    bad = [e.code for e in FINDING_CODES if e.severity not in SEVERITIES or not e.area]
    assert not bad, f"severity not one of {SEVERITIES}, or no area: {', '.join(bad)}"


def test_areas_go_by_the_hundreds() -> None:
    areas: dict[str, set[str]] = defaultdict(set)
    for entry in FINDING_CODES:
        areas[entry.code[:-2]].add(entry.area)
    mixed = {group: sorted(names) for group, names in areas.items() if len(names) > 1}
    assert not mixed, f"one group (HPnxx) must have one area: {mixed}"
    titles = [next(iter(names)) for names in areas.values()]
    assert len(titles) == len(set(titles)), f"two groups share an area title: {titles}"


# --- severity from the places each code is raised --------------------------------------
# A code's severity is decided from the innermost call around its literal: `error(…)` or
# `warning(…)`, or a helper in the same module that calls only one of them (`make(…)` in
# conform), or one choosing `warning if FLAG else error` (`_at(…, warn=True)` in rules).
# A literal anywhere else (a table of checks, an exception carrying the code) is left
# undecided; the decided places of every code must agree with the catalogue.

Decider = str | tuple[str, str] | None  # a severity, ("flag", name), or undecided


def _helper_decider(function: ast.FunctionDef) -> Decider:
    names = {node.id for node in ast.walk(function)
             if isinstance(node, ast.Name) and node.id in ("error", "warning")}
    if len(names) == 1:
        return names.pop()
    for node in ast.walk(function):
        if (isinstance(node, ast.IfExp) and isinstance(node.test, ast.Name)
                and isinstance(node.body, ast.Name) and node.body.id == "warning"
                and isinstance(node.orelse, ast.Name) and node.orelse.id == "error"):
            return ("flag", node.test.id)
    return None


def _call_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _site_severity(call: ast.Call | None, helpers: dict[str, Decider]) -> str | None:
    if call is None:
        return None
    name = _call_name(call)
    if name in ("error", "warning"):
        return name
    decider = helpers.get(name or "")
    if isinstance(decider, tuple):
        flag = next((k.value for k in call.keywords if k.arg == decider[1]), None)
        if flag is None:
            return "error"
        if isinstance(flag, ast.Constant) and isinstance(flag.value, bool):
            return "warning" if flag.value else "error"
        return None
    return decider


def _sites() -> dict[str, list[tuple[str, str | None]]]:
    """Each code → (place, severity or None when undecided) for every literal of it."""
    sites: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for path in _source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        helpers: dict[str, Decider] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name not in ("error", "warning"):
                helpers[node.name] = _helper_decider(node)

        def visit(node: ast.AST, around: ast.Call | None, path: Path = path,
                  helpers: dict[str, Decider] = helpers) -> None:
            if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                    and re.fullmatch(r"HP[0-9]{3,4}", node.value)):
                place = f"{path.relative_to(ROOT)}:{node.lineno}"
                sites[node.value].append((place, _site_severity(around, helpers)))
            inner = node if isinstance(node, ast.Call) else around
            for child in ast.iter_child_nodes(node):
                visit(child, None if isinstance(child, ast.FunctionDef) else inner)

        visit(tree, None)
    return dict(sites)


def _label(severities: set[str]) -> str:
    return "error or warning" if len(severities) > 1 else next(iter(severities))


def test_helpers_are_recognised() -> None:
    tree = ast.parse("def make(code):\n    return error('f', 1, 1, code, 'm')\n"
                     "def _at(code, *, warn=False):\n    make = warning if warn else error\n"
                     "    return make('f', 1, 1, code, 'm')\n")
    helpers = {n.name: _helper_decider(n) for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert helpers == {"make": "error", "_at": ("flag", "warn")}
    call = ast.parse("_at('HP1', warn=True)", mode="eval").body
    assert isinstance(call, ast.Call)
    assert _site_severity(call, helpers) == "warning"


def test_severity_matches_the_places_codes_are_raised() -> None:
    sites = _sites()
    assert set(sites) == set(_used_codes()), "the parsed literals differ from the text's"
    wrong = []
    decided = 0
    for code, places in sorted(sites.items()):
        entry = finding_code(code)
        found = {severity for _, severity in places if severity is not None}
        if entry is None or not found:
            continue  # an uncatalogued code fails its own test; none decided: nothing to say
        if all(severity is not None for _, severity in places):
            decided += 1
            if entry.severity != _label(found):
                wrong.append(f"{code} is raised as {_label(found)} "
                             f"({', '.join(p for p, _ in places)}), catalogued {entry.severity}")
        elif not found <= _allowed(entry):
            wrong.append(f"{code} is raised as {_label(found)} at some of "
                         f"{', '.join(p for p, _ in places)}, catalogued {entry.severity}")
    assert not wrong, "; ".join(wrong) + " (fix `severity` in src/hpkb/check/codes.py)"
    # The reading of the source must keep deciding most codes, or this test says nothing.
    assert decided * 3 >= len(sites) * 2, f"only {decided} of {len(sites)} codes decided"


def _allowed(entry: FindingCode) -> set[str]:
    return {"error", "warning"} if entry.severity == "error or warning" else {entry.severity}

