"""A prompt's audio, rendered as callers hear it (espeak-ng through the speech component's cache): the designer's
play button."""

from __future__ import annotations

import re
import threading

from starlette.responses import FileResponse

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.flows import flow_name
from callflow.runtime.api.operation import Call, Operation, Query
from callflow.runtime.service.library import flow_file
from callflow.speech.cache import PromptCache
from callflow.speech.synthesis import Pyttsx3Synthesizer
from callflow.speech.voices import voice_for

_caches: dict[str, PromptCache] = {}
_lock = threading.Lock()


def _cache(call: Call) -> PromptCache:
    folder = call.service.folder.prompts
    with _lock:
        cache = _caches.get(str(folder))
        if cache is None:
            cache = _caches[str(folder)] = PromptCache(folder, Pyttsx3Synthesizer())
        return cache


def prompt_audio(call: Call) -> FileResponse:
    """The audio of one prompt in one language (of the draft, or of a version with `?version=`)."""
    name = flow_name(call)
    folder, tenant = call.service.folder, call.user.tenant.id
    version = call.query.get("version")
    if version is None:
        text = folder.flows.get(tenant, name).text
    elif version.isdigit():
        text = folder.versions.get(tenant, name, int(version)).text
    else:
        raise ApiError(422, "invalid", "`version` is a version number")
    flow = call.service.parsed.load(text, flow_file(name)).flow
    prompt = flow.prompt(str(call.params["prompt"])) if flow else None
    language = str(call.params["language"])
    if prompt is None or language not in prompt.text:
        raise ApiError(404, "not_found", f"{name} has no prompt {call.params['prompt']!r} spoken in {language!r}")
    spoken = re.sub(r"\{([^{}]*)\}", r"\1", prompt.text[language])  # a variable's name, where its value would be
    rendered = _cache(call).render(spoken, voice_for(language, call.workspace.environment()))
    return FileResponse(rendered.path, media_type="audio/wav")


OPERATIONS = (
    Operation(
        "GET",
        "/api/flows/{name}/prompts/{prompt}/{language}.wav",
        "A prompt's audio in one language, as callers hear it",
        prompt_audio,
        "prompts",
        query=(
            Query("version", {"type": "string", "pattern": "^[0-9]+$"}, "a published version (default: the draft)"),
        ),
        produces=("audio/wav",),
        errors=(404, 422),
    ),
)
