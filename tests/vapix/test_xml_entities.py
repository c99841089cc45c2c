"""A DTD or an entity declaration is refused before parsing, whatever the xmltodict version.

xmltodict before 1.0 (0.13.0 is what Home Assistant 2025.4's own integrations pin) expands
internal entities, in attribute values at least, even with ``disable_entities=True``.
"""

from __future__ import annotations

from typing import Any

import pytest
import xmltodict

from custom_components.axis_edge_storage.vapix import VapixResponseError
from custom_components.axis_edge_storage.vapix import xml as xml_module
from custom_components.axis_edge_storage.vapix.disks import parse_disks
from custom_components.axis_edge_storage.vapix.xml import parse_xml

LAUGHS = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE root [<!ENTITY a "AAAAAAAAAA">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
)
IN_ATTRIBUTE = LAUGHS + '<root><disks><disk diskid="&c;" name="x"/></disks></root>'
IN_TEXT = LAUGHS + "<root><disks><disk diskid='SD_DISK'>&c;</disk></disks></root>"

DOCUMENTS = {
    "attribute": IN_ATTRIBUTE,
    "text": IN_TEXT,
    "bytes": IN_ATTRIBUTE.encode(),
    "utf-16": IN_ATTRIBUTE.replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode(
        "utf-16"
    ),
    "lower-case": IN_ATTRIBUTE.replace("<!DOCTYPE", "<!doctype").replace("<!ENTITY", "<!entity"),
    "bom": "\ufeff" + IN_ATTRIBUTE,
    "external": (
        '<?xml version="1.0"?><!DOCTYPE root [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<root a="1">&x;</root>'
    ),
    "doctype only": '<!DOCTYPE root><root a="1"/>',
    "entity only": '<root a="1"><!ENTITY x "y"></root>',
}


def test_xmltodict_0_13_would_expand_the_attribute() -> None:
    """What the guard protects against (on xmltodict < 1.0 this expands; 1.0 refuses)."""
    try:
        parsed = xmltodict.parse(IN_ATTRIBUTE, disable_entities=True)
    except Exception:  # noqa: BLE001 - xmltodict >= 1.0 refuses entities by itself
        return
    assert len(parsed["root"]["disks"]["disk"]["@diskid"]) == 1000


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_a_dtd_is_refused(name: str) -> None:
    with pytest.raises(VapixResponseError, match="DTD or entities"):
        parse_xml(DOCUMENTS[name])


@pytest.mark.parametrize("name", ["attribute", "text", "bytes", "lower-case", "bom"])
def test_refused_before_xmltodict_sees_it(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []
    monkeypatch.setattr(xmltodict, "parse", lambda *a, **k: calls.append(a))
    with pytest.raises(VapixResponseError):
        parse_xml(DOCUMENTS[name])
    assert calls == []


def test_the_expat_guard_alone_refuses_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the text search (a DTD in an encoding it cannot see), expat stops at the DTD."""
    monkeypatch.setattr(xml_module, "_declares_dtd", lambda _text: False)
    for name in ("attribute", "text", "utf-16", "external"):
        with pytest.raises(VapixResponseError, match="DTD or entities"):
            parse_xml(DOCUMENTS[name])


def test_a_disk_list_with_an_entity_never_becomes_disks() -> None:
    with pytest.raises(VapixResponseError):
        parse_disks(parse_xml(IN_ATTRIBUTE))


def test_ordinary_documents_still_parse() -> None:
    node = parse_xml('<?xml version="1.0"?><!-- a comment --><root a="&amp;"/>')
    assert node.get("a") == "&"
    node = parse_xml("<root><x>&lt;&#65;&gt;</x></root>")
    assert node.find("x") is not None and node.find("x").text == "<A>"  # type: ignore[union-attr]
