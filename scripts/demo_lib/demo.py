"""The demo: a simulated camera, a real Home Assistant, onboarding and the config flow."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from .hass import JSON, Hass, Tokens
from .processes import Child, DemoError, free_port, spawn

DOMAIN = "axis_edge_storage"
SERIAL = "ACCC8E012345"  # the simulator's default serial
CAMERA_USER = "root"
OWNER_NAME = "Demo Owner"
OWNER_USER = "demo"

CONFIGURATION_YAML = """\
# Made by scripts/demo at every start; edits here are lost at the next run.
homeassistant:
  name: Axis edge storage demo
  unit_system: metric
  time_zone: UTC
  country: SE
  currency: EUR
  media_dirs:
    local: {media}
  allowlist_external_dirs:
    - {media}

http:
  server_host: 127.0.0.1
  server_port: {port}

api:
config:
onboarding:
frontend:
media_source:

logger:
  default: warning
  logs:
    custom_components.{domain}: info
"""


@dataclass(frozen=True)
class EntityRow:
    """An entity of the config entry, with its state when it has one."""

    entity_id: str
    device: str
    name: str
    state: str | None
    unit: str
    disabled: bool

    @property
    def shown_state(self) -> str:
        """The state as a person reads it."""
        if self.disabled:
            return "(disabled by default)"
        if self.state is None:
            return "(no state)"
        if self.state in ("unknown", "unavailable"):
            return self.state
        return f"{self.state} {self.unit}".strip()


@dataclass
class Demo:
    """A running demo: where everything is and what the integration created."""

    root: Path
    url: str
    owner_user: str
    owner_password: str
    tokens: Tokens
    sim_url: str
    camera_password: str
    entry_id: str
    entry_title: str
    serial: str
    camera_device_id: str
    disk_devices: dict[str, str]  # device id -> device name
    entities: list[EntityRow]
    started_in: float
    hass: Hass
    children: list[Child] = field(default_factory=list)

    @property
    def config_dir(self) -> Path:
        """Home Assistant's configuration folder."""
        return self.root / "config"

    @property
    def media_dir(self) -> Path:
        """The media folder (exports go below it)."""
        return self.root / "media"

    @property
    def log(self) -> Path:
        """Home Assistant's log."""
        return self.config_dir / "home-assistant.log"

    def device_url(self, device_id: str) -> str:
        """The device page in the frontend."""
        return f"{self.url}/config/devices/device/{device_id}"

    @property
    def sd_card_device_id(self) -> str:
        """The device of the (first) SD card."""
        for device_id, name in sorted(self.disk_devices.items(), key=lambda item: item[1]):
            if name.endswith("SD card"):
                return device_id
        raise DemoError(f"no SD card device among {sorted(self.disk_devices.values())}")


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def _prepare(root: Path) -> None:
    """Fresh folders for this run; the demo folder ignores itself in git."""
    root.mkdir(parents=True, exist_ok=True)
    (root / ".gitignore").write_text("*\n", encoding="utf-8")
    for name in ("config", "media", "sim-cache"):
        shutil.rmtree(root / name, ignore_errors=True)
    for name in ("simulator.log", "hass-console.log"):
        (root / name).unlink(missing_ok=True)


@contextlib.contextmanager
def _lock(root: Path) -> Iterator[None]:
    """One demo per demo folder: a second one would delete the first one's configuration."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / "lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DemoError(
                f"another demo is running with the folder {root}; stop it first (Ctrl-C)"
            ) from None
        yield


def _write_config(root: Path, repo: Path, port: int) -> Path:
    config = root / "config"
    (config / "custom_components").mkdir(parents=True)
    (config / "custom_components" / DOMAIN).symlink_to(repo / "custom_components" / DOMAIN)
    media = root / "media"
    media.mkdir(exist_ok=True)
    (config / "configuration.yaml").write_text(
        CONFIGURATION_YAML.format(media=media, port=port, domain=DOMAIN), encoding="utf-8"
    )
    return config


def _child_env() -> dict[str, str | None]:
    """Our PYTHONPATH (scripts/) is not the children's; their output reaches the logs at once."""
    return {"PYTHONPATH": None, "PYTHONUNBUFFERED": "1"}


async def _wait_for_simulator(child: Child, url: str, limit: float = 60.0) -> JSON:
    deadline = time.monotonic() + limit
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as session:
        while time.monotonic() < deadline:
            if not child.running:
                raise child.exited_error()
            try:
                async with session.get(f"{url}/sim/state") as response:
                    if response.status == 200:
                        state: JSON = await response.json()
                        return state
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)
    raise DemoError(f"the simulator did not answer at {url} within {limit:.0f} s")


async def _add_integration(hass: Hass, sim_port: int, password: str) -> JSON:
    """The config flow, by API, as the UI's "Add integration" dialog runs it."""
    flow = await hass.post("/api/config/config_entries/flow", {"handler": DOMAIN})
    if flow.get("type") != "form" or flow.get("step_id") != "user":
        raise DemoError(f"the config flow did not start with the user step: {flow}")
    result = await hass.post(
        f"/api/config/config_entries/flow/{flow['flow_id']}",
        {
            "host": "127.0.0.1",
            "port": sim_port,
            "protocol": "http",
            "verify_ssl": False,
            "username": CAMERA_USER,
            "password": password,
        },
    )
    if result.get("type") != "create_entry":
        raise DemoError(
            f"the config flow did not create an entry: type {result.get('type')}, "
            f"errors {result.get('errors')}, reason {result.get('reason')}"
        )
    entry: JSON = result["result"]
    return entry


async def _wait_loaded(hass: Hass, entry_id: str, limit: float = 60.0) -> JSON:
    deadline = time.monotonic() + limit
    entry: JSON = {}
    while time.monotonic() < deadline:
        entries = await hass.get(f"/api/config/config_entries/entry?domain={DOMAIN}")
        entry = next((e for e in entries if e["entry_id"] == entry_id), {})
        if entry.get("state") == "loaded":
            return entry
        if entry.get("state") in ("setup_error", "migration_error", "failed_unload"):
            break
        await asyncio.sleep(0.25)
    raise DemoError(
        f"the config entry is {entry.get('state')!r}, not loaded "
        f"(reason: {entry.get('reason')}); see the Home Assistant log"
    )


async def _entities(
    hass: Hass, entry_id: str, devices: dict[str, str], limit: float = 30.0
) -> list[EntityRow]:
    """The entry's entities once every enabled one has a state."""
    registry = [
        e for e in await hass.ws("config/entity_registry/list") if e["config_entry_id"] == entry_id
    ]
    deadline = time.monotonic() + limit
    while True:
        states = {s["entity_id"]: s for s in await hass.get("/api/states")}
        missing = [
            e["entity_id"]
            for e in registry
            if not e["disabled_by"] and e["entity_id"] not in states
        ]
        if not missing or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.25)
    rows = []
    for entry in registry:
        state = states.get(entry["entity_id"])
        attributes = state["attributes"] if state else {}
        rows.append(
            EntityRow(
                entity_id=entry["entity_id"],
                device=devices.get(entry["device_id"] or "", ""),
                name=str(attributes.get("friendly_name", entry.get("name") or "")),
                state=state["state"] if state else None,
                unit=str(attributes.get("unit_of_measurement", "")),
                disabled=bool(entry["disabled_by"]),
            )
        )
    return sorted(rows, key=lambda row: (row.device, row.entity_id))


@asynccontextmanager
async def run_demo(
    repo: Path,
    root: Path,
    python: Path,
    progress: Progress = _quiet,
    simulator_options: dict[str, str] | None = None,
) -> AsyncIterator[Demo]:
    """Start everything, yield the running demo, stop everything (in every case).

    `simulator_options` add to (or replace) the simulator's options, e.g. ``--bandwidth``.
    """
    started = time.monotonic()
    children: list[Child] = []
    with _lock(root):
        _prepare(root)
        try:
            sim_port, hass_port = free_port(), free_port()
            camera_password = secrets.token_urlsafe(12)
            sim_url = f"http://127.0.0.1:{sim_port}"
            options = {
                "--host": "127.0.0.1",
                "--port": str(sim_port),
                "--username": CAMERA_USER,
                "--password": camera_password,
                "--serial": SERIAL,
                "--cache-dir": str(root / "sim-cache"),
                "--history-days": "3",
                **(simulator_options or {}),
            }
            progress(f"starting the simulated camera on {sim_url}")
            sim = await spawn(
                "the simulator",
                [
                    str(python),
                    "-m",
                    "simulator",
                    *(arg for pair in options.items() for arg in pair),
                ],
                log=root / "simulator.log",
                cwd=repo,
                env=_child_env(),
            )
            children.append(sim)

            # Home Assistant starts meanwhile: it needs the camera only for the config flow.
            config = _write_config(root, repo, hass_port)
            url = f"http://127.0.0.1:{hass_port}"
            progress(f"starting Home Assistant on {url} (config folder {config})")
            hass_child = await spawn(
                "Home Assistant",
                [str(python), "-m", "homeassistant", "-c", str(config), "--skip-pip"],
                log=root / "hass-console.log",
                cwd=root,  # not the repository: its custom_components must not shadow config's
                env=_child_env(),
            )
            children.append(hass_child)
            sim_state = await _wait_for_simulator(sim, sim_url)
            serial = str(sim_state.get("config", {}).get("serial", SERIAL))
            async with Hass(url) as hass:
                await hass.wait_until_serving(hass_child)
                progress("onboarding: owner account, core config, analytics, integration")
                owner_password = secrets.token_urlsafe(12)
                tokens = await hass.onboard(
                    name=OWNER_NAME, username=OWNER_USER, password=owner_password
                )
                await hass.wait_until_running()
                progress("adding the integration through the config flow")
                entry = await _add_integration(hass, sim_port, camera_password)
                entry = await _wait_loaded(hass, entry["entry_id"])
                devices = await hass.ws("config/device_registry/list")
                ours = [d for d in devices if entry["entry_id"] in d["config_entries"]]
                camera = next(
                    (d for d in ours if [DOMAIN, serial] in d["identifiers"]),
                    None,
                )
                if camera is None:
                    raise DemoError(
                        f"no device with the identifier ({DOMAIN}, {serial}) in the registry"
                    )
                names = {d["id"]: d["name_by_user"] or d["name"] for d in ours}
                demo = Demo(
                    root=root,
                    url=url,
                    owner_user=OWNER_USER,
                    owner_password=owner_password,
                    tokens=tokens,
                    sim_url=sim_url,
                    camera_password=camera_password,
                    entry_id=entry["entry_id"],
                    entry_title=entry["title"],
                    serial=serial,
                    camera_device_id=camera["id"],
                    disk_devices={
                        d["id"]: names[d["id"]] for d in ours if d["via_device_id"] == camera["id"]
                    },
                    entities=await _entities(hass, entry["entry_id"], names),
                    started_in=time.monotonic() - started,
                    hass=hass,
                    children=children,
                )
                yield demo
        finally:
            # Home Assistant first (it polls the camera), then the camera.
            for child in reversed(children):
                progress(f"stopping {child.name}")
                await child.stop()


def default_root(repo: Path) -> Path:
    """The demo folder: DEMO_DIR, or `.demo` in the repository."""
    return Path(os.environ.get("DEMO_DIR", repo / ".demo")).resolve()
