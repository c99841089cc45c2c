"""Network share actions: add, test, bind, unbind, modify and remove a share of the camera.

A share is named by `share_id`; when the target is the disk device of a bound share, that share
is used without it. The device enforces its access control (add, modify and remove are for
administrators: an operator account gets a translated `action_forbidden`) and its order rules
(unmount before unbind, unbind before modify or remove, one bound share at a time), each a
translated error that says what to do. In Home Assistant every share action is admin-only:
add, modify and test send credentials to an address, bind and unbind redirect or stop the
recordings, and removing deletes the share's settings (and needs `confirm: true`). The address
of add, modify and test is checked before the camera is asked.

Share passwords go to the camera and nowhere else: not in a response, an event, a log line or
an error message.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable
from typing import Any

import voluptuous as vol
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from ..const import DOMAIN
from ..jobs import JobKind
from ..vapix import NetworkShare
from .common import ATTR_PASSWORD, CAMERA_FIELD, CONFIRM_FIELD, WAIT_FIELDS, device_text
from .guard import ActionCall, GuardedAction, action

ADD_NETWORK_SHARE = "add_network_share"
TEST_NETWORK_SHARE = "test_network_share"
BIND_NETWORK_SHARE = "bind_network_share"
UNBIND_NETWORK_SHARE = "unbind_network_share"
MODIFY_NETWORK_SHARE = "modify_network_share"
REMOVE_NETWORK_SHARE = "remove_network_share"
SHARE_TEST_ACTION = "share_test"

ATTR_SHARE_ID = "share_id"
ATTR_NICE_NAME = "nice_name"
ATTR_ADDRESS = "address"
ATTR_SHARE = "share"
ATTR_USERNAME = "username"
ATTR_AUTOMOUNT = "automount"

SHARE_ID_FIELD: dict[vol.Marker, object] = {vol.Optional(ATTR_SHARE_ID): device_text}
SETTINGS_FIELDS: dict[vol.Marker, object] = {
    vol.Optional(ATTR_ADDRESS): device_text,
    vol.Optional(ATTR_SHARE): device_text,
    vol.Optional(ATTR_USERNAME): device_text,
    vol.Optional(ATTR_PASSWORD): device_text,
}

ADD_SCHEMA = vol.Schema(
    {
        **CAMERA_FIELD,
        vol.Required(ATTR_NICE_NAME): device_text,
        vol.Required(ATTR_ADDRESS): device_text,
        vol.Required(ATTR_SHARE): device_text,
        vol.Optional(ATTR_USERNAME): device_text,
        vol.Optional(ATTR_PASSWORD): device_text,
        vol.Optional(ATTR_SHARE_ID): device_text,
    }
)
TEST_SCHEMA = vol.Schema({**CAMERA_FIELD, **SHARE_ID_FIELD, **SETTINGS_FIELDS, **WAIT_FIELDS})
BIND_SCHEMA = vol.Schema(
    {
        **CAMERA_FIELD,
        vol.Required(ATTR_SHARE_ID): device_text,
        vol.Optional(ATTR_AUTOMOUNT, default=True): cv.boolean,
    }
)
SHARE_SCHEMA = vol.Schema({**CAMERA_FIELD, **SHARE_ID_FIELD})
MODIFY_SCHEMA = vol.Schema(
    {
        **CAMERA_FIELD,
        **SHARE_ID_FIELD,
        vol.Optional(ATTR_NICE_NAME): device_text,
        **SETTINGS_FIELDS,
    }
)
REMOVE_SCHEMA = vol.Schema({**CAMERA_FIELD, **SHARE_ID_FIELD, **CONFIRM_FIELD})


_HOST_NAME = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$"
)


def _check_address(address: str | None) -> None:
    """The Network share API takes an IPv4 address or a host name, nothing else."""
    if address is None:
        return
    try:
        ipaddress.IPv4Address(address)
    except ValueError:
        if not _HOST_NAME.match(address):
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_share_address",
                translation_placeholders={"address": address},
            ) from None


async def _share_call[T](call: ActionCall, share: NetworkShare, request: Awaitable[T]) -> T:
    """A request about `share`; a refusal names the share and its disk."""
    return await call.device_call(request, disk=share.disk_id, share=share.share_id)


def _share_list(shares: tuple[NetworkShare, ...]) -> str:
    return ", ".join(sorted(share.share_id for share in shares)) or "-"


async def _async_share(call: ActionCall) -> NetworkShare:
    """The share a call names (or the one bound to the targeted disk); an error when none.

    The coordinator's list is used first; a share it does not know (added on the camera
    meanwhile) is looked up on the camera before it is called unknown.
    """
    target = call.target
    known = target.entry.runtime_data.coordinator.data.settings.shares
    share_id: str | None = call.data.get(ATTR_SHARE_ID)
    if share_id is None:
        bound = next(
            (s for s in known if target.disk_id and s.disk_id == target.disk_id),
            None,
        )
        if bound is not None:
            return bound
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="share_required",
            translation_placeholders={"shares": _share_list(known)},
        )
    found = next((s for s in known if s.share_id == share_id), None)
    if found is not None:
        return found
    current = await call.device_call(call.client.network_shares.list())
    found = next((s for s in current if s.share_id == share_id), None)
    if found is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_share",
            translation_placeholders={"share": share_id, "shares": _share_list(current)},
        )
    return found


@action(ADD_NETWORK_SHARE, ADD_SCHEMA)
async def _add(call: ActionCall) -> dict[str, Any]:
    data = call.data
    _check_address(data[ATTR_ADDRESS])
    requested_id: str | None = data.get(ATTR_SHARE_ID)
    share_id = await call.device_call(
        call.client.network_shares.add(
            nice_name=data[ATTR_NICE_NAME],
            address=data[ATTR_ADDRESS],
            share=data[ATTR_SHARE],
            user=data.get(ATTR_USERNAME),
            password=data.get(ATTR_PASSWORD),
            share_id=requested_id,
        ),
        share=requested_id,
    )
    return {"share_id": share_id}


@action(TEST_NETWORK_SHARE, TEST_SCHEMA, refresh=False)
async def _test(call: ActionCall) -> dict[str, Any]:
    data = call.data
    _check_address(data.get(ATTR_ADDRESS))
    share_id: str | None = None
    disk_id: str | None = None
    if ATTR_SHARE_ID not in data and ATTR_ADDRESS in data and ATTR_SHARE in data:
        pass  # settings that are not stored: a test before adding them
    elif ATTR_SHARE_ID in data or call.target.disk_id is not None:
        stored = await _async_share(call)
        share_id, disk_id = stored.share_id, stored.disk_id
    else:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="share_test_target_required"
        )
    start = call.client.network_shares.test(
        share_id=share_id,
        address=data.get(ATTR_ADDRESS),
        share=data.get(ATTR_SHARE),
        user=data.get(ATTR_USERNAME),
        password=data.get(ATTR_PASSWORD),
    )
    return await call.start_job(
        JobKind.SHARE_TEST, SHARE_TEST_ACTION, start, disk_id=disk_id, share_id=share_id
    )


@action(BIND_NETWORK_SHARE, BIND_SCHEMA)
async def _bind(call: ActionCall) -> dict[str, Any]:
    share = await _async_share(call)
    automount: bool = call.data[ATTR_AUTOMOUNT]
    disk_id = await call.device_call(
        call.client.network_shares.bind(share.share_id, automatic_mount=automount),
        share=share.share_id,
    )
    return {"share_id": share.share_id, "disk_id": disk_id, "automount": automount}


@action(UNBIND_NETWORK_SHARE, SHARE_SCHEMA)
async def _unbind(call: ActionCall) -> dict[str, Any]:
    share = await _async_share(call)
    await _share_call(call, share, call.client.network_shares.unbind(share.share_id))
    return {"share_id": share.share_id, "disk_id": share.disk_id}


@action(MODIFY_NETWORK_SHARE, MODIFY_SCHEMA)
async def _modify(call: ActionCall) -> dict[str, Any]:
    data = call.data
    changes = {
        key: data[key]
        for key in (ATTR_NICE_NAME, ATTR_ADDRESS, ATTR_SHARE, ATTR_USERNAME, ATTR_PASSWORD)
        if key in data
    }
    if not changes:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="nothing_to_modify")
    _check_address(changes.get(ATTR_ADDRESS))
    share = await _async_share(call)
    request = call.client.network_shares.modify(
        share.share_id,
        nice_name=changes.get(ATTR_NICE_NAME),
        address=changes.get(ATTR_ADDRESS),
        share=changes.get(ATTR_SHARE),
        user=changes.get(ATTR_USERNAME),
        password=changes.get(ATTR_PASSWORD),
    )
    await _share_call(call, share, request)
    # Which settings changed, never their values (the password among them).
    return {"share_id": share.share_id, "changed": sorted(changes)}


@action(REMOVE_NETWORK_SHARE, REMOVE_SCHEMA, confirm=True)
async def _remove(call: ActionCall) -> dict[str, Any]:
    share = await _async_share(call)
    await _share_call(call, share, call.client.network_shares.remove(share.share_id))
    return {"share_id": share.share_id, "removed": True}


ACTIONS: tuple[GuardedAction, ...] = (_add, _test, _bind, _unbind, _modify, _remove)
