"""``param.cgi``: list and update parameters (``Properties``, ``Brand``, ``Storage.S#``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aiohttp import web

from .app_identity import identity
from .auth import Role
from .cgi_common import PROCESSING_ERROR, Args, Cgi, get_camera, read_args
from .model import Disk
from .state import DeviceState
from .xmlout import yes_no

PARAM_PATH = "/axis-cgi/param.cgi"


@dataclass(frozen=True)
class Param:
    """One parameter: its full name, value and who may read and write it."""

    name: str
    value: str
    read: Role = Role.VIEWER
    write: Role | None = None


Setter = Callable[[DeviceState, Disk, str], bool]


def _yes_no_setter(attr: str) -> Setter:
    def setter(_state: DeviceState, disk: Disk, value: str) -> bool:
        if value not in ("yes", "no"):
            return False
        setattr(disk, attr, value == "yes")
        return True

    return setter


def _int_setter(attr: str, low: int, high: int) -> Setter:
    def setter(_state: DeviceState, disk: Disk, value: str) -> bool:
        if not value.strip().isdigit() or not low <= int(value) <= high:
            return False
        setattr(disk, attr, int(value))
        return True

    return setter


def _str_setter(attr: str) -> Setter:
    def setter(_state: DeviceState, disk: Disk, value: str) -> bool:
        setattr(disk, attr, value)
        return True

    return setter


def _set_policy(_state: DeviceState, disk: Disk, value: str) -> bool:
    if value not in ("fifo", "none"):
        return False
    disk.cleanuppolicy = value
    return True


def _set_requiredfs(_state: DeviceState, disk: Disk, value: str) -> bool:
    if value not in ("none", "ext4") or (value == "ext4" and not disk.requiredfs_supported):
        return False
    disk.requiredfs = value
    return True


def _set_locked(state: DeviceState, disk: Disk, value: str) -> bool:
    if value not in ("yes", "no"):
        return False
    disk.locked = value == "yes"
    if disk.locked:
        state.stop_disk_recordings(disk.diskid, state.now())
    else:
        state.resume_profiles(disk.diskid, state.now())
    return True


#: Writable ``Storage.S#`` parameters: setter and the lowest role allowed to write.
STORAGE_SETTERS: dict[str, tuple[Setter, Role]] = {
    "FriendlyName": (_str_setter("name"), Role.OPERATOR),
    "MountPointPermissions": (_str_setter("mount_permissions"), Role.OPERATOR),
    "DeviceNode": (_str_setter("device_node"), Role.ADMIN),
    "CleanupLevel": (_int_setter("cleanuplevel", 0, 99), Role.ADMIN),
    "CleanupMaxAge": (_int_setter("cleanupmaxage", 0, 7000), Role.ADMIN),
    "CleanupPolicyActive": (_set_policy, Role.ADMIN),
    "Locked": (_set_locked, Role.ADMIN),
    "MountOnBoot": (_yes_no_setter("mount_on_boot"), Role.ADMIN),
    "RequiredFileSystem": (_set_requiredfs, Role.ADMIN),
    "AutoRepair": (_yes_no_setter("auto_repair"), Role.ADMIN),
    "Enabled": (_yes_no_setter("enabled"), Role.ADMIN),
    "ExtraMountOptions": (_str_setter("extra_mount_options"), Role.ADMIN),
}


def _storage_params(disk: Disk) -> list[Param]:
    prefix = f"root.Storage.{disk.group}"
    values = {
        "DiskID": disk.diskid,
        "FriendlyName": disk.name,
        "DeviceNode": disk.device_node,
        "CleanupLevel": str(disk.cleanuplevel),
        "CleanupMaxAge": str(disk.cleanupmaxage),
        "CleanupPolicyActive": disk.cleanuppolicy,
        "FileSystem": disk.filesystem,
        "Locked": yes_no(disk.locked),
        "MountOnBoot": yes_no(disk.mount_on_boot),
        "RequiredFileSystem": disk.requiredfs,
        "AutoRepair": yes_no(disk.auto_repair),
        "MountPointPermissions": disk.mount_permissions,
        "Enabled": yes_no(disk.enabled),
        "ExtraMountOptions": disk.extra_mount_options,
    }
    return [
        Param(
            f"{prefix}.{key}",
            value,
            Role.OPERATOR,
            STORAGE_SETTERS[key][1] if key in STORAGE_SETTERS else None,
        )
        for key, value in values.items()
    ]


def all_params(request: web.Request) -> list[Param]:
    """Every parameter the simulated device has."""
    sim = get_camera(request)
    cfg = sim.config
    ident = identity(cfg)
    edge = cfg.local_storage
    params = [Param("root.Properties.API.HTTP.Version", "3")]
    local = {"LocalStorage": yes_no(edge)}
    if edge:
        local.update(
            {
                "Version": "1.00",
                "SDCard": "yes",
                "ContinuousRecording": "yes",
                "NbrOfContinuousRecordingProfiles": "2",
                "ExportRecording": "yes",
                "StorageLimit": "yes",
                "DiskEncryption": "yes",
                "RequiredFileSystem": "yes",
                "DiskHealth": "yes",
            }
        )
    params += [Param(f"root.Properties.LocalStorage.{k}", v) for k, v in local.items()]
    params += [
        Param("root.Properties.NetworkShare.NetworkShare", yes_no(edge)),
        Param("root.Properties.NetworkShare.CIFS", yes_no(edge)),
    ]
    params += [
        Param(f"root.Properties.System.{k}", ident[k])
        for k in ("SerialNumber", "Architecture", "Soc", "HardwareID")
    ]
    params += [
        Param("root.Properties.Firmware.Version", ident["Version"]),
        Param("root.Properties.Firmware.BuildDate", ident["BuildDate"]),
    ]
    params += [
        Param(f"root.Brand.{k}", ident[k])
        for k in (
            "Brand",
            "ProdFullName",
            "ProdNbr",
            "ProdShortName",
            "ProdType",
            "ProdVariant",
            "WebURL",
        )
    ]
    if edge:
        for disk in sorted(sim.state.disks.values(), key=lambda d: int(d.group[1:])):
            params += _storage_params(disk)
    return params


def _text(body: str) -> web.Response:
    return web.Response(text=body, content_type="text/plain")


async def param(request: web.Request) -> web.StreamResponse:
    """``param.cgi?action=list[&group=...]`` and ``param.cgi?action=update&Name=value``."""
    args = await read_args(request)
    role: Role = request["role"]
    action = args.pop("action", "")
    if action == "list":
        return _list(request, args.get("group", ""), role)
    if action == "update":
        if role < Role.OPERATOR:
            raise web.HTTPForbidden(text="403 Forbidden\n")
        return _update(request, args, role)
    return _text(f"# Error: Invalid action '{action}'\n")


def _list(request: web.Request, group: str, role: Role) -> web.Response:
    visible = [p for p in all_params(request) if role >= p.read]
    lines: list[str] = []
    for spec in [g.strip() for g in group.split(",")] if group else ["root"]:
        full = spec if spec == "root" or spec.startswith("root.") else f"root.{spec}"
        found = [p for p in visible if full in ("root", p.name) or p.name.startswith(full + ".")]
        if not found:
            return _text(f"# Error: Error -1 getting param in group '{spec}'\n")
        lines += [f"{p.name}={p.value}" for p in found]
    return _text("\n".join(lines) + "\n")


def _update(request: web.Request, args: Args, role: Role) -> web.Response:
    state = get_camera(request).state
    for name, value in args.items():
        full = name if name.startswith("root.") else f"root.{name}"
        parts = full.split(".")
        error = _text(f"# Error: Error setting '{full}' to '{value}'!\n")
        if len(parts) != 4 or parts[1] != "Storage" or parts[3] not in STORAGE_SETTERS:
            return error
        disk = next((d for d in state.disks.values() if d.group == parts[2]), None)
        setter, needed = STORAGE_SETTERS[parts[3]]
        if disk is None or role < needed or not setter(state, disk, value):
            return error
    return _text("OK\n")


def _param_error(_request: web.Request) -> web.Response:
    return _text(f"# Error: {PROCESSING_ERROR}\n")


CGIS = [
    Cgi(PARAM_PATH, param, Role.VIEWER, _param_error, ("GET", "POST"), edge=False),
]
