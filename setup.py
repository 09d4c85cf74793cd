"""The one build step pyproject.toml cannot declare: ship what the pages need.

Everything else about the package is in pyproject.toml. Building it (``pip install .``,
``pip wheel .``, ``python -m build``) also

- compiles the translation catalogues (``.po`` → ``.mo``) from the ``.po`` files being
  packaged, so a deploy never serves a stale or missing bokmål catalogue; the ``.mo``
  files are build output and stay out of git;
- copies ``templates/``, which stands beside the package in the repository, into the
  package as ``avvik/templates`` (``avvik.app`` looks there first);
- builds the static files under fingerprinted names, compressed
  (``avvik/core/static_files.py``), so an installed package writes nothing at start.

An editable install (``pip install -e .``) runs from the checkout, so it only compiles
the catalogues in place, as ``make translations`` does; the app builds its static files
when it starts.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def compile_catalogues(directory: Path) -> None:
    # Babel's own command, so the result is byte for byte what `make translations` writes.
    from babel.messages.frontend import CommandLineInterface

    if any(directory.glob("*/LC_MESSAGES/*.po")):
        CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(directory)])


def build_static_files(package: Path) -> None:
    # Loaded from its file: importing the package would import Flask, not installed here.
    spec = importlib.util.spec_from_file_location(
        "static_files", ROOT / "avvik" / "core" / "static_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    builds = package / module.BUILDS_FOLDER
    shutil.rmtree(builds, ignore_errors=True)  # a build folder kept from an earlier build
    module.build(package / "static", builds)


class BuildWithCataloguesAndTemplates(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            compile_catalogues(ROOT / "avvik" / "translations")
            return
        package = Path(self.build_lib) / "avvik"
        # Anew each time: a build folder kept from an earlier build must not ship a
        # template that has since been deleted.
        shutil.rmtree(package / "templates", ignore_errors=True)
        self.copy_tree(str(ROOT / "templates"), str(package / "templates"))
        compile_catalogues(package / "translations")
        build_static_files(package)


setup(cmdclass={"build_py": BuildWithCataloguesAndTemplates})
