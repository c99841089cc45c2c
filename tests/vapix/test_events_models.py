"""The event models and parsers on their own: booleans, timestamps, topics, bounds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.axis_edge_storage.vapix.errors import (
    VapixCertificateMismatchError,
    VapixConnectionError,
    VapixForbiddenError,
    VapixInsecureAuthError,
    VapixTimeoutError,
    VapixUnauthorizedError,
)
from custom_components.axis_edge_storage.vapix.event_models import (
    MAX_DATA_FIELDS,
    MAX_FIELD_CHARS,
    EventTopic,
    MalformedMessageError,
    configure_request,
    decode,
    match_topic,
    parse_bool,
    parse_notification,
    parse_timestamp,
)
from custom_components.axis_edge_storage.vapix.events import _category


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", True),
        ("0", False),
        ("true", True),
        ("FALSE", False),
        (" yes ", True),
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (2, None),
        ("maybe", None),
        (None, None),
        (1.0, None),
    ],
)
def test_parse_bool(value: object, expected: bool | None) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1700000000123, datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
        (1700000000123.0, datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
        ("1700000000123", datetime(2023, 11, 14, 22, 13, 20, 123000, tzinfo=UTC)),
        ("2014-12-11T09:11:52Z", datetime(2014, 12, 11, 9, 11, 52, tzinfo=UTC)),
        ("2014-12-11T09:11:52.25", datetime(2014, 12, 11, 9, 11, 52, 250000, tzinfo=UTC)),
        ("2014-12-11T10:11:52+01:00", datetime(2014, 12, 11, 9, 11, 52, tzinfo=UTC)),
        ("", None),
        ("2014-12-11T09:11:52Z" * 5, None),
        ("9" * 17, None),
        (-1, None),
        (10**20, None),
        (True, None),
        (None, None),
        ({"ms": 1}, None),
    ],
)
def test_parse_timestamp(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        ("tnsaxis:Storage/tnsaxis:Recording", EventTopic.RECORDING),
        ("tnsaxis:Storage/Recording", EventTopic.RECORDING),
        (" tnsaxis:Storage/Disruption ", EventTopic.DISRUPTION),
        ("tnsaxis:Storage/Alert", EventTopic.ALERT),
        ("tnsaxis:Storage/tnsaxis:Alert", EventTopic.ALERT),
        ("tns1:Device/HardwareFailure/StorageFailure", EventTopic.STORAGE_FAILURE),
        ("tns1:Device/tnsaxis:HardwareFailure/tnsaxis:StorageFailure", EventTopic.STORAGE_FAILURE),
        ("Storage/Recording", None),  # the first part keeps its namespace
        ("tnsaxis:Storage", None),
        ("tnsaxis:Storage/Recording/More", None),
        ("tnsaxis:Storage/" + "x" * 300, None),
        ("", None),
    ],
)
def test_match_topic(topic: str, expected: EventTopic | None) -> None:
    assert match_topic(topic) is expected


def _notify(data: object, source: object = None) -> dict[str, object]:
    return {
        "method": "events:notify",
        "params": {
            "notification": {
                "topic": "tnsaxis:Storage/Alert",
                "message": {"source": source, "data": data},
            }
        },
    }


def test_data_is_bounded() -> None:
    data = {f"k{i}": "v" for i in range(40)}
    data = {"alert": "1", "long": "x" * 1000, "k" * 300: "skipped", **data}
    event = parse_notification(_notify(data))
    assert event is not None
    assert len(event.data) == MAX_DATA_FIELDS
    assert event.data["long"] == "x" * MAX_FIELD_CHARS
    assert "k" * 300 not in event.data


@pytest.mark.parametrize(
    ("source", "disk_id"),
    [
        (None, None),
        ({}, None),
        ({"disk_id": ""}, None),
        ({"disk_id": "SD_DISK", "x": "y"}, "SD_DISK"),
        ({"name": "NetworkShare"}, "NetworkShare"),
        ({"a": "1", "b": "2"}, None),
        ({"a": ""}, None),
    ],
)
def test_disk_id_from_the_source(source: object, disk_id: str | None) -> None:
    event = parse_notification(_notify({"alert": "0"}, source))
    assert event is not None
    assert event.disk_id == disk_id


def test_a_source_that_is_not_an_object_is_malformed() -> None:
    with pytest.raises(MalformedMessageError):
        parse_notification(_notify({"alert": "0"}, ["SD_DISK"]))


def test_decode() -> None:
    assert decode('{"a": 1}') == {"a": 1}
    assert decode(b'{"a": 1}') == {"a": 1}
    for text in ("", "[]", "nul", "{" * 100_000):
        with pytest.raises(MalformedMessageError):
            decode(text)


def test_configure_request_one_filter_per_distinct_topic_filter() -> None:
    request = configure_request(frozenset({EventTopic.RECORDING, EventTopic.ALERT}), "ctx")
    assert request == {
        "apiVersion": "1.0",
        "context": "ctx",
        "method": "events:configure",
        "params": {"eventFilterList": [{"topicFilter": "tnsaxis:Storage//."}]},
    }


@pytest.mark.parametrize(
    ("error", "category"),
    [
        (VapixTimeoutError("t"), "timeout"),
        (VapixCertificateMismatchError("aa", "bb"), "certificate mismatch"),
        (VapixInsecureAuthError(), "authentication refused by the client"),
        (VapixUnauthorizedError("x"), "rejected credentials"),
        (VapixForbiddenError("x"), "forbidden"),
        (VapixConnectionError("x"), "connection failed"),
    ],
)
def test_categories(error: Exception, category: str) -> None:
    assert _category(error) == category  # type: ignore[arg-type]
