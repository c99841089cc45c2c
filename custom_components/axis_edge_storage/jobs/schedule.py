"""How often a camera's running jobs are asked about.

About once a second while the camera answers. While it does not (no connection, an HTTP
error, a timeout), the pause doubles up to a few seconds. While it rejects the credentials, it
doubles up to a minute and re-authentication is asked for once: asking every second for a
quarter of an hour helps nobody, fills the camera's log and may lock the account. (The numbers
are the tracker's, in `tracker.py`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, auto


class PollOutcome(Enum):
    """What one poll of the running jobs found."""

    REACHED = auto()  # the camera answered about at least one job
    UNREACHABLE = auto()  # no answer (or only errors)
    REJECTED = auto()  # the camera rejected the credentials


@dataclass(slots=True)
class PollBackoff:
    """The pause before the next poll, from the polls that failed in a row."""

    failures: int = 0
    # Whether this streak of rejected polls has asked for re-authentication.
    reauth_asked: bool = False

    def next_delay(
        self, outcome: PollOutcome, interval: float, retry_max: float, auth_retry_max: float
    ) -> float:
        """The pause after a poll: `interval` once reached, else doubling up to a cap.

        The cap is `auth_retry_max` while the credentials are rejected, else `retry_max`.
        """
        if outcome is PollOutcome.REACHED:
            self.reset()
            return interval
        self.failures += 1
        cap = auth_retry_max if outcome is PollOutcome.REJECTED else retry_max
        return max(interval, min(interval * 2.0 ** min(self.failures, 20), cap))

    def ask_reauth(self) -> bool:
        """True once per streak of rejected polls: the time to ask for re-authentication."""
        if self.reauth_asked:
            return False
        self.reauth_asked = True
        return True

    def reset(self) -> None:
        """The camera answered: the next poll comes after the normal interval."""
        self.failures = 0
        self.reauth_asked = False
