"""The `callflow` command line: exit codes, output formats, and clear errors instead of tracebacks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator

from callflow.flowlang.cli import cli
from callflow.flowlang.loader import load_file
from callflow.flowlang.registry import default_registry

GOLDEN = Path(__file__).parent / "golden"
GOOD = GOLDEN / "good"
BAD = GOLDEN / "bad"

UNFORMATTED = 'flow tidy\n  languages en\nprompt hi\n  en   "Hi."\ngreet: say hi ->bye\nbye:   hangup\n'
FORMATTED = 'flow tidy\n  languages en\n\nprompt hi\n  en "Hi."\n\ngreet: say hi -> bye\n\nbye: hangup\n'


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], prog_name="callflow")


def script() -> Path:
    """The installed `callflow` console script of the interpreter running the tests."""
    beside = Path(sys.executable).parent / "callflow"
    found = beside if beside.exists() else Path(shutil.which("callflow") or "callflow")
    assert found.exists(), "the callflow console script is not installed; run `make setup`"
    return found


def run_script(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    command = [str(script()), *(str(arg) for arg in args)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


# ---------------------------------------------------------------- help


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))], ids=lambda c: " ".join(c))
def test_every_command_prints_its_help(command: list[str]) -> None:
    """`--help` and `-h` work for the group and for every command."""
    for flag in ("--help", "-h"):
        result = run(*command, flag)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Usage: ")


def test_help_lists_every_command() -> None:
    """The group's help names each command."""
    result = run("--help")
    for name in cli.commands:
        assert f"  {name} " in result.stdout


# ---------------------------------------------------------------- check


def test_check_exits_0_on_a_clean_flow() -> None:
    """A flow without problems prints only the summary and exits 0."""
    result = run("check", GOOD / "hello.flow")
    assert result.exit_code == 0
    assert result.stdout == "1 file checked: 0 errors, 0 warnings\n"


def test_check_exits_1_on_errors() -> None:
    """A flow with an error fails the check."""
    result = run("check", BAD / "dead_end.flow")
    assert result.exit_code == 1
    assert "error[E202]" in result.stdout
    assert result.stdout.endswith("1 file checked: 1 error, 0 warnings\n")


def test_check_exits_0_on_warnings_without_strict() -> None:
    """Warnings alone are reported but do not fail the check."""
    result = run("check", BAD / "unreachable.flow")
    assert result.exit_code == 0
    assert "warning[W201]" in result.stdout


def test_check_strict_exits_1_on_warnings() -> None:
    """With `--strict`, warnings fail the check too."""
    result = run("check", "--strict", BAD / "unreachable.flow")
    assert result.exit_code == 1
    assert result.stdout.endswith("1 file checked: 0 errors, 1 warning\n")


def test_check_json_format_reports_each_file_and_the_totals() -> None:
    """`--format json` prints one object: each file with its diagnostics, and the error and warning counts."""
    result = run("check", "--format", "json", BAD / "missing_target.flow", BAD / "json_unknown_exit.flow.json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["errors"] == 2
    assert report["warnings"] == 0
    dsl, graph = report["files"]
    assert dsl["file"].endswith("missing_target.flow")
    assert [d["code"] for d in dsl["diagnostics"]] == ["E108"]
    assert dsl["diagnostics"][0] == {
        "code": "E108",
        "name": "missing-target",
        "severity": "error",
        "message": "there is no node `goodby`; did you mean `goodbye`?",
        "file": dsl["file"],
        "line": 7,
        "column": 21,
        "note": "no call reaches `goodbye` until this is fixed",
    }
    assert graph["diagnostics"][0]["pointer"] == "/edges/1"
    assert "line" not in graph["diagnostics"][0]


def test_check_json_format_of_a_clean_flow_has_no_diagnostics() -> None:
    """A clean flow is listed with an empty diagnostics list, and the check exits 0."""
    result = run("check", "--format", "json", GOOD / "hello.flow")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report == {"files": [{"file": str(GOOD / "hello.flow"), "diagnostics": []}], "errors": 0, "warnings": 0}


def test_check_of_a_folder_finds_every_flow_in_it(tmp_path: Path) -> None:
    """A folder argument checks every `*.flow` and `*.flow.json` below it, and nothing else."""
    nested = tmp_path / "menus" / "night"
    nested.mkdir(parents=True)
    (tmp_path / "callflow.toml").write_text("", encoding="utf-8")
    shutil.copy(GOOD / "hello.flow", tmp_path / "hello.flow")
    shutil.copy(GOOD / "hello.flow.json", nested / "hello.flow.json")
    shutil.copy(BAD / "dead_end.flow", nested / "dead_end.flow")
    (tmp_path / "notes.txt").write_text("not a flow", encoding="utf-8")
    result = run("check", "--format", "json", tmp_path)
    files = [Path(f["file"]).relative_to(tmp_path).as_posix() for f in json.loads(result.stdout)["files"]]
    assert files == ["hello.flow", "menus/night/dead_end.flow", "menus/night/hello.flow.json"]
    assert result.exit_code == 1


def test_check_of_the_good_folder_counts_every_file() -> None:
    """Checking the good golden folder checks each of its flows in both forms and finds nothing."""
    count = len(list(GOOD.glob("*.flow"))) + len(list(GOOD.glob("*.flow.json")))
    result = run("check", "--strict", GOOD)
    assert result.stdout == f"{count} files checked: 0 errors, 0 warnings\n"
    assert result.exit_code == 0


def test_a_subflow_name_too_long_for_a_file_does_not_stop_the_check(tmp_path: Path) -> None:
    """A subflow name over 255 characters is an error in its file; the other files are checked as well (the file
    system's "name too long" stopped the whole check)."""
    shutil.copy(GOOD / "callflow.toml", tmp_path)
    shutil.copy(GOOD / "hello.flow", tmp_path)
    long_name = "member_check_" + "x" * 300
    (tmp_path / "caller.flow").write_text(
        f"flow caller\n\nask: subflow {long_name}\n  done -> bye\n\nbye: hangup\n", encoding="utf-8"
    )
    result = run("check", tmp_path)
    assert result.exit_code == 1
    assert f"caller.flow:3:14: error[E501]: `ask` calls flow `{long_name}`, but that name is longer than a file" in (
        result.stdout
    )
    assert result.stdout.endswith("2 files checked: 1 error, 0 warnings\n")


def test_check_uses_the_environment_given_with_env(tmp_path: Path) -> None:
    """`--env` replaces the callflow.toml found next to the flow."""
    flow = tmp_path / "unknown_resource.flow"
    shutil.copy(BAD / "unknown_resource.flow", flow)
    env = tmp_path / "other.toml"
    env.write_text('[queues.suport]\ndescription = "Spelt as the flow spells it"\nmax_wait_s = 600\n', encoding="utf-8")
    assert run("check", "--strict", flow).exit_code == 1
    result = run("check", "--strict", "--env", env, flow)
    assert result.stdout == "1 file checked: 0 errors, 0 warnings\n"
    assert result.exit_code == 0


@pytest.mark.parametrize("command", [["check"], ["fmt"], ["convert", "-o", "out.flow.json"], ["graph"]])
def test_a_missing_file_is_a_usage_error(command: list[str], tmp_path: Path) -> None:
    """A file that does not exist gets click's usage error and exit 2."""
    result = run(*command, tmp_path / "nowhere.flow")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
    assert "Usage: callflow" in result.stderr


def test_a_missing_env_file_is_a_usage_error(tmp_path: Path) -> None:
    """`--env` naming a file that does not exist gets a usage error and exit 2."""
    result = run("check", "--env", tmp_path / "nowhere.toml", GOOD / "hello.flow")
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


# ---------------------------------------------------------------- fmt


def test_fmt_check_reports_a_file_to_reformat_and_leaves_it_alone(tmp_path: Path) -> None:
    """`fmt --check` names a file that is not canonical, exits 1 and does not change it."""
    flow = tmp_path / "tidy.flow"
    flow.write_text(UNFORMATTED, encoding="utf-8")
    result = run("fmt", "--check", flow)
    assert result.exit_code == 1
    assert result.stdout == f"would reformat {flow}\n"
    assert flow.read_text(encoding="utf-8") == UNFORMATTED


def test_fmt_rewrites_a_file_in_canonical_form(tmp_path: Path) -> None:
    """`fmt` rewrites a file in canonical form, after which `fmt --check` passes and `fmt` changes nothing."""
    flow = tmp_path / "tidy.flow"
    flow.write_text(UNFORMATTED, encoding="utf-8")
    result = run("fmt", flow)
    assert result.exit_code == 0
    assert result.stdout == f"reformatted {flow}\n"
    assert flow.read_text(encoding="utf-8") == FORMATTED
    assert run("fmt", "--check", flow).exit_code == 0
    again = run("fmt", flow)
    assert (again.exit_code, again.stdout) == (0, "")


def test_fmt_reformats_json_flows_too(tmp_path: Path) -> None:
    """`fmt` writes a `.flow.json` file in its canonical JSON form."""
    graph = tmp_path / "hello.flow.json"
    canonical = (GOOD / "hello.flow.json").read_text(encoding="utf-8")
    graph.write_text(json.dumps(json.loads(canonical)), encoding="utf-8")
    assert run("fmt", "--check", graph).exit_code == 1
    assert run("fmt", graph).exit_code == 0
    assert graph.read_text(encoding="utf-8") == canonical


def test_fmt_refuses_a_file_with_errors(tmp_path: Path) -> None:
    """`fmt` leaves a file that does not parse alone, names it and exits 1."""
    flow = tmp_path / "broken.flow"
    text = (BAD / "syntax_single_quotes.flow").read_text(encoding="utf-8")
    flow.write_text(text, encoding="utf-8")
    result = run("fmt", flow)
    assert result.exit_code == 1
    assert f"{flow} has errors" in result.stderr
    assert flow.read_text(encoding="utf-8") == text


def test_fmt_refuses_nodes_that_share_an_id_and_runs_again_and_again_without_change(tmp_path: Path) -> None:
    """Two nodes with one id are an error `fmt` refuses (it moved the exits onto both and doubled them on every
    run: 32 copies after 5 runs); the file stays as it was however often `fmt` runs."""
    flow = tmp_path / "twice.flow"
    text = (
        (BAD / "duplicate_id.flow")
        .read_text(encoding="utf-8")
        .replace("greet: say hello -> bye", "greet: say hello\n  next -> bye")
    )
    flow.write_text(text, encoding="utf-8")
    for _ in range(5):
        result = run("fmt", flow)
        assert result.exit_code == 1
        assert "error[E106]: node `bye` is declared twice" in result.stderr
    assert flow.read_text(encoding="utf-8") == text


def test_fmt_is_idempotent_on_every_good_and_example_flow(tmp_path: Path) -> None:
    """Formatting a formatted file changes nothing, for every golden and example flow, in both forms."""
    files = [*GOOD.glob("*.flow"), *GOOD.glob("*.flow.json"), *(GOLDEN.parents[2] / "examples").glob("*.flow")]
    for source in files:
        copy = tmp_path / source.name
        copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
        assert run("fmt", copy).exit_code == 0
        formatted = copy.read_text(encoding="utf-8")
        assert (run("fmt", copy).stdout, copy.read_text(encoding="utf-8")) == ("", formatted)


# ---------------------------------------------------------------- convert


def test_convert_writes_the_json_graph_and_back(tmp_path: Path) -> None:
    """`convert` turns a `.flow` into its canonical `.flow.json` and that back into the same `.flow`."""
    graph, flow = tmp_path / "main_menu.flow.json", tmp_path / "main_menu.flow"
    result = run("convert", GOOD / "main_menu.flow", "-o", graph)
    assert (result.exit_code, result.stdout) == (0, f"wrote {graph}\n")
    assert graph.read_text(encoding="utf-8") == (GOOD / "main_menu.flow.json").read_text(encoding="utf-8")
    result = run("convert", graph, "--output", flow)
    assert (result.exit_code, result.stdout) == (0, f"wrote {flow}\n")
    assert flow.read_text(encoding="utf-8") == (GOOD / "main_menu.flow").read_text(encoding="utf-8")


def test_convert_refuses_a_file_with_errors(tmp_path: Path) -> None:
    """`convert` exits 1 naming a file that does not parse, shows its problems, and writes nothing."""
    target = tmp_path / "out.flow.json"
    source = BAD / "syntax_missing_colon.flow"
    result = run("convert", source, "-o", target)
    assert result.exit_code == 1
    assert f"{source} has errors; fix them first" in result.stderr
    assert "error[E100]: a node starts with its id and a colon" in result.stderr
    assert not target.exists()


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("twice.flow", "flow twice\n  languages en, en\n\nbye: hangup\n", "`en` is given twice in `languages`"),
        ("huge.flow", f"flow huge\n\nvar x = 1{'0' * 400}.5\n\nbye: hangup\n", "is too large"),
        (
            "far.flow.json",
            '{"version": 1, "flow": "far", "nodes": [{"id": "a", "type": "hangup"}], "edges": [],'
            ' "layout": {"a": {"x": 1e30, "y": 0}}}',
            "the number 1e30 is too large",
        ),
    ],
)
def test_convert_refuses_what_would_not_read_back(tmp_path: Path, name: str, text: str, message: str) -> None:
    """`languages en, en`, a 400-digit float (written `inf.0`) and a coordinate of `1e30` were converted into
    files that did not load; now they are errors, named before anything is written."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    target = tmp_path / ("out.flow" if name.endswith(".json") else "out.flow.json")
    result = run("convert", source, "-o", target)
    assert result.exit_code == 1
    assert message in result.stderr
    assert not target.exists()


def test_every_file_check_accepts_converts_and_formats_into_a_file_check_accepts(tmp_path: Path) -> None:
    """Each golden good flow, converted both ways and formatted, is still clean under the strict check."""
    shutil.copytree(GOOD, tmp_path / "good")
    for source in sorted((tmp_path / "good").glob("*.flow")):
        converted = source.with_name("converted_" + source.name + ".json")
        assert run("convert", source, "-o", converted).exit_code == 0
        back = source.with_name("back_" + source.name)
        assert run("convert", converted, "-o", back).exit_code == 0
        assert run("fmt", back).stdout == ""
        assert load_file(back).flow == load_file(source).flow
    result = run("check", "--strict", tmp_path / "good")
    assert result.exit_code == 0, result.stdout


def test_convert_requires_an_output_file() -> None:
    """`convert` without `-o` is a usage error."""
    result = run("convert", GOOD / "hello.flow")
    assert result.exit_code == 2
    assert "Missing option '-o'" in result.stderr


# ---------------------------------------------------------------- graph


@pytest.mark.parametrize("picture_format", ["mermaid", "dot"])
def test_graph_text_formats_name_every_node(picture_format: str) -> None:
    """Mermaid and DOT pictures show every node of the flow by its id."""
    flow = GOOD / "main_menu.flow"
    result = run("graph", flow, "--format", picture_format)
    assert result.exit_code == 0
    loaded = load_file(flow)
    assert loaded.flow is not None
    for node in loaded.flow.nodes:
        shown = f'["{node.id}<br/>' if picture_format == "mermaid" else f'"{node.id}" [label="{node.id}\\n'
        assert shown in result.stdout
    first = "flowchart TD\n" if picture_format == "mermaid" else 'digraph "main_menu" {\n'
    assert result.stdout.startswith(first)


def test_graph_draws_global_keys_from_a_marker_to_their_targets(tmp_path: Path) -> None:
    """Global keys work in every menu: each picture draws them as dashed edges from a `global keys` marker to their
    targets (which would look orphaned otherwise), and names the keys that act in place (`* repeat`) on it."""
    mermaid = run("graph", GOOD / "main_menu.flow").stdout
    assert '  global(("global keys<br/>* repeat<br/>#35; back"))\n' in mermaid
    operator = next(line.split('["')[0].strip() for line in mermaid.splitlines() if '["operator<br/>' in line)
    assert f'  global -.->|"key 0"| {operator}\n' in mermaid
    dot = run("graph", GOOD / "main_menu.flow", "--format", "dot").stdout
    assert '  "global keys" [label="global keys\\n* repeat\\n# back", shape=oval, style=dashed];\n' in dot
    assert '  "global keys" -> "operator" [label="key 0", style=dashed];\n' in dot
    svg = run("graph", GOOD / "main_menu.flow", "--format", "svg", "-o", tmp_path / "menu.svg")
    assert svg.exit_code == 0
    assert "global keys" in (tmp_path / "menu.svg").read_text(encoding="utf-8")
    plain = run("graph", GOOD / "hello.flow").stdout + run("graph", GOOD / "hello.flow", "--format", "dot").stdout
    assert "global" not in plain


def test_graph_defaults_to_mermaid() -> None:
    """Without `--format`, `graph` draws a Mermaid chart."""
    result = run("graph", GOOD / "hello.flow")
    assert result.stdout.startswith("flowchart TD\n")


def test_graph_svg_is_an_svg_document(tmp_path: Path) -> None:
    """`graph --format svg` draws the flow with Graphviz into an SVG document, to a file with `-o`."""
    assert shutil.which("dot") is not None, "Graphviz's `dot` is missing; `make setup` installs it"
    target = tmp_path / "hello.svg"
    result = run("graph", GOOD / "hello.flow", "--format", "svg", "-o", target)
    assert (result.exit_code, result.stdout) == (0, f"wrote {target}\n")
    svg = target.read_text(encoding="utf-8")
    assert "<svg" in svg
    assert svg.rstrip().endswith("</svg>")
    assert "greet" in svg


def test_graph_rejects_an_unknown_format() -> None:
    """A picture format outside mermaid, dot and svg is a usage error."""
    result = run("graph", GOOD / "hello.flow", "--format", "png")
    assert result.exit_code == 2
    assert "'png' is not one of 'mermaid', 'dot', 'svg'" in result.stderr


# ---------------------------------------------------------------- schema


def test_schema_describes_the_params_of_every_node_type() -> None:
    """`schema` prints a valid JSON Schema with a params schema for each installed node type."""
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    assert set(schema["$defs"]["params"]) == set(default_registry())


def test_schema_validates_the_good_json_flows(tmp_path: Path) -> None:
    """The schema written with `-o` accepts every committed good `.flow.json`."""
    target = tmp_path / "flow.schema.json"
    assert run("schema", "-o", target).exit_code == 0
    validator = Draft202012Validator(json.loads(target.read_text(encoding="utf-8")))
    for path in sorted(GOOD.glob("*.flow.json")):
        assert list(validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))) == [], path.name


# ---------------------------------------------------------------- the real script: no tracebacks


def test_script_checks_flows_and_exits_with_the_check_result(tmp_path: Path) -> None:
    """The installed script checks a clean flow (exit 0) and a bad one (exit 1) without a traceback."""
    clean = run_script("check", "--strict", GOOD / "hello.flow", cwd=tmp_path)
    assert (clean.returncode, clean.stdout, clean.stderr) == (0, "1 file checked: 0 errors, 0 warnings\n", "")
    bad = run_script("check", BAD / "syntax_unterminated_string.flow", cwd=tmp_path)
    assert bad.returncode == 1
    assert "error[E100]: unterminated string" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_script_names_an_unknown_output_extension(tmp_path: Path) -> None:
    """Converting to a file that is neither `.flow` nor `.flow.json` says so and exits 2, without a traceback."""
    target = tmp_path / "hello.yaml"
    result = run_script("convert", GOOD / "hello.flow", "-o", target, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        f"callflow: error: {target}: cannot tell the format; name the file `*.flow` or `*.flow.json`\n"
    )
    assert not target.exists()


def test_script_explains_a_bad_environment_file(tmp_path: Path) -> None:
    """An `--env` file with a wrong value is named with the key at fault, and the script exits 2."""
    env = tmp_path / "callflow.toml"
    env.write_text("timezone = 8\n", encoding="utf-8")
    result = run_script("check", "--env", env, GOOD / "hello.flow", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == f"callflow: error: {env}: expected a string, got an integer at timezone\n"
    assert result.stdout == ""


def test_script_locates_a_toml_syntax_error_in_the_environment_file(tmp_path: Path) -> None:
    """An `--env` file that is not TOML is reported with its line and column, and the script exits 2."""
    env = tmp_path / "callflow.toml"
    env.write_text('timezone = "Asia/Shanghai"\n[queues\n', encoding="utf-8")
    result = run_script("check", "--env", env, GOOD / "hello.flow", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"callflow: error: {env}:2:")
    assert "Traceback" not in result.stderr


def test_script_reports_a_missing_file_as_a_usage_error(tmp_path: Path) -> None:
    """A flow file that does not exist gets a usage error and exit 2 from the real script."""
    result = run_script("graph", "nowhere.flow", cwd=tmp_path)
    assert result.returncode == 2
    assert "Error: Invalid value for 'SOURCE': File 'nowhere.flow' does not exist." in result.stderr
    assert "Traceback" not in result.stderr


def test_graph_offers_every_format_the_pictures_can_be_drawn_in() -> None:
    """`callflow graph --format` names its formats without importing the drawing code; they are the drawing's own."""
    from callflow.flowlang.cli import PICTURE_FORMATS
    from callflow.flowlang.picture import FORMATS

    assert PICTURE_FORMATS == FORMATS
