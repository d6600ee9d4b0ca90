"""A tenant's environment in the service: read and saved as TOML or JSON (comments kept), switches flipped."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import Table

from callflow.flowlang.environment import Environment, environment_from_text
from callflow.runtime.service.workspace import Workspace
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.environments import EnvironmentText
from callflow.runtime.store.errors import NotFound

SWITCH_ACTION = "switch.flip"


def as_json(text: str) -> dict[str, Any]:
    """An environment's text as JSON data (dates and times as ISO text)."""
    data: dict[str, Any] = _jsonable(tomllib.loads(text))
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def text_from_json(current: str, data: Mapping[str, Any]) -> str:
    """The TOML for `data`, written over the current text so that its comments and order are kept."""
    document = tomlkit.parse(current)
    _update(document, data)
    return tomlkit.dumps(document)


def _update(container: Container | Table | tomlkit.TOMLDocument, data: Mapping[str, Any]) -> None:
    for key in [k for k in container if k not in data]:
        del container[key]
    for key, value in data.items():
        existing = container.get(key)
        if isinstance(value, Mapping) and isinstance(existing, Table):
            _update(existing, value)
        elif existing is None or _plain(existing) != value:
            container[key] = value


def _plain(item: Any) -> Any:
    return item.unwrap() if hasattr(item, "unwrap") else item


def validate(workspace: Workspace, text: str) -> Environment:
    """The environment a text binds; raises EnvironmentFileError saying where it is wrong."""
    return environment_from_text(text, workspace.environment_path)


def save(workspace: Workspace, text: str, revision: int, actor: Actor) -> EnvironmentText:
    """Save a new revision of the environment, claiming its numbers; raises when invalid, stale or taken."""
    environment = validate(workspace, text)
    return workspace.folder.environments.save(workspace.tenant.id, text, environment.numbers, revision, actor)


def flip_switch(workspace: Workspace, name: str, on: bool, actor: Actor) -> EnvironmentText:
    """Turn one switch on or off (a new revision of the environment, audited as a switch flip)."""
    current = workspace.folder.environments.current(workspace.tenant.id)
    if name not in workspace.environment().switches:
        raise NotFound(f"there is no switch {name!r}")
    document = tomlkit.parse(current.text)
    switches = document["switches"]
    assert isinstance(switches, Table | Container)
    switches[name] = on
    text = tomlkit.dumps(document)
    environment = validate(workspace, text)
    return workspace.folder.environments.save(
        workspace.tenant.id,
        text,
        environment.numbers,
        current.revision,
        actor,
        action=SWITCH_ACTION,
        target=f"switches.{name}",
        detail={"switch": name, "on": on},
    )


def switch_states(workspace: Workspace) -> dict[str, dict[str, Any]]:
    """Each switch: on or off, and who flipped it last and when (if it ever was flipped)."""
    states = {}
    for name, on in workspace.environment().switches.items():
        last = workspace.folder.audit.last(workspace.tenant.id, SWITCH_ACTION, f"switches.{name}")
        states[name] = {"on": on, "changed_by": last.actor if last else None, "changed_at": last.at if last else None}
    return states
