"""Import and export: a tenant's flows, tests, environment and data files to and from a folder of plain files.

Exported flows are byte for byte what `callflow fmt` writes, and tests and the environment are exported as they
were saved, so a team can keep flows in git while business users edit the same flows in the designer.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from callflow.flowlang.environment import FILENAME
from callflow.flowlang.loader import form_of
from callflow.runtime.service.drafts import save_draft
from callflow.runtime.service.environment import save as save_environment
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.audit import Actor
from callflow.runtime.testing.flowtest import SUFFIX as TEST_SUFFIX
from callflow.runtime.testing.flowtest import parse_test_text

FLOW_SUFFIXES = (".flow", ".flow.json")
SKIPPED = ("-wal", "-shm", "-journal")


@dataclass
class Imported:
    """What an import brought in."""

    flows: list[str] = field(default_factory=list)
    suites: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    environment: bool = False


def _flow_name(path: Path) -> str:
    name = path.name
    return name[: -len(next(s for s in FLOW_SUFFIXES if name.endswith(s)))]


def _suite_of(path: Path, text: str) -> tuple[str, str]:
    """The flow a test file tests (its `flow:`, else its name) and the suite it is (the name's middle part)."""
    stem = path.name.removesuffix(TEST_SUFFIX)
    flow, _, suite = stem.partition(".")
    named = parse_test_text(text, str(path)).get("flow")
    if named:
        flow = _flow_name(Path(str(named)))
    return flow, suite


def _derived(environment: str, base: Path) -> set[Path]:
    """SQLite files an environment builds from CSV: made again on use, never copied."""
    try:
        data = tomllib.loads(environment)
    except tomllib.TOMLDecodeError:
        return set()
    return {
        (base / spec["path"]).resolve()
        for spec in data.get("sources", {}).values()
        if isinstance(spec, dict) and spec.get("type") == "sqlite" and spec.get("csv") and "path" in spec
    }


def _derived_in(folder: Path, environment: str) -> set[Path]:
    """SQLite files built from CSV by a folder's environment or by any other environment file in it (tests')."""
    found = _derived(environment, folder)
    for path in folder.rglob("*.toml"):
        try:
            found |= _derived(path.read_text(encoding="utf-8"), path.parent)
        except (OSError, UnicodeDecodeError):
            continue
    return found


def import_folder(workspace: Workspace, source: Path, actor: Actor) -> Imported:
    """Bring a folder's flows, tests, environment and data files into the tenant (drafts are overwritten)."""
    done = Imported()
    environment = source / FILENAME
    derived = _derived_in(source, environment.read_text(encoding="utf-8") if environment.is_file() else "")
    files = workspace.files
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source)
        if any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if path.name.endswith(FLOW_SUFFIXES) or path.name.endswith(TEST_SUFFIX) or relative == Path(FILENAME):
            continue
        if path.resolve() in derived or path.name.endswith(SKIPPED):
            continue
        (files / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, files / relative)
        done.files.append(str(relative))
    if environment.is_file():
        current = workspace.folder.environments.current(workspace.tenant.id)
        save_environment(workspace, environment.read_text(encoding="utf-8"), current.revision, actor)
        done.environment = True
    tenant = workspace.tenant.id
    for path in sorted(p for p in source.iterdir() if p.name.endswith(FLOW_SUFFIXES)):
        name = _flow_name(path)
        existing = workspace.folder.flows.find(tenant, name)
        revision = existing.revision if existing else None
        save_draft(workspace, name, path.read_text(encoding="utf-8"), form_of(path), revision, actor)
        done.flows.append(name)
    for path in sorted(source.glob(f"*{TEST_SUFFIX}")):
        text = path.read_text(encoding="utf-8")
        flow, suite = _suite_of(path, text)
        current_suite = next((s for s in workspace.folder.suites.all(tenant, flow) if s.suite == suite), None)
        workspace.folder.suites.save(
            tenant, flow, suite, text, current_suite.revision if current_suite else None, actor
        )
        done.suites.append(path.name)
    return done


def export_folder(workspace: Workspace, target: Path, *, published: bool = False) -> list[str]:
    """Write the tenant's flows (drafts, or newest published versions), tests, environment and files; the files
    written, relative to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    tenant = workspace.tenant.id
    if published:
        texts = {name: v.text for name, v in workspace.folder.versions.newest_of_all(tenant).items()}
    else:
        texts = {draft.name: draft.text for draft in workspace.folder.flows.all(tenant)}
    for name, text in sorted(texts.items()):
        (target / f"{name}.flow").write_text(text, encoding="utf-8")
        written.append(f"{name}.flow")
    for suite in workspace.folder.suites.all(tenant):
        (target / suite.file).write_text(suite.text, encoding="utf-8")
        written.append(suite.file)
    environment = workspace.folder.environments.current(tenant)
    if environment.revision:
        (target / FILENAME).write_text(environment.text, encoding="utf-8")
        written.append(FILENAME)
    files = workspace.files
    derived = _derived_in(files, environment.text) if files.is_dir() else set()
    if files.is_dir():
        for path in sorted(p for p in files.rglob("*") if p.is_file()):
            relative = path.relative_to(files)
            if path.name.endswith(SKIPPED) or path.resolve() in derived:
                continue
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target / relative)
            written.append(str(relative))
    return written
