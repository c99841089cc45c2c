"""Shared fixtures.

pytest-homeassistant-custom-component blocks sockets in every test, loopback included. The
tests talk real HTTP to the simulator on 127.0.0.1, so sockets are enabled for every test and
restricted to loopback hosts.
"""

from __future__ import annotations

import pytest
from pytest_socket import socket_allow_hosts

pytest_plugins = ["pytest_homeassistant_custom_component"]


@pytest.fixture(autouse=True)
def _loopback_only(socket_enabled: None) -> None:
    """Enable sockets, for 127.0.0.1 only."""
    socket_allow_hosts(["127.0.0.1", "localhost", "::1"], allow_unix_socket=True)
