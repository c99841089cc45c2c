"""A token bucket: the simulated camera's network link when ``bandwidth_mbit`` is set."""

from __future__ import annotations

import asyncio
import time


class TokenBucket:
    """Pace bytes at ``rate`` bytes per second, with at most ``burst`` bytes sent at once.

    Tokens may go negative: a sender takes what it sends and sleeps off the debt, so that
    several senders sharing the bucket share the rate.
    """

    def __init__(self, rate: float, burst: float) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("rate and burst must be positive")
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._last = time.monotonic()

    async def take(self, n: int) -> None:
        """Wait until ``n`` bytes may be sent."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate) - n
        self._last = now
        if self._tokens < 0:
            await asyncio.sleep(-self._tokens / self.rate)


def link_bucket(mbit: float) -> TokenBucket:
    """The bucket of a link at ``mbit`` Mbit/s, sent in pieces of about 20 ms (16 KiB-1 MiB)."""
    rate = mbit * 1_000_000 / 8
    return TokenBucket(rate, burst=float(min(max(rate / 50, 16 * 1024), 1024 * 1024)))
