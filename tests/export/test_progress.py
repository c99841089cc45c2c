"""A camera's export progress as a coordinator: pushed, never polled, at most about 1/s."""

from __future__ import annotations

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.axis_edge_storage.const import DOMAIN
from custom_components.axis_edge_storage.export import progress as progress_module
from custom_components.axis_edge_storage.export.progress import (
    ExportProgress,
    ExportProgressCoordinator,
)


async def test_pushed_at_once_for_a_new_file_and_the_end_else_once_a_second(
    hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = MockConfigEntry(domain=DOMAIN, title="Front Door")
    entry.add_to_hass(hass)
    coordinator = ExportProgressCoordinator(hass, entry)
    assert coordinator.update_interval is None
    assert coordinator.data == ExportProgress()
    seen: list[ExportProgress] = []
    remove = coordinator.async_add_listener(lambda: seen.append(coordinator.data))
    clock = [100.0]
    monkeypatch.setattr(progress_module.time, "monotonic", lambda: clock[0])

    coordinator.async_queued(1)
    coordinator.async_progress(0.0, None)
    coordinator.async_progress(0.04, "a.mkv")  # a new file: at once
    coordinator.async_progress(10.0, "a.mkv")  # the same file within a second: held back
    assert seen[-1] == ExportProgress(0.0, "a.mkv", 1)
    assert coordinator.data == ExportProgress(10.0, "a.mkv", 1)  # but the newest is there
    clock[0] += 1.0
    coordinator.async_progress(20.0, "a.mkv")
    coordinator.async_progress(100.0, None)
    coordinator.async_stopped()
    assert seen == [
        ExportProgress(None, None, 1),
        ExportProgress(0.0, None, 1),
        ExportProgress(0.0, "a.mkv", 1),
        ExportProgress(20.0, "a.mkv", 1),
        ExportProgress(100.0, None, 1),
        ExportProgress(100.0, None, 1),
    ]
    await coordinator.async_refresh()  # update_entity keeps what was pushed
    assert coordinator.data == ExportProgress(100.0, None, 1)
    remove()
