"""Each report against the hand-worked calls of tests/support/record_calls.py (A to I): the expected numbers are
worked out from what each caller does, not read from a run."""

from __future__ import annotations

from typing import Any

import pytest

from callflow.runtime.service.records import RecordBook
from callflow.runtime.service.reports import REPORTS
from callflow.runtime.store.call_reads import Scope

NOVEMBER = Scope("default", "2026-11-01", "2026-11-30")


def run(book: RecordBook, name: str, scope: Scope = NOVEMBER, by: str | None = None) -> dict[str, Any]:
    return REPORTS[name](book.connection(), scope, by)


def rows_by(answer: dict[str, Any], *keys: str) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(row[k] for k in keys): row for row in answer["rows"]}


def test_ivr_counts_each_ending_and_the_containment(hand_book: RecordBook) -> None:
    """A and B reach agents; D and E leave messages; F meets the fallback; C and I hang up before any choice and H
    in the queue (abandoned); G hangs up after choosing the policy information (self-served): 1 of 9 contained."""
    answer = run(hand_book, "ivr")
    (row,) = answer["rows"]
    expected = {"calls": 9, "agent": 2, "voicemail": 2, "fallback": 1, "abandoned": 3, "self_served": 1}
    assert {k: row[k] for k in expected} == expected and row["transferred"] == 0
    assert answer["summary"]["containment"] == round(1 / 9, 4)


def test_ivr_by_day_splits_monday_and_tuesday(hand_book: RecordBook) -> None:
    """Monday has A to D (2 agents, 1 message, 1 abandoned); Tuesday E to I."""
    days = rows_by(run(hand_book, "ivr", by="day"), "period")
    assert days[("2026-11-23",)]["calls"] == 4 and days[("2026-11-23",)]["agent"] == 2
    assert days[("2026-11-24",)]["calls"] == 5 and days[("2026-11-24",)]["abandoned"] == 2


def test_calls_count_durations_per_called_number(hand_book: RecordBook) -> None:
    """All nine dialled 12345; the longest is B: 8.211 s of greeting, 1.1 s to press 1, 30 s waiting, 60 s with
    the agent, the survey and its thanks (105.019 s, the same as A's 90.019 s plus 15 s more waiting)."""
    (row,) = run(hand_book, "calls")["rows"]
    assert (row["called"], row["calls"], row["max_duration_s"]) == ("12345", 9, 105.019)


def test_queues_service_level_speed_of_answer_and_abandonment(hand_book: RecordBook) -> None:
    """`hotline`: B answered after 30 s (outside 20 s), H gave up after 45.1 s (joined at 9.311 s, hung up at
    54.411 s); `hotline-local`: A (a 0571 caller) answered after 15 s. Three offered, two answered: 67 % against
    the 90 % target; one in 20 s: service level 1/3."""
    answer = run(hand_book, "queues")
    queues = rows_by(answer, "queue")
    main, local = queues[("hotline",)], queues[("hotline-local",)]
    assert (main["offered"], main["answered"], main["abandoned"]) == (2, 1, 1)
    assert (main["asa_s"], main["avg_abandon_s"], main["longest_wait_s"], main["service_level"]) == (
        30.0,
        45.1,
        45.1,
        0.0,
    )
    assert (local["offered"], local["answered"], local["service_level"], local["asa_s"]) == (1, 1, 1.0, 15.0)
    summary = answer["summary"]
    assert (summary["offered"], summary["answered"], summary["service_level"]) == (3, 2, round(1 / 3, 4))
    assert summary["answer_rate"] == round(2 / 3, 4) and summary["meets_target"] is False


def test_menus_count_choices_silences_and_wrong_keys(hand_book: RecordBook) -> None:
    """Main menu: key 1 by A, B and H, key 2 by G, key 3 by D, a wrong key by C and a silence by I (7 attempts);
    C and I then hang up in it. The survey: 1 from A, 3 from B."""
    menus = rows_by(run(hand_book, "menus"), "menu", "choice")
    counts = {choice: row["count"] for (menu, choice), row in menus.items() if menu == "main_menu"}
    assert counts == {"key 1": 3, "key 2": 1, "key 3": 1, "no_match": 1, "no_input": 1, "hangup": 2}
    assert menus[("main_menu", "key 1")]["share"] == round(3 / 7, 4)
    assert menus[("main_menu", "no_input")]["share"] == round(1 / 7, 4)
    assert {c: r["count"] for (m, c), r in menus.items() if m == "survey"} == {"key 1": 1, "key 3": 1}


def test_transfers_list_each_attempt_with_its_result(hand_book: RecordBook) -> None:
    """F's transfer to `emergency` is not answered (the simulated line does not answer unless told); the fallback
    then tries the same destination again, answered."""
    transfers = rows_by(run(hand_book, "transfers"), "destination", "result")
    assert {k: r["count"] for k, r in transfers.items()} == {
        ("emergency", "no_answer"): 1,
        ("emergency", "answered"): 1,
    }


def test_errors_put_the_fallback_at_its_node(hand_book: RecordBook) -> None:
    """F's unanswered transfer leaves `emergency_line` by an exit leading nowhere: one fallback there."""
    assert [(r["node"], r["kind"], r["count"]) for r in run(hand_book, "errors")["rows"]] == [
        ("emergency_line", "fallback", 1)
    ]


def test_survey_answers_per_queue_with_the_average(hand_book: RecordBook) -> None:
    """A (from hotline-local) answered 1, B (from hotline) 3."""
    survey = rows_by(run(hand_book, "survey"), "queue", "answer")
    assert set(survey) == {("hotline-local", "1"), ("hotline", "3")}
    assert survey[("hotline", "3")]["average"] == 3.0 and survey[("hotline-local", "1")]["average"] == 1.0


def test_voicemail_counts_messages_per_mailbox(hand_book: RecordBook) -> None:
    """D and E leave a message each for the mayor, both unread."""
    (row,) = run(hand_book, "voicemail")["rows"]
    assert (row["mailbox"], row["messages"], row["unread"], row["handled"]) == ("mayor", 2, 2, 0)


def test_hours_count_calls_per_weekday_and_hour_and_find_the_peak(hand_book: RecordBook) -> None:
    """Monday 10:00 (A, B, C) and 11:00 (D); Tuesday 10:00 (F, G), 11:00 (H), 16:00 (I), 18:00 (E): the peak hour is
    Monday 10:00 with three calls."""
    answer = run(hand_book, "hours")
    cells = {(r["weekday"], r["hour"]): r["calls"] for r in answer["rows"]}
    assert cells == {("Mon", 10): 3, ("Mon", 11): 1, ("Tue", 10): 2, ("Tue", 11): 1, ("Tue", 16): 1, ("Tue", 18): 1}
    assert (answer["summary"]["peak_hour"], answer["summary"]["peak_calls"]) == ("2026-11-23T10", 3)


def test_areas_group_callers_by_area_code(hand_book: RecordBook) -> None:
    """A (0571…) and F (+86571…) are from 0571, C from 010 (Beijing), the six others call from mobiles."""
    areas = {r["area"]: r["calls"] for r in run(hand_book, "areas")["rows"]}
    assert areas == {"0571": 2, "010": 1, "mobile": 6}


def test_paths_count_callers_exits_and_drop_offs(hand_book: RecordBook) -> None:
    """Eight calls pass `hours` (all but F), seven hear the main menu (not E after hours, nor F); callers hang up in
    the main menu (C, I), in self-service (G) and in the queue (H)."""
    paths = rows_by(run(hand_book, "paths"), "node", "exit")
    assert paths[("start", "")]["calls"] == 9
    assert paths[("hours", "")]["calls"] == 8
    assert (paths[("hours", "open")]["taken"], paths[("hours", "closed")]["taken"]) == (7, 1)
    assert (paths[("main_menu", "")]["calls"], paths[("main_menu", "")]["drops"]) == (7, 2)
    assert paths[("self_service", "")]["visits"] == 2  # G hears it before and after the policy information
    assert paths[("main_queue", "")]["drops"] == 1 and paths[("emergency_line", "")]["errors"] == 1
    assert run(hand_book, "paths")["summary"]["drops"] == 4


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_a_period_without_calls_reports_nothing(hand_book: RecordBook, name: str) -> None:
    """October has no calls: every report answers with no rows."""
    assert run(hand_book, name, Scope("default", "2026-10-01", "2026-10-31"))["rows"] == []


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_another_tenant_sees_none_of_these_calls(hand_book: RecordBook, name: str) -> None:
    """The calls are tenant `default`'s: for tenant `other`, every report is empty."""
    assert run(hand_book, name, Scope("other", "2026-11-01", "2026-11-30"))["rows"] == []
