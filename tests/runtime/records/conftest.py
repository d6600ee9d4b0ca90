"""The records' tests share the hand-worked calls (tests/support/record_calls.py), recorded once per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from record_calls import record_hand_calls

from callflow.runtime.service.records import RecordBook


@pytest.fixture(scope="module")
def hand_book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordBook]:
    """A data folder whose records hold the calls of `record_calls.CALLS`."""
    book = RecordBook(tmp_path_factory.mktemp("records"))
    record_hand_calls(book)
    assert book.flush(60)
    yield book
    book.close()
