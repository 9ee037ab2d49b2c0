"""The authoring guide, generated from the schema: every field, its values, an example."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Union

from pydantic import BaseModel

from hpkb.content.model import ENTRY_KINDS, KIND_FOLDERS, EntryKind
from hpkb.content.schema import MODEL_BY_KIND, OPTIONAL_SECTIONS, REQUIRED_SECTIONS
from hpkb.outputs.site.markdown_text import Md, escape_md

__all__ = ["FieldDoc", "GuideSection", "guide_sections"]


@dataclass(frozen=True)
class FieldDoc:
    """One documented field."""

    name: str
    required: bool
    kind: str
    allowed: tuple[str, ...]
    description: str
    example: str


@dataclass(frozen=True)
class GuideSection:
    """One entry kind's fields and sections."""

    kind: EntryKind
    folder: str
    description: str
    fields: tuple[FieldDoc, ...]
    sections: tuple[str, ...]
    optional_sections: tuple[str, ...]

    @property
    def table(self) -> Md:
        """The kind's fields as one Markdown table: the site's authoring guide and the
        user guide's field reference both show it."""
        rows = ["| Field | Required | Type and values | What it is | Example |",
                "|---|---|---|---|---|"]
        for doc in self.fields:
            values = doc.kind + (": " + ", ".join(doc.allowed) if doc.allowed else "")
            cells = [f"`{doc.name}`", "yes" if doc.required else "no", escape_md(values),
                     escape_md(doc.description), escape_md(doc.example)]
            rows.append("| " + " | ".join(cells) + " |")
        return Md("\n".join(rows) + "\n")


def _describe_type(annotation: Any) -> tuple[str, tuple[str, ...], Any]:
    """(type name, allowed values, nested model or None) for a field annotation."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _describe_type(typing.get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _describe_type(args[0])
    if origin is list:
        name, allowed, nested = _describe_type(typing.get_args(annotation)[0])
        return f"list of {name}", allowed, nested
    if origin is typing.Literal:
        return "one of", tuple(str(a) for a in typing.get_args(annotation)), None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "fields", (), annotation
    names = {"str": "text", "date": "date (YYYY-MM-DD)", "bool": "true or false",
             "int": "whole number"}
    return names.get(getattr(annotation, "__name__", "text"), "text"), (), None


def _fields(model: type[BaseModel], prefix: str = "") -> list[FieldDoc]:
    docs: list[FieldDoc] = []
    for name, info in model.model_fields.items():
        kind, allowed, nested = _describe_type(info.annotation)
        example = info.examples[0] if info.examples else (allowed[0] if allowed else "")
        if isinstance(example, list):  # as the author writes it in YAML
            example = "[" + ", ".join(str(item) for item in example) + "]"
        docs.append(FieldDoc(prefix + name, info.is_required(), kind, allowed,
                             info.description or (nested.__doc__ or "").strip(), str(example)))
        if nested is not None:
            inner = f"{prefix}{name}[]." if kind.startswith("list") else f"{prefix}{name}."
            docs += _fields(nested, inner)
    return docs


def guide_sections() -> list[GuideSection]:
    """Every entry kind's documented fields and sections, from the schema."""
    return [GuideSection(kind, KIND_FOLDERS[kind], (MODEL_BY_KIND[kind].__doc__ or "").strip(),
                         tuple(_fields(MODEL_BY_KIND[kind])), REQUIRED_SECTIONS[kind],
                         OPTIONAL_SECTIONS[kind]) for kind in ENTRY_KINDS]
