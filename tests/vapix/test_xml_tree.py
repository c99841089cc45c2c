"""The tree `parse_xml` builds in one pass: order, names, text, encodings and its bounds."""

from __future__ import annotations

import pytest

from custom_components.axis_edge_storage.vapix import VapixResponseError
from custom_components.axis_edge_storage.vapix import xml as xml_module
from custom_components.axis_edge_storage.vapix.xml import MAX_DEPTH, parse_xml


def test_children_keep_the_document_order() -> None:
    root = parse_xml('<r><a i="1"/><b/><a i="2"><c/></a></r>')
    assert [child.tag for child in root.children] == ["a", "b", "a"]
    assert [node.get("i") for node in root.iter("a")] == ["1", "2"]
    assert [node.tag for node in root.children[2].children] == ["c"]


def test_several_names_are_found_in_one_walk_in_document_order() -> None:
    root = parse_xml("<r><B n='1'><a n='2'/></B><c n='3'/><a n='4'/></r>")
    assert [node.get("n") for node in root.iter("A", "b")] == ["1", "2", "4"]
    assert [node.tag for node in root.iter("c", "r")] == ["r", "c"]
    assert list(root.iter("missing")) == []


def test_namespaces_are_dropped_from_names_and_declarations_are_not_attributes() -> None:
    root = parse_xml(
        '<ns:Root xmlns:ns="urn:x" xmlns="urn:y" xsi:Type="t" ns:Attr="v" xmlnsish="kept">'
        "<ns:Child/><Other/></ns:Root>"
    )
    assert root.tag == "root"
    assert dict(root.attrs) == {"type": "t", "attr": "v", "xmlnsish": "kept"}
    assert [child.tag for child in root.children] == ["child", "other"]


def test_text_is_joined_around_children_and_stripped() -> None:
    root = parse_xml("<r>\n  a<x> inner </x>b &amp; <![CDATA[<c>]]>&#65;\n</r>")
    assert root.text == "ab & <c>A"
    assert root.children[0].text == "inner"
    assert parse_xml("<r>   </r>").text == ""


def test_attribute_names_in_any_case() -> None:
    node = parse_xml('<r ShareID="7" diskid="SD_DISK"/>')
    assert node.get("ShareId") == node.get("shareid") == "7"
    assert node.get("DiskID") == "SD_DISK"
    assert node.get("missing", "DISKID") == "SD_DISK"
    assert node.get("missing") is None


def test_nesting_is_bounded() -> None:
    def nested(depth: int) -> str:
        return "<a>" * depth + "</a>" * depth

    node = parse_xml(nested(MAX_DEPTH))
    for _ in range(MAX_DEPTH - 1):
        node = node.children[0]
    assert node.children == ()
    with pytest.raises(VapixResponseError, match=f"deeper than {MAX_DEPTH}"):
        parse_xml(nested(MAX_DEPTH + 1))


def test_text_is_read_as_text_and_bytes_by_their_declaration() -> None:
    declared = '<?xml version="1.0" encoding="ISO-8859-1"?><r a="é"/>'
    assert parse_xml(declared).get("a") == "é"
    assert parse_xml(declared.encode("latin-1")).get("a") == "é"
    assert parse_xml('<r a="é"/>'.encode()).get("a") == "é"
    with pytest.raises(VapixResponseError, match="malformed"):
        parse_xml('<r a="é"/>'.encode("latin-1"))  # not UTF-8, and nothing says otherwise


@pytest.mark.parametrize(
    "text", ["", "<r>", "<r/><r/>", "<r a='1' a='2'/>", "<r>&undefined;</r>", "<p:r/>x"]
)
def test_malformed_documents_raise(text: str) -> None:
    with pytest.raises(VapixResponseError, match="malformed"):
        parse_xml(text)


def test_the_name_cache_is_bounded() -> None:
    """A camera that sends endless new names cannot grow the cache of local names."""
    names = " ".join(f'junk{n}="x"' for n in range(2 * xml_module._LOCAL_NAMES_KEPT))
    root = parse_xml(f"<r {names}/>")
    assert len(root.attrs) == 2 * xml_module._LOCAL_NAMES_KEPT
    assert len(xml_module._LOCAL_NAMES) <= xml_module._LOCAL_NAMES_KEPT
