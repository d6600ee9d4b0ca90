"""A process that writes call records until it is killed (tests/runtime/records/test_record_store.py).

It first leaves one call unfinished (its events so far handed over, as a live call does each second), then writes
finished calls in a loop, printing the id of every call once `flush` says it is committed."""

from __future__ import annotations

import sys
from pathlib import Path

from record_calls import record_hand_calls

from callflow.runtime.call_record import CallOrigin
from callflow.runtime.recorder import NullRecorder
from callflow.runtime.service.records import RecordBook

UNFINISHED = "unfinished-call"


def main(folder: Path) -> None:
    """Write until killed."""
    template = NullRecorder()
    record_hand_calls(template)
    book = RecordBook(folder)
    origin = CallOrigin("default", "hotline_12345", 1, "live")
    first = template.ended[0]
    events = first.pop("events")
    running = {**first, "call_id": UNFINISHED, "finished": 0, "outcome": "unfinished", "end": None}
    book.call_progress(origin, running, 0, events[:5])
    book.flush()
    print(UNFINISHED, flush=True)
    number = 0
    while True:
        batch = []
        for record in template.ended:
            number += 1
            call_id = f"call-{number}"
            book.call_ended(origin, {**record, "call_id": call_id}, record.get("events", events))
            batch.append(call_id)
        book.flush()
        print("\n".join(batch), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
