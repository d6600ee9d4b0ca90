"""One department of a generated flow: its menu, agent queue, voicemail and services, written as flow text.

`Declarations` collects a flow's variables, prompts and nodes; `write_department` adds one department's. Its
services are a seeded mix (case lookup, information, opening hours, a desk to transfer to, call-back), each
wired so that every loop passes through a node that waits for the caller.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

SCHEDULES = ("office", "extended", "weekend")
# Optional services of a department, with the nodes each adds and the chance a department offers it.
SERVICES = {"case": 9, "info": 1, "hours": 2, "desk": 2, "callback": 3}
CHANCES = {"case": 0.7, "info": 0.8, "hours": 0.5, "desk": 0.4, "callback": 0.4}
BASE_NODES = 4
"""Every department has a menu, an agent notice, a queue and a voicemail."""

NAMES = (
    ("社会保险", "social insurance"),
    ("住房公积金", "the housing fund"),
    ("医疗保障", "medical insurance"),
    ("户籍管理", "household registration"),
    ("出入境", "exit and entry"),
    ("交通违章", "traffic fines"),
    ("税务", "taxes"),
    ("市场监管", "market regulation"),
    ("教育", "education"),
    ("民政", "civil affairs"),
    ("城市管理", "city management"),
    ("供水", "water supply"),
    ("供电", "electricity"),
    ("燃气", "gas supply"),
    ("公共交通", "public transport"),
    ("环境保护", "the environment"),
    ("劳动仲裁", "labour disputes"),
    ("不动产登记", "property registration"),
    ("退役军人事务", "veterans affairs"),
    ("消费者投诉", "consumer complaints"),
)
OPTIONS = {
    "case": ("查询办理进度", "to check an application"),
    "info": ("听取办事指南", "for information"),
    "hours": ("人工服务", "for an agent"),
    "desk": ("转接服务窗口", "to speak to the service desk"),
    "callback": ("预约回电", "to book a call-back"),
}
SPOKEN = {
    "case": ("进度", "progress"),
    "info": ("指南", "information"),
    "hours": ("人工", "agent"),
    "desk": ("窗口", "desk"),
    "callback": ("回电", "call back"),
}


@dataclass(frozen=True)
class Department:
    """One department: its services, how it looks cases up, and the news prompts that pad the flow."""

    index: int
    services: tuple[str, ...]
    http: bool
    switch: bool
    speech: bool
    schedule: str
    news: int = 0

    @property
    def size(self) -> int:
        """The nodes this department adds to the flow."""
        return BASE_NODES + sum(SERVICES[s] for s in self.services) + self.news

    @property
    def id(self) -> str:
        """The prefix of its node, prompt and variable names."""
        return f"d{self.index}"

    @property
    def names(self) -> tuple[str, str]:
        """Its name in Chinese and in English."""
        zh, en = NAMES[self.index % len(NAMES)]
        branch = self.index // len(NAMES)
        return (f"{zh}（第{branch + 1}分中心）", f"{en} (branch {branch + 1})") if branch else (zh, en)


class Declarations:
    """The variables, prompts and nodes of a flow being written, in the order they come; counts the nodes."""

    def __init__(self) -> None:
        self.variables: list[str] = []
        self.prompts: list[str] = []
        self.nodes: list[str] = []
        self.count = 0

    def var(self, name: str, value: str, secret: bool = False) -> None:
        """Declare a variable with its initial value, written as the DSL writes it."""
        self.variables.append(f"var {name} = {value}" + (" secret" if secret else ""))

    def prompt(self, name: str, zh: str, en: str) -> None:
        """Declare a prompt in both languages."""
        self.prompts.append(f"prompt {name}\n  zh-CN {quote(zh)}\n  en    {quote(en)}\n")

    def node(self, first: str, *lines: str) -> None:
        """Add a node: its first line, then its indented lines."""
        self.count += 1
        self.nodes.append("\n".join([first, *(f"  {line}" for line in lines)]) + "\n")

    def text(self, header: str) -> str:
        """The whole flow, after its `flow` block."""
        return "\n".join([header, "\n".join(self.variables) + "\n", *self.prompts, *self.nodes])


def quote(text: str) -> str:
    """A DSL string literal."""
    return json.dumps(text, ensure_ascii=False)


def menu_keys(choices: list[tuple[str, str, str]]) -> list[str]:
    """Menu lines that lead keys 1, 2, ... to the choices (target, Chinese label, English label)."""
    return [f"key {number} -> {target}" for number, (target, _, _) in enumerate(choices, start=1)]


def menu_prompt(choices: list[tuple[str, str, str]]) -> tuple[str, str]:
    """The menu prompt that offers the choices, in Chinese and in English."""
    zh = "，".join(f"{label}请按{n}" for n, (_, label, _) in enumerate(choices, start=1))
    en = " ".join(f"For {label} press {n}." for n, (_, _, label) in enumerate(choices, start=1))
    return zh, en


def voicemail_lines(prompt: str, saved: str, empty: str) -> list[str]:
    """The lines of a voicemail node."""
    options = ["max_length 120s", "min_length 1s", "silence 5s", 'terminator "#"']
    return [f"prompt {prompt}", *options, f"saved -> {saved}", f"empty -> {empty}"]


def queue_lines(done: str, offer: str) -> list[str]:
    """The lines of a queue node that offers voicemail after three minutes."""
    options = ["position queue_position", "announce_every 30s", "offer queue_offer", "offer_after 180s"]
    return [*options, "offer_key 1", f"done -> {done}", f"offer -> {offer}"]


def write_department(w: Declarations, d: Department, parent: str) -> None:
    """Add a department, whose menu's key 0 goes back to the `parent` menu."""
    p, (zh, en) = d.id, d.names
    entries = {"case": "ask", "info": "info", "hours": "hours", "desk": "desk_notice", "callback": "cb_ask"}
    choices = [(f"{p}_{entries[s]}", *OPTIONS[s]) for s in d.services]
    menu_zh, menu_en = menu_prompt(choices)
    w.prompt(
        f"{p}_menu", f"这里是{zh}服务。{menu_zh}，返回上级菜单请按0。", f"This is {en}. {menu_en} To go back press 0."
    )
    keys = menu_keys(choices) + ([f"key 9 -> {p}_news_1"] if d.news else [])
    spoken = ", ".join(quote(word) for word in SPOKEN[d.services[0]])
    speech = ["speech yes", f"words 1 {spoken}"] if d.speech else []
    lines = ["no_input no_input", "no_match invalid", *speech, *keys, f"key 0 -> {parent}", f"failed -> {p}_agent"]
    w.node(f"{p}_menu: menu {p}_menu", *lines)
    w.prompt(f"{p}_to_agent", f"正在为您转接{zh}人工服务。", f"Transferring you to an agent for {en}.")
    w.node(f"{p}_agent: say {p}_to_agent -> {p}_queue")
    w.node(f"{p}_queue: queue agents-{p}", *queue_lines("survey", f"{p}_vm"))
    w.prompt(f"{p}_leave", f"请在提示音后给{zh}留言。", f"Please leave a message for {en} after the tone.")
    w.node(f"{p}_vm: voicemail {p}", *voicemail_lines(f"{p}_leave", "message_received", f"{p}_menu"))
    for service in d.services:
        _SERVICE_WRITERS[service](w, d)
    for n in range(1, d.news + 1):
        w.prompt(f"{p}_news_{n}", f"{zh}第{n}条通知：办事大厅已延长服务时间。", f"{en} notice {n}: longer hours.")
        after = f"{p}_news_{n + 1}" if n < d.news else f"{p}_menu"
        w.node(f"{p}_news_{n}: say {p}_news_{n} -> {after}")


def _case(w: Declarations, d: Department) -> None:
    p, zh = d.id, d.names[0]
    for name, value in [("ref", '""'), ("status", '""'), ("updated", '""'), ("misses", "0")]:
        w.var(f"{p}_{name}", value)
    w.prompt(f"{p}_ask", "请输入8位受理编号，以井号键结束。", "Please enter your 8-digit reference, then press hash.")
    w.prompt(
        f"{p}_report", f"您的{zh}业务{{{p}_ref}}当前状态：{{{p}_status}}。", f"Case {{{p}_ref}} is {{{p}_status}}."
    )
    w.prompt(f"{p}_closed", f"该业务已于{{{p}_updated}}办结。", f"This case was closed on {{{p}_updated}}.")
    w.prompt(f"{p}_not_found", "未找到该业务，请核对后重试。", "We could not find that case.")
    w.prompt(f"{p}_busy", "系统繁忙，正在为您转接人工服务。", "Our system is busy. Transferring you to an agent.")
    w.node(
        f"{p}_ask: collect {p}_ask",
        f"into {p}_ref",
        "max_digits 8",
        'terminator "#"',
        "inter_digit_timeout 3s",
        "no_input no_input",
        f"done -> {p}_lookup",
        f"failed -> {p}_agent",
    )
    if d.http:
        how = [f'path "/departments/{d.index}/cases/{{{p}_ref}}"', "timeout 2s"]
        source = "cases-api"
    else:
        query = f"select status, updated from cases where department = {d.index} and ref = :ref and lang = :lang"
        how = [f'query "{query}"', f"params ref = {p}_ref, lang = language", "timeout 3s"]
        source = "cases"
    outcomes = [f"found -> {p}_check", f"not_found -> {p}_miss", f"error -> {p}_busy", f"timeout -> {p}_busy"]
    w.node(f"{p}_lookup: lookup {source}", *how, f"save {p}_status, {p}_updated", *outcomes)
    if d.switch:
        w.node(f"{p}_check: branch {p}_status", f'case "closed" -> {p}_closed', f"else -> {p}_report")
    else:
        late = f'{p}_status in ["pending", "review"] and {p}_misses < 2'
        w.node(
            f"{p}_check: branch",
            f'when {p}_status == "closed" -> {p}_closed',
            f"when {late} -> {p}_report",
            f"else -> {p}_report",
        )
    w.node(f"{p}_report: say {p}_report -> {p}_menu")
    w.node(f"{p}_closed: say {p}_closed -> survey")
    w.node(f"{p}_miss: set {p}_misses = {p}_misses + 1 -> {p}_misses")
    w.node(f"{p}_misses: branch", f"when {p}_misses >= 3 -> {p}_agent", f"else -> {p}_not_found")
    w.node(f"{p}_not_found: say {p}_not_found -> {p}_ask")
    w.node(f"{p}_busy: say {p}_busy -> {p}_agent")


def _info(w: Declarations, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.prompt(f"{p}_info", f"办理{zh}业务请携带身份证原件。", f"For {en}, please bring your identity card.")
    w.node(f"{p}_info: say {p}_info -> {p}_menu")


def _hours(w: Declarations, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.prompt(f"{p}_after_hours", f"{zh}人工服务现在已下班。", f"Agents for {en} have finished for the day.")
    w.node(f"{p}_hours: schedule {d.schedule}", f"open -> {p}_agent", f"closed -> {p}_after_hours")
    w.node(f"{p}_after_hours: say {p}_after_hours -> {p}_vm")


def _desk(w: Declarations, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.prompt(f"{p}_desk", f"正在为您转接{zh}服务窗口。", f"Transferring you to the {en} desk.")
    w.node(f"{p}_desk_notice: say {p}_desk -> {p}_desk")
    w.node(f"{p}_desk: transfer desk-{p}", "ring 30s", f"busy -> {p}_vm", f"no_answer -> {p}_vm")


def _callback(w: Declarations, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.var(f"{p}_callback", '""', secret=True)
    w.var(f"{p}_callback_wanted", "false")
    w.prompt(f"{p}_cb_ask", "请输入您的手机号码，以井号键结束。", "Please enter your phone number, then press hash.")
    w.prompt(f"{p}_cb_done", f"{zh}将回电至{{{p}_callback}}，再见。", f"{en} will call {{{p}_callback}} back. Goodbye.")
    w.node(
        f"{p}_cb_ask: collect {p}_cb_ask",
        f"into {p}_callback",
        "min_digits 7",
        "max_digits 12",
        'terminator "#"',
        "no_input no_input",
        "secret yes",
        f"done -> {p}_cb_save",
        f"failed -> {p}_menu",
    )
    w.node(f"{p}_cb_save: set {p}_callback_wanted = true -> {p}_cb_done", "save yes")
    w.node(f"{p}_cb_done: say {p}_cb_done -> goodbye")


_SERVICE_WRITERS = {"case": _case, "info": _info, "hours": _hours, "desk": _desk, "callback": _callback}
