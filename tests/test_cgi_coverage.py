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


def _client_builds(module: object, path: str) -> bool:
    """Whether `module` builds `path`: its BASE is the path's folder and it names the CGI."""
    source = Path(getattr(module, "__file__", "")).read_text(encoding="utf-8")
    base = getattr(module, "BASE", None)
    if base is None:
        return f"axis-cgi/{path}" in source
    rest = f"axis-cgi/{path}".removeprefix(base)
    if rest == f"axis-cgi/{path}":  # the module's BASE is not the path's folder
        return False
    return rest in source or f'"{rest.lstrip("/")}"' in source


def test_the_list_is_the_whole_api() -> None:
    assert len(ALL) == 46


@pytest.mark.parametrize(
    ("module", "path"), [(module, path) for module, paths in CGIS.items() for path in paths]
)
def test_client_builds_the_path(module: object, path: str) -> None:
    assert _client_builds(module, path)


def test_simulator_serves_every_path() -> None:
    routes = {
        resource.canonical.removeprefix("/axis-cgi/")
        for resource in Simulator().app.router.resources()
    }
    missing = sorted(set(ALL) - routes)
    assert not missing, missing
