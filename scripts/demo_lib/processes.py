"""Child processes that cannot outlive the demo: start, wait for, stop."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_PR_SET_PDEATHSIG = 1
# Resolved now, in the parent: the child only calls it (no dynamic loading between fork and exec).
_PRCTL: Callable[..., int] | None
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl
except (OSError, AttributeError):  # not Linux
    _PRCTL = None


class DemoError(Exception):
    """A step of the demo failed; the message says which and why."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _die_with_parent() -> None:  # pragma: no cover (runs in the child between fork and exec)
    """Linux: the child gets SIGTERM when the demo dies, even by SIGKILL (no orphans)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


def tail(path: Path, lines: int = 25) -> str:
    """The last lines of a log file ("" when there is none)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class Child:
    """A started child process and the file its output goes to."""

    name: str
    process: asyncio.subprocess.Process
    log: Path

    @property
    def running(self) -> bool:
        """True until the process has exited."""
        return self.process.returncode is None

    def exited_error(self, log: Path | None = None) -> DemoError:
        """The error to raise when the process ended on its own."""
        shown = log or self.log
        return DemoError(
            f"{self.name} exited with code {self.process.returncode}; last lines of {shown}:\n"
            f"{tail(shown)}"
        )

    async def stop(self, limit: float = 30.0) -> None:
        """SIGTERM, wait up to `limit` seconds, then SIGKILL; reap in every case."""
        if self.running:
            with contextlib.suppress(ProcessLookupError):
                self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), limit)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    self.process.kill()
        await self.process.wait()


async def spawn(
    name: str,
    argv: Sequence[str],
    *,
    log: Path,
    cwd: Path,
    env: Mapping[str, str | None] | None = None,
) -> Child:
    """Start `argv` with its stdout and stderr in `log`, in a session of its own.

    `env` adds to (or, with None, removes from) the environment.

    A session of its own: Ctrl-C in the terminal reaches only the demo, which then stops the
    children in order (Home Assistant first, then the camera it talks to).
    """
    environment = dict(os.environ)
    for key, value in (env or {}).items():  # None: unset
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            *argv,
            cwd=cwd,
            env=environment,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,  # it only calls prctl
        )
    return Child(name=name, process=process, log=log)
