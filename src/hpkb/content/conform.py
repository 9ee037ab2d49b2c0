"""Check plain YAML data against a schema model; turn every failure into a finding.

pydantic reports a `loc` path per failure; the loader kept a position for every key and
item, so each finding points at the exact line of the offending field.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable
from typing import Any, TypeVar, Union

from pydantic import BaseModel, ValidationError

from hpkb.check.findings import Diagnostic, did_you_mean, error
from hpkb.content.schema import iso_suggestion
from hpkb.content.strict_yaml import Path, PositionsView

__all__ = ["conform", "field_choices"]

M = TypeVar("M", bound=BaseModel)

_TYPE_NAMES = {
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a set of `field: value` lines",
    "model_type": "a set of `field: value` lines",
    "model_attributes_type": "a set of `field: value` lines",
    "bool_type": "true or false",
    "int_type": "a whole number",
    "date_type": "a date written YYYY-MM-DD",
}
_YAML11_BOOLS = frozenset({"yes", "no", "on", "off", "y", "n"})


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a set of fields"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"{type(value).__name__} {value!r}".replace("str ", "text ")


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated/list wrappers down to the model or Literal inside."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is list:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _field_at(model: type[BaseModel], loc: Path
              ) -> tuple[Any, Any, tuple[str, ...]] | None:
    """Walk ``loc`` through nested models: (field info, its unwrapped annotation, ()),
    or (None, None, the field names there) when the last name is unknown, or None when
    the path leaves the models."""
    current: Any = model
    info = None
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None, None, tuple(current.model_fields)
        current = _unwrap(info.annotation)
    return info, current, ()


def field_choices(model: type[BaseModel], loc: Path) -> tuple[str, ...]:
    """Allowed values (Literal) of the field at ``loc``, or the field names there."""
    found = _field_at(model, loc)
    if found is None:
        return ()
    _, annotation, names = found
    if names:
        return names
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(a) for a in typing.get_args(annotation))
    return ()


def _dotted(loc: Path) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


FindingHook = Callable[[dict[str, Any], str, Path], Diagnostic | None]


def _finding(model: type[BaseModel], err: dict[str, Any], file: str,
             positions: PositionsView, hook: FindingHook | None) -> Diagnostic:
    loc: Path = tuple(err["loc"])
    name = _dotted(loc)
    kind = err["type"]
    value = err.get("input")
    line, column = _position(positions, loc)

    def make(code: str, message: str, hint: str = "") -> Diagnostic:
        return error(file, line, column, code, message, hint)

    if hook is not None:
        special = hook(err, name, loc)
        if special is not None:
            return make(special.code, special.message, special.hint)
    if kind == "missing":
        example = _example(model, loc)
        return make("HP101", f"missing required field `{name}`",
                    f"add `{loc[-1]}: {example}`" if example else f"add `{loc[-1]}:`")
    if kind == "extra_forbidden":
        known = field_choices(model, loc)
        return make("HP102", f"unknown field `{name}`",
                    did_you_mean(str(loc[-1]), known, "remove it, or check the authoring guide"))
    if kind in ("literal_error", "enum"):
        allowed = field_choices(model, loc)
        listing = ", ".join(allowed)
        return make("HP104", f"`{name}` must be one of: {listing}; got {_describe(value)}",
                    did_you_mean(str(value), allowed, f"use one of: {listing}"))
    if kind == "hp_date":
        suggestion = iso_suggestion(value) if isinstance(value, str) else None
        return make("HP105", f"`{name}`: {err['msg']}",
                    f"write {suggestion}" if suggestion else "write the date as YYYY-MM-DD")
    if kind in ("string_pattern_mismatch",):
        pattern = err.get("ctx", {}).get("pattern", "")
        return make("HP107", f"`{name}` {value!r} is not in the expected form",
                    _pattern_hint(str(loc[-1]), pattern))
    if kind == "string_too_long":
        limit = err.get("ctx", {}).get("max_length")
        return make("HP108", f"`{name}` is {len(str(value))} characters; the limit is {limit}",
                    "shorten it; put detail in the summary or body")
    if kind in ("too_short", "string_too_short"):
        return make("HP101", f"`{name}` is empty", "give it at least one value")
    expected = _TYPE_NAMES.get(kind, err["msg"].removeprefix("Input should be ").lower())
    hint = f"write {expected}"
    if kind == "bool_type" and isinstance(value, str) and value.lower() in _YAML11_BOOLS:
        hint = f"write true or false; hpkb reads `{value}` as text, not as YAML 1.1 did"
    elif kind == "list_type" and isinstance(value, str):
        hint = f"write a list: `{loc[-1]}: [{value}]`"
    elif kind == "string_type" and isinstance(value, bool | int | float):
        hint = "quote it to keep it as text"
    return make("HP103", f"`{name}` should be {expected}, got {_describe(value)}", hint)


def _pattern_hint(field: str, pattern: str) -> str:
    if field == "id" and "RD" in pattern:
        return "ids look like RD-2024-007, LN-2024-012 or PR-2023-001"
    if field == "id":
        return "action ids look like A01, A02, …"
    if field == "email":
        return "write an email address such as team@example.police.uk"
    return f"match the pattern {pattern}"


def _example(model: type[BaseModel], loc: Path) -> str:
    found = _field_at(model, loc)
    if found is None:
        return ""
    info, annotation, _ = found
    if info is not None and info.examples:
        return str(info.examples[0])
    if typing.get_origin(annotation) is typing.Literal:
        return str(typing.get_args(annotation)[0])
    return ""


def _position(positions: PositionsView, loc: Path) -> tuple[int, int]:
    for end in range(len(loc), -1, -1):
        found = positions.get(loc[:end])
        if found is not None:
            return found
    return (1, 1)


def conform(model: type[M], data: Any, file: str, positions: PositionsView,
            hook: FindingHook | None = None) -> tuple[M | None, list[Diagnostic]]:
    """The typed model of ``data``, or None and every finding that stops it."""
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        findings = [_finding(model, dict(e), file, positions, hook) for e in exc.errors()]
        return None, findings
