"""Days of history on the SD card before the factory timeline (``--history-days N``).

The factory timeline (``factory.TIMELINE``) covers the five hours before the simulator starts.
With ``history_days`` > 0 the card also holds that many whole UTC days before the day the
factory timeline starts in: on each day continuous recordings and a handful of motion
recordings, always at the same times of day (no randomness: only the recording ids come from the
seeded generator). Three day patterns repeat (day ``k`` before the factory day uses pattern
``k % 3``):

- ``k % 3 == 1``: continuous 00:00-06:00 and 08:30-16:45;
- ``k % 3 == 2``: continuous 08:00-22:00;
- ``k % 3 == 0``: continuous 18:00 until 07:30 the next day (across midnight; the next day
  has pattern 2, which starts at 08:00, so continuous recordings never overlap).

Every day also has the motion recordings of ``EVENTS`` (shifted by a few minutes from day to
day), which may overlap a continuous one as on a camera recording both. Nothing of the history
reaches the factory timeline: a recording ending after its first start (less ``GAP``) is cut
there. The card's cleanup age is raised so that its own clean-up keeps the history.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .storage import Storage

#: The disk holding the history.
DISK = "SD_DISK"
#: Least time between the end of the history and the factory timeline's first start.
GAP = timedelta(minutes=1)
_MOTION = {"recordingtype": "triggered", "eventid": "motion", "eventtrigger": "motion"}

#: Continuous recordings of each day pattern: (start time of day, length).
CONTINUOUS: dict[int, tuple[tuple[time, timedelta], ...]] = {
    1: ((time(0, 0), timedelta(hours=6)), (time(8, 30), timedelta(hours=8, minutes=15))),
    2: ((time(8, 0), timedelta(hours=14)),),
    0: ((time(18, 0), timedelta(hours=13, minutes=30)),),
}
#: Motion recordings of every day: (start time of day, length in seconds).
EVENTS: tuple[tuple[time, int], ...] = (
    (time(2, 14, 5), 45),
    (time(7, 41, 30), 90),
    (time(11, 3, 12), 62),
    (time(15, 27, 45), 150),
    (time(20, 52, 10), 38),
)


def history_plan(
    first_start: datetime, days: int
) -> list[tuple[datetime, datetime, dict[str, Any]]]:
    """The history's recordings (start, stop, fields), oldest first, before ``first_start``."""
    last_day = first_start.astimezone(UTC).date()
    limit = first_start - GAP
    plan: list[tuple[datetime, datetime, dict[str, Any]]] = []
    for k in range(days, 0, -1):
        midnight = datetime.combine(last_day - timedelta(days=k), time(), tzinfo=UTC)
        for at, length in CONTINUOUS[k % 3]:
            start = midnight + timedelta(hours=at.hour, minutes=at.minute)
            plan.append((start, start + length, {}))
        shift = timedelta(minutes=(k * 7) % 20)
        for at, seconds in EVENTS:
            start = midnight + timedelta(hours=at.hour, minutes=at.minute, seconds=at.second)
            start += shift
            plan.append((start, start + timedelta(seconds=seconds), dict(_MOTION)))
    kept = [(start, min(stop, limit), extra) for start, stop, extra in plan if start < limit]
    return sorted(kept, key=lambda item: item[0])


def add_history(storage: Storage, first_start: datetime, days: int) -> None:
    """Add ``days`` days of history on the SD card before ``first_start``."""
    if days <= 0:
        return
    for start, stop, extra in history_plan(first_start, days):
        storage.add_recording(DISK, start, stop, **extra)
    disk = storage.disks[DISK]
    # The camera's clean-up (cleanupmaxage days, fifo) would erase the history at once.
    disk.cleanupmaxage = max(disk.cleanupmaxage, days + 2)
