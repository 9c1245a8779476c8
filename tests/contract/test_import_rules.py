"""Who may import whom: the shared libraries never import a service or the people's CLI,
and no service imports the CLI (it is not in a service image).

Pure file checks (the import statements of the source), so a breach fails before it runs.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
from contract_files import REPO

SERVICES = ("metering", "rating", "billing", "budget_monitor")
CLI = "chargeback_cli"


@cache
def imported(root: Path) -> dict[str, set[str]]:
    """Top-level packages each source file under `root` imports, by file (relative to root)."""
    found: dict[str, set[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(root))] = names
    return found


def breaches(root: Path, forbidden: set[str]) -> list[str]:
    return [
        f"{root.name}/{path} imports {', '.join(sorted(names & forbidden))}"
        for path, names in imported(root).items()
        if names & forbidden
    ]


@pytest.mark.parametrize("library", ["chargeback", "terms"])
def test_the_shared_libraries_import_no_service_and_not_the_cli(library: str) -> None:
    (root,) = (REPO / "libs").glob(f"*/src/{library}")
    assert imported(root), f"no sources under {root}"
    assert breaches(root, {*SERVICES, CLI}) == []


@pytest.mark.parametrize("service", sorted((REPO / "services").glob("*/src/*")))
def test_no_service_imports_the_cli(service: Path) -> None:
    assert breaches(service, {CLI}) == []


def test_the_check_sees_an_import_of_a_service(tmp_path: Path) -> None:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "a.py").write_text("from rating.cli import app\nimport os\n")
    (tmp_path / "lib" / "b.py").write_text("def f():\n    import chargeback_cli.stack\n")
    (tmp_path / "lib" / "c.py").write_text("from . import rating\nimport chargeback.auth\n")
    assert breaches(tmp_path / "lib", {*SERVICES, CLI}) == [
        "lib/a.py imports rating",
        "lib/b.py imports chargeback_cli",
    ]
