"""The actions of a logged-in AMI session: Originate, AGI, PlayDTMF, Hangup, CoreShowChannels, MailboxCount,
answered as recorded (README facts 13-17, 20, 33, 36, 38, 39, 41); and Ping, Setvar/Getvar of a global (no
`Channel`) and CoreSettings, which the shared recordings do not show, as this project recorded them from the same
Asterisk build (`tests/asterisk/recordings/ping-setvar.txt`); and Redirect of a caller's `;1` half that idles in
`Wait()`, as recorded there in spoken-answer.txt.

An action, or a form of one, that the recordings do not show is refused: the handler returns False, the server lists
the request in `unrecorded` and closes the connection.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import ami_endings as endings
from ami_call import Call
from ami_channels import AGI_VERSION, CallScript, Command
from ami_dialplan import MAILBOXES, ivr_extension
from ami_originate_failure import fail
from ami_pbx import Pbx
from ami_session import Session, response

from callflow.runtime.asterisk.protocol import Message

Handler = Callable[[Session, Message], Awaitable[bool]]
CORE_SETTINGS = (
    ("AMIversion", "13.0.0"), ("AsteriskVersion", AGI_VERSION), ("SystemName", ""), ("CoreMaxCalls", "0"),
    ("CoreMaxLoadAvg", "0.000000"), ("CoreRunUser", ""), ("CoreRunGroup", ""), ("CoreMaxFilehandles", "0"),
    ("CoreRealTimeEnabled", "No"), ("CoreCDRenabled", "Yes"), ("CoreHTTPenabled", "No"),
    ("SoundsSearchCustomDir", "No"),
)  # fmt: skip


class Actions:
    """The call actions, on the modelled Asterisk `pbx` with the dialplan `scripts`."""

    def __init__(self, pbx: Pbx, scripts: dict[tuple[str, str], CallScript]) -> None:
        self.pbx, self.scripts = pbx, scripts
        self.calls: list[Call] = []
        self.handlers: dict[str, Handler] = {
            "originate": self.originate,
            "agi": self.agi,
            "playdtmf": self.play_dtmf,
            "redirect": self.redirect,
            "hangup": self.hangup,
            "coreshowchannels": self.core_show_channels,
            "mailboxcount": self.mailbox_count,
            "ping": self.ping,
            "setvar": self.setvar,
            "getvar": self.getvar,
            "coresettings": self.core_settings,
        }

    async def originate(self, session: Session, request: Message) -> bool:
        channel = request.get("Channel")
        if channel is None:
            session.send(response(request, "Error", ("Message", "Channel not specified")))
            return True
        tech, _, rest = channel.partition("/")
        exten, _, context = rest.partition("@")
        asynchronous = request.get("Async", "").lower() == "true"
        if tech == "Local" and context == "callflow" and ivr_extension(exten) and asynchronous:
            script = self.scripts.get((request.get("Context", ""), request.get("Exten", "")))
            if script is None or request.get("Priority", "1") != "1":
                return False
            session.send(response(request, "Success", ("Message", "Originate successfully queued")))
            call = Call(self.pbx, request, script)
            self.calls.append(call)
            call.start()
            return True
        return await fail(self.pbx, session, request)

    async def agi(self, session: Session, request: Message) -> bool:
        channel, command = request.get("Channel"), request.get("Command")
        if channel is None or command is None:
            session.send(response(request, "Error", ("Message", "Both, Channel and Command are *required*")))
            return True
        if channel not in self.pbx.channels:
            session.send(response(request, "Error", ("Message", f"Channel {channel} does not exist.")))
            return True
        call, half = self.pbx.channels[channel]
        if half is not call.two or not call.in_agi:
            text = f"Failed to add AGI command to channel {channel} queue"
            session.send(response(request, "Error", ("Message", text)))
            return True
        call.enqueue(Command(command, request.get("CommandID")))
        session.send(response(request, "Success", ("Message", "Added AGI command to queue")))
        return True

    async def play_dtmf(self, session: Session, request: Message) -> bool:
        """On the `;1` half: answered once the tone has played (`Duration` ms), then DTMFBegin/End on `;2`."""
        channel, digit, duration = request.get("Channel"), request.get("Digit", ""), request.get("Duration", "")
        if channel not in self.pbx.channels:
            session.send(response(request, "Error", ("Message", "Channel not found")))
            return True
        call, half = self.pbx.channels[channel]
        if half is not call.one or len(digit) != 1 or not duration.isdigit() or call.stopped:
            return False
        await self.pbx.clock.sleep(int(duration) / 1000)
        session.send(response(request, "Success", ("Message", "DTMF successfully queued")))
        if half.alive:
            call.caller.press(digit, int(duration))
        return True

    async def redirect(self, session: Session, request: Message) -> bool:
        """The caller's `;1` half, idling in `Wait()`, to priority 1 of an extension of the dialplan: `Redirect
        successful`, then the new extension runs (spoken-answer.txt)."""
        entry = self.pbx.channels.get(request.get("Channel", ""))
        context, exten = request.get("Context", ""), request.get("Exten", "")
        script = self.scripts.get((context, exten))
        recorded = {"action", "actionid", "channel", "context", "exten", "priority"}
        unrecorded = {name.casefold() for name, _ in request} - recorded  # ExtraChannel and the like
        if entry is None or script is None or request.get("Priority") != "1" or unrecorded:
            return False
        call, half = entry
        if half is not call.one or not call.answered or call.stopped:
            return False
        session.send(response(request, "Success", ("Message", "Redirect successful")))
        if not call.caller.redirect(context, exten, script):
            call.stop_model(f"Redirect of the caller in {half.application[0]}({half.application[1]})")
        return True

    async def hangup(self, session: Session, request: Message) -> bool:
        entry = self.pbx.channels.get(request.get("Channel", ""))
        cause = request.get("Cause")
        if entry is None or not endings.ami_hangup_recorded(entry[0], entry[1], cause):
            return False
        session.send(response(request, "Success", ("Message", "Channel Hungup")))
        endings.ami_hangs_up(entry[0], entry[1])
        return True

    async def core_show_channels(self, session: Session, request: Message) -> bool:
        """The list response: `EventList: start`, one `CoreShowChannel` per channel, `CoreShowChannelsComplete`."""
        action_id = [("ActionID", request["ActionID"])] if "ActionID" in request else []
        session.send(response(request, "Success", ("EventList", "start"), ("Message", "Channels will follow")))
        now = self.pbx.clock.now()
        # With a Queue's or a Dial's agent too (heartbeat-mid-call). Asterisk lists them in its hash container's
        # order, which varied between lists; the model lists them by name.
        halves = sorted([*self.pbx.extra_channels.values(), *(half for _, half in self.pbx.channels.values())],
                        key=lambda half: half.name)  # fmt: skip
        for half in halves:
            seconds = int(now - half.created_s)
            duration = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
            extra = [("Application", half.application[0]), ("ApplicationData", half.application[1])]
            extra += [("Duration", duration), ("BridgeId", half.bridge)]
            session.send(Message([("Event", "CoreShowChannel"), *action_id, *half.headers(), *extra]))
        done = [("Event", "CoreShowChannelsComplete"), *action_id, ("EventList", "Complete")]
        session.send(Message([*done, ("ListItems", str(len(halves)))]))
        return True

    async def mailbox_count(self, session: Session, request: Message) -> bool:
        mailbox = request.get("Mailbox", "")
        if mailbox not in MAILBOXES:
            return False
        counts = [("Mailbox", mailbox), ("UrgMessages", "0")]
        counts += [("NewMessages", str(self.pbx.new_messages.get(mailbox, 0))), ("OldMessages", "0")]
        session.send(response(request, "Success", ("Message", "Mailbox Message Count"), *counts))
        return True

    async def ping(self, session: Session, request: Message) -> bool:
        stamp = f"{time.time():.6f}"
        session.send(response(request, "Success", ("Ping", "Pong"), ("Timestamp", stamp)))
        return True

    async def setvar(self, session: Session, request: Message) -> bool:
        """A global variable (no `Channel`): `Variable Set`, then a VarSet event of `Channel: none`."""
        name, value = request.get("Variable"), request.get("Value")
        if "Channel" in request or name is None or value is None:
            return False
        self.pbx.globals[name] = value
        session.send(response(request, "Success", ("Message", "Variable Set")))
        pairs = [("Channel", "none"), ("Uniqueid", "none"), ("Variable", name), ("Value", value)]
        self.pbx.emit(Message([("Event", "VarSet"), ("Privilege", "dialplan,all"), *pairs]))
        return True

    async def getvar(self, session: Session, request: Message) -> bool:
        """A global variable that is set (an unset one was not recorded)."""
        name = request.get("Variable", "")
        if "Channel" in request or name not in self.pbx.globals:
            return False
        session.send(response(request, "Success", ("Variable", name), ("Value", self.pbx.globals[name])))
        return True

    async def core_settings(self, session: Session, request: Message) -> bool:
        session.send(response(request, "Success", *CORE_SETTINGS))
        return True
