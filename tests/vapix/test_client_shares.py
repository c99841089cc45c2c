"""Network shares through the client against the simulator: what a user would see."""

from __future__ import annotations

import logging

import pytest

from custom_components.axis_edge_storage.vapix import (
    ERROR_CODES,
    Api,
    AxisEdgeStorage,
    DiskJobAction,
    DiskStatus,
    NetworkShare,
    ShareJob,
    VapixRequestError,
)
from custom_components.axis_edge_storage.vapix.network_shares import BASE
from simulator import Simulator

#: The password of the preset share "nas1" and of the simulated NAS account "camera".
NAS_PASSWORD = "nas-secret"


def _assert_error(info: pytest.ExceptionInfo[VapixRequestError], code: int, meaning: str) -> None:
    err = info.value
    assert err.api is Api.NETWORK_SHARE
    assert err.code == code
    assert err.meaning == meaning
    assert err.description
    assert f"network_share error {code}" in str(err)


async def _shares(device: AxisEdgeStorage) -> dict[str, NetworkShare]:
    return {s.share_id: s for s in await device.network_shares.list()}


async def _finish(sim: Simulator, device: AxisEdgeStorage, job_id: str) -> ShareJob:
    """Poll a share test job to its end, checking progress is reported on the way."""
    seen: list[int | None] = []
    for _ in range(30):
        job = await device.network_shares.job(job_id)
        assert job.job_id == job_id
        if job.done:
            assert job.progress is None or job.progress == 100
            return job
        assert job.ok is None and job.progress is not None and 0 <= job.progress < 100
        seen.append(job.progress)
        sim.clock.advance(3.0)
    pytest.fail(f"share job {job_id} never ended: {seen}")


async def _run_disk_job(sim: Simulator, device: AxisEdgeStorage, job_id: int, disk_id: str) -> None:
    for _ in range(30):
        job = await device.disks.job(job_id, disk_id)
        if job.done:
            assert job.ok, job.description
            return
        sim.clock.advance(3.0)
    pytest.fail(f"disk job {job_id} never ended")


async def _bind_and_mount(sim: Simulator, device: AxisEdgeStorage, share_id: str) -> None:
    assert await device.network_shares.bind(share_id) == "NetworkShare"
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.status is DiskStatus.CONNECTED and not disk.mounted  # mounting
    sim.clock.advance(15.0)
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.status is DiskStatus.OK, disk


# ------------------------------------------------------------------ list and add


async def test_list_shows_the_preset_unbound_share_without_password(
    device: AxisEdgeStorage,
) -> None:
    (share,) = await device.network_shares.list()
    assert share == NetworkShare(
        share_id="nas1",
        nice_name="NAS",
        address="192.0.2.10",
        share="recordings",
        user="camera",
        disk_id=None,
    )
    assert share.bound is False
    assert NAS_PASSWORD not in repr(share)
    assert not hasattr(share, "password")


async def test_list_selected_shares(device: AxisEdgeStorage) -> None:
    new_id = await device.network_shares.add(nice_name="Second", address="nas", share="video")
    assert [s.share_id for s in await device.network_shares.list(["nas1"])] == ["nas1"]
    assert [s.share_id for s in await device.network_shares.list([new_id])] == [new_id]
    assert {s.share_id for s in await device.network_shares.list(["nas1", new_id])} == {
        "nas1",
        new_id,
    }
    assert await device.network_shares.list(["no-such-share"]) == ()


async def test_add_returns_the_id_and_the_share_is_listed(device: AxisEdgeStorage) -> None:
    generated = await device.network_shares.add(
        nice_name="My Share", address="mynas", share="myshare", user="nasuser", password="pass"
    )
    assert generated and generated != "nas1"
    chosen = await device.network_shares.add(
        nice_name="Archive", address="192.0.2.20", share="video", share_id="archive-1"
    )
    assert chosen == "archive-1"
    shares = await _shares(device)
    assert set(shares) == {"nas1", generated, "archive-1"}
    mine = shares[generated]
    assert (mine.nice_name, mine.address, mine.share, mine.user) == (
        "My Share",
        "mynas",
        "myshare",
        "nasuser",
    )
    assert not mine.bound
    assert shares["archive-1"].user is None  # no user given: reported empty


@pytest.mark.parametrize("share_id", ["bad id", "under_score", "slash/id"])
async def test_add_invalid_share_id_is_200(device: AxisEdgeStorage, share_id: str) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.add(
            nice_name="X", address="nas", share="video", share_id=share_id
        )
    _assert_error(info, 200, "Invalid ShareId.")
    assert set(await _shares(device)) == {"nas1"}


async def test_add_duplicates_and_maximum(device: AxisEdgeStorage) -> None:
    shares = device.network_shares
    with pytest.raises(VapixRequestError) as info:
        await shares.add(nice_name="Other", address="nas", share="video", share_id="nas1")
    _assert_error(info, 210, "The ShareId is not unique.")
    with pytest.raises(VapixRequestError) as info:
        await shares.add(nice_name="NAS", address="nas", share="video")
    _assert_error(info, 220, "The NiceName is not unique.")

    await shares.add(nice_name="Two", address="nas", share="video")
    await shares.add(nice_name="Three", address="nas", share="myshare")
    with pytest.raises(VapixRequestError) as info:
        await shares.add(nice_name="Four", address="nas", share="recordings")
    _assert_error(
        info,
        230,
        "Maximum number of network shares is already reached. No more shares can be added.",
    )
    assert {s.nice_name for s in await shares.list()} == {"NAS", "Two", "Three"}


async def test_add_with_bad_address_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.add(nice_name="X", address="not a host!", share="video")
    _assert_error(info, 20, "Invalid request.")


# ------------------------------------------------------------------ test jobs


async def test_test_stored_share_succeeds(sim: Simulator, device: AxisEdgeStorage) -> None:
    job_id = await device.network_shares.test(share_id="nas1")
    first = await device.network_shares.job(job_id)
    assert not first.done and first.ok is None and 0 <= (first.progress or 0) < 100
    sim.clock.advance(4.0)
    middle = await device.network_shares.job(job_id)
    assert not middle.done and 0 < (middle.progress or 0) < 100
    job = await _finish(sim, device, job_id)
    assert job.done and job.ok is True and job.progress == 100
    assert job.error_code is None and job.error_description is None


async def test_test_given_settings_succeeds(sim: Simulator, device: AxisEdgeStorage) -> None:
    job_id = await device.network_shares.test(
        address="mynas", share="myshare", user="nasuser", password="pass"
    )
    job = await _finish(sim, device, job_id)
    assert job.ok is True
    assert set(await _shares(device)) == {"nas1"}  # tested settings are not stored


@pytest.mark.parametrize(
    ("settings", "code"),
    [
        ({"address": "unknown-host.example"}, 700),
        ({"address": "nas.invalid"}, 700),
        ({"share": "nosuchshare"}, 710),
        ({"password": "wrong"}, 710),
        ({"user": "stranger", "password": "x"}, 710),
        ({"password": "a,b"}, 720),
        ({"share": "readonly"}, 740),
        ({"share": "flaky"}, 750),
        ({"address": "198.51.100.7"}, 760),
    ],
)
async def test_test_failures_are_job_results(
    sim: Simulator, device: AxisEdgeStorage, settings: dict[str, str], code: int
) -> None:
    job_id = await device.network_shares.test(share_id="nas1", **settings)
    job = await _finish(sim, device, job_id)
    assert job.done is True and job.ok is False
    assert job.error_code == code
    assert job.error_description == ERROR_CODES[Api.NETWORK_SHARE][code]
    if "password" in settings:
        assert settings["password"] not in repr(job)
    assert NAS_PASSWORD not in repr(job)


async def test_test_with_a_malformed_host_name_is_refused_700(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.test(address="bad host!", share="video")
    _assert_error(info, 700, "No such hostname.")


async def test_test_without_address_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.test(share="video")
    _assert_error(info, 20, "Invalid request.")


async def test_too_many_tests_is_730_until_one_ends(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    first = await device.network_shares.test(share_id="nas1")
    await device.network_shares.test(share_id="nas1")
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.test(share_id="nas1")
    _assert_error(info, 730, "Too many tests or jobs started, wait for some to finish.")
    assert (await _finish(sim, device, first)).ok is True
    third = await device.network_shares.test(share_id="nas1")
    assert third != first
    assert not (await device.network_shares.job(third)).done


async def test_unknown_job_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.job("999")
    _assert_error(info, 20, "Invalid request.")


# ------------------------------------------------------------------ bind and unbind


async def test_bind_mounts_the_network_share_disk(sim: Simulator, device: AxisEdgeStorage) -> None:
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.status is DiskStatus.DISCONNECTED and disk.total_size_kb == 0

    await _bind_and_mount(sim, device, "nas1")
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.mounted and disk.filesystem == "cifs"
    assert disk.total_size_kb == 4194304000
    assert disk.free_size_kb is not None and 0 < disk.free_size_kb < disk.total_size_kb
    assert disk.used_percent is not None and disk.used_percent > 0
    assert disk.name == "NAS"  # the share's nice name
    assert (await _shares(device))["nas1"].disk_id == "NetworkShare"
    assert (await _shares(device))["nas1"].bound
    # The automatic mount is a disk management job like any other.
    job = await device.disks.job(1, "NetworkShare")
    assert job.action is DiskJobAction.MOUNT and job.done and job.ok


async def test_bind_without_automatic_mount(sim: Simulator, device: AxisEdgeStorage) -> None:
    assert await device.network_shares.bind("nas1", automatic_mount=False) == "NetworkShare"
    sim.clock.advance(30.0)
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.status is DiskStatus.CONNECTED
    await _run_disk_job(sim, device, await device.disks.mount("NetworkShare"), "NetworkShare")
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.mounted


async def test_bind_a_broken_share_leaves_the_disk_unmounted(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    share_id = await device.network_shares.add(
        nice_name="Read only", address="nas", share="readonly", user="camera", password="x"
    )
    await device.network_shares.bind(share_id)
    sim.clock.advance(30.0)
    (disk,) = await device.disks.list(["NetworkShare"])
    assert not disk.mounted and disk.status is DiskStatus.CONNECTED
    assert (await device.disks.job(1, "NetworkShare")).ok is False


async def test_bind_errors_300_and_310(sim: Simulator, device: AxisEdgeStorage) -> None:
    other = await device.network_shares.add(nice_name="Other", address="nas", share="video")
    await device.network_shares.bind("nas1")
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.bind("nas1")
    _assert_error(info, 310, "The network share is already bound to a disk.")
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.bind(other)
    _assert_error(info, 300, "No available disk. Check if another network share is already bound.")
    assert (await _shares(device))[other].disk_id is None


async def test_bind_unknown_share_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.bind("no-such-share")
    _assert_error(info, 20, "Invalid request.")


async def test_unbind_while_mounted_is_400_then_unmount_and_unbind(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await _bind_and_mount(sim, device, "nas1")
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.unbind("nas1")
    _assert_error(
        info,
        400,
        "The network share is mounted and cannot be unbound. Unmount the share using "
        "Disk Management API.",
    )
    assert (await _shares(device))["nas1"].bound

    await _run_disk_job(sim, device, await device.disks.unmount("NetworkShare"), "NetworkShare")
    await device.network_shares.unbind("nas1")
    assert (await _shares(device))["nas1"].disk_id is None
    (disk,) = await device.disks.list(["NetworkShare"])
    assert disk.status is DiskStatus.DISCONNECTED and disk.total_size_kb == 0
    assert disk.name == ""


async def test_unbind_an_unbound_share_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.unbind("nas1")
    _assert_error(info, 20, "Invalid request.")


# ------------------------------------------------------------------ modify and remove


async def test_modify_unbound_share(device: AxisEdgeStorage) -> None:
    await device.network_shares.modify(
        "nas1", address="mynas", share="myshare", user="nasuser", password="pass"
    )
    share = (await _shares(device))["nas1"]
    assert (share.nice_name, share.address, share.share, share.user) == (
        "NAS",
        "mynas",
        "myshare",
        "nasuser",
    )


async def test_modify_bound_share_only_the_nice_name(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await device.network_shares.bind("nas1")
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.modify("nas1", address="mynas")
    _assert_error(
        info,
        600,
        "The network share is bound and cannot be modified. Use unbind.cgi to unbind the share.",
    )
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.modify("nas1", password="new-secret-pw")
    assert info.value.code == 600
    assert "new-secret-pw" not in str(info.value)

    await device.network_shares.modify("nas1", nice_name="Basement NAS")
    share = (await _shares(device))["nas1"]
    assert share.nice_name == "Basement NAS" and share.address == "192.0.2.10" and share.bound


async def test_modify_errors_610_620(device: AxisEdgeStorage) -> None:
    other = await device.network_shares.add(
        nice_name="Other", address="nas", share="video", share_id="other"
    )
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.modify("nas1", nice_name="Other")
    _assert_error(info, 620, "The NiceName parameter is not unique.")
    # The client's modify() has no argument for a new share id; the device's is newshareid.
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares._call("modify.cgi", shareid="nas1", newshareid=other)
    _assert_error(info, 610, "The new ShareID parameter is no unique.")
    assert (await _shares(device))["nas1"].nice_name == "NAS"


async def test_modify_unknown_share_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.modify("no-such-share", nice_name="X")
    _assert_error(info, 20, "Invalid request.")


async def test_remove_bound_is_500_then_after_unbind(
    sim: Simulator, device: AxisEdgeStorage
) -> None:
    await device.network_shares.bind("nas1", automatic_mount=False)
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares.remove("nas1")
    _assert_error(
        info,
        500,
        "The network share is bound and cannot be removed. Use unbind.cgi to unbind the share.",
    )
    assert "nas1" in await _shares(device)
    await device.network_shares.unbind("nas1")
    await device.network_shares.remove("nas1")
    assert await device.network_shares.list() == ()


async def test_remove_several(device: AxisEdgeStorage) -> None:
    a = await device.network_shares.add(nice_name="A", address="nas", share="video")
    b = await device.network_shares.add(nice_name="B", address="nas", share="video")
    await device.network_shares.remove([a, b])
    assert set(await _shares(device)) == {"nas1"}


# ------------------------------------------------------------------ versions and secrets


async def test_schema_versions(device: AxisEdgeStorage) -> None:
    versions = await device.network_shares.schema_versions()
    assert [v.version for v in versions] == ["1.0"]
    assert versions[0].major == 1 and not versions[0].deprecated


async def test_unsupported_schema_version_is_40(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares._xml(
            f"{BASE}/list.cgi", {"schemaversion": "2", "shareid": "all"}
        )
    _assert_error(info, 40, "Specified version is not supported.")


async def test_missing_required_argument_is_20(device: AxisEdgeStorage) -> None:
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares._xml(f"{BASE}/list.cgi", {"schemaversion": "1"})
    _assert_error(info, 20, "Invalid request.")
    with pytest.raises(VapixRequestError) as info:
        await device.network_shares._xml(
            f"{BASE}/add.cgi", {"schemaversion": "1", "nicename": "X", "address": "nas"}
        )
    _assert_error(info, 20, "Invalid request.")


async def test_share_password_never_appears(
    sim: Simulator, device: AxisEdgeStorage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "Tr0ub4dor-3-secret"  # nothing to URL-encode: a leak would show verbatim
    seen: list[str] = []
    share_id = await device.network_shares.add(
        nice_name="Secret", address="nas", share="video", user="camera", password=secret
    )
    seen += [repr(s) for s in await device.network_shares.list()]
    for call in (
        device.network_shares.add(
            nice_name="Secret", address="nas", share="video", password=secret
        ),
        device.network_shares.add(
            nice_name="X", address="nas", share="video", share_id="bad id", password=secret
        ),
        device.network_shares.modify("no-such-share", password=secret),
    ):
        with pytest.raises(VapixRequestError) as info:
            await call
        seen += [str(info.value), repr(info.value), info.value.description]
    job = await _finish(sim, device, await device.network_shares.test(share_id=share_id))
    assert job.ok is False and job.error_code == 710  # the NAS has another password
    seen.append(repr(job))
    job = await _finish(
        sim, device, await device.network_shares.test(share_id="nas1", password=secret + ",")
    )
    assert job.error_code == 720
    seen.append(repr(job))
    # Every log line (the client's at DEBUG and the simulator's request lines).
    seen += [record.getMessage() for record in caplog.records]
    assert any("networkshare/add.cgi" in text for text in seen)
    for text in seen:
        assert secret not in text and NAS_PASSWORD not in text
