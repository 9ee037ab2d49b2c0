"""Where templates come from (a content repo's templates/ first, then hpkb's defaults),
and the sandboxed environment they are rendered in: a repository's templates are code
hpkb did not write, so none may reach past the values it is given, nor be read through a
symbolic link."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
import jinja2.ext
import jinja2.sandbox
from jinja2.lexer import Token, TokenStream

from hpkb.check.findings import Diagnostic, error
from hpkb.reuse.store import Codec, Reuse

__all__ = ["ReusedTemplates", "TemplateLink", "linked_part", "package_dir",
           "sandboxed_environment", "template_dirs", "template_error_at", "template_links",
           "template_loader"]


def package_dir(name: str) -> Path:
    """A folder shipped inside the hpkb package (templates, starter)."""
    return Path(str(resources.files("hpkb") / name))


def template_dirs(root: Path) -> list[Path]:
    """Template folders in override order: the repo's own, then the package's."""
    return [root / "templates", package_dir("templates")]


class TemplateLink(jinja2.TemplateNotFound):
    """A template, or a folder on the way to it, is a symbolic link: it is never read,
    and the next folder's template of that name (hpkb's own) is taken instead; the build
    reports the link (`template_links`)."""


def linked_part(top: Path, parts: Iterable[str]) -> Path | None:
    """The first of ``top`` and the paths below it down to ``top``/``parts`` that is a
    symbolic link; None when there is none (or the path stops existing first)."""
    paths = [top]
    for part in parts:
        paths.append(paths[-1] / part)
    for path in paths:
        try:
            if path.is_symlink():
                return path
        except OSError:
            return None
    return None


class _NoLinksLoader(jinja2.FileSystemLoader):
    """A template folder's files, as Jinja's loader finds them, but none through a
    symbolic link: a link in a repository's templates/ could have a build read (and
    publish) any file the build can reach."""

    def __init__(self, top: Path, subdir: str) -> None:
        super().__init__(str(top / subdir))
        self._top = top
        self._subdir = subdir

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        # The template's name split as Jinja's own loader splits it.
        parts = [part for part in template.replace(os.sep, "/").split("/")
                 if part not in ("", ".")]
        if ".." in parts:
            raise jinja2.TemplateNotFound(template)
        found = linked_part(self._top, [*self._subdir.split("/"), *parts])
        if found is not None:
            raise TemplateLink(template, f"{found} is a symbolic link, which hpkb never reads")
        return super().get_source(environment, template)


def template_loader(dirs: Iterable[Path], subdir: str) -> jinja2.BaseLoader:
    return jinja2.ChoiceLoader([_NoLinksLoader(d, subdir) for d in dirs])


def template_links(root: Path) -> list[Diagnostic]:
    """A finding for each symbolic link in the repository's templates/ (files and folders,
    the folder itself too), none of which is followed or read."""
    top = root / "templates"
    if top.is_symlink():
        return [_link_finding("templates")]
    if not top.is_dir():
        return []
    findings: list[Diagnostic] = []
    for folder, folders, files in os.walk(top):  # links to folders are listed, not walked
        rel = Path(folder).relative_to(root).as_posix()
        findings += [_link_finding(f"{rel}/{name}") for name in [*folders, *files]
                     if os.path.islink(os.path.join(folder, name))]
    return sorted(findings, key=lambda finding: finding.file)


def _link_finding(rel: str) -> Diagnostic:
    # HP003, as for a link among the entry files: hpkb reads no link anywhere.
    return error(rel, 1, 1, "HP003", "symbolic links are not read",
                 "replace the link with the real file (hpkb never follows links)")


class _NoPrivateNames(jinja2.ext.Extension):
    """Refuses, as a template is compiled, the plain ways to reach a value's insides:
    ``x._name`` and ``x["_name"]``. The sandbox refuses them (and the ways round, such as
    a name put together from parts) as the template runs; refused here, the error names
    the template and line, and nothing of the template runs."""

    def filter_stream(self, stream: TokenStream) -> Iterator[Token]:
        previous: Token | None = None
        for token in stream:
            value = token.value
            if previous is not None and isinstance(value, str) and value.startswith("_") \
                    and ((previous.type == "dot" and token.type == "name")
                         or (previous.type == "lbracket" and token.type == "string")):
                raise jinja2.TemplateSyntaxError(
                    f"access to {value!r} is not allowed (templates run in a sandbox)",
                    token.lineno, stream.name, stream.filename)
            previous = token
            yield token


class _Sandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's sandbox, which changes no value it is given, deciding once for each kind
    of value and attribute name whether the attribute is safe to read: its rules look at
    those alone, and the pages' templates read tens of thousands of attributes."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._safe: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        key = (type(obj), attr)
        safe = self._safe.get(key)
        if safe is None:
            safe = self._safe[key] = super().is_safe_attribute(obj, attr, value)
        return safe


def sandboxed_environment(loader: jinja2.BaseLoader, **options: Any) -> jinja2.Environment:
    """A Jinja environment for templates a content repository may override (and hpkb's
    own, the same way): sandboxed, so a template reaches no attribute starting with "_",
    calls nothing unsafe and changes no value it is given, and strict about undefined
    names."""
    return _Sandbox(loader=loader, undefined=jinja2.StrictUndefined,
                    extensions=[_NoPrivateNames], **options)


def template_error_at(exc: jinja2.TemplateError, dirs: Iterable[Path]
                      ) -> tuple[str, int] | None:
    """The template file and line a template error comes from: its own (a syntax error),
    or the innermost template line in its traceback (an error as the template ran, such
    as the sandbox's refusal: Jinja's traceback names the template's own lines)."""
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno or 1
    folders = [os.path.join(os.path.abspath(d), "") for d in dirs]
    found: tuple[str, int] | None = None
    trace = exc.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if any(os.path.abspath(name).startswith(folder) for folder in folders):
            found = (name, trace.tb_lineno or 1)
        trace = trace.tb_next
    return found


# Compiled templates as text on a shelf: each byte one character.
_BYTES: Codec[bytes] = Codec(lambda data: data.decode("latin-1"),
                             lambda text: text.encode("latin-1"))


class ReusedTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept on the "templates" shelf of a build's `Reuse`
    (Jinja's own extension point), so that a build does not compile the site's page
    templates afresh. Jinja takes one only while the template's source is the one it
    was compiled from; the shelf's seed stands for the code that compiles it."""

    def __init__(self, reuse: Reuse, shelf: str = "templates") -> None:
        self.reuse = reuse
        self.shelf = shelf
        # Kept whether this build loads them or not: one that renders a few pages
        # loads a few templates, and the next may render others.
        reuse.hold_all(shelf)

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # By name alone: in one environment a name always finds the same template, and
        # Jinja checks its source before it takes the compiled one.
        return hashlib.sha1(name.encode("utf-8"), usedforsecurity=False).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self.reuse.find(self.shelf, bucket.key, _BYTES)
        if found is not None:
            bucket.bytecode_from_string(found)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.reuse.put(self.shelf, bucket.key, bucket.bytecode_to_string(), _BYTES)
