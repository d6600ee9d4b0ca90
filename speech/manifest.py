"""Every prompt of a flow as a phone-ready file, and the manifest (`manifest.json`) that says which file is which.

A prompt's text is synthesised in each language the flow declares; a recorded file is checked and converted; a
text with `{variables}` cannot be made in advance and is listed as dynamic, to be rendered at call time through
the same cache.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from callflow.flowlang.environment import Environment
from callflow.flowlang.model import Flow, Prompt
from callflow.flowlang.template import TemplateError, parse_template
from callflow.speech.audio import AudioError
from callflow.speech.cache import PromptCache
from callflow.speech.types import SpeechError, Voice
from callflow.speech.voices import voice_for

MANIFEST = "manifest.json"
ALL_LANGUAGES = "*"
"""The language of a recorded file that a prompt plays in every language."""

Kind = Literal["synthesised", "recorded", "dynamic"]


@dataclass(frozen=True)
class Job:
    """One prompt in one language, to be rendered: a text spoken by a voice, or a recording to convert."""

    flow: str
    prompt: str
    language: str
    kind: Kind
    text: str | None = None
    voice: Voice | None = None
    recording: Path | None = None
    source: str | None = None
    variables: tuple[str, ...] = ()
    location: str = ""


@dataclass(frozen=True)
class Entry:
    """A rendered job: the file that plays it (None for a dynamic prompt) and whether it came from the cache."""

    job: Job
    file: Path | None = None
    duration_s: float | None = None
    cached: bool = False

    def to_json(self) -> dict[str, Any]:
        """The manifest's line for this prompt; files are in the manifest's folder."""
        job = self.job
        line: dict[str, Any] = {"flow": job.flow, "prompt": job.prompt, "language": job.language, "kind": job.kind}
        if job.text is not None:
            line["text"] = job.text
        if job.voice is not None:
            line |= {"voice": job.voice.name, "rate_wpm": job.voice.rate_wpm}
        if job.source is not None:
            line["source"] = job.source
        if job.kind == "dynamic":
            line["variables"] = list(job.variables)
        line["file"] = self.file.name if self.file else None
        line["duration_s"] = round(self.duration_s, 3) if self.duration_s is not None else None
        return line


def plan(flow: Flow, folder: Path, environment: Environment | None) -> list[Job]:
    """What to render for a flow: each prompt in each declared language; recordings are named from `folder`.

    Raises `AudioError` for a recording that does not exist, before anything is synthesised.
    """
    languages = flow.languages or tuple(dict.fromkeys(lang for p in flow.prompts for lang in (*p.text, *p.file)))
    jobs: list[Job] = []
    for prompt in flow.prompts:
        for language in (*languages, ALL_LANGUAGES):
            if language in prompt.file:
                jobs.append(_recording(flow, prompt, language, folder))
            if language in prompt.text:
                jobs.append(_text(flow, prompt, language, voice_for(language, environment)))
    return jobs


def _recording(flow: Flow, prompt: Prompt, language: str, folder: Path) -> Job:
    source = prompt.file[language]
    path = folder / source
    if not path.is_file():
        where = "" if language == ALL_LANGUAGES else f" in {language}"
        what = "there is no such file" if not path.exists() else "it is not a file"
        raise AudioError(f"{prompt.location}: prompt `{prompt.id}` plays {source!r}{where}, but {what} ({path})")
    return Job(flow.name, prompt.id, language, "recorded", recording=path, source=source, location=str(prompt.location))


def _text(flow: Flow, prompt: Prompt, language: str, voice: Voice) -> Job:
    text = prompt.text[language]
    try:
        template = parse_template(text)
    except TemplateError as error:
        raise SpeechError(f"{prompt.location}: prompt `{prompt.id}` ({language}): {error.message}") from None
    if template.variables:
        return Job(flow.name, prompt.id, language, "dynamic", text, voice, variables=tuple(sorted(template.variables)))
    literal = "".join(part for part in template.parts if isinstance(part, str))  # `{{` read as `{`
    return Job(flow.name, prompt.id, language, "synthesised", literal, voice)


def render(
    jobs: Sequence[Job], cache: PromptCache, progress: Callable[[Sequence[Job]], Iterable[Job]] = iter
) -> list[Entry]:
    """Render each job through the cache (dynamic ones are only listed), `progress` wrapping the iteration."""
    entries = []
    for job in progress(jobs):
        if job.kind == "dynamic":
            entries.append(Entry(job))
            continue
        if job.recording is not None:
            try:
                rendered = cache.convert(job.recording)
            except AudioError as error:
                raise AudioError(f"{job.location}: prompt `{job.prompt}` plays {job.source!r}: {error}") from None
        else:
            assert job.text is not None and job.voice is not None
            rendered = cache.render(job.text, job.voice)
        entries.append(Entry(job, rendered.path, rendered.seconds, rendered.cached))
    return entries


def write_manifest(entries: Iterable[Entry], directory: Path) -> Path:
    """Write `manifest.json` into `directory` (whole or not at all); its path."""
    lines = [entry.to_json() for entry in entries]
    text = json.dumps({"version": 1, "prompts": lines}, ensure_ascii=False, indent=2) + "\n"
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".manifest-", suffix=".json", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(name, directory / MANIFEST)
    finally:
        Path(name).unlink(missing_ok=True)
    return directory / MANIFEST


def read_manifest(directory: Path) -> list[dict[str, Any]]:
    """The prompts listed in a folder's `manifest.json`."""
    data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    return list(data["prompts"])
