"""Page weight: the bytes and requests each page needs on first load, and whether any leave the server.

Run alone: python bench/page_weight.py. It starts the app on a free local port, loads each page in
headless Chromium with an empty cache, and prints one row per page. Target: under 60 KB and
no request to another host.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Row, format_table
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.live_server import LiveServer

PAGES = {
    "library": "/",
    "board (December 2019)": "/scenarios/dprk-2019-meeting-not-held",
    "board (year template)": "/scenarios/council-2026",
    "API docs": "/docs",
    # The longest languages: Arabic (two bytes a letter) and Russian, and Chinese (three bytes a character).
    **{
        f"board (December 2019, {lang})": f"/scenarios/dprk-2019-meeting-not-held?lang={lang}"
        for lang in ("ar", "ru", "zh")
    },
}
LIMIT = 60 * 1024


def measure() -> list[tuple[str, int, int, int]]:
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, LiveServer(Path(tmp)) as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name, path in PAGES.items():
            context = browser.new_context()
            page = context.new_page()
            sizes: list[int] = []
            external: list[str] = []

            def on_response(response: object, sizes: list[int] = sizes, external: list[str] = external) -> None:
                url = response.url  # type: ignore[attr-defined]
                if urlparse(url).hostname != "127.0.0.1":
                    external.append(url)
                try:
                    sizes.append(len(response.body()))  # type: ignore[attr-defined]
                except Exception:
                    sizes.append(0)

            page.on("response", on_response)
            page.goto(server.url + path, wait_until="networkidle")
            rows.append((name, sum(sizes), len(sizes), len(external)))
            context.close()
        browser.close()
    return rows


TITLE = "Page weight: bytes and requests of each page's first load"
TARGET = "under 60 KB uncompressed, and no request to another host"


def rows() -> list[Row]:
    return [
        {
            "page": name,
            "bytes": size,
            "KB": size / 1024,
            "requests": requests,
            "external requests": external,
            "verdict": "ok" if size < LIMIT and external == 0 else "MISSED",
        }
        for name, size, requests, external in measure()
    ]


def main() -> int:
    table = rows()
    print(format_table(table))
    print(f"target: {TARGET}")
    return 0 if all(r["verdict"] == "ok" for r in table) else 1


if __name__ == "__main__":
    sys.exit(main())
