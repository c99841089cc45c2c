"""The simulated network and NAS that network shares are tested and mounted against."""

from __future__ import annotations

import re

#: Host names the simulated network resolves (IPv4 literals always resolve).
KNOWN_HOSTS = frozenset({"nas", "nas.local", "mynas", "mynas.mycompany.com", "storage.example.com"})
#: Shares exported by the simulated NAS and how they behave.
NAS_SHARES: dict[str, str] = {
    "recordings": "rw",
    "myshare": "rw",
    "video": "rw",
    "readonly": "ro",
    "flaky": "flaky",
}
#: Accounts of the simulated NAS.
NAS_USERS: dict[str, str] = {"camera": "nas-secret", "nasuser": "pass"}

_HOSTNAME = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9-]{1,63})*$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")


def _is_ipv4(address: str) -> bool:
    match = _IPV4.match(address)
    return match is not None and all(0 <= int(part) <= 255 for part in match.groups())


def evaluate_share(address: str, share: str, user: str, password: str) -> tuple[int, str] | None:
    """Decide what testing or mounting a share with these settings runs into.

    Returns ``None`` when the share works, else the network share error code and text.
    """
    address = address.strip()
    if not _is_ipv4(address):
        if address.lower().endswith(".invalid") or address.lower() not in KNOWN_HOSTS:
            return 700, "No such hostname."
    elif address.startswith("198.51.100."):
        return 760, "Problem connecting to the share."
    if "," in password:
        return 720, "Internal error while mounting network share."
    mode = NAS_SHARES.get(share.strip("/"))
    if mode is None or not user or NAS_USERS.get(user) != password:
        return 710, "Error while mounting network share."
    if mode == "ro":
        return 740, "Problem writing to the share."
    if mode == "flaky":
        return 750, "Problem reading data written to the share."
    return None


def valid_hostname(address: str) -> bool:
    """Whether ``address`` is an IPv4 address or a syntactically valid host name."""
    return _is_ipv4(address) or bool(_HOSTNAME.match(address))
