#!/usr/bin/env python3
"""The two Quick start commands, needing only Python 3.11+ and pip:

    python3 tasks.py demo    install everything into .venv/ and serve the demo on http://127.0.0.1:8000
    python3 tasks.py test    install everything into .venv/ and run the whole test suite

and, for CI and developers:

    python3 tasks.py test-migrations   the migration tests, left out of `test` (see there)
    python3 tasks.py check   lint and format, dependency order, types, migrations up to date, French catalogue
    python3 tasks.py lock    pin the dependencies of pyproject.toml in requirements*.lock (--upgrade: newest)
"""

import hashlib
import os
import random
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path, env: dict | None = None) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    result = subprocess.run([str(a) for a in args], cwd=ROOT, env={**os.environ, **(env or {})})
    if result.returncode:
        sys.exit(result.returncode)


def ensure_venv(*, dev: bool) -> None:
    """Create .venv and install the locked dependencies, again only when the lock files change."""
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    locks = [ROOT / "requirements.lock"] + ([ROOT / "requirements-dev.lock"] if dev else [])
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in locks + [ROOT / "pyproject.toml"])).hexdigest()
    marker = VENV / (".installed-dev" if dev else ".installed")
    if marker.exists() and marker.read_text() == digest:
        return
    run(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PYTHON, "-m", "pip", "install", "--quiet", "-r", locks[-1])
    run(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", "-e", ".")
    marker.write_text(digest)


def demo(args: list[str]) -> None:
    ensure_venv(dev=False)
    run(BIN / "jalon", "demo", *args)


def test(args: list[str]) -> None:
    """The suite in a shuffled order (pytest-randomly): a test that needs another to run first fails here,
    not at random in CI. The seed is printed; `python3 tasks.py test --randomly-seed=N` replays
    an order, and `-p no:randomly` runs the tests in their written order."""
    ensure_venv(dev=True)
    # Whole modules to a worker (--dist loadscope): a module's fixtures built once (the demo, the seed
    # frameworks, a migrated rig database), where spreading its tests over the workers built them on each.
    # Modules in collection order, the slowest first (tests/conftest.py SLOW_MODULES), not by number of tests.
    workers = (
        ["-n", os.environ.get("JALON_TEST_WORKERS", "2"), "--dist", "loadscope", "--no-loadscope-reorder"]
        if "-n" not in args
        else []
    )
    order = []
    if not any(arg.startswith("--randomly-seed") or arg.endswith("no:randomly") for arg in args):
        seed = random.randrange(2**32)
        order = [f"--randomly-seed={seed}"]
        print(
            f"Test order: --randomly-seed={seed} (replay it with python3 tasks.py test --randomly-seed={seed})",
            flush=True,
        )
    # The migration tests (marker `migration`) take the whole schema back to an old migration and forward
    # again: a minute or more each, which the suite, run on two databases, cannot afford inside CI's 20
    # minutes. They run with `python3 tasks.py test-migrations`, after a change to a migration or to Django.
    deselect = ["-m", "not migration"] if "-m" not in args else []
    run(PYTHON, "-m", "pytest", *workers, *order, *deselect, *args)


def test_migrations(args: list[str]) -> None:
    """The migration tests alone (each moves a data migration's rows forward and back), on the database of
    DATABASE_URL like the suite."""
    test(["-m", "migration", "-p", "no:randomly", *args])


def check(args: list[str]) -> None:
    ensure_venv(dev=True)
    run(BIN / "ruff", "check", "jalon", "tests", "bench", "tasks.py")
    run(BIN / "ruff", "format", "--check", "jalon", "tests", "bench", "tasks.py")
    # The dependency order between apps (docs/architecture.md).
    run(BIN / "lint-imports")
    run(BIN / "mypy")
    run(BIN / "jalon", "makemigrations", "--check", "--dry-run")
    run(PYTHON, "-m", "jalon.web.catalogue")


if sys.version_info < (3, 11):  # noqa: UP036 - this file must run, and say so, on an old Python
    sys.exit("jalon needs Python 3.11 or newer.")


def lock(args: list[str]) -> None:
    """Pin every dependency of pyproject.toml, and of its dev extra, in the two lock files."""
    ensure_venv(dev=True)
    common = ["-q", "--no-header", "--strip-extras", "--no-emit-index-url", "--no-emit-find-links", *args]
    run(BIN / "pip-compile", *common, "-o", "requirements.lock", "pyproject.toml")
    run(BIN / "pip-compile", *common, "--extra", "dev", "-o", "requirements-dev.lock", "pyproject.toml")


COMMANDS = {"demo": demo, "test": test, "test-migrations": test_migrations, "check": check, "lock": lock}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        sys.exit(__doc__)
    COMMANDS[sys.argv[1]](sys.argv[2:])
