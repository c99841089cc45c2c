"""HTTP Digest (RFC 7616, MD5/SHA-256, qop=auth, nonce counting) and Basic authentication.

When a device offers several Digest challenges, the strongest algorithm is answered.

aiohttp 3.11 has no digest middleware, so the client keeps the challenge and answers it.
The nonce is reused with an increasing nonce count until the device says it is stale.
"""

from __future__ import annotations

import hashlib
import os
import re
from base64 import b64encode
from dataclasses import dataclass

_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"  # noqa: S105 (an RFC 7230 token, not a secret)
# One item of a WWW-Authenticate header: a parameter (key=value, the value a token or a
# quoted string) or a bare token, which starts a new challenge (the scheme). Scanning item by
# item keeps a comma or a scheme name inside a quoted value where it belongs.
_ITEM = re.compile(
    rf'[\s,]*(?:(?P<key>{_TOKEN})\s*=\s*(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s,]*))'
    rf"|(?P<scheme>{_TOKEN}=*))"
)


@dataclass(frozen=True, slots=True)
class Challenge:
    """A parsed WWW-Authenticate challenge."""

    scheme: str  # lower-case: "digest", "basic", ...
    params: dict[str, str]

    @property
    def stale(self) -> bool:
        """Whether the device reported the previous nonce as stale."""
        return self.params.get("stale", "").lower() == "true"


def parse_challenges(headers: list[str]) -> list[Challenge]:
    """Parse WWW-Authenticate header values; several challenges may share one header."""
    challenges: list[Challenge] = []
    for header in headers:
        current: Challenge | None = None
        position = 0
        while position < len(header):
            match = _ITEM.match(header, position)
            if match is None or match.end() == position:
                break
            position = match.end()
            if match.group("scheme") is not None:
                current = Challenge(match.group("scheme").lower(), {})
                challenges.append(current)
            elif current is not None:
                quoted = match.group("quoted")
                value = (
                    re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else match.group("bare")
                )
                current.params[match.group("key").lower()] = value
    return [c for c in challenges if c.scheme in ("digest", "basic")]


_HASHES = {
    "MD5": hashlib.md5,
    "MD5-SESS": hashlib.md5,
    "SHA-256": hashlib.sha256,
    "SHA-256-SESS": hashlib.sha256,
}


def digest_supported(challenge: Challenge) -> bool:
    """Whether the client can answer this digest challenge."""
    algorithm = challenge.params.get("algorithm", "MD5").upper()
    qop = challenge.params.get("qop")
    qop_ok = qop is None or "auth" in [q.strip().lower() for q in qop.split(",")]
    return algorithm in _HASHES and "nonce" in challenge.params and qop_ok


# Stronger algorithms rank higher; a -sess variant ranks with its hash.
_STRENGTH = {"MD5": 1, "MD5-SESS": 1, "SHA-256": 2, "SHA-256-SESS": 2}


def strongest_digest(challenges: list[Challenge]) -> Challenge | None:
    """Return the answerable Digest challenge with the strongest algorithm, if any.

    SHA-256 wins over MD5 whatever the order the device listed them in; among equals the
    device's first is taken.
    """
    candidates = [c for c in challenges if c.scheme == "digest" and digest_supported(c)]
    return max(
        candidates,
        key=lambda c: _STRENGTH[c.params.get("algorithm", "MD5").upper()],
        default=None,
    )


class DigestAuth:
    """Answers one digest challenge, counting nonce uses."""

    def __init__(self, username: str, password: str, challenge: Challenge) -> None:
        """Keep the challenge; the nonce count starts at zero."""
        self._username = username
        self._password = password
        self._params = challenge.params
        self._nonce_count = 0

    def header(self, method: str, uri: str) -> str:
        """Return the Authorization header for a request to `uri` (path and query)."""
        params = self._params
        algorithm = params.get("algorithm", "MD5").upper()
        hash_fn = _HASHES[algorithm]

        def digest(text: str) -> str:
            return hash_fn(text.encode("utf-8")).hexdigest()

        realm = params.get("realm", "")
        nonce = params["nonce"]
        self._nonce_count += 1
        nc = f"{self._nonce_count:08x}"
        cnonce = os.urandom(8).hex()
        ha1 = digest(f"{self._username}:{realm}:{self._password}")
        if algorithm.endswith("-SESS"):
            ha1 = digest(f"{ha1}:{nonce}:{cnonce}")
        ha2 = digest(f"{method}:{uri}")
        qop = params.get("qop")
        fields = [
            f'username="{self._username}"',
            f'realm="{realm}"',
            f'nonce="{nonce}"',
            f'uri="{uri}"',
            f"algorithm={params.get('algorithm', 'MD5')}",
        ]
        if qop is not None:
            response = digest(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        else:
            response = digest(f"{ha1}:{nonce}:{ha2}")
        fields.append(f'response="{response}"')
        if "opaque" in params:
            fields.append(f'opaque="{params["opaque"]}"')
        return "Digest " + ", ".join(fields)


def basic_header(username: str, password: str) -> str:
    """Return a Basic Authorization header."""
    token = b64encode(f"{username}:{password}".encode()).decode("ascii")
    return f"Basic {token}"
