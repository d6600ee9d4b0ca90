"""What a load run is given: profiles, caller mixes, distributions, durations, agents and staffing files."""

from __future__ import annotations

import math
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from load_runs import MONDAY

from callflow.runtime.capacity.arrivals import ArrivalsError, parse_duration, poisson, read_profile
from callflow.runtime.capacity.callers import CallerMixError, mix_from_text
from callflow.runtime.capacity.distributions import DistributionError, parse_distribution
from callflow.runtime.capacity.options import OptionError, parse_agents, parse_per_queue, read_staffing
from callflow.runtime.capacity.spec import parse_target

ZONE = ZoneInfo("Asia/Shanghai")
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def profile(tmp_path: Path, text: str) -> Path:
    """A profile file with this text."""
    path = tmp_path / "profile.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_profile_gives_the_calls_of_each_interval_on_the_day_asked(tmp_path: Path) -> None:
    """Rows of times of day are placed on the day given; the interval is their spacing."""
    arrivals = read_profile(profile(tmp_path, "start,calls\n09:00,120\n09:30,60\n"), MONDAY.date(), ZONE)
    assert arrivals.start == MONDAY
    assert (arrivals.interval_s, arrivals.calls, arrivals.duration_s) == (1800.0, (120.0, 60.0), 3600.0)


def test_the_shipped_monday_profile_reads() -> None:
    """examples/load/hotline-monday.csv is a profile of half hours from seven in the morning."""
    arrivals = read_profile(EXAMPLES / "load" / "hotline-monday.csv", MONDAY.date(), ZONE)
    assert arrivals.interval_s == 1800 and f"{arrivals.start:%H:%M}" == "07:00" and arrivals.expected > 5000


def test_a_profile_with_uneven_rows_says_where(tmp_path: Path) -> None:
    """A row that breaks the spacing is named by its line."""
    path = profile(tmp_path, "start,calls\n09:00,1\n09:30,2\n10:15,3\n")
    with pytest.raises(ArrivalsError, match=r"profile.csv:4: 10:15 does not follow 09:30 by 30 minutes"):
        read_profile(path, MONDAY.date(), ZONE)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the profile is empty"),
        ("when,volume\n09:00,1\n", "the header needs a time column"),
        ("start,calls\n9am,1\n", r":2: '9am' is not a time"),
        ("start,calls\n09:00,many\n", r":2: 'many' is not a number of calls"),
        ("start,calls\n09:00,-1\n", r":2: '-1' is not a number of calls"),
        ("start,calls\n25:00,1\n", r":2: '25:00' is not a time of day"),
    ],
)
def test_a_profile_that_cannot_be_read_says_why(tmp_path: Path, text: str, message: str) -> None:
    """Bad profiles are refused with the line and what was expected."""
    with pytest.raises(ArrivalsError, match=message):
        read_profile(profile(tmp_path, text), MONDAY.date(), ZONE)


def test_poisson_arrivals_come_at_the_rate_asked() -> None:
    """About as many calls arrive as the rate says, in order, within the day."""
    arrivals = poisson(MONDAY, 3600, 3600 * 10)
    times = list(arrivals.times(random.Random(7)))
    assert times == sorted(times) and times[0] >= 0 and times[-1] < 36000
    assert abs(len(times) - 36000) < 4 * math.sqrt(36000)


@pytest.mark.parametrize(
    ("text", "seconds"), [("8h", 28800), ("90m", 5400), ("1h30m", 5400), ("45s", 45), ("600", 600)]
)
def test_durations_read_as_people_write_them(text: str, seconds: float) -> None:
    """Hours, minutes, seconds, or plain seconds."""
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "8 hours", "0", "-5m", "h"])
def test_a_duration_that_is_not_one_is_refused(text: str) -> None:
    """Durations must be readable and above zero."""
    with pytest.raises(ArrivalsError):
        parse_duration(text)


def test_distributions_have_the_mean_asked() -> None:
    """Exponential, lognormal and fixed times average what they were given."""
    draws = [i / 20000 + 1 / 40000 for i in range(20000)]  # evenly spread quantiles
    for text in ("exp", "lognormal:0.6", "fixed"):
        distribution = parse_distribution(text, 240, what="--aht")
        mean = sum(distribution.quantile(u) for u in draws) / len(draws)
        assert abs(mean - 240) < 240 * 0.02, (text, mean)
    assert parse_distribution("none", None, what="--patience").quantile(0.5) == math.inf


@pytest.mark.parametrize(
    ("text", "mean", "message"),
    [
        ("gamma", 10, "not a distribution"),
        ("exp", None, "needs a mean"),
        ("exp", 0, "must be a positive number"),
        ("lognormal", 10, "coefficient of variation"),
        ("lognormal:0", 10, "above 0"),
        ("fixed:2", 10, "takes no argument"),
    ],
)
def test_a_distribution_that_is_not_one_says_why(text: str, mean: float | None, message: str) -> None:
    """Unknown shapes, missing means and bad arguments are refused."""
    with pytest.raises(DistributionError, match=message):
        parse_distribution(text, mean, what="--aht")


def test_the_shipped_caller_mix_reads() -> None:
    """examples/load/hotline-callers.yaml: named caller types with weights, scripts and numbers."""
    from callflow.runtime.capacity.callers import read_mix

    mix = read_mix(EXAMPLES / "load" / "hotline-callers.yaml")
    assert [caller.name for caller in mix.types][:2] == ["agent", "agent, takes the offer"]
    assert abs(sum(mix.share(i) for i in range(len(mix.types))) - 1) < 1e-9


def test_callers_are_drawn_by_weight_and_numbers_from_their_patterns() -> None:
    """A type with three times the weight calls three times as often; `#` becomes a digit."""
    mix = mix_from_text(
        "callers:\n  - {name: a, weight: 3, from: '0571####'}\n  - {name: b, weight: 1, input: [dtmf:1]}\n", "m"
    )
    rng = random.Random(3)
    picks = [mix.pick(rng.random()) for _ in range(40000)]
    assert abs(picks.count(0) / len(picks) - 0.75) < 0.01
    numbers = {mix.types[0].number(rng) for _ in range(200)}
    assert all(len(n) == 8 and n.startswith("0571") and n.isdigit() for n in numbers) and len(numbers) > 100
    assert mix.types[1].numbers == ("10000000000",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("callers: []\n", "a caller mix has `callers:`"),
        ("callers:\n  - weight: 0\n", r"m:2: `weight` must be a finite number above 0"),
        ("callers:\n  - weight: .inf\n", r"m:2: `weight` must be a finite number above 0"),
        ("callers:\n  - weight: 1\n    input: [press:1]\n", r"m:2: `press:1` is not a step"),
        ("callers:\n  - weight: 1\n    input: [dtmf:1, agent:20]\n", "agents come from --agents"),
        ("callers:\n  - weight: 1\n    from: 'abc'\n", "is not a number or pattern"),
        ("callers:\n  - weight: 1\n    mood: calm\n", "unknown keys mood"),
        ("callers:\n  - {weight: 1, name: x}\n  - {weight: 1, name: x}\n", "x is used twice"),
        ("callers: [\n", r"m:2:1: not valid YAML"),
        ("callers: " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
    ],
)
def test_a_caller_mix_that_cannot_be_used_says_why_and_where(text: str, message: str) -> None:
    """Mistakes in a mix are named with the file and the line of the caller type."""
    with pytest.raises(CallerMixError, match=message):
        mix_from_text(text, "m")


def test_agents_and_handling_times_are_given_per_queue() -> None:
    """`--agents a=3,b=4` and `--aht 300,b=240`."""
    assert parse_agents(["hotline=40,hotline-local=12", "x=1"]) == {"hotline": 40, "hotline-local": 12, "x": 1}
    assert parse_per_queue("300,hotline-local=240", "--aht") == (300.0, {"hotline-local": 240.0})
    with pytest.raises(OptionError, match="QUEUE=N"):
        parse_agents(["hotline=forty"])
    with pytest.raises(OptionError, match="above 0"):
        parse_per_queue("0", "--aht")


def test_a_staffing_file_gives_agents_per_interval(tmp_path: Path) -> None:
    """One column per queue, one row per interval; a count that is not one is named by its line."""
    path = tmp_path / "staffing.csv"
    path.write_text("start,hotline,hotline-local\n09:00,10,3\n10:00,12,4\n", encoding="utf-8")
    assert read_staffing(path) == {"hotline": (10, 12), "hotline-local": (3, 4)}
    path.write_text("start,hotline\n09:00,ten\n", encoding="utf-8")
    with pytest.raises(OptionError, match=r"staffing.csv:2: 'ten' is not a number of agents for hotline"):
        read_staffing(path)


def test_a_service_level_target_reads_as_percent_over_seconds() -> None:
    """`80/20` is 80 % within 20 seconds; nonsense is refused."""
    target = parse_target("90/15")
    assert (target.percent, target.seconds) == (90, 15) and str(target) == "90/15"
    assert target.met(0.9) and not target.met(0.89) and target.met(None)
    for text in ("80", "x/20", "120/20"):
        with pytest.raises(ValueError, match=text.split("/")[0]):
            parse_target(text)
