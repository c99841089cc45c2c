"""A camera's exports stay one at a time across a reload of its entry.

The lock belongs to the camera, not to the entry: an export the old entry's queue is still
running finishes (a reload from an options change must not kill it), and an export asked for
through the new entry waits for it.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator import Simulator

from .test_export_clip import camera_id, capture, export

EXPORT_CGI = "record/export/exportrecording.cgi"


async def test_exports_stay_one_at_a_time_across_a_reload(
    hass: HomeAssistant,
    loaded: MockConfigEntry,
    sim: Simulator,
) -> None:
    started, completed = capture(hass, "started"), capture(hass, "completed")
    # The first export's file takes 3 s to come: longer than the reload.
    sim.faults.add("latency", path=EXPORT_CGI, seconds=3.0, count=1)
    device_id = camera_id(hass)
    now = dt_util.now()
    first = hass.async_create_task(
        export(hass, device_id=device_id, at=now - timedelta(minutes=30), before=5, after=5)
    )
    old_queue = loaded.runtime_data.exports
    async with asyncio.timeout(10):  # until the first is downloading its file
        while old_queue.progress_coordinator.data.current_file is None:
            await asyncio.sleep(0.01)

    assert await hass.config_entries.async_reload(loaded.entry_id)
    assert loaded.runtime_data.exports is not old_queue
    second = hass.async_create_task(
        export(hass, device_id=device_id, at=now - timedelta(minutes=20), before=5, after=5)
    )
    await asyncio.sleep(0.2)
    assert not first.done()  # the old queue is still exporting
    results = await asyncio.gather(first, second)

    assert all(len(result["files"]) == 1 for result in results)
    assert len(started) == len(completed) == 2
    # The second export started only after the first (run by the old queue) completed.
    assert started[1].time_fired >= completed[0].time_fired
    exports = [r for r in sim.request_log if EXPORT_CGI in r.path]
    assert len(exports) == 2
