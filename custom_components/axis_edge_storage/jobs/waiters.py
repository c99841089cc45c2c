"""The actions waiting for followed jobs to end (`wait: true`)."""

from __future__ import annotations

import asyncio

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from ..const import DOMAIN
from .model import Job


class JobWaiters:
    """Wakes the actions waiting for a job when it ends, or tells them following stopped."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Nobody waits yet."""
        self._hass = hass
        self._futures: dict[str, list[asyncio.Future[Job]]] = {}

    async def async_wait(self, job: Job, limit: float | None) -> Job:
        """Wait for a job to end; raise a translated error after `limit` seconds."""
        future: asyncio.Future[Job] = self._hass.loop.create_future()
        self._futures.setdefault(job.key, []).append(future)
        try:
            async with asyncio.timeout(limit):
                return await asyncio.shield(future)
        except TimeoutError as err:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="job_timeout",
                translation_placeholders={
                    "action": job.action,
                    "job_id": job.job_id,
                    "seconds": str(round(limit or 0)),
                },
            ) from err
        finally:
            futures = self._futures.get(job.key, [])
            if future in futures:
                futures.remove(future)

    @callback
    def job_ended(self, job: Job) -> None:
        """Wake whoever waits for `job`."""
        for future in self._futures.pop(job.key, []):
            if not future.done():
                future.set_result(job)

    @callback
    def stop(self) -> None:
        """Following stopped (unload): everyone waiting is told at once."""
        for futures in self._futures.values():
            for future in futures:
                if not future.done():
                    future.set_exception(follow_stopped())
        self._futures.clear()


def follow_stopped() -> HomeAssistantError:
    """The tracker stopped (unload, reload): the job goes on and is followed after a load."""
    return HomeAssistantError(translation_domain=DOMAIN, translation_key="job_follow_stopped")
