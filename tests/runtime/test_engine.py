"""The engine's rules, each shown with a tiny flow and a scripted caller."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from callflow.flowlang.environment import load_environment
from callflow.flowlang.loader import load_file
from callflow.runtime.simulator.line import COMMAND_GAP_S
from callflow.runtime.simulator.run import Simulation, Simulator
from callflow.runtime.simulator.script import parse_script

AT = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ENVIRONMENT = """
timezone = "Asia/Shanghai"
fallback = "operator"

[destinations.operator]
number = "100"

[switches]
night = false

[sources.people]
type = "sqlite"
path = "people.sqlite"
[sources.people.csv]
people = "people.csv"
"""


def run(tmp_path: Path, flow_text: str, *steps: str, env: str = ENVIRONMENT, **options: Any) -> Simulation:
    """Write a flow and its environment into tmp_path and simulate one call."""
    (tmp_path / "callflow.toml").write_text(env, encoding="utf-8")
    (tmp_path / "people.csv").write_text("number,name\n13800000000,Li Lei\n", encoding="utf-8")
    (tmp_path / "t.flow").write_text(flow_text, encoding="utf-8")
    loaded = load_file(tmp_path / "t.flow")
    assert loaded.ok, [p.render() for p in loaded.problems]
    assert loaded.flow is not None
    simulator = Simulator(load_environment(tmp_path / "callflow.toml"), tmp_path)
    try:
        return asyncio.run(simulator.call(loaded.flow, parse_script(list(steps)), at=AT, **options))
    finally:
        simulator.close()


def kinds(simulation: Simulation, kind: str) -> list[dict[str, Any]]:
    """The events of one kind."""
    return [e for e in simulation.events if e["event"] == kind]


MENU = """flow t
  languages en
  global_key 0 -> operator
  global_key * repeat

prompt ask
  en "Press 1 or 12."

prompt retry
  en "Please try again: 1 or 12."

prompt last
  en "Last chance."

prompt one
  en "One."

prompt twelve
  en "Twelve."

prompt op
  en "Operator."

menu: menu ask
  retry        retry
  final        last
  max_no_match 3
  terminator   "#"
  key 1        -> one
  key 12       -> twelve
  failed       -> op_say

one: say one -> bye

twelve: say twelve -> bye

operator: say op -> bye

op_say: say op -> bye

bye: hangup
"""


def test_a_key_that_starts_a_longer_key_waits_for_the_inter_digit_timeout(tmp_path: Path) -> None:
    """With keys 1 and 12 offered, a lone 1 matches only after the inter-digit timeout (which the line starts a
    poll after the key)."""
    result = run(tmp_path, MENU, "dtmf:1")
    pressed = kinds(result, "input")[0]["t"]
    heard_one = next(e for e in result.events if e.get("text") == "One.")
    assert heard_one["t"] - pressed == pytest.approx(3.0 + COMMAND_GAP_S)


def test_two_keys_typed_together_match_the_longer_key(tmp_path: Path) -> None:
    """12 typed together is the choice 12."""
    assert run(tmp_path, MENU, "dtmf:12").said()[-1] == "Twelve."


def test_terminator_ends_a_choice_early(tmp_path: Path) -> None:
    """1 then # chooses 1 at once."""
    result = run(tmp_path, MENU, "dtmf:1#")
    assert result.said()[-1] == "One."
    assert kinds(result, "end")[0]["t"] - kinds(result, "input")[0]["t"] < 2


def test_retry_and_final_prompts_follow_the_first(tmp_path: Path) -> None:
    """Later attempts play the retry prompt, the last attempt the final prompt."""
    result = run(tmp_path, MENU, "dtmf:7", "dtmf:7", "dtmf:7")
    assert result.said() == ["Press 1 or 12.", "Please try again: 1 or 12.", "Last chance.", "Operator."]


def test_global_key_goes_to_its_node(tmp_path: Path) -> None:
    """A global key declared once works in every menu."""
    result = run(tmp_path, MENU, "dtmf:0")
    assert result.said()[-1] == "Operator."
    assert kinds(result, "global_key")[0]["action"] == "goto"


def test_global_repeat_plays_the_menu_again_without_counting_a_mistake(tmp_path: Path) -> None:
    """* repeats the menu and is not a wrong key."""
    result = run(tmp_path, MENU, "dtmf:*", "dtmf:*", "dtmf:*", "dtmf:1#")
    assert result.said() == ["Press 1 or 12."] * 4 + ["One."]


def test_menu_variables_describe_the_choice(tmp_path: Path) -> None:
    """menu.digits, menu.attempts and menu.status are set after a menu."""
    flow = MENU.replace(
        "one: say one -> bye", 'one: set picked = menu.digits + "/" + menu.attempts + "/" + menu.status -> bye'
    )
    flow = flow.replace("prompt ask", 'var picked = ""\n\nprompt ask')
    result = run(tmp_path, flow, "dtmf:7", "dtmf:1#")
    assert result.variables["picked"] == "1/2/match"


LOOP = """flow t
  languages en

var n = 0

start: set n = n + 1 -> again

again: branch
  when n > 0 -> start
  else       -> bye

bye: hangup
"""


def test_a_runaway_loop_ends_in_the_fallback(tmp_path: Path) -> None:
    """A flow that loops without the caller is stopped by the step cap and handed to the fallback."""
    result = run(tmp_path, LOOP, "agent:3")
    assert kinds(result, "fallback")[0]["reason"] == "runaway"
    assert result.said() == ["Sorry, something went wrong. Transferring you to an agent."]
    assert result.end == {**result.end, "reason": "transferred", "destination": "operator"}


FAILING = """flow t
  languages en

var x = 0

prompt bye
  en "Bye."

start: set x = 1 / x -> say_bye

say_bye: say bye -> done

done: hangup
"""


def test_an_unhandled_failure_apologises_and_transfers_instead_of_dead_air(tmp_path: Path) -> None:
    """A node that fails with no `error` exit wired: an apology and the environment's fallback destination."""
    result = run(tmp_path, FAILING)
    assert "division" in kinds(result, "error")[0]["message"]
    assert result.said() == ["Sorry, something went wrong. Transferring you to an agent."]
    assert kinds(result, "transfer")[0]["destination"] == "operator"


APOLOGY_TABLE = """
[apology]
en = "We are sorry: our system has a problem. Please hold for an agent."
fr = "Désolés : notre système a un problème. Un agent va vous répondre."
"""


@pytest.mark.parametrize(
    ("languages", "said", "language"),
    [
        ("en", "We are sorry: our system has a problem. Please hold for an agent.", "en"),
        ("fr", "Désolés : notre système a un problème. Un agent va vous répondre.", "fr"),
        ("zh-CN", "抱歉，系统出现故障，正在为您转接人工服务。", "zh-CN"),
        ("ko", "We are sorry: our system has a problem. Please hold for an agent.", "en"),
    ],
    ids=["configured", "configured-only-there", "built-in", "neither-in-english"],
)
def test_the_apology_comes_from_the_environment(tmp_path: Path, languages: str, said: str, language: str) -> None:
    """The fallback says the environment's `[apology]` in the caller's language; a language it does not give has
    the built-in apology (Mandarin or English), and one with neither hears the environment's English."""
    flow = FAILING.replace("  languages en", f"  languages {languages}").replace('  en "Bye."', f'  {languages} "Bye."')
    result = run(tmp_path, flow, env=ENVIRONMENT + APOLOGY_TABLE)
    (apology,) = kinds(result, "prompt")
    assert (apology["text"], apology["lang"]) == (said, language)


def test_without_anyone_to_take_the_call_the_fallback_hangs_up(tmp_path: Path) -> None:
    """When the fallback destination does not answer, the call ends politely rather than hanging in silence."""
    result = run(tmp_path, FAILING, "wait:1")
    assert result.end == {**result.end, "reason": "hangup", "by": "flow"}


def test_wired_error_exit_is_taken_instead_of_the_fallback(tmp_path: Path) -> None:
    """A node's `error` exit handles its failure."""
    flow = FAILING.replace("start: set x = 1 / x -> say_bye", "start: set x = 1 / x -> say_bye\n  error -> say_bye")
    result = run(tmp_path, flow)
    assert result.said() == ["Bye."]
    assert kinds(result, "fallback") == []


PIN = """flow t
  languages en

var pin = "" secret
var name = ""

prompt ask
  en "Your PIN, please."

prompt hello
  en "Hello {name}, your PIN is {pin}."

ask_pin: collect ask
  into       pin
  max_digits 4
  done       -> find
  failed     -> bye

find: lookup people
  query     "select name from people where number = :number and :pin = '7392'"
  params    number = caller, pin = pin
  save      name
  found     -> hello
  not_found -> bye

hello: say hello -> bye

bye: hangup
"""


def test_secret_values_never_appear_in_the_trace(tmp_path: Path) -> None:
    """The PIN's keys, its value and prompts that would say it are masked everywhere in the trace."""
    result = run(tmp_path, PIN, "dtmf:7392", caller="13800000000")
    trace = json.dumps(result.events, ensure_ascii=False)
    assert "7392" not in trace
    assert result.said()[-1] == "Hello Li Lei, your PIN is ***."
    assert result.variables["pin"] == "7392"


def test_lookup_binds_values_as_parameters(tmp_path: Path) -> None:
    """A value that looks like SQL is bound as a parameter, never pasted into the query."""
    result = run(tmp_path, PIN, "dtmf:7392", caller="' or '1'='1")
    assert kinds(result, "lookup")[0]["result"] == "not_found"


def test_a_new_version_is_used_by_calls_that_start_after_it(tmp_path: Path) -> None:
    """A call keeps the flow version it started with; a published change reaches the next call."""
    flow_v1 = 'flow t\n  languages en\n\nprompt p\n  en "Version one."\n\ns: say p -> bye\n\nbye: hangup\n'
    assert run(tmp_path, flow_v1).said() == ["Version one."]
    assert run(tmp_path, flow_v1.replace("one", "two")).said() == ["Version two."]


class _People(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path.startswith("/people/13800000000"):
            body = json.dumps({"name": "Li Lei"}).encode()
            self.send_response(200)
        else:
            body = b"{}"
            self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture
def people_service() -> Iterator[str]:
    """A real HTTP service on loopback that knows one person."""
    server = HTTPServer(("127.0.0.1", 0), _People)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


HTTP_FLOW = """flow t
  languages en

var name = ""

prompt hello
  en "Hello {name}."

find: lookup crm
  path      "/people/{caller}"
  save      name
  timeout   2s
  found     -> hello
  not_found -> bye

hello: say hello -> bye

bye: hangup
"""


def test_http_lookup_finds_a_person(tmp_path: Path, people_service: str) -> None:
    """An HTTP source answers 200 with JSON: found, its fields saved."""
    env = ENVIRONMENT + f'\n[sources.crm]\ntype = "http"\nurl = "{people_service}"\n'
    result = run(tmp_path, HTTP_FLOW, env=env, caller="13800000000")
    assert result.said() == ["Hello Li Lei."]


def test_http_lookup_not_found(tmp_path: Path, people_service: str) -> None:
    """A 404 is `not_found`."""
    env = ENVIRONMENT + f'\n[sources.crm]\ntype = "http"\nurl = "{people_service}"\n'
    result = run(tmp_path, HTTP_FLOW, env=env, caller="13900000000")
    assert kinds(result, "lookup")[0]["result"] == "not_found"


def test_http_lookup_refuses_hosts_not_allowed(tmp_path: Path, people_service: str) -> None:
    """A source may only reach its allowed hosts: anything else is an error, and the call falls back safely."""
    env = ENVIRONMENT + f'\n[sources.crm]\ntype = "http"\nurl = "{people_service}"\n'
    flow = HTTP_FLOW.replace('"/people/{caller}"', '"http://example.org/people/{caller}"')
    result = run(tmp_path, flow, env=env)
    assert kinds(result, "lookup")[0]["result"] == "error"
    assert kinds(result, "fallback")


def test_time_limit_ends_a_call_that_would_wait_forever(tmp_path: Path) -> None:
    """A caller in a conversation that nobody ends is cut off at the virtual time limit."""
    flow = "flow t\n  languages en\n\nq: queue line\n  done -> bye\n\nbye: hangup\n"
    env = ENVIRONMENT + "\n[queues.line]\n"
    result = run(tmp_path, flow, "agent:10", env=env, limit_s=600)
    assert result.end["reason"] == "time_limit"
    assert result.end["t"] == 600
