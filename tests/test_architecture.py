"""The dependency order of docs/architecture.md holds, and its check fails when someone imports upward."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    """import-linter over the `jalon` package found in `tree`, with the contract of pyproject.toml."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def copy_of_the_code(tmp_path_factory) -> Path:
    """The Python files of jalon and the project file, in a folder of their own."""
    tree = tmp_path_factory.mktemp("code")
    shutil.copytree(ROOT / "jalon", tree / "jalon", ignore=shutil.ignore_patterns("data", "static", "locale", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_code_keeps_the_dependency_order(copy_of_the_code):
    result = lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Dependencies point one way KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        # A lower domain reaching up to a higher one, at run time.
        ("jalon/reference/upward.py", "from jalon.results import models\n", "jalon.reference is not allowed"),
        # Shared machinery importing a domain.
        ("jalon/web/upward.py", "def f():\n    from jalon.activities import services\n", "jalon.web is not allowed"),
        # The grants engine importing a domain.
        ("jalon/accounts/upward.py", "import jalon.organisations.models\n", "jalon.accounts is not allowed"),
    ],
)
def test_an_upward_import_breaks_the_check(copy_of_the_code, module, line, broken):
    path = copy_of_the_code / module
    path.write_text(line)
    try:
        result = lint_imports(copy_of_the_code)
    finally:
        path.unlink()
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and broken in result.stdout, result.stdout
