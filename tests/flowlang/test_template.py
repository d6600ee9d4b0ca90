"""Prompt templates: `{variable}` placeholders, escaped braces and their errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from callflow.flowlang.errors import FlowError
from callflow.flowlang.evaluation import EvaluationError
from callflow.flowlang.expression import Variable
from callflow.flowlang.template import Placeholder, Template, TemplateError, parse_template


def var(name: str) -> Placeholder:
    return Placeholder(Variable(tuple(name.split("."))))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("", ()),
        ("Hello", ("Hello",)),
        ("Hello {caller}!", ("Hello ", var("caller"), "!")),
        ("{menu.digits}", (var("menu.digits"),)),
        ("{a}{b}", (var("a"), var("b"))),
        ("{ a }", (var("a"),)),
        ("{{literal}}", ("{literal}",)),
        ("a {{ b }} c", ("a { b } c",)),
        ("{{{x}}}", ("{", var("x"), "}")),
        ("您好，{caller.name}。", ("您好，", var("caller.name"), "。")),
    ],
)
def test_text_splits_into_literals_and_variables(text: str, parts: tuple[str | Placeholder, ...]) -> None:
    """Placeholders become variables; `{{` and `}}` become single braces, merged into the text around them."""
    template = parse_template(text)
    assert template == Template(text, parts)
    assert template.text == text


def test_variables_lists_the_names_inserted() -> None:
    """`variables` is the set of dotted names used, each once."""
    template = parse_template("{a} and {call.id}, again {a}; not {{b}}")
    assert template.variables == {"a", "call.id"}


def test_placeholders_carry_their_span_in_the_text() -> None:
    """A placeholder's variable spans its braces, so checks can point at it."""
    part = parse_template("Hi { caller.name }!").parts[1]
    assert isinstance(part, Placeholder)
    assert part.span == (3, 18)


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("Hello {caller", "unclosed `{`; write `{{` for a literal brace", 6),
        ("Hello {a{b}", "unclosed `{`; write `{{` for a literal brace", 6),
        ("Hello }", "unmatched `}`; write `}}` for a literal brace", 6),
        ("{a}}", "unmatched `}`; write `}}` for a literal brace", 3),
        ("{{a}", "unmatched `}`; write `}}` for a literal brace", 3),
        ("Hello {}", "empty `{}`; put a variable name inside, or write `{{}}` for literal braces", 6),
        ("Hello {  }", "empty `{}`; put a variable name inside, or write `{{}}` for literal braces", 6),
        ("Hello {1st}", "`1st` is not a variable name", 7),
        ("Hello {  a + b }", "`a + b` is not a variable name", 9),
        ("Hello {true}", "`true` is not a variable name", 7),
        ("Hello {caller.}", "`caller.` is not a variable name", 7),
    ],
)
def test_malformed_placeholders_are_errors(text: str, message: str, offset: int) -> None:
    """Unclosed, stray, empty or invalid placeholders raise `TemplateError` with the offset of the fault."""
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    assert (caught.value.message, caught.value.offset) == (message, offset)
    assert isinstance(caught.value, FlowError)


@pytest.mark.parametrize(
    ("value", "rendered"),
    [("Ana", "Ana"), (None, ""), (7, "7"), (7.0, "7"), (7.25, "7.25"), (True, "true"), (["a", "b"], "a, b")],
)
def test_render_inserts_values_as_prompt_text(value: object, rendered: str) -> None:
    """null renders empty, integral floats without `.0`, numbers and other values as text."""
    template = parse_template("<{x}>")
    assert template.render({"x": value}) == f"<{rendered}>"


def test_render_reads_dotted_names_through_a_function() -> None:
    """The lookup may be a function of the dotted name, as for expressions."""
    template = parse_template("Call {call.id} from {caller}, {{ok}}")
    values = {"call.id": 42, "caller": "+49"}
    assert template.render(values.__getitem__) == "Call 42 from +49, {ok}"


def test_render_of_an_unknown_variable_fails_at_its_placeholder() -> None:
    """Rendering a variable the lookup lacks raises `EvaluationError` with the placeholder's span."""
    with pytest.raises(EvaluationError) as caught:
        parse_template("Hi {who}").render({})
    assert (caught.value.message, caught.value.span) == ("unknown variable `who`", (3, 8))


@given(st.text(alphabet=st.characters(exclude_characters="{}")))
def test_text_without_braces_renders_as_itself(text: str) -> None:
    """Text with no braces is one literal part and renders unchanged."""
    template = parse_template(text)
    assert template.render({}) == text
    assert template.variables == frozenset()


@given(st.text())
def test_doubled_braces_always_render_as_the_original_text(text: str) -> None:
    """Escaping every brace by doubling it gives a template that renders the original text exactly."""
    escaped = text.replace("{", "{{").replace("}", "}}")
    assert parse_template(escaped).render({}) == text
