"""Ships templates/, static/ and scenarios/ inside the package, as app/_bundled/, so a wheel is enough to serve.

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

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs: list[str] = list(super().get_outputs(include_bytecode))
        target = Path(self.build_lib) / "app" / "_bundled"
        if not getattr(self, "editable_mode", False):
            outputs += [str(p) for name in FOLDERS for p in (target / name).rglob("*") if p.is_file()]
        return outputs


setup(cmdclass={"build_py": BuildWithBundle})
