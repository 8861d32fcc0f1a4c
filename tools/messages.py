"""Extract every translatable string into app/locale/messages.pot and merge it into each language's .po.

    python -m tools.messages          extract and update (make messages)

New strings arrive empty in every .po (tests/test_catalogs.py then fails until each is translated);
strings no longer in the source are dropped. The .po files are the source of truth in the repository;
the .mo files are built at install (setup.py) or compiled in memory from a checkout (app/i18n.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.i18n import DOMAIN, LANGUAGES, LOCALE_DIR, SOURCE

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = LOCALE_DIR / f"{DOMAIN}.pot"


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def main() -> None:
    LOCALE_DIR.mkdir(exist_ok=True)
    pybabel(
        "extract",
        "--mapping-file=babel.cfg",
        "--add-comments=Translators:",
        "--no-location",
        "--sort-output",
        "--project=unsc-sim",
        "--copyright-holder=unsc-sim contributors",
        "--no-wrap",
        f"--output-file={TEMPLATE.relative_to(ROOT)}",
        "app",
        "templates",
    )
    for language in LANGUAGES:
        if language == SOURCE:
            continue
        po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        common = [
            f"--input-file={TEMPLATE.relative_to(ROOT)}",
            f"--output-dir={LOCALE_DIR.relative_to(ROOT)}",
            f"--locale={language}",
            f"--domain={DOMAIN}",
            "--no-wrap",
        ]
        if po.is_file():
            pybabel("update", *common, "--no-fuzzy-matching", "--ignore-obsolete")
        else:
            pybabel("init", *common)


if __name__ == "__main__":
    main()
