"""Requests holding a password never show it in their ``repr`` (logs, tracebacks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from custom_components.axis_edge_storage.actions.usb import UsbExportRequest
from custom_components.axis_edge_storage.export.models import ExportRequest

SECRET = "Zip-Secret-71"


def test_requests_hide_their_password() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for request in (
        UsbExportRequest(start=start, end=start + timedelta(minutes=1), password=SECRET),
        ExportRequest(start=start, end=start + timedelta(minutes=1), password=SECRET),
    ):
        assert request.password == SECRET
        assert SECRET not in repr(request)
        assert SECRET not in str(request)
        assert "2026" in repr(request)
