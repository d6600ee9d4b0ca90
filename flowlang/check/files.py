"""Checking flow files: read, find the environment, and run every check."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.diagnostics import Diagnostic, Severity
from callflow.flowlang.environment import Environment, find_environment, load_environment
from callflow.flowlang.errors import Location
from callflow.flowlang.loader import Loaded, load_file
from callflow.flowlang.registry import Registry, default_registry


@dataclass(frozen=True)
class Report:
    """The outcome of checking one file."""

    file: str
    loaded: Loaded
    problems: list[Diagnostic]

    def count(self, severity: Severity) -> int:
        """How many problems of one severity."""
        return sum(1 for p in self.problems if p.severity == severity)


def source_lines(path: Path) -> list[str]:
    """The lines of a file, for quoting in messages."""
    try:
        return path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def check_file(path: Path, environment: Environment | None = None, registry: Registry | None = None) -> Report:
    """Every problem of one flow file, with the environment given or found next to it (or above it)."""
    from callflow.flowlang.check import check_flow

    registry = registry or default_registry()
    loaded = load_file(path, registry)
    problems = list(loaded.problems)
    if loaded.flow is not None:
        lines = source_lines(path) if loaded.form == "dsl" else []

        def source_line(location: Location) -> str | None:
            ok = location.line is not None and 0 < location.line <= len(lines)
            return lines[location.line - 1] if ok and location.line else None

        found = check_flow(
            loaded.flow,
            environment=environment if environment is not None else environment_for(path),
            registry=registry,
            source_line=source_line,
            directory=path.parent,
        )
        problems = sorted(_once([*problems, *found]), key=codes.sort_key)
    return Report(str(path), loaded, problems)


def _once(problems: list[Diagnostic]) -> list[Diagnostic]:
    """Each problem once: found while reading the file and again by the checks, it is the same problem even when
    the two quote its line differently (the reader keeps a CR LF line's carriage return)."""
    kept: dict[tuple[str, str, Location], Diagnostic] = {}
    for problem in problems:
        kept.setdefault((problem.code.id, problem.message, problem.location), problem)
    return list(kept.values())


def environment_for(path: Path) -> Environment | None:
    """The environment found next to a flow file or above it (None when there is none)."""
    found = find_environment(path)
    return load_environment(found) if found is not None else None
