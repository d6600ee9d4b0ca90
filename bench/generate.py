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
import random
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

# bench/ is a folder of scripts, not a package; mypy, which sees it inside the repository's package, needs the
# relative import to find the department writer.
if TYPE_CHECKING:
    from . import department as dept
else:
    import department as dept

SEED = 12345
FANOUT = 8
"""Menu keys 1-8 lead down the tree; 9 leads to a department's news and 0 goes back up."""

HEADER = 'flow citizen_hotline\n  title     "Citizen service hotline"\n  languages zh-CN, en\n  global_key * repeat\n'
FRONT_NODES = 19
"""Nodes outside the departments and the menu tree: see `_front`."""


@dataclass(frozen=True)
class Generated:
    """A generated flow, the environment it checks clean against, and its number of nodes."""

    text: str
    environment: str
    nodes: int


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
    w = dept.Declarations()
    _front(w, top)
    for group in groups:
        _group(w, group, parents[group.id])
    for d in departments:
        dept.write_department(w, d, parents[f"{d.id}_menu"])
    if w.count != nodes:
        raise AssertionError(f"generated {w.count} nodes, not {nodes}")
    return Generated(w.text(HEADER), environment_text(departments), w.count)


def plan(nodes: int, rng: random.Random) -> list[dept.Department]:
    """As many departments as fit in `nodes`, padded with news prompts to the exact count."""
    departments: list[dept.Department] = []
    used = FRONT_NODES
    while True:
        services = tuple(s for s in dept.SERVICES if rng.random() < dept.CHANCES[s]) or ("info",)
        candidate = dept.Department(
            index=len(departments),
            services=services,
            http=rng.random() < 0.3,
            switch=rng.random() < 0.5,
            speech=rng.random() < 0.3,
            schedule=rng.choice(dept.SCHEDULES),
        )
        if used + candidate.size + _group_count(len(departments) + 1) > nodes:
            break
        departments.append(candidate)
        used += candidate.size
    if not departments:
        raise ValueError(f"{nodes} nodes are too few for a flow with one department")
    spare = nodes - used - _group_count(len(departments))
    news = [spare // len(departments) + (i < spare % len(departments)) for i in range(len(departments))]
    return [replace(d, news=n) for d, n in zip(departments, news[::-1], strict=True)]


def _group_count(departments: int) -> int:
    count, level = 0, departments
    while level > FANOUT:
        level = -(-level // FANOUT)
        count += level
    return count


def _tree(departments: list[dept.Department]) -> tuple[list[Group], list[tuple[str, str, str]], dict[str, str]]:
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


def _front(w: dept.Declarations, top: list[tuple[str, str, str]]) -> None:
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
    zh, en = dept.menu_prompt(top)
    w.prompt("main_menu", zh + "，For English press 9。", en + " For an agent press 0.")
    w.node("start: branch", "when switch.emergency -> emergency_notice", "else -> hours")
    w.node("emergency_notice: say emergency -> emergency_line")
    w.node("emergency_line: transfer emergency")
    w.node("hours: schedule office", "open -> greet", "closed -> closed_notice", "holiday -> holiday_notice")
    w.node("closed_notice: say closed -> general_mailbox")
    w.node("holiday_notice: say holiday -> general_mailbox")
    w.node("general_mailbox: voicemail general", *dept.voicemail_lines("leave_message", "message_received", "goodbye"))
    w.node("message_received: say message_received -> goodbye")
    w.node("greet: say greeting -> main_menu")
    keys = [*dept.menu_keys(top), "key 9 -> english", "key 0 -> agent_notice", "failed -> agent_notice"]
    w.node("main_menu: menu main_menu", "no_input no_input", "no_match invalid", *keys)
    w.node("english: language en -> main_menu")
    w.node("agent_notice: say to_agent -> pick_queue")
    local = 'caller startswith "0571" or caller startswith "+86571"'
    w.node("pick_queue: branch", f"when {local} -> local_queue", "else -> main_queue")
    w.node("local_queue: queue hotline-local", *dept.queue_lines("survey", "general_mailbox"))
    w.node("main_queue: queue hotline", *dept.queue_lines("survey", "general_mailbox"))
    w.node("survey: menu survey", "max_no_input 1", "max_no_match 1", "key 1, 2, 3 -> save_rating", "failed -> goodbye")
    w.node("save_rating: set rating = menu.digits -> survey_thanks", "save yes")
    w.node("survey_thanks: say survey_thanks -> goodbye")
    w.node("goodbye: hangup")


def _group(w: dept.Declarations, group: Group, parent: str) -> None:
    choices = [(child, *label) for child, label in zip(group.children, group.labels, strict=True)]
    zh, en = dept.menu_prompt(choices)
    w.prompt(group.id, zh + "，返回上级菜单请按0。", en + " To go back press 0.")
    keys = [*dept.menu_keys(choices), f"key 0 -> {parent}", "failed -> agent_notice"]
    w.node(f"{group.id}: menu {group.id}", "no_input no_input", "no_match invalid", *keys)


def environment_text(departments: list[dept.Department]) -> str:
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
        '[speech.models]\nzh-CN = "models/vosk-model-small-cn-0.22"\nen = "models/vosk-model-small-en-us-0.15"\n',
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
