"""`hpkb serve`'s preview loop: save a file, the build updates, the open page reloads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from waitress import create_server

from hpkb.pipeline import BuildRequest, build
from hpkb.serve import RELOAD_PATH, Generation, Rest, make_app, rebuilder, watch
from tests.conftest import AS_OF
from tests.site_helpers import CHROMIUM, CHROMIUM_ARGS, copy_example

PAGE = "practice/PR-2023-003.html"


def test_saving_a_file_reloads_the_open_page(tmp_path: Path) -> None:
    from datetime import date

    root = copy_example(tmp_path / "repo")
    request = BuildRequest(root, "shared", skip=frozenset({"packs"}),
                           today=date.fromisoformat(AS_OF))
    assert build(request).built
    generation = Generation()
    rebuilt: list[list[str]] = []
    finished = threading.Event()
    rebuild_parts = rebuilder(request, generation, lambda found: None)

    def rebuild(changed: list[str]) -> Rest | None:
        rest = rebuild_parts(changed)  # the preview; the full build is the rest
        rebuilt.append(changed)
        if rest is None:
            return None

        def finish(stop: threading.Event) -> bool:
            done = rest(stop)
            finished.set()
            return done

        return finish

    server = create_server(make_app(root / "build/shared", generation), host="127.0.0.1",
                           port=0)
    threading.Thread(target=server.run, daemon=True).start()
    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop), daemon=True)
    watcher.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                 args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.effective_port}/{PAGE}")
            assert page.locator(f'script[src="{RELOAD_PATH}"]').count() == 1
            assert "weekend rota" not in page.content()
            source = root / "practice" / "PR-2023-003.md"
            text = source.read_text(encoding="utf-8")
            source.write_text(text.replace("\n## Aim\n", "\n## Aim\n\nIt now covers the "
                                           "weekend rota too.\n", 1), encoding="utf-8")
            # No reload by hand: the page notices the new build and reloads itself.
            page.wait_for_function("document.body.innerText.includes('weekend rota')",
                                   timeout=120_000)
            # The rest of the build once the author pauses (a second after the save).
            assert finished.wait(120)
            browser.close()
    finally:
        stop.set()
        watcher.join(timeout=120)
        server.close()
    assert rebuilt == [["practice/PR-2023-003.md"]]
    # The preview's stamp never matches: the full build followed, and nothing is left.
    assert build(request).up_to_date
    # The built files themselves never carry the preview's reload script.
    assert RELOAD_PATH not in (root / "build/shared/site" / PAGE).read_text(encoding="utf-8")


def test_a_preview_refused_over_the_last_builds_files_gives_way_to_the_full_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hiding an entry changes what the guard looks for, so it reads the last build's
    export and site search again, which still hold that entry: the preview is refused,
    and says nothing; the full build follows, and the page reloads once."""
    from datetime import date

    import hpkb.serve
    from hpkb.check.findings import Diagnostic
    from hpkb.pipeline import BuildReport
    reports: list[tuple[bool, BuildReport]] = []

    def spied(request: BuildRequest) -> BuildReport:
        reports.append((request.preview, build(request)))
        return reports[-1][1]

    monkeypatch.setattr(hpkb.serve, "build", spied)

    root = copy_example(tmp_path / "repo")
    request = BuildRequest(root, "shared", skip=frozenset({"packs"}),
                           today=date.fromisoformat(AS_OF))
    shown: list[Diagnostic] = []
    generation = Generation()
    rebuild = rebuilder(request, generation, shown.extend)
    rebuild([])
    started = generation.value
    live = root / "build/shared"
    title = "Cuckooing partnership protocol with a weekly shared risk list"
    assert title in (live / "export/entries.json").read_text(encoding="utf-8")
    source = root / "practice/PR-2024-002.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "audience: shared", "audience: internal", 1), encoding="utf-8")
    reports.clear()
    assert rebuild(["practice/PR-2024-002.md"]) is None  # the full build ran at once
    assert [(preview, report.built) for preview, report in reports] == [(True, False),
                                                                         (False, True)]
    assert {d.code for d in reports[0][1].diagnostics} >= {"HP603"}
    assert [d for d in shown if d.code.startswith("HP6")] == []
    assert generation.value == started + 1
    assert not (live / "site/practice/PR-2024-002.html").exists()
    for path in live.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".html"}:
            assert title not in path.read_text(encoding="utf-8"), path


def test_after_a_save_only_the_saved_file_is_parsed_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview server keeps what each build made (`reuse.store.Memory`); when its
    first build found nothing changed, it fills that from the live build's inputs
    instead."""
    from datetime import date

    from whoosh.reading import SegmentReader

    import hpkb.check.validate
    import hpkb.content.files
    from hpkb.serve import rebuilder

    root = copy_example(tmp_path / "repo")
    # A view with nothing to say (no entry held back): then a rebuild with nothing
    # changed does not even validate.
    debrief = root / "debriefs/RD-2025-001.md"
    debrief.write_text(debrief.read_text(encoding="utf-8").replace(
        "proceedings: live", "proceedings: concluded"), encoding="utf-8")
    request = BuildRequest(root, "shared", skip=frozenset({"packs"}),
                           today=date.fromisoformat(AS_OF))
    assert build(request).built
    rebuild = rebuilder(request, Generation(), lambda found: None)
    rebuild([])  # nothing changed since the build above
    parsed: list[str] = []
    real = hpkb.content.files.parse_source

    def spied(entry_file: hpkb.content.files.EntryFile, text: str, digest: str = "") -> object:
        parsed.append(entry_file.rel)
        return real(entry_file, text, digest)

    monkeypatch.setattr(hpkb.check.validate, "parse_source", spied)
    read: list[int] = []  # documents read from the search index
    stored_fields = SegmentReader.stored_fields
    def counted(self: SegmentReader, docnum: int) -> object:
        read.append(docnum)
        return stored_fields(self, docnum)

    monkeypatch.setattr(SegmentReader, "stored_fields", counted)
    source = root / "practice/PR-2023-003.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "\n## Aim\n", "\n## Aim\n\nIt now covers the weekend rota too.\n", 1), encoding="utf-8")
    rest = rebuild(["practice/PR-2023-003.md"])  # the preview
    assert rest is not None
    assert rest(threading.Event())  # the full build
    assert parsed == ["practice/PR-2023-003.md"]
    assert len(read) == 1  # the new version of the saved entry (of 21 entries)
    assert build(request).up_to_date
    page = root / "build/shared/site/practice/PR-2023-003.html"
    assert "weekend rota" in page.read_text(encoding="utf-8")


def test_a_rebuild_that_fails_outside_the_content_does_not_stop_the_watching(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from hpkb.check.findings import HpkbError

    root = tmp_path / "repo"
    (root / "practice").mkdir(parents=True)
    calls: list[list[str]] = []
    second = threading.Event()

    def rebuild(changed: list[str]) -> None:
        calls.append(changed)
        if len(calls) == 1:
            raise HpkbError("indexing entries for search failed: worker gave no result")
        second.set()
        return None

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop, 0.02), daemon=True)
    watcher.start()
    try:
        stop.wait(0.3)  # the watcher's first look (at an empty folder) is done
        (root / "practice" / "PR-2024-001.md").write_text("---\n---\n", encoding="utf-8")
        for _ in range(500):  # up to 10 s
            if calls:
                break
            stop.wait(0.02)
        (root / "practice" / "PR-2024-002.md").write_text("---\n---\n", encoding="utf-8")
        assert second.wait(10)  # the failure did not end the watching
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert calls == [["practice/PR-2024-001.md"], ["practice/PR-2024-002.md"]]
    assert "error: indexing entries for search failed" in capsys.readouterr().err


def test_a_save_while_the_rest_of_the_build_runs_stops_it_and_is_previewed_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The rest of a build runs beside the watching: a save of the file saved last that
    comes meanwhile asks it to stop, and is previewed as soon as it has; the new
    rebuild's rest then runs."""
    root = tmp_path / "repo"
    (root / "practice").mkdir(parents=True)
    calls: list[list[str]] = []
    rests: list[str] = []
    running = threading.Event()
    finished = threading.Event()

    def rebuild(changed: list[str]) -> Rest:
        calls.append(changed)
        number = len(calls)

        def rest(stop: threading.Event) -> bool:
            if number == 1:
                running.set()
                assert stop.wait(30)  # until the next save asks it to stop
                rests.append("first stopped")
                return False
            rests.append("second finished")
            finished.set()
            return True

        return rest

    stop = threading.Event()
    watcher = threading.Thread(target=watch, args=(root, rebuild, stop, 0.02, 0.1),
                               daemon=True)
    watcher.start()
    try:
        stop.wait(0.3)  # the watcher's first look (at an empty folder) is done
        (root / "practice" / "PR-2024-001.md").write_text("---\n---\n", encoding="utf-8")
        assert running.wait(10)  # the first rest is under way, beside the watching
        saved = root / "practice" / "PR-2024-001.md"
        saved.write_text("---\nid: PR-2024-001\n---\n", encoding="utf-8")
        os.utime(saved, ns=(saved.stat().st_atime_ns, saved.stat().st_mtime_ns + 10**9))
        assert finished.wait(10)
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert calls == [["practice/PR-2024-001.md"], ["practice/PR-2024-001.md"]]
    assert rests == ["first stopped", "second finished"]
    out = capsys.readouterr().out
    assert "set the build aside for a newer save" in out and "finished the build in" in out


def test_a_file_the_browser_has_as_it_is_is_not_sent_again(tmp_path: Path) -> None:
    """Each response names the file's version (ETag) and asks the browser to check back
    (no-cache): asked with the version it has, an unchanged file is a 304 with no body;
    a file written again by a build is sent whole."""
    from typing import Any

    build = tmp_path / "build"
    (build / "site").mkdir(parents=True)
    style = build / "site" / "style.css"
    style.write_text("body { color: black; }", encoding="utf-8")
    app = make_app(build)
    said: list[tuple[str, dict[str, str]]] = []

    def get(path: str, **headers: str) -> bytes:
        def start(status: str, pairs: list[tuple[str, str]], *_: Any) -> None:
            said.append((status, dict(pairs)))
        return b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path, **headers}, start))

    assert get("/style.css") == b"body { color: black; }"
    status, headers = said[-1]
    assert status == "200 OK" and headers["Cache-Control"] == "no-cache"
    tag = headers["ETag"]
    assert get("/style.css", HTTP_IF_NONE_MATCH=tag) == b""
    assert said[-1][0] == "304 Not Modified" and said[-1][1]["ETag"] == tag
    style.unlink()  # as a build writes a changed file: a new one
    style.write_text("body { color: navy; }", encoding="utf-8")
    assert get("/style.css", HTTP_IF_NONE_MATCH=tag) == b"body { color: navy; }"
    assert said[-1][0] == "200 OK" and said[-1][1]["ETag"] != tag
