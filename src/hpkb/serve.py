"""`hpkb serve`: one profile's built site and its search API on 127.0.0.1.

A small WSGI app under waitress: static files from build/<profile>/site and
`GET /api/search?q=…` answering from build/<profile>/search only (the app holds one
profile's paths; no request can name another). A watcher rebuilds on change.
"""

from __future__ import annotations

import contextlib
import gc
import json
import mimetypes
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, unquote

from hpkb.check.findings import Diagnostic, HpkbError
from hpkb.outputs.search.index import MAX_LIMIT, MAX_QUERY_CHARS, IndexReader, SearchError
from hpkb.pipeline import BuildReport, BuildRequest, build, warm
from hpkb.reuse.fingerprint import Found, walk_tree
from hpkb.reuse.store import Memory

__all__ = ["Generation", "make_app", "rebuilder", "watch"]

R = TypeVar("R")
# The rest of a build, to run once the author pauses: given an event that a newer save
# sets, it ends early then, and says whether it finished.
Rest = Callable[[threading.Event], bool]
# Called with the changed files; returns the rest of the build (or None).
Rebuild = Callable[[list[str]], Rest | None]

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
SECURITY_HEADERS = [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "no-referrer"),
                    ("Cross-Origin-Resource-Policy", "same-origin")]


def _json(start: StartResponse, status: str, data: Any) -> list[bytes]:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    start(status, [("Content-Type", "application/json; charset=utf-8"),
                   ("Content-Length", str(len(body))), *SECURITY_HEADERS])
    return [body]


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _search(reader: IndexReader, environ: dict[str, Any], start: StartResponse
            ) -> list[bytes]:
    query = parse_qs(environ.get("QUERY_STRING", ""), max_num_fields=20)

    def one(name: str) -> str | None:
        values = query.get(name)
        return values[0] if values else None

    text = one("q") or ""
    if len(text) > MAX_QUERY_CHARS:
        return _json(start, "400 Bad Request",
                     {"error": f"q is longer than {MAX_QUERY_CHARS} characters"})
    try:
        limit = int(one("limit") or 10)
        since, until = _date(one("since")), _date(one("until"))
    except ValueError:
        return _json(start, "400 Bad Request", {"error": "limit, since or until is malformed"})
    if not 1 <= limit <= MAX_LIMIT:
        return _json(start, "400 Bad Request", {"error": f"limit must be 1 to {MAX_LIMIT}"})
    try:
        found = reader.search(text, kind=one("type"), theme=one("theme"),
                             organisation=one("organisation"), since=since, until=until,
                             limit=limit)
    except SearchError as exc:
        return _json(start, "503 Service Unavailable", {"error": str(exc)})
    return _json(start, "200 OK", found.as_json())


# Only the preview server adds this (the built files never hold it): a page asks every
# 0.1 s (a tiny local request) which build it is looking at, and reloads itself when a
# newer one is live.
RELOAD_PATH = "/__hpkb/reload.js"
GENERATION_PATH = "/__hpkb/generation"
RELOAD_SCRIPT = b"""(function () {
  var seen = null;
  function check() {
    fetch("%s", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (d) {
        if (seen !== null && d.generation !== seen) { location.reload(); }
        seen = d.generation;
      }).catch(function () {}).finally(function () { setTimeout(check, 100); });
  }
  check();
})();
""" % GENERATION_PATH.encode()
_RELOAD_TAG = f'<script src="{RELOAD_PATH}" defer></script></body>'.encode()


class Generation:
    """Which build is live: the watcher moves it on after each successful rebuild."""

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    @property
    def value(self) -> int:
        return self._value

    def advance(self) -> None:
        with self._lock:
            self._value += 1


def rebuilder(request: BuildRequest, generation: Generation,
              show: Callable[[tuple[Diagnostic, ...]], object]) -> Rebuild:
    """What the watcher calls with the changed files. After a save, a preview build
    (the saved entries' pages, or every page when more than entries changed, with the
    last build's site search, export and packs), and the open pages
    reload; it returns the full build, which leaves the build exactly as `hpkb build`
    would, for the watcher to run once the author pauses. Without a preview (at start,
    or when the preview is refused: its findings may be about the last build's files)
    the full build runs at once. ``show`` gets the findings once, those about the
    changed files first. What a build made that the next may reuse is kept in memory
    (`reuse.store.Memory`)."""
    request = replace(request, memory=Memory())

    def built(asked: BuildRequest) -> BuildReport:
        try:
            return build(asked)
        finally:
            gc.unfreeze()  # a build freezes what it loaded (pipeline._validated)

    def shown(diagnostics: tuple[Diagnostic, ...], changed: list[str],
              already: tuple[Diagnostic, ...] = ()) -> None:
        new = [d for d in diagnostics if d not in already]
        show(tuple(sorted(new, key=lambda d: d.file not in changed)))

    def rebuild(changed: list[str]) -> Rest | None:
        # At start (nothing changed yet) there is nothing to preview.
        preview = built(replace(request, preview=True, saved=frozenset(changed))
                        ) if changed else None
        if preview is not None and preview.built:
            shown(preview.diagnostics, changed)
            if not preview.up_to_date:
                generation.advance()
            if not preview.deferred:
                return None
            previewed = preview.diagnostics

            def finish(stop: threading.Event) -> bool:
                report = built(replace(request, stop=stop))
                if not report.stopped:
                    shown(report.diagnostics, changed, previewed)
                return not report.stopped

            return finish
        report = built(request)
        if not changed and report.up_to_date:
            warm(request)  # the live build made nothing this process could keep
        shown(report.diagnostics, changed)
        if report.built and not report.up_to_date:
            generation.advance()  # open pages reload themselves
        return None

    return rebuild


def _static(site: Path, path: str, start: StartResponse, live_reload: bool,
            known: str | None = None) -> Iterable[bytes]:
    """The file at ``path`` of the built ``site`` (404.html when there is none);
    ``known``: the ETag of the copy the browser has (If-None-Match)."""
    relative = unquote(path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    target = (site / relative).resolve()
    if site.resolve() not in target.parents or not target.is_file():
        page = (site / "404.html")
        body = page.read_bytes() if page.is_file() else b"Not found"
        start("404 Not Found", [("Content-Type", "text/html; charset=utf-8"),
                                *SECURITY_HEADERS])
        return [body]
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    # The browser asks again each time (no-cache) and is told when its copy is the file
    # as it is: a page reloading after a save then fetches only what changed. A build
    # shares a file it did not change with the last build (the same inode and time).
    found = target.stat()
    tag = f'"{found.st_ino:x}-{found.st_mtime_ns:x}-{found.st_size:x}"'
    cache = [("ETag", tag), ("Cache-Control", "no-cache")]
    if known == tag:
        start("304 Not Modified", [*cache, *SECURITY_HEADERS])
        return [b""]
    body = target.read_bytes()
    if live_reload and kind == "text/html" and b"</body>" in body:
        head, tail = body.rsplit(b"</body>", 1)
        body = head + _RELOAD_TAG + tail
    start("200 OK", [("Content-Type", kind), ("Content-Length", str(len(body))), *cache,
                     *SECURITY_HEADERS])
    return [body]


def make_app(build: Path, generation: Generation | None = None
             ) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """The WSGI app for one profile's build folder. With ``generation``, pages reload
    themselves when it moves on (the preview server's live reload)."""
    site = build / "site"
    reader = IndexReader(build / "search")  # kept open; reopened after each rebuild

    def app(environ: dict[str, Any], start: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start("405 Method Not Allowed", [("Allow", "GET, HEAD"), *SECURITY_HEADERS])
            return [b""]
        path = environ.get("PATH_INFO", "/")
        if path == "/api/search":
            return _search(reader, environ, start)
        if generation is not None and path == GENERATION_PATH:
            return _json(start, "200 OK", {"generation": generation.value})
        if generation is not None and path == RELOAD_PATH:
            start("200 OK", [("Content-Type", "text/javascript; charset=utf-8"),
                             ("Content-Length", str(len(RELOAD_SCRIPT))), *SECURITY_HEADERS])
            return [RELOAD_SCRIPT]
        return _static(site, path, start, generation is not None,
                       environ.get("HTTP_IF_NONE_MATCH"))

    return app


def _modified(root: Path) -> dict[str, int]:
    """The author's files (path in the repo → modification time)."""
    watched: Found = [(("mkdocs.yml",), os.fspath(root / "mkdocs.yml"))]
    for folder, ending in (("debriefs", ".md"), ("practice", ".md"), ("content", ""),
                           ("templates", "")):
        if (root / folder).is_dir():
            watched += [(parts, path) for parts, path in walk_tree(root, root / folder)
                        if parts[-1].endswith(ending)]
    return _times([("/".join(parts), path) for parts, path in watched])


def _times(files: list[tuple[str, str]]) -> dict[str, int]:
    """Each file's modification time (path in the repo → time); a file not there is
    left out."""
    modified: dict[str, int] = {}
    for rel, path in files:
        with contextlib.suppress(OSError):  # gone since it was listed: seen next time
            if os.path.isfile(path):
                modified[rel] = os.stat(path).st_mtime_ns
    return modified


def watch(root: Path, rebuild: Rebuild, stop: threading.Event, interval: float = 0.15,
          settle: float = 1.0) -> None:
    """Call ``rebuild`` with the changed author files whenever some change, until
    ``stop`` is set; what it returns (the rest of the build) runs beside the watching once
    nothing has changed for ``settle`` seconds. A change that comes while it runs stops
    it at its next stage, so that the new save is previewed at once; the rest of the new
    rebuild covers both. Files are looked at every ``interval`` seconds, or less often
    when looking takes long: at most a fifth of the time. While the rest runs, only the
    files saved last are looked at, the ones an author goes on editing: the build keeps
    the interpreter busy, and looking at every file would then take seconds (any other
    file saved meanwhile is seen once it has finished). A rebuild
    that fails outside the content (`HpkbError`) is reported, and the watching goes on:
    the next save may mend it. Stopped with the rest pending or running, the build stays
    a preview, whose stamp makes the next build complete it."""
    seen = _modified(root)
    pause = interval
    pending: Rest | None = None
    running: _Beside | None = None
    saved: list[str] = []  # the files changed last
    changed_at = 0.0
    try:
        while not stop.wait(pause):
            looked = time.monotonic()
            if running is not None and not running.alive():
                running = None
            if running is not None:
                last = _times([(rel, os.fspath(root / rel)) for rel in saved])
                pause = max(interval, 4 * (time.monotonic() - looked))
                if last == {rel: seen[rel] for rel in saved if rel in seen}:
                    continue
                running.stop("set the build aside for a newer save")
                running = None  # the look below finds the save
            current = _modified(root)
            pause = max(interval, 4 * (time.monotonic() - looked))
            if current != seen:
                changed = sorted(k for k in current.keys() | seen.keys()
                                 if current.get(k) != seen.get(k))
                seen, saved = current, changed
                pending = _reported(partial(rebuild, changed), "rebuilt", "previewed")
                changed_at = time.monotonic()
            elif pending is not None and time.monotonic() - changed_at >= settle:
                running, pending = _Beside(pending), None
    finally:
        if running is not None:
            running.stop("set the build aside; the next build completes it")


class _Beside:
    """The rest of a build, run on a thread of its own while the watching goes on, at a
    lower CPU priority: a page may be reloading, or read, and the rest must not slow it
    down (on Linux a thread has a priority of its own, and the processes it starts
    inherit it; elsewhere it runs as is)."""

    def __init__(self, rest: Rest) -> None:
        self._rest = rest
        self._stop = threading.Event()
        self._said = ""
        self._thread = threading.Thread(target=self._run, name="hpkb-rest", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 10)
        if _reported(partial(self._rest, self._stop), "finished the build") is False:
            print(self._said, flush=True)

    def alive(self) -> bool:
        return self._thread.is_alive()

    def stop(self, said: str) -> None:
        """Ask it to end at its next stage (printing ``said`` if it does), and wait until
        it has."""
        self._said = said
        self._stop.set()
        self._thread.join()


def _reported(work: Callable[[], R], done: str, partly: str = "") -> R | None:
    """``work``'s result, saying how long it took (``partly`` when more is to come;
    nothing when it says False: it stopped before the end)."""
    started = time.monotonic()
    try:
        result = work()
    except HpkbError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return None
    if result is False:
        return result
    print(f"{partly if result is not None and partly else done} in "
          f"{time.monotonic() - started:.1f} s", flush=True)
    return result
