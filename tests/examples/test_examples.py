"""The example flows: clean under the strict check, canonical, and true to the reference hotline's contract."""

from __future__ import annotations

import csv
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from callflow.flowlang.check.files import check_file
from callflow.flowlang.environment import DataSource, Environment, load_environment
from callflow.flowlang.jsonform import dump_json
from callflow.flowlang.loader import load_file, load_text
from callflow.flowlang.model import Flow
from callflow.flowlang.printer import format_flow
from callflow.flowlang.registry import default_registry
from callflow.flowlang.template import parse_template

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HOTLINE = EXAMPLES / "hotline_12345.flow"
REGISTRY = default_registry()
SHANGHAI = ZoneInfo("Asia/Shanghai")

FLOWS = [pytest.param(path, id=path.name) for path in sorted(EXAMPLES.glob("*.flow"))]

# Every prompt text of shared/reference-flows/hotline-12345.md, (zh-CN, en), by the section that gives it.
# The queue texts say N where the flow says `{queue.position}`.
REFERENCE_PROMPTS = {
    "emergency": ("系统维护中，正在为您转接应急坐席。", "We are switching you to our emergency line."),
    "greeting": ("您好，欢迎致电12345市民服务热线。", "Welcome to the 12345 citizen service hotline."),
    "closed": (
        "现在是非工作时间，我们将在工作时间内回复您的留言。",
        "Our office is now closed. We will answer your message during working hours.",
    ),
    "main_menu": (
        "人工服务请按1，自助查询请按2，给市长信箱留言请按3，For English press 9。",
        "For an agent press 1. For self-service press 2. To leave a message for the mayor press 3.",
    ),
    "no_input": ("对不起，没有听到您的选择。", "Sorry, we did not hear your choice."),
    "invalid_key": ("对不起，您的输入有误。", "Sorry, that is not a valid choice."),
    "to_agent": ("正在为您转接人工服务。", "Transferring you to an agent."),
    "queue_position": ("您前面还有{queue.position}位来电。", "There are {queue.position} callers ahead of you."),
    "queue_offer": ("如需留言请按1。", "To leave a message instead, press 1."),
    "self_service": (
        "查询工单进度请按1，听取政策信息请按2，返回上级菜单请按0。",
        "To check a case press 1. For policy information press 2. To go back press 0.",
    ),
    "case_number": ("请输入8位工单号，以井号键结束。", "Please enter your 8-digit case number, then press hash."),
    "case_found": ("您的工单{ticket}当前状态：{status}。", "Case {ticket} is: {status}."),
    "case_not_found": ("未找到该工单，请核对后重试。", "We could not find that case."),
    "source_failed": ("系统繁忙，正在为您转接人工服务。", "Our system is busy. Transferring you to an agent."),
    "policy": (
        "办理居住证请携带身份证和租房合同到所在街道办事处。",
        "To apply for a residence permit, bring your ID card and rental contract to your local office.",
    ),
    "leave_message": (
        "请在提示音后留言，按井号键结束。",
        "Please leave your message after the tone. Press hash when you are done.",
    ),
    "message_received": (
        "留言已收到，谢谢您的来电，再见。",
        "Your message has been received. Thank you for calling. Goodbye.",
    ),
    "survey": (
        "请对本次服务进行评价，满意请按1，一般请按2，不满意请按3。",
        "Please rate our service. Press 1 if satisfied, 2 if neutral, 3 if not satisfied.",
    ),
    "survey_thanks": ("感谢您的评价，再见。", "Thank you for your feedback. Goodbye."),
}


def load(path: Path) -> Flow:
    """The flow of an example file, which must load without problems."""
    loaded = load_file(path, REGISTRY)
    assert [p.render() for p in loaded.problems] == []
    assert loaded.flow is not None
    return loaded.flow


def environment() -> Environment:
    """The examples' environment, `examples/callflow.toml`."""
    return load_environment(EXAMPLES / "callflow.toml")


# ---------------------------------------------------------------- every example


@pytest.mark.parametrize("path", [pytest.param(p, id=p.name) for p in sorted(EXAMPLES.glob("*.flow"))])
def test_example_passes_the_strict_check(path: Path) -> None:
    """An example flow has no errors and no warnings, subflows and environment included."""
    report = check_file(path, registry=REGISTRY)
    assert [p.render() for p in report.problems] == []


@pytest.mark.parametrize("path", FLOWS)
def test_example_is_in_canonical_form(path: Path) -> None:
    """Printing an example flow back gives exactly its text, comments included."""
    assert format_flow(load(path), REGISTRY) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", FLOWS)
def test_example_survives_json_and_back_byte_for_byte(path: Path) -> None:
    """An example converted to the JSON graph and back to `.flow` is the same text, byte for byte."""
    loaded = load_text(dump_json(load(path)), f"{path.name}.json", "json", REGISTRY)
    assert [p.render() for p in loaded.problems] == []
    assert loaded.flow is not None
    assert format_flow(loaded.flow, REGISTRY).encode("utf-8") == path.read_bytes()


# ---------------------------------------------------------------- the reference hotline's contract


@pytest.mark.parametrize(("zh", "en"), REFERENCE_PROMPTS.values(), ids=REFERENCE_PROMPTS.keys())
def test_hotline_speaks_every_reference_prompt_text(zh: str, en: str) -> None:
    """Each prompt text of the reference specification appears in that language in some prompt of the hotline."""
    prompts = load(HOTLINE).prompts
    assert any(zh in p.text.get("zh-CN", "") for p in prompts), zh
    assert any(en in p.text.get("en", "") for p in prompts), en


def test_hotline_tickets_csv_holds_exactly_the_reference_rows() -> None:
    """`data/tickets.csv` has the header and the three cases of the specification, nothing more."""
    with (EXAMPLES / "data" / "tickets.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert rows == [
        ["ticket", "status_zh", "status_en"],
        ["20261001", "已受理", "accepted"],
        ["20261002", "处理中", "in progress"],
        ["20261003", "已办结", "closed"],
    ]


@pytest.mark.parametrize(
    ("schedule", "moment", "state"),
    [
        ("working_hours", datetime(2026, 11, 20, 9, 0), "open"),
        ("working_hours", datetime(2026, 11, 20, 17, 30), "closed"),
        ("working_hours", datetime(2026, 10, 3, 10, 0), "holiday"),
        ("clinic_hours", datetime(2026, 11, 23, 8, 0), "open"),
        ("clinic_hours", datetime(2026, 11, 23, 18, 0), "closed"),
        ("clinic_hours", datetime(2026, 11, 21, 11, 59), "open"),
        ("clinic_hours", datetime(2026, 11, 21, 12, 0), "closed"),
        ("clinic_hours", datetime(2026, 11, 22, 10, 0), "closed"),
        ("clinic_hours", datetime(2027, 2, 8, 10, 0), "holiday"),
    ],
    ids=str,
)
def test_environment_schedules_are_open_closed_or_holiday_in_shanghai_time(
    schedule: str, moment: datetime, state: str
) -> None:
    """The environment loads, and its schedules give the specified state at Asia/Shanghai wall-clock times."""
    assert environment().schedules[schedule].state_at(moment.replace(tzinfo=SHANGHAI)) == state


# ---------------------------------------------------------------- the examples' SQL against their data


def seeded(source: DataSource) -> sqlite3.Connection:
    """An in-memory database holding the source's CSV tables, every value kept as the text of the file."""
    database = sqlite3.connect(":memory:")
    for table, path in source.csv.items():
        with path.open(encoding="utf-8", newline="") as file:
            header, *rows = csv.reader(file)
        database.execute(f"create table {table} ({', '.join(header)})")
        database.executemany(f"insert into {table} values ({', '.join('?' * len(header))})", rows)
    return database


def query(flow: str, node: str) -> str:
    """The SQL of one lookup node of an example."""
    found = load(EXAMPLES / f"{flow}.flow").node(node)
    assert found is not None
    return str(found.params["query"])


# Values for every `:name` the examples' queries use.
SAMPLE = {"account": "6222020012345678", "pin": "314159", "language": "en", "ticket": "20261001"}
LOOKUPS = [
    pytest.param(path, node.id, id=f"{path.stem}:{node.id}")
    for path in sorted(EXAMPLES.glob("*.flow"))
    for node in load(path).nodes
    if node.type == "lookup" and "query" in node.params
]


@pytest.mark.parametrize(("path", "node_id"), LOOKUPS)
def test_example_query_runs_against_its_seeded_source(path: Path, node_id: str) -> None:
    """Each SQL query of the examples runs against the data its source is built from."""
    node = load(path).node(node_id)
    assert node is not None
    database = seeded(environment().sources[str(node.params["source"])])
    database.execute(str(node.params["query"]), SAMPLE).fetchall()


def test_three_wrong_pins_in_a_row_lock_the_account() -> None:
    """verify_pin counts wrong PINs in the bank's data; the third in a row locks the account."""
    database = seeded(environment().sources["bank"])
    li_wei = {"account": "6222020023456789", "pin": "000000", "language": "zh-CN"}
    assert database.execute(query("verify_pin", "check"), li_wei).fetchall() == [(0, 0)]
    count_failure = query("verify_pin", "count_failure")
    locked = [database.execute(count_failure, li_wei).fetchall() for _ in range(3)]
    assert locked == [[(0,)], [(0,)], [(1,)]]
    assert database.execute(query("verify_pin", "check"), li_wei | {"pin": "271828"}).fetchall() == [(1, 1)]


def test_a_correct_pin_clears_the_count_of_wrong_pins_and_names_the_holder() -> None:
    """A correct PIN starts the count again and gives the holder's name in the caller's language."""
    database = seeded(environment().sources["bank"])
    zhang_jing = {"account": "6222020034567890", "pin": "161803", "language": "en"}  # two wrong PINs so far
    assert database.execute(query("verify_pin", "check"), zhang_jing).fetchall() == [(0, 1)]
    assert database.execute(query("verify_pin", "reset"), zhang_jing).fetchall() == [("Zhang Jing",)]
    assert database.execute(query("verify_pin", "count_failure"), zhang_jing).fetchall() == [(0,)]


@pytest.mark.parametrize(
    ("language", "recent"),
    [
        ("zh-CN", "转账给李伟，支出2000.00元；电费缴纳，支出132.70元；超市购物，支出286.40元"),
        ("en", "transfer to Li Wei, 2000.00 yuan out; electricity bill, 132.70 yuan out; supermarket, 286.40 yuan out"),
    ],
)
def test_bank_reads_the_three_latest_transactions_in_the_callers_language(language: str, recent: str) -> None:
    """The latest transactions come newest first, as one sentence in the caller's language."""
    database = seeded(environment().sources["bank"])
    wang_fang = {"account": "6222020012345678", "language": language}
    assert database.execute(query("bank_balance", "recent_lookup"), wang_fang).fetchall() == [(recent,)]


def test_bank_finds_no_transactions_for_an_account_without_any() -> None:
    """An account with no transactions gives no row, so the flow takes `not_found`."""
    database = seeded(environment().sources["bank"])
    zhang_jing = {"account": "6222020034567890", "language": "zh-CN"}
    assert database.execute(query("bank_balance", "recent_lookup"), zhang_jing).fetchall() == []


def test_bank_says_the_balance_as_money_in_the_callers_language() -> None:
    """The balance is read as the bank keeps it, and the prompt says it through `currency CNY`: grouped, with the
    currency's two decimals and its name in each language (CLDR's patterns)."""
    database = seeded(environment().sources["bank"])
    li_wei = {"account": "6222020023456789"}
    assert database.execute(query("bank_balance", "balance_lookup"), li_wei).fetchall() == [("356.08",)]
    prompt = load(EXAMPLES / "bank_balance.flow").prompt("balance_is")
    assert prompt is not None
    said = {
        language: parse_template(text).render({"balance": "12580.5"}, language)
        for language, text in prompt.text.items()
    }
    assert said == {"zh-CN": "您的账户余额为12,580.50人民币。", "en": "Your balance is 12,580.50 Chinese yuan."}
