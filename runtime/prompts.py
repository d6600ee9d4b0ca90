"""A flow's prompts made ready to play in each language: the language chosen, the text parsed, and a prompt
without variables made (with its trace fields) once per flow version instead of on every call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from callflow.flowlang.errors import FlowError
from callflow.flowlang.model import Flow
from callflow.flowlang.template import Template, parse_template
from callflow.runtime.signals import RuntimeFailure
from callflow.runtime.types import Audio

RENDERED_KEPT = 256
"""Texts of one prompt with variables kept with their audio (all forgotten when there are more)."""


def trace_fields(audio: Audio) -> dict[str, Any]:
    """What the trace says about audio played: its prompt, and its text and language or its file."""
    if audio.text is not None:
        return {"prompt": audio.prompt, "text": audio.text, "lang": audio.language}
    return {"prompt": audio.prompt, "file": audio.file}


def _no_variables(name: str) -> object:
    raise KeyError(name)


class ReadyPrompt:
    """One prompt in one language: the audio itself when it has no variables, else its template."""

    __slots__ = ("_rendered", "audio", "fields", "file", "language", "prompt_id", "template")

    def __init__(self, prompt_id: str, language: str, text: str | None, file: str | None) -> None:
        self.prompt_id = prompt_id
        self.language = language
        self.file = file
        self.template: Template | None = parse_template(text) if text is not None else None
        self.audio: Audio | None = None
        self.fields: Mapping[str, Any] = {}
        self._rendered: dict[str, tuple[Audio, Mapping[str, Any]]] = {}
        if self.template is None or not self.template.variables:  # the same for every call
            text = self.template.render(_no_variables) if self.template is not None else None
            self.audio = Audio(text=text, language=language, file=file, prompt=prompt_id)
            self.fields = trace_fields(self.audio)

    def render(self, lookup: Callable[[str], object]) -> tuple[Audio, Mapping[str, Any]]:
        """The audio, its `{variables}` filled in from `lookup`, and its trace fields (shared: not to be changed).

        The texts made most recently are kept with their audio: the same queue position or the same status is
        announced to many callers."""
        if self.audio is not None:
            return self.audio, self.fields
        assert self.template is not None
        text = self.template.render(lookup, self.language)
        made = self._rendered.get(text)
        if made is None:
            if len(self._rendered) >= RENDERED_KEPT:
                self._rendered.clear()
            audio = Audio(text=text, language=self.language, file=self.file, prompt=self.prompt_id)
            made = self._rendered[text] = (audio, trace_fields(audio))
        return made


def _warm_up(text: str, language: str) -> None:
    """Load what the formats of a prompt's text need in its language."""
    try:
        template = parse_template(text)
    except FlowError:
        return  # a flow with errors is not run
    for placeholder in template.placeholders:
        if placeholder.format is not None:
            from callflow.flowlang.formatting import warm_up  # Babel loads only for flows that format values

            warm_up(placeholder.format, language)


class FlowPrompts(dict[tuple[str, str], ReadyPrompt]):
    """The prompts of one flow version ready to play, by (prompt id, the call's language); each is made the
    first time a call needs it (`prompts[prompt_id, language]`)."""

    def __init__(self, flow: Flow) -> None:
        super().__init__()
        self.flow = flow
        for prompt in flow.prompts:  # a flow version is planned before its calls: load CLDR data now, not in one
            for language, text in prompt.text.items():
                _warm_up(text, language)

    def __missing__(self, key: tuple[str, str]) -> ReadyPrompt:
        """A prompt in a call's language (or the flow's, when the prompt lacks it). RuntimeFailure when the
        prompt is not declared or has nothing in that language."""
        prompt_id, language = key
        prompt = self.flow.prompt(prompt_id)
        if prompt is None:
            raise RuntimeFailure(f"prompt `{prompt_id}` is not declared")
        spoken = language if language in prompt.text or language in prompt.file else None
        spoken = spoken or self.flow.language or ""
        file = prompt.file.get(spoken) or prompt.file.get("*")
        text = prompt.text.get(spoken)
        if text is None and file is None:
            raise RuntimeFailure(f"prompt `{prompt_id}` has nothing in {spoken}")
        ready = self[key] = ReadyPrompt(prompt_id, spoken, text, file)
        return ready
