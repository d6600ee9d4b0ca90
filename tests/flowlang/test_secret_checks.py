"""E307 `secret-in-prompt` and W308 `secret-in-url`: a secret variable is never said to the caller (who would hear
`***`), and an HTTP lookup that sends one in its URL is warned about (access logs keep URLs)."""

from __future__ import annotations

import pytest

from callflow.flowlang.check import check_flow
from callflow.flowlang.loader import load_text

FLOW = """flow t
  languages zh-CN, en

var card = ""
var pin = "" secret

prompt ask_pin
  zh-CN "请输入密码。"
  en    "Please enter your PIN."

prompt confirm
  zh-CN "{said_zh}"
  en    "{said_en}"

ask: collect ask_pin
  into       pin
  max_digits 6
  done       -> confirm
  failed     -> bye

confirm: say confirm -> check

check: lookup {source}
{lookup}
  found     -> bye
  not_found -> bye

bye: hangup
"""
HTTP = '  path      "/cards/{path}"\n  method    {method}\n  params    card = card, code = {value}'
SQLITE = '  query     "select 1 from cards where card = :card and pin = :code"\n  params    card = card, code = pin'


def secret_problems(
    said_zh: str = "好的。",
    said_en: str = "Thank you.",
    path: str = "{card}",
    method: str = "get",
    value: str = "card",
    sqlite: bool = False,
) -> list[tuple[str, str]]:
    """The E307 and W308 problems of the flow, as (code, message)."""
    lookup = SQLITE if sqlite else HTTP.format(path=path, method=method, value=value)
    text = FLOW.format(said_zh=said_zh, said_en=said_en, lookup=lookup, source="accounts" if sqlite else "cards")
    loaded = load_text(text, "t.flow", "dsl")
    assert loaded.flow is not None, [p.render() for p in loaded.problems]
    return [(p.code.id, p.message) for p in check_flow(loaded.flow) if p.code.id in ("E307", "W308")]


def test_a_flow_that_keeps_its_secret_has_no_secret_problems() -> None:
    """The PIN is collected and compared, never said nor put in a URL."""
    assert secret_problems() == []


def test_a_secret_in_a_prompt_is_an_error_naming_its_languages() -> None:
    """`{pin}` in the English text only: one E307, naming en."""
    found = secret_problems(said_en="You entered {pin}.")
    assert [(code, message.split(":")[0]) for code, message in found] == [
        ("E307", "prompt `confirm` (en) says the secret variable `pin`")
    ]
    assert "the caller would hear `***`" in found[0][1]


def test_a_secret_in_every_language_of_a_prompt_is_one_error() -> None:
    """The same secret in both texts of a prompt is reported once, with both languages."""
    found = secret_problems(said_zh="您的密码是{pin}。", said_en="You entered {pin}.")
    assert [message.split(":")[0] for _, message in found] == [
        "prompt `confirm` (zh-CN, en) says the secret variable `pin`"
    ]


@pytest.mark.parametrize("method", ["get", "delete"])
def test_a_secret_in_the_query_string_is_a_warning(method: str) -> None:
    """`params code = pin` of a `get` or `delete` lands in the URL's query string: W308 naming the parameter."""
    found = secret_problems(method=method, value="pin")
    assert found == [
        (
            "W308",
            f"`check` sends the secret variable `pin` as `code` in the query string of a `{method}`, which the "
            "service's access logs keep; use `method post`, whose params go in a JSON body",
        )
    ]


@pytest.mark.parametrize("method", ["post", "put"])
def test_a_secret_in_a_json_body_is_no_problem(method: str) -> None:
    """`params` of a `post` or `put` are a JSON body, not part of the URL."""
    assert secret_problems(method=method, value="pin") == []


def test_a_secret_in_an_http_path_is_a_warning_whatever_the_method() -> None:
    """`{pin}` in `path` is in the URL even for a `post`."""
    found = secret_problems(path="{card}/{pin}", method="post")
    assert [code for code, _ in found] == ["W308"]
    assert found[0][1].startswith("`check` puts the secret variable `pin` into its URL's path")


def test_a_secret_bound_as_an_sqlite_parameter_is_no_problem() -> None:
    """An SQLite lookup has no URL: a secret bound with `:code` stays in the process."""
    assert secret_problems(sqlite=True) == []
