"""The guarded sequence every action runs, from a declaration.

    @action(FORMAT_DISK, FORMAT_SCHEMA, disk=True, confirm=True, unlocked=True, refresh=False)
    async def format_disk(call: ActionCall) -> dict[str, Any]: ...

runs, in this order, and stops at the first refusal:

1. the admin gate (`admin`, the default: refused to a user who is not an administrator, before
   anything reaches the camera);
2. the target: the camera's loaded entry and its own device (`common.action_target`);
3. the disk (`disk`): the one the call names, known to the coordinator;
4. the confirmation (`confirm`): `confirm: true`, or a translated refusal;
5. the lock (`unlocked`): refused on a locked disk;
6. the handler: what is specific to the action. It calls the camera through
   `ActionCall.device_call` (or `start_job`), which turns a `VapixError` into a translated
   error naming the action (`device_errors.py`), and returns the answer's data;
7. the refresh (`refresh`, the default): the coordinator reads the device (and its storage settings)
   again, so a change shows at once;
8. the answer: the handler's data with the camera's `device_id` (also when a disk's device is
   the target).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypedDict, Unpack

import voluptuous as vol
from homeassistant.core import (
    Context,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.util import dt as dt_util

from ..const import DOMAIN
from ..device_errors import async_device_call
from ..jobs import Job, JobKind
from ..vapix import AxisEdgeStorage, Disk
from .common import (
    ATTR_CONFIRM,
    ATTR_TIMEOUT,
    ATTR_WAIT,
    Target,
    action_target,
    async_require_admin,
)


@dataclass(frozen=True, slots=True)
class ActionCall:
    """What a handler gets: the call, its target, and the disk when the action needs one."""

    call: ServiceCall
    target: Target
    disk_or_none: Disk | None

    @property
    def data(self) -> Mapping[str, Any]:
        """The validated fields of the call."""
        return self.call.data

    @property
    def hass(self) -> HomeAssistant:
        """Home Assistant."""
        return self.call.hass

    @property
    def context(self) -> Context:
        """The call's context (its user, for events fired on its behalf)."""
        return self.call.context

    @property
    def client(self) -> AxisEdgeStorage:
        """The camera's client."""
        return self.target.client

    @property
    def disk(self) -> Disk:
        """The disk of an action declared with `disk=True`."""
        if self.disk_or_none is None:  # pragma: no cover - a declaration error
            raise RuntimeError(f"{self.call.service} is not declared with a disk")
        return self.disk_or_none

    @property
    def disk_id(self) -> str | None:
        """The id of the action's disk, None for an action without one."""
        return None if self.disk_or_none is None else self.disk_or_none.disk_id

    async def device_call[T](
        self, request: Awaitable[T], *, disk: str | None = None, share: str | None = None
    ) -> T:
        """Await a camera request; a failure becomes a translated error naming the action.

        `disk` names the disk in the message: the action's disk unless given.
        """
        return await async_device_call(
            self.call.service, request, disk=disk or self.disk_id, share=share
        )

    async def start_job(
        self,
        kind: JobKind,
        action: str,
        start: Awaitable[int | str],
        *,
        disk_id: str | None = None,
        share_id: str | None = None,
    ) -> dict[str, Any]:
        """Start a device job and follow it; its data, or its end's when `wait: true`.

        `action` is the camera's name of the job (checkdisk); errors name the action the user
        called (check_disk). `disk_id`: the action's disk unless given.
        """
        # The tracker is taken before the camera is asked: an unload while the camera answers
        # removes the entry's runtime data, and the stopped tracker hands the job on.
        jobs = self.target.entry.runtime_data.jobs
        disk_id = disk_id or self.disk_id
        job_id = await self.device_call(start, disk=disk_id, share=share_id)
        job = await jobs.async_follow(
            Job(
                kind=kind,
                job_id=str(job_id),
                action=action,
                disk_id=disk_id,
                share_id=share_id,
                started=dt_util.utcnow(),
            )
        )
        if self.call.data.get(ATTR_WAIT):
            job = await jobs.async_wait(job, self.call.data[ATTR_TIMEOUT])
        return job.as_dict()


type Handler = Callable[[ActionCall], Awaitable[dict[str, Any]]]


def refuse_locked(disk: Disk, action: str) -> None:
    """Refuse an action that erases or rewrites recordings on a locked disk."""
    if disk.locked:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="disk_locked_action",
            translation_placeholders={"disk": disk.disk_id, "action": action},
        )


def require_confirm(call: ServiceCall) -> None:
    """Refuse a destructive action without `confirm: true`."""
    if not call.data.get(ATTR_CONFIRM):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="confirm_required",
            translation_placeholders={"action": call.service},
        )


async def async_changed(target: Target) -> None:
    """The action changed the device: read its state (and the storage settings) again."""
    coordinator = target.entry.runtime_data.coordinator
    coordinator.async_mark_settings_stale()
    # Not debounced: a second change within seconds must show as well.
    await coordinator.async_refresh()


class Guards(TypedDict, total=False):
    """The guards an action may declare (the module's docstring); the others keep their default."""

    admin: bool
    disk: bool
    confirm: bool
    unlocked: bool
    refresh: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class GuardedAction:
    """One action: its name, schema and guards, and the handler that does the rest.

    By default an action is for administrators only and reads the device again afterwards.
    """

    name: str
    schema: vol.Schema
    handler: Handler
    admin: bool = True
    disk: bool = False
    confirm: bool = False
    unlocked: bool = False
    refresh: bool = True

    async def async_call(self, call: ServiceCall) -> ServiceResponse:
        """Run the guarded sequence (the module's docstring) for one call."""
        if self.admin:
            await async_require_admin(call)
        target = action_target(call)
        # The lock is checked on the action's disk: `unlocked` needs one.
        disk = target.disk() if self.disk or self.unlocked else None
        if self.confirm:
            require_confirm(call)
        if self.unlocked and disk is not None:
            refuse_locked(disk, call.service)
        answer = await self.handler(ActionCall(call, target, disk))
        if self.refresh:
            await async_changed(target)
        return {"device_id": target.camera_device_id, **answer}

    def register(self, hass: HomeAssistant) -> None:
        """Register the action (once, for every camera)."""
        hass.services.async_register(
            DOMAIN,
            self.name,
            self.async_call,
            schema=self.schema,
            supports_response=SupportsResponse.OPTIONAL,
        )


def action(
    name: str, schema: vol.Schema, **guards: Unpack[Guards]
) -> Callable[[Handler], GuardedAction]:
    """Declare an action: admin-only and refreshing unless said; the handler does the rest."""

    def declare(handler: Handler) -> GuardedAction:
        return GuardedAction(name=name, schema=schema, handler=handler, **guards)

    return declare
