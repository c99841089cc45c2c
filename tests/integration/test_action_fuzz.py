"""Every action, called through Home Assistant's service layer with generated data.

Whatever a user, an automation or a script sends (times at the limits of the calendar, huge
numbers, unicode, path separators, empty and very long strings, wrong types), an action either
works or refuses with an error a user can read: Home Assistant's own schema error
(`vol.Invalid`, raised before our handler runs, shown by the frontend beside the field), or a
`ServiceValidationError`/`HomeAssistantError` with a translation key. Nothing else comes out
(no `OverflowError`, `TypeError`, `KeyError`), no file appears outside the allowed folders, and
a refused call leaves the camera as it was.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.core import Context, HomeAssistant, SupportsResponse
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custom_components.axis_edge_storage.const import DOMAIN
from simulator import Simulator

from .conftest import SERIAL, setup_camera

pytestmark = pytest.mark.usefixtures("fast_job_polling")

# Values that broke, or could break, an action somewhere.
_EDGES = [
    "",
    " ",
    "/",
    "\\",
    "..",
    "../..",
    "a/../../b",
    "..\\..\\x",
    "C:\\Windows",
    "x\x00y",
    "%2e%2e%2f",
    "~",
    "SD_DISK",
    "NetworkShare",
    "SD_DISK/../x",
    "9999-12-31 23:59:50",
    "0001-01-01 00:00:05",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00+14:00",
    "1970-01-01T00:00:00Z",
    "2026-02-30 10:00:00",
    "now",
    "-1",
    "1e308",
    "-1e308",
    "NaN",
    "inf",
    "0x10",
    "🎥📼",
    "名前",
    "Ωmega;rm -rf /",
    "\u202e\u0000",
    "x" * 5000,
    "y" * 100_000,
    "//host/share",
    "smb://host/share",
    "127.0.0.1",
    "256.256.256.256",
    "::1",
    "-",
]
_NUMBERS = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 59, 86400, 86401, 10**9, 2**31, 2**63, -(2**63), 1e-9]),
)
_TIMES = st.one_of(
    st.datetimes(
        min_value=datetime(1, 1, 2),
        max_value=datetime(9999, 12, 30),
        timezones=st.sampled_from([None, UTC]),
    ).map(lambda moment: moment.isoformat(sep=" ")),
    st.sampled_from(_EDGES[15:21]),
)


def _values(outside: Path) -> st.SearchStrategy[Any]:
    """Any value a caller could send in any field."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        _NUMBERS,
        st.text(max_size=30),
        st.sampled_from([*_EDGES, str(outside), str(outside / "x"), f"{outside}/../outside2"]),
        _TIMES,
    )
    return st.one_of(
        scalars,
        st.lists(scalars, max_size=3),
        st.dictionaries(st.text(max_size=5), scalars, max_size=2),
    )


def _near_now() -> st.SearchStrategy[str]:
    """Times where the simulated camera has recordings (the last 6 hours) or none (future)."""
    now = datetime.now(UTC)
    return st.builds(
        lambda seconds, aware: (
            (now - timedelta(seconds=seconds)).isoformat()
            if aware
            else (now - timedelta(seconds=seconds)).astimezone().replace(tzinfo=None).isoformat()
        ),
        st.integers(min_value=-3600, max_value=6 * 3600),
        st.booleans(),
    )


def _plausible(
    name: str, sim: Simulator, folders: tuple[Path, Path, Path]
) -> st.SearchStrategy[Any]:
    """A value of the kind the field takes, so that calls get past the schema and deeper."""
    media, allowed, outside = folders
    recordings = sorted(sim.state.recordings) or ["none"]
    texts = st.one_of(st.text(min_size=1, max_size=40), st.sampled_from(_EDGES))
    by_name: dict[str, st.SearchStrategy[Any]] = {
        "disk_id": st.sampled_from(["SD_DISK", "NetworkShare", "SD_DISK_9", "sd_disk"]),
        "start": st.one_of(_near_now(), _TIMES),
        "end": st.one_of(_near_now(), _TIMES),
        "at": st.one_of(_near_now(), _TIMES),
        "before": st.one_of(st.integers(0, 600), _NUMBERS),
        "after": st.one_of(st.integers(0, 600), _NUMBERS),
        "timeout": st.one_of(st.integers(1, 5), _NUMBERS),
        "wait": st.booleans(),
        "confirm": st.booleans(),
        "automount": st.booleans(),
        "recording_id": st.one_of(
            st.sampled_from(recordings), st.lists(st.sampled_from(recordings), max_size=3), texts
        ),
        "share_id": st.one_of(st.sampled_from(["share1", "0", "1"]), texts),
        "profile": st.one_of(st.sampled_from(["0", "1", 0]), texts),
        "filesystem": st.sampled_from(["ext4", "vfat", "ntfs", "", "../ext4"]),
        "address": st.one_of(st.sampled_from(["nas.local", "192.0.2.10", "::1"]), texts),
        "folder": st.sampled_from(
            [
                str(media),
                str(allowed),
                str(allowed / "sub" / "dir"),
                str(outside),
                str(allowed / ".." / "outside"),
                "relative/dir",
                "../../outside",
                "/",
                "/etc",
                "",
            ]
        ),
        "name": texts,
    }
    return by_name.get(name, texts)


RANGE_MODES = {
    "start_end": ("start", "end"),
    "at": ("at", "before", "after"),
    "at_only": ("at",),
    "now": ("before",),
    "none": (),
    "all": ("start", "end", "at", "before", "after"),
}


def _draw_payload(
    data: st.DataObject,
    schema: vol.Schema,
    *,
    camera_id: str,
    disk_device_id: str,
    plausible: Any,
    values: st.SearchStrategy[Any],
) -> dict[str, Any]:
    """A plausible call (every required field, some optional ones), then 0-3 fields spoiled."""
    names = [str(key) for key in schema.schema]
    required = {str(key) for key in schema.schema if isinstance(key, vol.Required)}
    payload: dict[str, Any] = {
        "device_id": data.draw(st.sampled_from([camera_id, camera_id, disk_device_id]))
    }
    ranged = "start" in names
    mode = data.draw(st.sampled_from(sorted(RANGE_MODES)), label="range") if ranged else "none"
    for name in names:
        if name == "device_id":
            continue
        if name in RANGE_MODES["all"]:
            wanted = name in RANGE_MODES[mode]
        else:
            wanted = name in required or name == "confirm" or data.draw(st.booleans(), label=name)
        if wanted:
            payload[name] = data.draw(plausible(name), label=name)
    if "confirm" in payload:
        payload["confirm"] = data.draw(st.sampled_from([True, True, False]), label="confirm")
    spoiled = data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True), label="spoil")
    for name in spoiled:
        if data.draw(st.booleans(), label=f"drop {name}"):
            payload.pop(name, None)
        else:
            payload[name] = data.draw(values, label=f"spoil {name}")
    return payload


def _stable_state(sim: Simulator) -> dict[str, Any]:
    """What a refused call must not change (time-driven values left out)."""
    snapshot = sim.state.snapshot()
    moving = {"freesize", "usedspace", "full", "totalsize", "health"}
    return {
        "disks": [{k: v for k, v in d.items() if k not in moving} for d in snapshot["disks"]],
        "shares": snapshot["shares"],
        "recordings": [
            {k: v for k, v in r.items() if not (k == "stoptime" and r["ongoing"])}
            for r in snapshot["recordings"]
        ],
        "profiles": snapshot["profiles"],
        "jobs": sorted(
            f"{kind}:{job['jobid']}"
            for kind in ("disk_jobs", "share_jobs", "usb_jobs")
            for job in snapshot[kind]
        ),
    }


def _jobs_running(sim: Simulator) -> bool:
    snapshot = sim.state.snapshot()
    return any(not job["done"] for job in snapshot["disk_jobs"]) or any(
        job["progress"] < 100 for kind in ("share_jobs", "usb_jobs") for job in snapshot[kind]
    )


def _files(root: Path) -> set[Path]:
    return set(root.rglob("*")) if root.exists() else set()


@pytest.fixture
def fuzz_folders(hass: HomeAssistant, tmp_path: Path) -> tuple[Path, Path, Path]:
    """An allowed media folder, an allowed extra folder and a folder nothing may write to."""
    media, allowed, outside = tmp_path / "media", tmp_path / "allowed", tmp_path / "outside"
    for folder in (media, allowed, outside):
        folder.mkdir()
    hass.config.media_dirs = {"local": str(media)}
    hass.config.allowlist_external_dirs = {str(media), str(allowed)}
    return media, allowed, outside


async def test_every_action_refuses_cleanly(
    hass: HomeAssistant,
    fast_sim: Simulator,
    fuzz_folders: tuple[Path, Path, Path],
    hass_admin_user: Any,
    hass_read_only_user: Any,
) -> None:
    """Generated calls of every action: a result or a readable refusal, nothing else."""
    media, _allowed, outside = fuzz_folders
    camera_id = await setup_camera(hass, fast_sim)
    registry = dr.async_get(hass)
    disk_device = registry.async_get_device(identifiers={(DOMAIN, f"{SERIAL}_SD_DISK")})
    assert disk_device is not None
    services = hass.services.async_services()[DOMAIN]
    assert len(services) >= 20
    values = _values(outside)

    def plausible(name: str) -> st.SearchStrategy[Any]:
        return _plausible(name, fast_sim, fuzz_folders)

    cwd_before = set(Path().iterdir())
    config_dir = Path(hass.config.config_dir)
    config_before = _files(config_dir)
    seen: dict[str, set[str]] = {}

    def fuzz(action: str) -> None:
        """Generated calls of one action (every action gets its own examples)."""
        service = services[action]
        schema = service.schema
        assert isinstance(schema, vol.Schema)

        @settings(
            max_examples=int(os.environ.get("FUZZ_EXAMPLES", "12")),
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        @given(data=st.data())
        def run(data: st.DataObject) -> None:
            payload = _draw_payload(
                data,
                schema,
                camera_id=camera_id,
                disk_device_id=disk_device.id,
                plausible=plausible,
                values=values,
            )
            user = data.draw(st.sampled_from([None, hass_admin_user, hass_read_only_user]))
            outcome = asyncio.run_coroutine_threadsafe(
                _call(hass, fast_sim, action, service.supports_response, payload, user), hass.loop
            ).result(timeout=120)
            seen.setdefault(action, set()).add(outcome)

        run()

    for action in sorted(services):
        await hass.async_add_executor_job(fuzz, action)
        await hass.async_block_till_done()

    assert not _files(outside), "a file appeared outside the allowed folders"
    assert set(Path().iterdir()) == cwd_before
    new_in_config = {p for p in _files(config_dir) - config_before if media not in p.parents}
    assert not [p for p in new_in_config if ".storage" not in p.parts], new_in_config
    # Whatever was accepted left a camera Home Assistant can still read.
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    await coordinator.async_refresh()
    assert coordinator.last_update_success
    # The data reached past Home Assistant's schema into the actions' own checks.
    assert set(seen) == set(services)
    past_schema = [action for action, outcomes in seen.items() if outcomes - {"schema"}]
    assert len(past_schema) >= 0.8 * len(services), seen


async def _call(  # noqa: PLR0917
    hass: HomeAssistant,
    sim: Simulator,
    action: str,
    supports_response: SupportsResponse,
    payload: dict[str, Any],
    user: Any,
) -> str:
    """Call once; return what came out. Anything but a readable refusal fails the test."""
    schema = hass.services.async_services()[DOMAIN][action].schema
    assert schema is not None
    try:
        schema(payload)
        schema_ok = True
    except vol.Invalid:
        schema_ok = False
    quiet = not _jobs_running(sim)
    before = _stable_state(sim)
    refusal: HomeAssistantError | None = None
    try:
        async with asyncio.timeout(60):
            await hass.services.async_call(
                DOMAIN,
                action,
                payload,
                blocking=True,
                return_response=supports_response is not SupportsResponse.NONE,
                context=Context(user_id=user.id if user is not None else None),
            )
    except vol.Invalid:
        assert not schema_ok, f"{action}: vol.Invalid after the schema accepted {payload!r}"
        return "schema"
    except HomeAssistantError as err:
        refusal = err
    # Anything else (OverflowError, TypeError, TimeoutError, ...) propagates: a failure.
    if refusal is None:
        return "ok"
    assert refusal.translation_key, f"{action}: untranslated {refusal!r} for {payload!r}"
    assert refusal.translation_domain in (DOMAIN, "homeassistant"), repr(refusal)
    if quiet and not _jobs_running(sim):
        assert _stable_state(sim) == before, f"{action} refused {refusal!r}, changed the camera"
    return f"refused:{refusal.translation_key}"


@pytest.mark.parametrize(
    "name",
    ["nas\x00", "a\x01b", "line\nbreak", "x" * 1025],
    ids=["nul", "control", "newline", "too_long"],
)
async def test_share_name_the_camera_cannot_list_is_refused(
    hass: HomeAssistant, fast_sim: Simulator, name: str
) -> None:
    """Found by the test above: a share named with a NUL made every later list unreadable."""
    camera_id = await setup_camera(hass, fast_sim)
    shares = dict(fast_sim.state.shares)
    with pytest.raises(vol.Invalid):
        await hass.services.async_call(
            DOMAIN,
            "add_network_share",
            {"device_id": camera_id, "nice_name": name, "address": "nas.local", "share": "v"},
            blocking=True,
            return_response=True,
        )
    assert fast_sim.state.shares == shares
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data.coordinator
    coordinator.async_mark_settings_stale()
    await coordinator.async_refresh()
    assert coordinator.last_update_success
