"""Times at the ends of the calendar: a translated validation error, never an OverflowError.

Both export actions, with `at` (and the seconds before and after) or `start` and `end`, in
a time zone east and one west of UTC.
"""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN

from .test_export_clip import camera_id, capture

OUT = "time_out_of_range"
LIMITS: list[tuple[dict[str, Any], str]] = [
    ({"at": "9999-12-31 23:59:50"}, OUT),
    ({"at": "0001-01-01 00:00:05"}, OUT),
    ({"at": "9999-12-31 23:59:50", "before": 0, "after": 86400}, OUT),
    ({"at": "0001-01-01 00:00:05", "before": 86400, "after": 0}, OUT),
    ({"at": "9998-12-31 12:00:00", "before": 0, "after": 86400}, OUT),
    ({"start": "0001-01-01 00:00:00", "end": "0001-01-01 00:10:00"}, OUT),
    ({"start": "9999-12-31 23:50:00", "end": "9999-12-31 23:59:59"}, OUT),
    ({"start": "1969-12-31 12:00:00", "end": "1969-12-31 12:10:00"}, OUT),
    ({"start": "2020-01-01 00:00:00", "end": "9999-12-31 23:59:59"}, OUT),
    # In range: the usual checks of the range answer.
    ({"at": "2020-01-01 00:00:00", "before": 86400, "after": 86400}, "range_too_long"),
    ({"start": "9998-12-01 00:00:00", "end": "9998-12-01 00:10:00"}, "start_in_future"),
]


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles"])
@pytest.mark.parametrize("action", ["export_clip", "export_clip_to_usb"])
@pytest.mark.parametrize(("data", "key"), LIMITS)
async def test_times_at_the_limits(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    *,
    zone: str,
    action: str,
    data: dict[str, Any],
    key: str,
) -> None:
    await hass.config.async_set_time_zone(zone)
    failed = capture(hass, "failed")
    with pytest.raises(ServiceValidationError) as info:
        await hass.services.async_call(
            DOMAIN,
            action,
            {"device_id": camera_id(hass), **data},
            blocking=True,
            return_response=True,
        )
    assert info.value.translation_key == key
    if key != OUT:
        return
    assert info.value.translation_placeholders is not None
    assert info.value.translation_placeholders["earliest"] == "1970-01-01"
    assert info.value.translation_placeholders["latest"] == "9998-12-31"
    assert "outside what an export can cover" in str(info.value)
    assert failed == []  # refused before the export queue
