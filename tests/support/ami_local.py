"""The events of a Local channel pair that an AMI `Originate` makes (README facts 13, 18), shared by the calls to
`[callflow]` (`ami_call`) and the originates that fail (`ami_originate_failure`)."""

from __future__ import annotations

import re
from collections.abc import Callable

from ami_channels import Half

from callflow.runtime.asterisk.protocol import Message


def announce_pair(
    emit: Callable[[Message], None], one: Half, two: Half, request: Message, caller: tuple[str, str]
) -> None:
    """The recorded events of a new Local channel pair made by an Originate, up to its caller id (fact 18)."""
    emit(one.event("Newchannel", "call"))
    emit(two.event("Newchannel", "call"))
    emit(one.newexten("AppDial2", "(Outgoing Line)"))
    for half in (one, two):
        for assignment in request.get_all("Variable"):
            name, _, value = assignment.partition("=")
            emit(half.var(name, value))
        half.caller = caller
        if half is two:  # recorded: the ;2 half's NewCallerid already carries the connected line
            half.connected = caller
        emit(half.event("NewCallerid", "call", ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")))
        half.connected = caller
        emit(half.event("NewConnectedLine", "call"))


def local_bridge(one: Half, two: Half) -> Message:
    """The `LocalBridge` event of a Local channel pair."""
    ends = [("Context", one.context), ("Exten", one.exten), ("LocalOptimization", "Yes")]
    return Message([("Event", "LocalBridge"), ("Privilege", "call,all"), *one.headers("LocalOne"),
                    *two.headers("LocalTwo"), *ends])  # fmt: skip


def originate_response(
    request: Message, caller: tuple[str, str], response: str, channel: str, reason: str, uniqueid: str
) -> Message:
    """The `OriginateResponse` event, headers in the recorded order (fact 13)."""
    action_id = [("ActionID", request["ActionID"])] if "ActionID" in request else []
    headers = [("Event", "OriginateResponse"), ("Privilege", "call,all"), *action_id, ("Response", response)]
    headers += [("Channel", channel), ("Context", request.get("Context", "")), ("Exten", request.get("Exten", ""))]
    headers += [("Reason", reason), ("Uniqueid", uniqueid), ("CallerIDNum", caller[0])]
    return Message([*headers, ("CallerIDName", caller[1])])


def parse_caller_id(text: str) -> tuple[str, str]:
    """`"Lab Caller" <5551234>` or `Lab <5551234>` as (number, name)."""
    match = re.fullmatch(r'"?(?P<name>[^"<]*?)"?\s*<(?P<num>[^>]*)>', text.strip())
    return (match["num"], match["name"]) if match else ("<unknown>", "<unknown>")
