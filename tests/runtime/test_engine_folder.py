"""The engine's folder (`runtime/*.py`) stands on its own: nothing in it imports, directly or through other
modules, the simulator (`runtime/simulator/`) or the Asterisk driver (`runtime/asterisk/`), which are built on it."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
"""The `callflow` package: the repository's root."""

BUILT_ON_THE_ENGINE = ("callflow.runtime.simulator", "callflow.runtime.asterisk")


def module_name(path: Path) -> str:
    """`runtime/engine.py` -> `callflow.runtime.engine` (a package's `__init__.py` is the package)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(("callflow", *(parts[:-1] if parts[-1] == "__init__" else parts)))


MODULES = {
    module_name(path): path
    for path in ROOT.rglob("*.py")
    if not ({"tests", "bench", "build", "designer", "node_modules"} & set(path.relative_to(ROOT).parts))
    and not any(part.startswith(".") for part in path.relative_to(ROOT).parts)
}


def with_packages(name: str) -> Iterator[str]:
    """A module and the packages above it, which importing it runs first."""
    parts = name.split(".")
    for length in range(1, len(parts) + 1):
        candidate = ".".join(parts[:length])
        if candidate in MODULES:
            yield candidate


def imports(name: str) -> set[str]:
    """The project's modules that a module imports, anywhere in it (`TYPE_CHECKING` blocks and functions too)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            targets = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            found.update(with_packages(target))
    return found


def reached_from(start: str) -> dict[str, str]:
    """Every project module `start` imports, directly or not, each with the module that imports it."""
    by: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop()
        for imported in imports(current):
            if imported not in by and imported != start:
                by[imported] = current
                todo.append(imported)
    return by


def chain(by: dict[str, str], start: str, end: str) -> list[str]:
    """How `start` comes to import `end`."""
    path = [end]
    while path[-1] != start:
        path.append(by[path[-1]])
    return path[::-1]


def engine_modules() -> list[str]:
    """The modules of the engine's folder."""
    return sorted(module_name(path) for path in (ROOT / "runtime").glob("*.py"))


def test_the_scan_sees_the_engine_folder_and_follows_imports() -> None:
    """The scan finds the engine's modules, and follows imports through them (the engine reaches the context,
    which reaches the trace), so a clean result below means something."""
    modules = engine_modules()
    assert "callflow.runtime.engine" in modules and "callflow.runtime.types" in modules
    reached = reached_from("callflow.runtime.engine")
    assert chain(reached, "callflow.runtime.engine", "callflow.runtime.trace")[0] == "callflow.runtime.engine"
    assert "callflow.runtime.simulator.channel" in reached_from("callflow.runtime.simulator.run")


def test_nothing_in_the_engine_folder_imports_the_simulator_or_the_asterisk_driver() -> None:
    """No module of `runtime/*.py` reaches `runtime/simulator/` or `runtime/asterisk/`, directly or through others."""
    crossings = []
    for module in engine_modules():
        reached = reached_from(module)
        for imported in sorted(reached):
            if imported.startswith(BUILT_ON_THE_ENGINE):
                crossings.append(" -> ".join(chain(reached, module, imported)))
                break
    assert crossings == []
