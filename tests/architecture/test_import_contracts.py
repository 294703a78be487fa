"""The import contracts in pyproject.toml are the architecture's picture: they hold now,
and `lint-imports` (run by `make lint`) fails the moment a module breaks one."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS)], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the sources and their contracts, to break without touching the real ones."""
    shutil.copytree(ROOT / "src", tmp_path / "src")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold(tree: Path) -> None:
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout[-2000:]


@pytest.mark.parametrize(
    ("module", "source", "contract"),
    [
        ("dsr_core/_breach.py", "import dsr_http\n", "Layers"),
        ("dsr_core/_breach.py", "import fastapi\n", "The core knows nothing"),
        ("dsr_projections/_breach.py", "import dsr_scheduler\n", "Layers"),
        (
            "dsr_scheduler/jobs.py",
            "from dsr_projections.register import entries\n",
            "The scheduler",
        ),
        ("dsr_core/domain/_breach.py", "import dsr_core.storage.mapper\n", "Core rooms"),
        ("dsr_core/person/_breach.py", "import dsr_core.service.registers\n", "Core rooms"),
        ("dsr_core/service/_breach.py", "import cryptography\n", "Only core storage"),
        (
            "dsr_projections/storage/_breach.py",
            "import dsr_projections.engine\n",
            "Projection rooms",
        ),
        ("dsr_projections/register/_breach.py", "import dsr_core.storage.sealing\n", "Only the"),
        ("dsr_http/_breach.py", "import dsr_core.storage.person_keys\n", "Only the"),
    ],
)
def test_a_broken_contract_fails_the_lint(
    tree: Path, module: str, source: str, contract: str
) -> None:
    path = tree / "src" / module
    path.write_text((path.read_text() if path.exists() else "") + source)
    result = lint_imports(tree)
    assert result.returncode != 0
    broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
    assert [line for line in broken if line.startswith(contract)], result.stdout[-2000:]
