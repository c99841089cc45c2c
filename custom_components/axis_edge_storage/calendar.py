"""A calendar per camera: its recordings as events, the timeline of what was recorded.

The events of a range are read from the camera when Home Assistant asks for them
(`async_get_events`: the frontend's calendar, the `calendar.get_events` action, calendar
triggers), every page of `record/list.cgi` for that range, at most `MAX_EVENTS`. Nothing else is
read for the calendar: its state comes from the coordinator's poll, which already knows the
ongoing recordings.

The words of an event (its summary and description) come from the integration's translations
(`entity.calendar.recordings.state_attributes.message.state.*`, in Home Assistant's language):
a calendar event is plain text, which the frontend does not translate.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.translation import async_get_cached_translations
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .device_errors import async_device_call
from .disks import disk_label
from .entity import CameraEntity
from .runtime import AxisEdgeStorageConfigEntry
from .vapix import Recording, RecordingType

# Coordinator-based: the coordinator serializes updates.
PARALLEL_UPDATES = 0

#: The most recordings one request for events reads (the newest are kept).
MAX_EVENTS = 5000
#: The action named in the error when the camera cannot list its recordings.
LIST_ACTION = "list_recordings"

RECORDINGS = CalendarEntityDescription(key="recordings", translation_key="recordings")

#: Where the words of an event are in the translations.
_WORDS = f"component.{DOMAIN}.entity.calendar.recordings.state_attributes.message.state"
#: Event triggers with a word of their own; any other is an "Event recording".
_TRIGGERS = frozenset({"motion", "audio"})


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AxisEdgeStorageConfigEntry,
    async_add_entities: AddEntitiesCallback,
) -> None:
    """Add the camera's recordings calendar."""
    async_add_entities([RecordingsCalendar(entry.runtime_data.coordinator, RECORDINGS)])


def _word(hass: HomeAssistant, key: str, **placeholders: str) -> str:
    """A text of the translations in Home Assistant's language, its placeholders filled."""
    translations = async_get_cached_translations(hass, hass.config.language, "entity", DOMAIN)
    text = translations.get(f"{_WORDS}.{key}", key)
    for name, value in placeholders.items():
        text = text.replace(f"{{{name}}}", value)
    return text


def summary(hass: HomeAssistant, recording: Recording) -> str:
    """What the recording is: "Continuous recording", "Motion (event motion)", ..."""
    kind = recording.recording_type
    if kind is RecordingType.CONTINUOUS:
        return _word(hass, "continuous")
    if kind is RecordingType.SCHEDULED:
        text = _word(hass, "scheduled")
    elif kind is RecordingType.TRIGGERED:
        trigger = (recording.event_trigger or "").lower()
        text = _word(hass, trigger if trigger in _TRIGGERS else "triggered")
    else:
        text = _word(hass, "recording")
    event_id = recording.event_id
    if event_id and event_id != "continuous":
        return _word(hass, "with_event", summary=text, event_id=event_id)
    return text


class RecordingsCalendar(CameraEntity, CalendarEntity):
    """The camera's recordings, one event each."""

    # The event shown while a recording goes on, kept while it and its shown end are the same:
    # Home Assistant reads `event` several times per state write.
    _shown_event: tuple[tuple[str, datetime, datetime], CalendarEvent] | None = None

    def _description(self, recording: Recording) -> str:
        disk = self.coordinator.data.disks.get(recording.disk_id)
        label = disk_label(disk) if disk is not None else recording.disk_id
        where = label if label == recording.disk_id else f"{label} ({recording.disk_id})"
        return _word(self.hass, "description", disk=where, recording_id=recording.recording_id)

    def _event(self, recording: Recording, start: datetime, end: datetime) -> CalendarEvent:
        return CalendarEvent(
            start=dt_util.as_local(start),
            end=dt_util.as_local(max(end, start)),
            summary=summary(self.hass, recording),
            description=self._description(recording),
            uid=recording.recording_id,
        )

    @property
    def event(self) -> CalendarEvent | None:
        """The ongoing recording started last, from the coordinator's poll; None when none.

        Its end is not known yet: the event is shown ending at the next whole hour, and is
        read again at each poll (and at that hour) while the recording goes on.
        """
        ongoing = [
            (rec.start, rec.recording_id, rec)
            for rec in self.coordinator.data.ongoing
            if rec.start is not None
        ]
        if not ongoing:
            return None
        start, _, recording = max(ongoing, key=lambda item: (item[0], item[1]))
        now = dt_util.utcnow()
        next_hour = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        key = (recording.recording_id, start, next_hour)
        if self._shown_event is None or self._shown_event[0] != key:
            self._shown_event = (key, self._event(recording, start, next_hour))
        return self._shown_event[1]

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """The recordings overlapping the range, read from the camera (every page)."""
        recordings = await async_device_call(
            LIST_ACTION,
            self.coordinator.client.recordings.list(
                start=start_date, stop=end_date, limit=MAX_EVENTS + 1
            ),
        )
        if len(recordings) > MAX_EVENTS:
            LOGGER.warning(
                "%s has more than %d recordings between %s and %s: the calendar shows the "
                "newest %d",
                self.coordinator.config_entry.title,
                MAX_EVENTS,
                start_date.isoformat(),
                end_date.isoformat(),
                MAX_EVENTS,
            )
            recordings = recordings[:MAX_EVENTS]
        now = dt_util.utcnow()
        events: list[CalendarEvent] = []
        for recording in recordings:
            start = recording.start
            if start is None:
                continue
            stop = recording.stop
            if stop is None or recording.ongoing:
                stop = max(now, start)
            # The camera lists the recordings touching the range; an event must overlap it.
            if start >= end_date or (stop <= start_date and start < start_date):
                continue
            events.append(self._event(recording, start, stop))
        events.sort(key=lambda event: (event.start_datetime_local, event.uid or ""))
        return events
