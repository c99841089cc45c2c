"""A small client for the parts of Home Assistant's HTTP and websocket API the demo uses."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import aiohttp

from .processes import Child, DemoError

JSON = dict[str, Any]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


@dataclass(frozen=True)
class Tokens:
    """What `/auth/token` answered; `client_id` is the one they were issued to."""

    access_token: str
    refresh_token: str
    expires_in: int
    client_id: str
    issued_at: float

    def local_storage(self, hass_url: str) -> JSON:
        """The `hassTokens` object the frontend keeps in localStorage (logs the browser in)."""
        return {
            "access_token": self.access_token,
            "token_type": "Bearer",
            "expires_in": self.expires_in,
            "refresh_token": self.refresh_token,
            "hassUrl": hass_url,
            "clientId": self.client_id,
            "expires": int((self.issued_at + self.expires_in) * 1000),
        }


class Hass:
    """HTTP and websocket calls to one Home Assistant; `async with` opens and closes it."""

    def __init__(self, url: str) -> None:
        """Talk to the Home Assistant at `url` (no trailing slash)."""
        self.url = url
        self.client_id = f"{url}/"  # what the frontend uses, so its tokens refresh in a browser
        self.tokens: Tokens | None = None
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._ids = itertools.count(1)

    async def __aenter__(self) -> Self:
        """Open the HTTP session."""
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        return self

    async def __aexit__(self, *exc: object) -> None:
        """Close the websocket and the session."""
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()

    @property
    def session(self) -> aiohttp.ClientSession:
        """The open session."""
        if self._session is None:
            raise RuntimeError("use `async with Hass(url)`")
        return self._session

    def _headers(self) -> dict[str, str]:
        if self.tokens is None:
            return {}
        return {"Authorization": f"Bearer {self.tokens.access_token}"}

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: JSON | None = None,
        limit: float = 60.0,
        expect: tuple[int, ...] = (200, 201),
    ) -> Any:
        """Call the REST API; any status outside `expect` is a DemoError with HA's message."""
        async with self.session.request(
            method,
            f"{self.url}{path}",
            json=json,
            headers=self._headers(),
            timeout=aiohttp.ClientTimeout(total=limit),
        ) as response:
            text = await response.text()
            if response.status not in expect:
                raise DemoError(f"{method} {path} answered HTTP {response.status}: {text[:500]}")
            return await response.json() if text else None

    async def get(self, path: str) -> Any:
        """GET a JSON answer."""
        return await self.request("GET", path)

    async def post(self, path: str, json: JSON | None = None, *, limit: float = 60.0) -> Any:
        """POST JSON, return the JSON answer."""
        return await self.request("POST", path, json=json or {}, limit=limit)

    async def wait_until_serving(self, process: Child, limit: float = 180.0) -> None:
        """Wait until the HTTP server answers `/api/onboarding` (started, not yet onboarded)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if not process.running:
                raise process.exited_error()
            if "Activating recovery mode" in await asyncio.to_thread(_read, process.log):
                raise DemoError(
                    f"Home Assistant started in recovery mode (see {process.log}); if the frontend "
                    "did not load, scripts/setup installs home-assistant-frontend into .venv"
                )
            try:
                async with self.session.get(
                    f"{self.url}/api/onboarding", timeout=aiohttp.ClientTimeout(total=5)
                ) as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.25)
        raise DemoError(f"Home Assistant did not answer at {self.url} within {limit:.0f} s")

    async def wait_until_running(self, limit: float = 120.0) -> None:
        """Wait until the core is RUNNING (every integration of the start has set up)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            config = await self.get("/api/config")
            if config.get("state") == "RUNNING":
                return
            await asyncio.sleep(0.25)
        raise DemoError(f"Home Assistant did not reach RUNNING within {limit:.0f} s")

    async def onboard(self, *, name: str, username: str, password: str) -> Tokens:
        """Every onboarding step by API, as the frontend's wizard would do them."""
        user = await self.post(
            "/api/onboarding/users",
            {
                "client_id": self.client_id,
                "name": name,
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        self.tokens = await self._token(user["auth_code"])
        await self.post("/api/onboarding/core_config")
        await self.post("/api/onboarding/analytics")
        await self.post(
            "/api/onboarding/integration",
            {"client_id": self.client_id, "redirect_uri": f"{self.url}/?auth_callback=1"},
        )
        steps = await self.get("/api/onboarding")
        left = [step["step"] for step in steps if not step["done"]]
        if left:
            raise DemoError(f"onboarding steps still open: {', '.join(left)}")
        return self.tokens

    async def _token(self, code: str) -> Tokens:
        issued_at = time.time()
        async with self.session.post(
            f"{self.url}/auth/token",
            data={"grant_type": "authorization_code", "code": code, "client_id": self.client_id},
        ) as response:
            if response.status != 200:
                raise DemoError(f"/auth/token answered HTTP {response.status}")
            body = await response.json()
        return Tokens(
            access_token=body["access_token"],
            refresh_token=body["refresh_token"],
            expires_in=int(body["expires_in"]),
            client_id=self.client_id,
            issued_at=issued_at,
        )

    async def ws(self, command: str, **fields: Any) -> Any:
        """One websocket command; its `result`, or a DemoError with HA's error."""
        if self._ws is None:
            self._ws = await self._ws_connect()
        message_id = next(self._ids)
        await self._ws.send_json({"id": message_id, "type": command, **fields})
        while True:
            message = await self._ws.receive_json(timeout=60)
            if message.get("id") != message_id or message.get("type") != "result":
                continue  # events of subscriptions (none today) and pongs
            if not message.get("success"):
                raise DemoError(f"websocket {command} failed: {message.get('error')}")
            return message.get("result")

    async def _ws_connect(self) -> aiohttp.ClientWebSocketResponse:
        if self.tokens is None:
            raise DemoError("websocket before onboarding: no token")
        ws = await self.session.ws_connect(f"{self.url}/api/websocket")
        hello = await ws.receive_json(timeout=30)
        if hello.get("type") != "auth_required":
            raise DemoError(f"websocket: unexpected greeting {hello}")
        await ws.send_json({"type": "auth", "access_token": self.tokens.access_token})
        answer = await ws.receive_json(timeout=30)
        if answer.get("type") != "auth_ok":
            raise DemoError(f"websocket authentication failed: {answer}")
        return ws
