"""Realistic `.flow` text of any size, for benchmarks: a bilingual citizen hotline with many departments.

The flow has a fixed front (emergency switch, opening hours, greeting, main menu, queues, survey) and as many
departments as fit, reached through a tree of menus. Each department has a menu, an agent queue and a
voicemail, and a seeded choice of services: case lookup, information, opening hours, transfer to a desk and
call-back. Every node is reachable, every exit leads somewhere, and every loop passes through a node that
waits for the caller, so the flow checks clean with `--strict` against `environment_text`.

Run `python bench/generate.py 1000 --out DIR` to write DIR/bench_1000.flow and DIR/callflow.toml.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

SEED = 12345
FANOUT = 8
"""Menu keys 1-8 lead down the tree; 9 leads to a department's news and 0 goes back up."""

FRONT_NODES = 19
"""Nodes outside the departments and the menu tree: see `_front`."""

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
SCHEDULES = ("office", "extended", "weekend")
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
class Generated:
    """A generated flow, the environment it checks clean against, and its number of nodes."""

    text: str
    environment: str
    nodes: int


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


@dataclass(frozen=True)
class Group:
    """A menu of the tree between the main menu and the departments."""

    id: str
    children: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]


def generate(nodes: int, seed: int = SEED) -> Generated:
    """A flow of exactly `nodes` nodes, the same for the same seed."""
    departments = plan(nodes, random.Random(seed))
    groups, top, parents = _tree(departments)
    w = _Writer()
    _front(w, top)
    for group in groups:
        _group(w, group, parents[group.id])
    for department in departments:
        _department(w, department, parents[f"{department.id}_menu"])
    if w.count != nodes:
        raise AssertionError(f"generated {w.count} nodes, not {nodes}")
    return Generated(w.text(), environment_text(departments), w.count)


def plan(nodes: int, rng: random.Random) -> list[Department]:
    """As many departments as fit in `nodes`, padded with news prompts to the exact count."""
    departments: list[Department] = []
    used = FRONT_NODES
    while True:
        services = tuple(s for s in SERVICES if rng.random() < CHANCES[s]) or ("info",)
        candidate = Department(
            len(departments), services, rng.random() < 0.3, rng.random() < 0.5, rng.random() < 0.3,
            rng.choice(SCHEDULES),
        )  # fmt: skip
        if used + candidate.size + _group_count(len(departments) + 1) > nodes:
            break
        departments.append(candidate)
        used += candidate.size
    if not departments:
        raise ValueError(f"{nodes} nodes are too few for a flow with one department")
    spare = nodes - used - _group_count(len(departments))
    news = [spare // len(departments) + (i < spare % len(departments)) for i in range(len(departments))]
    return [_with_news(d, n) for d, n in zip(departments, news[::-1], strict=True)]


def _with_news(department: Department, news: int) -> Department:
    d = department
    return Department(d.index, d.services, d.http, d.switch, d.speech, d.schedule, news)


def _group_count(departments: int) -> int:
    count, level = 0, departments
    while level > FANOUT:
        level = -(-level // FANOUT)
        count += level
    return count


def _tree(departments: list[Department]) -> tuple[list[Group], list[tuple[str, str, str]], dict[str, str]]:
    """The group menus, the main menu's choices (id and labels), and the menu each menu goes back to."""
    level = [(f"{d.id}_menu", *d.names) for d in departments]
    groups: list[Group] = []
    parents: dict[str, str] = {}
    depth = 0
    while len(level) > FANOUT:
        depth += 1
        above = []
        for start in range(0, len(level), FANOUT):
            chunk = level[start : start + FANOUT]
            group = Group(f"g{depth}_{start // FANOUT}", tuple(c[0] for c in chunk), tuple(c[1:] for c in chunk))
            groups.append(group)
            parents.update((c[0], group.id) for c in chunk)
            zh = f"{chunk[0][1]}至{chunk[-1][1]}"
            en = f"{chunk[0][2]} to {chunk[-1][2]}"
            above.append((group.id, zh, en))
        level = above
    parents.update((c[0], "main_menu") for c in level)
    return groups, level, parents


class _Writer:
    """Collects the declarations of a flow in their sections and counts its nodes."""

    def __init__(self) -> None:
        self.variables: list[str] = []
        self.prompts: list[str] = []
        self.nodes: list[str] = []
        self.count = 0

    def var(self, name: str, value: str, secret: bool = False) -> None:
        self.variables.append(f"var {name} = {value}" + (" secret" if secret else ""))

    def prompt(self, name: str, zh: str, en: str) -> None:
        self.prompts.append(f"prompt {name}\n  zh-CN {_quote(zh)}\n  en    {_quote(en)}\n")

    def node(self, first: str, *lines: str) -> None:
        self.count += 1
        self.nodes.append("\n".join([first, *(f"  {line}" for line in lines)]) + "\n")

    def text(self) -> str:
        header = 'flow citizen_hotline\n  title     "Citizen service hotline"\n  languages zh-CN, en\n'
        header += "  global_key * repeat\n"
        return "\n".join([header, "\n".join(self.variables) + "\n", *self.prompts, *self.nodes])


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _keys(choices: list[tuple[str, str, str]]) -> list[str]:
    return [f"key {number} -> {target}" for number, (target, _, _) in enumerate(choices, start=1)]


def _choices(choices: list[tuple[str, str, str]]) -> tuple[str, str]:
    zh = "，".join(f"{label}请按{n}" for n, (_, label, _) in enumerate(choices, start=1))
    en = " ".join(f"For {label} press {n}." for n, (_, _, label) in enumerate(choices, start=1))
    return zh, en


def _front(w: _Writer, top: list[tuple[str, str, str]]) -> None:
    """The nodes every call passes or may end in; the main menu leads to `top`."""
    w.var("rating", '""')
    for name, zh, en in [
        ("emergency", "系统维护中，正在为您转接应急坐席。", "We are switching you to our emergency line."),
        ("greeting", "您好，欢迎致电市民服务热线。", "Welcome to the citizen service hotline."),
        ("closed", "现在是非工作时间。", "Our office is now closed."),
        ("holiday", "今天是法定节假日。", "Today is a public holiday."),
        ("leave_message", "请在提示音后留言，按井号键结束。", "Please leave a message after the tone."),
        ("message_received", "留言已收到，谢谢，再见。", "Your message has been received. Goodbye."),
        ("no_input", "对不起，没有听到您的选择。", "Sorry, we did not hear your choice."),
        ("invalid", "对不起，您的输入有误。", "Sorry, that is not a valid choice."),
        ("to_agent", "正在为您转接人工服务。", "Transferring you to an agent."),
        ("queue_position", "您前面还有{queue.position}位来电。", "There are {queue.position} callers ahead of you."),
        ("queue_offer", "如需留言请按1。", "To leave a message instead, press 1."),
        ("survey", "满意请按1，一般请按2，不满意请按3。", "Press 1 if satisfied, 2 if neutral, 3 if not."),
        ("survey_thanks", "感谢您的评价，再见。", "Thank you for your feedback. Goodbye."),
    ]:
        w.prompt(name, zh, en)
    zh, en = _choices(top)
    w.prompt("main_menu", zh + "，For English press 9。", en + " For an agent press 0.")
    w.node("start: branch", "when switch.emergency -> emergency_notice", "else -> hours")
    w.node("emergency_notice: say emergency -> emergency_line")
    w.node("emergency_line: transfer emergency")
    w.node("hours: schedule office", "open -> greet", "closed -> closed_notice", "holiday -> holiday_notice")
    w.node("closed_notice: say closed -> general_mailbox")
    w.node("holiday_notice: say holiday -> general_mailbox")
    w.node("general_mailbox: voicemail general", *_voicemail("leave_message", "message_received", "goodbye"))
    w.node("message_received: say message_received -> goodbye")
    w.node("greet: say greeting -> main_menu")
    keys = [*_keys(top), "key 9 -> english", "key 0 -> agent_notice", "failed -> agent_notice"]
    w.node("main_menu: menu main_menu", "no_input no_input", "no_match invalid", *keys)
    w.node("english: language en -> main_menu")
    w.node("agent_notice: say to_agent -> pick_queue")
    local = 'caller startswith "0571" or caller startswith "+86571"'
    w.node("pick_queue: branch", f"when {local} -> local_queue", "else -> main_queue")
    w.node("local_queue: queue hotline-local", *_queue("survey", "general_mailbox"))
    w.node("main_queue: queue hotline", *_queue("survey", "general_mailbox"))
    w.node("survey: menu survey", "max_no_input 1", "max_no_match 1", "key 1, 2, 3 -> save_rating", "failed -> goodbye")
    w.node("save_rating: set rating = menu.digits -> survey_thanks", "save yes")
    w.node("survey_thanks: say survey_thanks -> goodbye")
    w.node("goodbye: hangup")


def _voicemail(prompt: str, saved: str, empty: str) -> list[str]:
    options = ["max_length 120s", "min_length 1s", "silence 5s", 'terminator "#"']
    return [f"prompt {prompt}", *options, f"saved -> {saved}", f"empty -> {empty}"]


def _queue(done: str, offer: str) -> list[str]:
    options = ["position queue_position", "announce_every 30s", "offer queue_offer", "offer_after 180s"]
    return [*options, "offer_key 1", f"done -> {done}", f"offer -> {offer}"]


def _group(w: _Writer, group: Group, parent: str) -> None:
    choices = [(child, *label) for child, label in zip(group.children, group.labels, strict=True)]
    zh, en = _choices(choices)
    w.prompt(group.id, zh + "，返回上级菜单请按0。", en + " To go back press 0.")
    keys = [*_keys(choices), f"key 0 -> {parent}", "failed -> agent_notice"]
    w.node(f"{group.id}: menu {group.id}", "no_input no_input", "no_match invalid", *keys)


def _department(w: _Writer, d: Department, parent: str) -> None:
    p, (zh, en) = d.id, d.names
    entries = {"case": "ask", "info": "info", "hours": "hours", "desk": "desk_notice", "callback": "cb_ask"}
    choices = [(f"{p}_{entries[s]}", *OPTIONS[s]) for s in d.services]
    menu_zh, menu_en = _choices(choices)
    w.prompt(
        f"{p}_menu", f"这里是{zh}服务。{menu_zh}，返回上级菜单请按0。", f"This is {en}. {menu_en} To go back press 0."
    )
    keys = _keys(choices) + ([f"key 9 -> {p}_news_1"] if d.news else [])
    spoken = ", ".join(_quote(word) for word in SPOKEN[d.services[0]])
    speech = ["speech yes", f"words 1 {spoken}"] if d.speech else []
    lines = ["no_input no_input", "no_match invalid", *speech, *keys, f"key 0 -> {parent}", f"failed -> {p}_agent"]
    w.node(f"{p}_menu: menu {p}_menu", *lines)
    w.prompt(f"{p}_to_agent", f"正在为您转接{zh}人工服务。", f"Transferring you to an agent for {en}.")
    w.node(f"{p}_agent: say {p}_to_agent -> {p}_queue")
    w.node(f"{p}_queue: queue agents-{p}", *_queue("survey", f"{p}_vm"))
    w.prompt(f"{p}_leave", f"请在提示音后给{zh}留言。", f"Please leave a message for {en} after the tone.")
    w.node(f"{p}_vm: voicemail {p}", *_voicemail(f"{p}_leave", "message_received", f"{p}_menu"))
    for service in d.services:
        _SERVICE_WRITERS[service](w, d)
    for n in range(1, d.news + 1):
        w.prompt(f"{p}_news_{n}", f"{zh}第{n}条通知：办事大厅已延长服务时间。", f"{en} notice {n}: longer hours.")
        after = f"{p}_news_{n + 1}" if n < d.news else f"{p}_menu"
        w.node(f"{p}_news_{n}: say {p}_news_{n} -> {after}")


def _case(w: _Writer, d: Department) -> None:
    p, (zh, en) = d.id, d.names
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
        f"{p}_ask: collect {p}_ask", f"into {p}_ref", "max_digits 8", 'terminator "#"', "inter_digit_timeout 3s",
        "no_input no_input", f"done -> {p}_lookup", f"failed -> {p}_agent",
    )  # fmt: skip
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
            f"{p}_check: branch", f'when {p}_status == "closed" -> {p}_closed', f"when {late} -> {p}_report",
            f"else -> {p}_report",
        )  # fmt: skip
    w.node(f"{p}_report: say {p}_report -> {p}_menu")
    w.node(f"{p}_closed: say {p}_closed -> survey")
    w.node(f"{p}_miss: set {p}_misses = {p}_misses + 1 -> {p}_misses")
    w.node(f"{p}_misses: branch", f"when {p}_misses >= 3 -> {p}_agent", f"else -> {p}_not_found")
    w.node(f"{p}_not_found: say {p}_not_found -> {p}_ask")
    w.node(f"{p}_busy: say {p}_busy -> {p}_agent")


def _info(w: _Writer, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.prompt(f"{p}_info", f"办理{zh}业务请携带身份证原件。", f"For {en}, please bring your identity card.")
    w.node(f"{p}_info: say {p}_info -> {p}_menu")


def _hours(w: _Writer, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.prompt(f"{p}_after_hours", f"{zh}人工服务现在已下班。", f"Agents for {en} have finished for the day.")
    w.node(f"{p}_hours: schedule {d.schedule}", f"open -> {p}_agent", f"closed -> {p}_after_hours")
    w.node(f"{p}_after_hours: say {p}_after_hours -> {p}_vm")


def _desk(w: _Writer, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.prompt(f"{p}_desk", f"正在为您转接{zh}服务窗口。", f"Transferring you to the {en} desk.")
    w.node(f"{p}_desk_notice: say {p}_desk -> {p}_desk")
    w.node(f"{p}_desk: transfer desk-{p}", "ring 30s", f"busy -> {p}_vm", f"no_answer -> {p}_vm")


def _callback(w: _Writer, d: Department) -> None:
    p, (zh, en) = d.id, d.names
    w.var(f"{p}_callback", '""', secret=True)
    w.var(f"{p}_callback_wanted", "false")
    w.prompt(f"{p}_cb_ask", "请输入您的手机号码，以井号键结束。", "Please enter your phone number, then press hash.")
    w.prompt(f"{p}_cb_done", f"{zh}将回电至{{{p}_callback}}，再见。", f"{en} will call {{{p}_callback}} back. Goodbye.")
    w.node(
        f"{p}_cb_ask: collect {p}_cb_ask", f"into {p}_callback", "min_digits 7", "max_digits 12", 'terminator "#"',
        "no_input no_input", "secret yes", f"done -> {p}_cb_save", f"failed -> {p}_menu",
    )  # fmt: skip
    w.node(f"{p}_cb_save: set {p}_callback_wanted = true -> {p}_cb_done", "save yes")
    w.node(f"{p}_cb_done: say {p}_cb_done -> goodbye")


_SERVICE_WRITERS = {"case": _case, "info": _info, "hours": _hours, "desk": _desk, "callback": _callback}


def environment_text(departments: list[Department]) -> str:
    """The `callflow.toml` that binds every resource the generated flow names."""
    parts = [
        '# Environment of a generated benchmark flow.\n\ntimezone = "Asia/Shanghai"\nfallback = "emergency"\n',
        "[switches]\nemergency = false\n",
        '[destinations.emergency]\nnumber = "01012345"\n',
        *(f'[destinations.desk-{d.id}]\nnumber = "0571{d.index:06d}"\n' for d in departments),
        '[queues.hotline]\nannounce_every_s = 30\nmusic = "default"\n',
        '[queues.hotline-local]\nannounce_every_s = 30\nmusic = "default"\n',
        *(f'[queues.agents-{d.id}]\ndescription = "Agents for {d.names[1]}"\n' for d in departments),
        "[mailboxes.general]\nmax_seconds = 120\n",
        *(f"[mailboxes.{d.id}]\nmax_seconds = 120\n" for d in departments),
        '[sources.cases]\ntype = "sqlite"\npath = "data/cases.sqlite"\n',
        '[sources.cases-api]\ntype = "http"\nurl = "https://api.example.org/v1"\ntimeout_s = 2\n',
        '[schedules.office.hours]\nmon-fri = "09:00-17:30"\n',
        '[schedules.extended.hours]\nmon-fri = "08:00-20:00"\nsat = "09:00-12:00"\n',
        '[schedules.weekend.hours]\nsat-sun = "10:00-16:00"\n',
        '[voices]\nzh-CN = "cmn"\nen = "en-us"\n',
        '[numbers]\n12345 = "citizen_hotline"\n',
    ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> None:
    """Print a generated flow, or write it and its environment into a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("nodes", type=int, help="how many nodes the flow has")
    parser.add_argument("--seed", type=int, default=SEED, help="the seed of the department mix")
    parser.add_argument("--out", type=Path, help="write bench_NODES.flow and callflow.toml into this folder")
    args = parser.parse_args(argv)
    generated = generate(args.nodes, args.seed)
    if args.out is None:
        sys.stdout.write(generated.text)
        return
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"bench_{args.nodes}.flow").write_text(generated.text, encoding="utf-8")
    (args.out / "callflow.toml").write_text(generated.environment, encoding="utf-8")


if __name__ == "__main__":
    main()
