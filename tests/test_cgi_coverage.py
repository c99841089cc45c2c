"""Every CGI path of the Edge storage API (the seed, with VAPIX_FACTS.md's URLs) appears in
both the client and the simulator."""

from __future__ import annotations

from pathlib import Path

import pytest

from custom_components.axis_edge_storage.vapix import (
    device_info,
    disk_properties,
    disks,
    export,
    network_shares,
    params,
    recordings,
    storage_limit,
)
from simulator import Simulator

CGIS = {
    disks: [
        "disks/list.cgi",
        "disks/format.cgi",
        "disks/checkdisk.cgi",
        "disks/repair.cgi",
        "disks/mount.cgi",
        "disks/job.cgi",
        "disks/lock.cgi",
        "disks/getcapabilities.cgi",
        "disks/gethealth.cgi",
    ],
    disk_properties: [
        f"disks/properties/{name}.cgi"
        for name in (
            "setrequiredfs",
            "enablediskencryption",
            "disablediskencryption",
            "changediskpassphrase",
            "setcleanupmaxage",
            "setcleanuppolicy",
            "setdiskalertlevels",
            "getdiskalertlevels",
            "schemaversions",
        )
    ],
    network_shares: [
        f"disks/networkshare/{name}.cgi"
        for name in (
            "list",
            "add",
            "modify",
            "remove",
            "bind",
            "unbind",
            "test",
            "job",
            "schemaversions",
        )
    ],
    recordings: [
        "record/list.cgi",
        "record/record.cgi",
        "record/stop.cgi",
        "record/remove.cgi",
        "record/play.cgi",
        "record/continuous/addconfiguration.cgi",
        "record/continuous/listconfiguration.cgi",
        "record/continuous/removeconfiguration.cgi",
    ],
    export: [
        f"record/export/{name}.cgi"
        for name in (
            "schemaversions",
            "capabilities",
            "properties",
            "exportrecording",
            "exporttoexternal",
            "getjobstatus",
        )
    ],
    storage_limit: [
        "record/storage/schemaversions.cgi",
        "record/storage/getlimit.cgi",
        "record/storage/setlimit.cgi",
    ],
    params: ["param.cgi"],
    device_info: ["basicdeviceinfo.cgi"],
}
ALL = sorted(path for paths in CGIS.values() for path in paths)


def _client_paths() -> set[str]:
    """Paths the client modules build: BASE + "/name.cgi" or literal paths."""
    found = set()
    for module, paths in CGIS.items():
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        base = getattr(module, "BASE", "axis-cgi").removeprefix("axis-cgi/")
        for path in paths:
            name = path.rsplit("/", 1)[-1]
            relative = path.removeprefix(base + "/") if base != "axis-cgi" else path
            if f"/{relative}" in source or f'"{relative}' in source or f"/{name}" in source:
                if path.startswith(base) or base == "axis-cgi" or path.endswith(name):
                    found.add(path)
    return found


def test_the_list_is_the_whole_api() -> None:
    assert len(ALL) == 46


@pytest.mark.parametrize("path", ALL)
def test_client_builds_the_path(path: str) -> None:
    assert path in _client_paths()


def test_simulator_serves_every_path() -> None:
    routes = {
        resource.canonical.removeprefix("/axis-cgi/")
        for resource in Simulator().app.router.resources()
    }
    missing = sorted(set(ALL) - routes)
    assert not missing, missing
