"""Ships templates/, static/ and scenarios/ inside the package, as app/_bundled/, so a wheel is enough to serve;
and compiles each language's catalog (app/locale/<lang>/LC_MESSAGES/messages.po) into the .mo a reader loads.

The folders stay at the top of the source tree; ``app.paths`` finds them there in a checkout or an editable install.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FOLDERS = ("templates", "static", "scenarios")


class BuildWithBundle(build_py):
    def run(self) -> None:
        if getattr(self, "editable_mode", False):
            super().run()
            return  # an editable install reads the folders from the source tree
        shutil.rmtree(Path(self.build_lib) / "app", ignore_errors=True)  # a module renamed since the last build stays out
        super().run()
        target = Path(self.build_lib) / "app" / "_bundled"
        for name in FOLDERS:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(HERE / name, target / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        for mo in compile_catalogs(Path(self.build_lib) / "app" / "locale"):
            self.announce(f"compiled {mo}", level=2)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = list(super().get_outputs(include_bytecode))
        target = Path(self.build_lib) / "app" / "_bundled"
        if not getattr(self, "editable_mode", False):
            outputs += [str(p) for name in FOLDERS for p in (target / name).rglob("*") if p.is_file()]
            outputs += [str(p) for p in (Path(self.build_lib) / "app" / "locale").rglob("*.mo")]
        return outputs


def compile_catalogs(locale: Path) -> list[Path]:
    """Each ``.po`` under ``locale`` compiled beside it (Babel is a build requirement, see pyproject.toml)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(locale.glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as target:
            write_mo(target, catalog)
        written.append(mo)
    return written


setup(cmdclass={"build_py": BuildWithBundle})
