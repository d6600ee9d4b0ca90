"""The voicemail inbox: messages with filters, their audio, marking them read or handled (with a note), and
deleting them (admins)."""

from __future__ import annotations

from typing import Any

from starlette.responses import FileResponse, Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.operation import Call, Operation, Query
from callflow.runtime.api.schemas import STRING, array, obj
from callflow.runtime.service.report_output import mask_number
from callflow.runtime.store.database import now
from callflow.runtime.store.users import Role
from callflow.runtime.store.voicemail_inbox import STATES, Message

ID_PATTERN = {"type": "string", "pattern": "^[0-9]{1,18}$"}


def _message_id(call: Call) -> int:
    text = str(call.params["id"])
    if not text.isdigit() or len(text) > 18:
        raise ApiError(404, "not_found", f"there is no voicemail message {text!r}")
    return int(text)


def _shown(call: Call, message: Message) -> dict[str, Any]:
    shown = message.to_json()
    if call.user.user.role < Role.editor:
        shown["caller"] = mask_number(message.caller)
    return shown


def list_messages(call: Call) -> dict[str, Any]:
    """The tenant's messages, newest first, of a mailbox and/or in a state."""
    state = call.query.get("state")
    if state is not None and state not in STATES:
        raise ApiError(422, "invalid", f"`state` is one of {', '.join(STATES)}")
    found = call.service.records.inbox.messages(call.user.tenant.name, mailbox=call.query.get("mailbox"), state=state)
    return {"messages": [_shown(call, m) for m in found]}


def message_audio(call: Call) -> Response:
    """A message's audio (WAV)."""
    message = call.service.records.inbox.get(call.user.tenant.name, _message_id(call))
    path = call.service.records.audio_path(message.file) if message.file else None
    if path is None or not path.is_file():
        raise ApiError(404, "no_audio", f"message {message.id} has no audio here (a simulated message has none)")
    return FileResponse(path, media_type="audio/wav")


def mark_message(call: Call) -> dict[str, Any]:
    """Mark a message read, unread or handled (who and when are kept), with a note."""
    inbox = call.service.records.inbox
    message_id = _message_id(call)
    current = inbox.get(call.user.tenant.name, message_id)
    state = call.body.get("state", current.state)
    marked = inbox.mark(call.user.tenant.name, message_id, state, call.user.user.name, now(), call.body.get("note"))
    return _shown(call, marked)


def delete_message(call: Call) -> Response:
    """Delete a message and its audio."""
    records = call.service.records
    message = records.inbox.delete(call.user.tenant.name, _message_id(call))
    if message.file:
        path = records.audio_path(message.file)
        if path.resolve().is_relative_to(records.data.resolve()):
            path.unlink(missing_ok=True)
    return Response(status_code=204)


MESSAGE = obj(
    {"id": {"type": "integer"}, "mailbox": STRING, "caller": STRING, "state": {"enum": list(STATES)}}, extra=True
)

OPERATIONS = (
    Operation(
        "GET",
        "/api/voicemail",
        "Voicemail messages, newest first",
        list_messages,
        "voicemail",
        query=(
            Query("mailbox", STRING, "only this mailbox's messages"),
            Query("state", {"enum": list(STATES)}, "only messages in this state"),
        ),
        response=obj({"messages": array(MESSAGE)}),
        errors=(422,),
    ),
    Operation(
        "GET",
        "/api/voicemail/{id}.wav",
        "A message's audio",
        message_audio,
        "voicemail",
        produces=("audio/wav",),
        path_params={"id": ID_PATTERN},
        errors=(404,),
    ),
    Operation(
        "PATCH",
        "/api/voicemail/{id}",
        "Mark a message read, unread or handled, with a note",
        mark_message,
        "voicemail",
        role=Role.editor,
        body={
            **obj({}, {"state": {"enum": list(STATES)}, "note": {"type": "string", "maxLength": 4000}}),
            "minProperties": 1,
        },
        response=MESSAGE,
        path_params={"id": ID_PATTERN},
        errors=(404, 422),
    ),
    Operation(
        "DELETE",
        "/api/voicemail/{id}",
        "Delete a message and its audio",
        delete_message,
        "voicemail",
        role=Role.admin,
        status=204,
        path_params={"id": ID_PATTERN},
        errors=(404,),
    ),
)
