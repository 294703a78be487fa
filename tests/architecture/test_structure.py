"""The house issue 26 left: small modules, no import circle, rooms as the architecture
document draws them, and the rules its contracts cannot state."""

from __future__ import annotations

import re
from pathlib import Path

import grimp

from dsr_projections.bootstrap import ALL

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGES = ("dsr_core", "dsr_projections", "dsr_scheduler", "dsr_http")
LARGEST = 400


def modules() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (SRC / package).rglob("*.py"))


def test_no_module_is_over_400_lines() -> None:
    found = [p for p in modules() if len(p.read_text().splitlines()) > LARGEST]
    assert found == []


def test_no_import_circle() -> None:
    """Not even through imports made only for type checking."""
    graph = grimp.build_graph(*PACKAGES)
    circles = [
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    ]
    assert circles == []


def test_no_context_variable_in_the_core() -> None:
    """State reaches the crypto path as arguments, never as ambient context."""
    found = [p for p in (SRC / "dsr_core").rglob("*.py") if "ContextVar" in p.read_text()]
    assert found == []


def test_read_model_tables_are_queried_only_inside_dsr_projections() -> None:
    tables = {table for projection in ALL for table in projection.tables}
    assert {"register_entries", "national_spells", "reminders"} <= tables
    pattern = re.compile(rf"\b(FROM|JOIN|INTO|UPDATE)\s+({'|'.join(sorted(tables))})\b")
    outside = [
        f"{p.relative_to(SRC)}: {m.group(0)}"
        for p in modules()
        if not p.is_relative_to(SRC / "dsr_projections")
        for m in pattern.finditer(p.read_text())
    ]
    assert outside == []


def test_the_architecture_document_names_every_room() -> None:
    """Every sub-package of src is drawn in docs/architecture.md, and every module or name
    it mentions exists."""
    doc = (ROOT / "docs" / "architecture.md").read_text()
    rooms = {
        str(p.parent.relative_to(SRC)).replace("/", ".")
        for p in SRC.rglob("__init__.py")
        if p.parent.name not in ("templates", "static", "assets")
    }
    named = set(re.findall(rf"`((?:{'|'.join(PACKAGES)})(?:\.\w+)*)`", doc))
    assert rooms <= named, sorted(rooms - named)
    missing = [n for n in named - rooms if not _exists(n)]
    assert missing == []


def _exists(name: str) -> bool:
    """A module, or a name a module defines (`dsr_http.runtime.opened`)."""
    if (SRC / (name.replace(".", "/") + ".py")).exists():
        return True
    module, _, attribute = name.rpartition(".")
    parent = SRC / (module.replace(".", "/") + ".py")
    pattern = rf"^(def|class) {attribute}\b|^{attribute}\b.*="
    return parent.exists() and re.search(pattern, parent.read_text(), re.M) is not None
