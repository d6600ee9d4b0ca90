"""The docs stay true: generated references match the code, every command is documented, examples parse."""

from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from callflow.flowlang.cli import COMMANDS_GROUP, cli
from callflow.flowlang.loader import load_text
from callflow.flowlang.reference import check_reference, node_reference
from callflow.flowlang.registry import default_registry
from callflow.flowlang.schema import flow_schema

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def fenced(path: Path, language: str) -> list[str]:
    """The fenced code blocks of one language in a Markdown file."""
    blocks = re.findall(r"^```(\w*)\n(.*?)^```$", path.read_text(encoding="utf-8"), flags=re.S | re.M)
    return [body for lang, body in blocks if lang == language]


def test_node_reference_is_generated_from_the_node_modules() -> None:
    """docs/nodes.md is what `make docs` makes from the installed node types."""
    assert (DOCS / "nodes.md").read_text(encoding="utf-8") == node_reference(default_registry())


def test_node_reference_lists_every_node_type() -> None:
    """Every node type has its own section in docs/nodes.md."""
    text = (DOCS / "nodes.md").read_text(encoding="utf-8")
    assert [k for k in default_registry() if f"\n## {k}\n" not in text] == []


def test_check_reference_lists_every_code() -> None:
    """docs/checks.md is generated from the diagnostic codes."""
    assert (DOCS / "checks.md").read_text(encoding="utf-8") == check_reference()


def test_flow_schema_file_matches_the_node_types() -> None:
    """schemas/flow.schema.json is what `make docs` makes from the installed node types."""
    committed = json.loads((ROOT / "schemas" / "flow.schema.json").read_text(encoding="utf-8"))
    assert committed == flow_schema(default_registry())


def test_cli_docs_describe_every_command() -> None:
    """docs/cli.md has a line for every `callflow` command, those other parts of Callflow add included."""
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    names = [*cli.commands, *(entry.name for entry in entry_points(group=COMMANDS_GROUP))]
    assert len(names) >= 10
    assert [name for name in names if f"`callflow {name}" not in text] == []


def test_readme_opens_with_the_two_commands() -> None:
    """The README's first code block sets up and runs Callflow, then sets up and runs the tests."""
    first = fenced(ROOT / "README.md", "sh")[0].splitlines()
    assert [line.split("#")[0].strip() for line in first] == ["make run", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls exactly the README's test command."""
    commands = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and line[0] not in "#"]
    assert commands[-1] == "make test"


@pytest.mark.parametrize("path", [ROOT / "README.md", DOCS / "language.md"], ids=lambda p: p.name)
def test_flow_examples_in_the_docs_parse(path: Path) -> None:
    """Every `.flow` example in the docs reads without a syntax or parameter error."""
    blocks = [b for b in fenced(path, "") if b.lstrip().startswith(("flow ", "#"))]
    assert blocks
    for block in blocks:
        loaded = load_text(block, path.name, "dsl")
        assert [p.render() for p in loaded.problems] == []


def test_json_example_in_the_docs_reads() -> None:
    """The JSON graph example in docs/language.md is valid against the schema."""
    block = next(b for b in fenced(DOCS / "language.md", "json") if '"version"' in b)
    loaded = load_text(block, "language.md", "json")
    assert [p.render() for p in loaded.problems] == []
