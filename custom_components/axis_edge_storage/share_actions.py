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
from typing import Any

import voluptuous as vol
from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv

from .actions import (
    CONFIRM_FIELD,
    WAIT_FIELDS,
    Target,
    action_target,
    async_changed,
    async_require_admin,
    async_start_job,
    device_text,
    register,
    require_confirm,
)
from .const import DOMAIN
from .device_errors import async_device_call
from .jobs import JobKind
from .services import ATTR_DEVICE_ID
from .vapix import NetworkShare

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
ATTR_PASSWORD = "password"  # noqa: S105 (the name of a field)
ATTR_AUTOMOUNT = "automount"

CAMERA_FIELD: dict[vol.Marker, object] = {vol.Required(ATTR_DEVICE_ID): cv.string}
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


def _share_list(shares: tuple[NetworkShare, ...]) -> str:
    return ", ".join(sorted(share.share_id for share in shares)) or "-"


async def _async_share(call: ServiceCall, target: Target, action: str) -> NetworkShare:
    """The share a call names (or the one bound to the targeted disk); an error when none.

    The coordinator's list is used first; a share it does not know (added on the camera
    meanwhile) is looked up on the camera before it is called unknown.
    """
    known = target.entry.runtime_data.coordinator.data.slow.shares
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
    current = await async_device_call(action, target.device.network_shares.list())
    found = next((s for s in current if s.share_id == share_id), None)
    if found is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_share",
            translation_placeholders={"share": share_id, "shares": _share_list(current)},
        )
    return found


def _answer(target: Target, share_id: str, **data: Any) -> ServiceResponse:
    return {"device_id": target.camera_device_id, "share_id": share_id, **data}


async def _async_add(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    _check_address(call.data[ATTR_ADDRESS])
    requested_id: str | None = call.data.get(ATTR_SHARE_ID)
    share_id = await async_device_call(
        ADD_NETWORK_SHARE,
        target.device.network_shares.add(
            nice_name=call.data[ATTR_NICE_NAME],
            address=call.data[ATTR_ADDRESS],
            share=call.data[ATTR_SHARE],
            user=call.data.get(ATTR_USERNAME),
            password=call.data.get(ATTR_PASSWORD),
            share_id=requested_id,
        ),
        share=requested_id,
    )
    await async_changed(target)
    return _answer(target, share_id)


async def _async_test(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    data = call.data
    _check_address(data.get(ATTR_ADDRESS))
    share_id: str | None = None
    disk_id: str | None = None
    if ATTR_SHARE_ID not in data and ATTR_ADDRESS in data and ATTR_SHARE in data:
        pass  # settings that are not stored: a test before adding them
    elif ATTR_SHARE_ID in data or target.disk_id is not None:
        stored = await _async_share(call, target, TEST_NETWORK_SHARE)
        share_id, disk_id = stored.share_id, stored.disk_id
    else:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="share_test_target_required"
        )
    return await async_start_job(
        call,
        target,
        kind=JobKind.SHARE_TEST,
        action=SHARE_TEST_ACTION,
        start=target.device.network_shares.test(
            share_id=share_id,
            address=data.get(ATTR_ADDRESS),
            share=data.get(ATTR_SHARE),
            user=data.get(ATTR_USERNAME),
            password=data.get(ATTR_PASSWORD),
        ),
        disk_id=disk_id,
        share_id=share_id,
    )


async def _async_bind(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    share = await _async_share(call, target, BIND_NETWORK_SHARE)
    automount: bool = call.data[ATTR_AUTOMOUNT]
    disk_id = await async_device_call(
        BIND_NETWORK_SHARE,
        target.device.network_shares.bind(share.share_id, automatic_mount=automount),
        share=share.share_id,
    )
    await async_changed(target)
    return _answer(target, share.share_id, disk_id=disk_id, automount=automount)


async def _async_unbind(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    share = await _async_share(call, target, UNBIND_NETWORK_SHARE)
    await async_device_call(
        UNBIND_NETWORK_SHARE,
        target.device.network_shares.unbind(share.share_id),
        disk=share.disk_id,
        share=share.share_id,
    )
    await async_changed(target)
    return _answer(target, share.share_id, disk_id=share.disk_id)


async def _async_modify(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    data = call.data
    changes = {
        key: data[key]
        for key in (ATTR_NICE_NAME, ATTR_ADDRESS, ATTR_SHARE, ATTR_USERNAME, ATTR_PASSWORD)
        if key in data
    }
    if not changes:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="nothing_to_modify")
    _check_address(changes.get(ATTR_ADDRESS))
    share = await _async_share(call, target, MODIFY_NETWORK_SHARE)
    await async_device_call(
        MODIFY_NETWORK_SHARE,
        target.device.network_shares.modify(
            share.share_id,
            nice_name=changes.get(ATTR_NICE_NAME),
            address=changes.get(ATTR_ADDRESS),
            share=changes.get(ATTR_SHARE),
            user=changes.get(ATTR_USERNAME),
            password=changes.get(ATTR_PASSWORD),
        ),
        disk=share.disk_id,
        share=share.share_id,
    )
    await async_changed(target)
    # Which settings changed, never their values (the password among them).
    return _answer(target, share.share_id, changed=sorted(changes))


async def _async_remove(call: ServiceCall) -> ServiceResponse:
    await async_require_admin(call)
    target = action_target(call)
    require_confirm(call, REMOVE_NETWORK_SHARE)
    share = await _async_share(call, target, REMOVE_NETWORK_SHARE)
    await async_device_call(
        REMOVE_NETWORK_SHARE,
        target.device.network_shares.remove(share.share_id),
        disk=share.disk_id,
        share=share.share_id,
    )
    await async_changed(target)
    return _answer(target, share.share_id, removed=True)


def async_setup_share_actions(hass: HomeAssistant) -> None:
    """Register the network share actions."""
    register(hass, ADD_NETWORK_SHARE, _async_add, ADD_SCHEMA)
    register(hass, TEST_NETWORK_SHARE, _async_test, TEST_SCHEMA)
    register(hass, BIND_NETWORK_SHARE, _async_bind, BIND_SCHEMA)
    register(hass, UNBIND_NETWORK_SHARE, _async_unbind, SHARE_SCHEMA)
    register(hass, MODIFY_NETWORK_SHARE, _async_modify, MODIFY_SCHEMA)
    register(hass, REMOVE_NETWORK_SHARE, _async_remove, REMOVE_SCHEMA)
