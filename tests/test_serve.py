"""`hpkb serve`'s preview loop: save a file, the build updates, the open page reloads."""

from __future__ import annotations

import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

from hpkb.pipeline import BuildRequest, build
from hpkb.serve import RELOAD_PATH, Generation, make_app, watch
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

    def rebuild(changed: list[str]) -> None:
        report = build(request)
        rebuilt.append(changed)
        if report.built and not report.up_to_date:
            generation.advance()

    server = create_server(make_app(root / "build/shared", generation), host="127.0.0.1",
                           port=0)
    threading.Thread(target=server.run, daemon=True).start()
    stop = threading.Event()
    threading.Thread(target=watch, args=(root, rebuild, stop), daemon=True).start()
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
            browser.close()
    finally:
        stop.set()
        server.close()
    assert ["practice/PR-2023-003.md"] in rebuilt
    # The built files themselves never carry the preview's reload script.
    assert RELOAD_PATH not in (root / "build/shared/site" / PAGE).read_text(encoding="utf-8")
