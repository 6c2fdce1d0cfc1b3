"""Copies db/ (migrations, reference data) and resources/ (templates, fonts, logo) into the wheel as
cspdesk/_data/, where cspdesk.core.paths finds them when CSPDesk is installed rather than run from source."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads db/ and resources/ from the checkout
        target = Path(self.build_lib) / "cspdesk" / "_data"
        for name in ("db", "resources"):
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__", "fixtures", "*.pyc"))


setup(cmdclass={"build_py": BuildPyWithData})
