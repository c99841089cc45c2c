"""HTTP Digest (MD5 and SHA-256, -sess variants, qop=auth) and Basic, with three accounts."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass, field
from enum import IntEnum

from aiohttp import web

from .clock import Clock
from .config import DIGEST_ALGORITHMS, SimulatorConfig

#: How far below the highest nc seen for a nonce a not-yet-used nc is still accepted
#: (requests sent concurrently over several connections may arrive out of order).
NC_WINDOW = 64

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


class Role(IntEnum):
    """Access levels; a higher role may do everything a lower one may."""

    VIEWER = 1
    OPERATOR = 2
    ADMIN = 3


@dataclass(frozen=True)
class Account:
    """A user account of the device."""

    name: str
    password: str
    role: Role


@dataclass
class _Nonce:
    created: float
    stale: bool = False
    highest_nc: int = 0
    used: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class AuthResult:
    """Outcome of checking a request's credentials."""

    account: Account | None
    stale: bool = False
    bad_request: bool = False


_HASHES = {"MD5": hashlib.md5, "SHA-256": hashlib.sha256}


def _hash(algorithm: str, text: str) -> str:
    """Hex digest of ``text`` with a Digest algorithm (a ``-sess`` variant hashes alike)."""
    return _HASHES[algorithm.upper().removesuffix("-SESS")](text.encode("utf-8")).hexdigest()


def presented_auth(header: str) -> str | None:
    """What an ``Authorization`` header presents: ``basic``, ``digest <ALGORITHM>`` or None."""
    scheme, _, rest = header.partition(" ")
    scheme = scheme.lower()
    if scheme == "digest":
        return f"digest {parse_digest(rest).get('algorithm', 'MD5').upper()}"
    return scheme or None


def parse_digest(header: str) -> dict[str, str]:
    """Parse the parameters of a ``Digest`` authorization header."""
    return {
        m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3)).replace(
            '\\"', '"'
        )
        for m in _PARAM.finditer(header)
    }


class Authenticator:
    """Checks credentials and issues challenges."""

    def __init__(self, config: SimulatorConfig, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self.realm = f"AXIS_{config.serial}"
        self.opaque = secrets.token_hex(16)
        self.accounts = {
            a.name: a
            for a in (
                Account("viewer", config.viewer_password, Role.VIEWER),
                Account("operator", config.operator_password, Role.OPERATOR),
                Account(config.username, config.password, Role.ADMIN),
            )
        }
        self._nonces: dict[str, _Nonce] = {}
        known = {a.upper() for a in DIGEST_ALGORITHMS}
        unknown = [a for a in config.digest_algorithms if a.upper() not in known]
        if unknown or not config.digest_algorithms:
            raise ValueError(f"digest algorithms must be some of {DIGEST_ALGORITHMS}")

    @property
    def offers_digest(self) -> bool:
        """Whether Digest is offered and accepted."""
        return self.config.auth in ("digest", "both")

    @property
    def offers_basic(self) -> bool:
        """Whether Basic is offered and accepted."""
        return self.config.auth in ("basic", "both")

    def _clock(self) -> float:
        return self.clock.now().timestamp()

    def new_nonce(self) -> str:
        """Issue and remember a fresh nonce."""
        self._prune()
        nonce = base64.b64encode(
            int(self._clock()).to_bytes(8, "big") + secrets.token_bytes(16)
        ).decode("ascii")
        self._nonces[nonce] = _Nonce(created=self._clock())
        return nonce

    def _prune(self) -> None:
        limit = self._clock() - 2 * self.config.nonce_lifetime
        for nonce in [n for n, info in self._nonces.items() if info.created < limit]:
            del self._nonces[nonce]

    def expire_nonces(self) -> None:
        """Make every nonce issued so far stale."""
        for info in self._nonces.values():
            info.stale = True

    def forget_nonces(self) -> None:
        """Forget every nonce (a reboot)."""
        self._nonces.clear()

    def challenges(self, stale: bool = False) -> list[str]:
        """``WWW-Authenticate`` header values for a 401 answer."""
        values = []
        if self.offers_digest:
            nonce = self.new_nonce()  # one nonce for every algorithm, as in RFC 7616's example
            for algorithm in self.config.digest_algorithms:
                value = (
                    f'Digest realm="{self.realm}", nonce="{nonce}", '
                    f'algorithm={algorithm}, qop="auth", opaque="{self.opaque}"'
                )
                if stale:
                    value += ", stale=true"
                values.append(value)
        if self.offers_basic:
            values.append(f'Basic realm="{self.realm}"')
        return values

    def unauthorized(self, stale: bool = False, text: str = "Unauthorized") -> web.Response:
        """A 401 response carrying the challenges."""
        response = web.Response(status=401, text=f"401 {text}\n")
        for value in self.challenges(stale):
            response.headers.add("WWW-Authenticate", value)
        return response

    def authenticate(self, request: web.Request) -> AuthResult:
        """Check the credentials of a request."""
        header = request.headers.get("Authorization", "")
        scheme, _, rest = header.partition(" ")
        scheme = scheme.lower()
        if scheme == "basic" and self.offers_basic:
            return AuthResult(self._basic(rest.strip()))
        if scheme == "digest" and self.offers_digest:
            return self._digest(request, rest)
        return AuthResult(None)

    def _basic(self, token: str) -> Account | None:
        try:
            decoded = base64.b64decode(token, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        name, sep, password = decoded.partition(":")
        account = self.accounts.get(name)
        if not sep or account is None or not secrets.compare_digest(account.password, password):
            return None
        return account

    def _digest(self, request: web.Request, rest: str) -> AuthResult:
        params = parse_digest(rest)
        account = self.accounts.get(params.get("username", ""))
        required = ("realm", "nonce", "uri", "response", "qop", "nc", "cnonce", "opaque")
        if account is None or any(key not in params for key in required):
            return AuthResult(None)
        if params["realm"] != self.realm or params["opaque"] != self.opaque:
            return AuthResult(None)
        algorithm = params.get("algorithm", "MD5").upper()
        if params["qop"] != "auth" or algorithm not in {
            a.upper() for a in self.config.digest_algorithms
        }:
            return AuthResult(None)
        if params["uri"] != request.raw_path:
            return AuthResult(None, bad_request=True)
        try:
            nc = int(params["nc"], 16)
        except ValueError:
            return AuthResult(None)
        ha1 = _hash(algorithm, f"{account.name}:{self.realm}:{account.password}")
        if algorithm.endswith("-SESS"):
            ha1 = _hash(algorithm, f"{ha1}:{params['nonce']}:{params['cnonce']}")
        ha2 = _hash(algorithm, f"{request.method}:{params['uri']}")
        expected = _hash(
            algorithm,
            f"{ha1}:{params['nonce']}:{params['nc']}:{params['cnonce']}:{params['qop']}:{ha2}",
        )
        if not secrets.compare_digest(expected, params["response"].lower()):
            return AuthResult(None)
        info = self._nonces.get(params["nonce"])
        if info is None or info.stale or self._clock() - info.created > self.config.nonce_lifetime:
            # The response is right for that nonce, but the nonce is not usable.
            return AuthResult(None, stale=True)
        if nc in info.used or nc <= info.highest_nc - NC_WINDOW or nc <= 0:
            return AuthResult(None)
        info.used.add(nc)
        info.highest_nc = max(info.highest_nc, nc)
        if len(info.used) > 4 * NC_WINDOW:
            info.used = {n for n in info.used if n > info.highest_nc - NC_WINDOW}
        return AuthResult(account)
