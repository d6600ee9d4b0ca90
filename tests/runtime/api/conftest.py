"""The API's tests share one prepared data folder, copied for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from service import Api, Template, make_template


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The examples imported, users and a second tenant made, once per test run."""
    return make_template(tmp_path_factory.mktemp("service") / "data")


@pytest.fixture
def api(template: Template, tmp_path: Path) -> Iterator[Api]:
    """A fresh copy of the prepared service."""
    client = Api(template, tmp_path / "data")
    yield client
    client.close()
