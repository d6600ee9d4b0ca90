"""Opening hours: schedules of weekly hours and holidays in a time zone, as written in `callflow.toml`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from callflow.flowlang.errors import FlowError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60

_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

ScheduleState = Literal["open", "closed", "holiday"]


class HoursError(FlowError, ValueError):
    """A schedule that does not make sense; `at` is the key path of the culprit inside the schedule table."""

    def __init__(self, message: str, at: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.at = at


@dataclass(frozen=True)
class TimeRange:
    """Part of a day from `start_minute` up to, not including, `end_minute` (minutes after midnight)."""

    start_minute: int
    end_minute: int

    def contains(self, moment: datetime) -> bool:
        """Whether the wall-clock time of `moment` falls in this range."""
        return self.start_minute <= moment.hour * 60 + moment.minute < self.end_minute

    def __str__(self) -> str:
        return f"{_clock(self.start_minute)}-{_clock(self.end_minute)}"


@dataclass(frozen=True)
class DateRange:
    """Whole days from `first` to `last`, both included."""

    first: date
    last: date

    def contains(self, day: date) -> bool:
        """Whether `day` is one of these days."""
        return self.first <= day <= self.last

    def __str__(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}..{self.last}"


@dataclass(frozen=True)
class WeeklyHours:
    """Opening hours for each day of the week; `days[0]` is Monday, a day with no ranges is closed."""

    days: tuple[tuple[TimeRange, ...], ...]

    def is_open(self, moment: datetime) -> bool:
        """Whether the wall-clock day and time of `moment` fall in opening hours."""
        return any(part.contains(moment) for part in self.days[moment.weekday()])


@dataclass(frozen=True)
class Schedule:
    """Weekly opening hours and holidays in one time zone."""

    name: str
    timezone: str
    hours: WeeklyHours
    holidays: tuple[DateRange, ...] = ()
    description: str | None = None

    def state_at(self, moment: datetime) -> ScheduleState:
        """Open, closed or holiday at `moment`; a naive `moment` is wall-clock time in the schedule's zone."""
        zone = ZoneInfo(self.timezone)
        local = moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
        if any(days.contains(local.date()) for days in self.holidays):
            return "holiday"
        return "open" if self.hours.is_open(local) else "closed"


def parse_schedule(name: str, table: Mapping[str, Any], default_timezone: str | None) -> Schedule:
    """Build a schedule from its (schema-valid) `callflow.toml` table."""
    timezone = table.get("timezone", default_timezone)
    if timezone is None:
        # A schedule silently read in UTC is a hotline that opens at the wrong hour; make the zone explicit.
        raise HoursError("missing key 'timezone' (there is no top-level timezone)")
    check_timezone(timezone, ("timezone",))
    try:
        hours = parse_weekly_hours(table["hours"])
    except HoursError as error:
        raise HoursError(error.message, ("hours", *error.at)) from None
    holidays = []
    for index, text in enumerate(table.get("holidays", [])):
        try:
            holidays.append(parse_date_range(text))
        except HoursError as error:
            raise HoursError(error.message, ("holidays", index)) from None
    return Schedule(name, timezone, hours, tuple(holidays), table.get("description"))


def check_timezone(timezone: str, at: tuple[str | int, ...] = ()) -> None:
    """Raise `HoursError` unless `timezone` is an IANA time zone that zoneinfo knows."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones (`Asia`), a name too long
        raise HoursError(f"unknown time zone {timezone!r}", at) from None


def parse_weekly_hours(table: Mapping[str, str]) -> WeeklyHours:
    """Parse a table such as `{"mon-fri": "09:00-12:00, 13:00-17:30", "sat": "10:00-14:00"}`."""
    days: list[tuple[TimeRange, ...]] = [() for _ in DAYS]
    given_by: dict[int, str] = {}
    for key, text in table.items():
        try:
            ranges, named_days = _parse_ranges(text), _parse_days(key)
        except HoursError as error:
            raise HoursError(error.message, (key,)) from None
        for day in named_days:
            if day in given_by:
                raise HoursError(f"day {DAYS[day]!r} is already given by {given_by[day]!r}", (key,))
            given_by[day] = key
            days[day] = ranges
    return WeeklyHours(tuple(days))


def parse_date_range(text: str) -> DateRange:
    """Parse a holiday: one day `YYYY-MM-DD`, or days `YYYY-MM-DD..YYYY-MM-DD` (both included)."""
    first_text, _, last_text = text.partition("..")
    first = _parse_date(first_text)
    last = _parse_date(last_text) if last_text else first
    if last < first:
        raise HoursError(f"holiday range {text!r} ends before it starts")
    return DateRange(first, last)


def _parse_days(key: str) -> range:
    first, _, last = key.partition("-")
    if first not in DAYS or (last and last not in DAYS):
        raise HoursError(f"expected a day or day range such as 'mon' or 'mon-fri', got {key!r}")
    start, end = DAYS.index(first), DAYS.index(last or first)
    if end < start:
        # A range may not wrap past Sunday: `fri-mon` is more likely a slip than a long weekend.
        raise HoursError(f"day range {key!r} goes backwards; write the days from mon to sun")
    return range(start, end + 1)


def _parse_ranges(text: str) -> tuple[TimeRange, ...]:
    ranges: list[TimeRange] = []
    for part in text.split(","):
        start_text, dash, end_text = part.strip().partition("-")
        if not dash:
            raise HoursError(f"expected hours such as '09:00-17:30', got {part.strip()!r}")
        start, end = _parse_clock(start_text), _parse_clock(end_text)
        if start >= end:
            raise HoursError(f"hours {part.strip()!r} end before they start")
        ranges.append(TimeRange(start, end))
    ranges.sort(key=lambda r: r.start_minute)
    for before, after in pairwise(ranges):
        if after.start_minute < before.end_minute:
            raise HoursError(f"hours {str(before)!r} and {str(after)!r} overlap")
    return tuple(ranges)


def _parse_clock(text: str) -> int:
    """Minutes after midnight of `HH:MM`; `24:00` is the end of the day."""
    match = _TIME.fullmatch(text.strip())
    minutes = int(match[1]) * 60 + int(match[2]) if match else -1
    if not match or int(match[2]) > 59 or not 0 <= minutes <= MINUTES_PER_DAY:
        raise HoursError(f"expected a time HH:MM between 00:00 and 24:00, got {text.strip()!r}")
    return minutes


def _parse_date(text: str) -> date:
    # `date.fromisoformat` also takes forms such as 20261001; the file format allows only one.
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise HoursError(f"expected a date YYYY-MM-DD, got {text!r}")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
