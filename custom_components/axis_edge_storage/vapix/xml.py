"""Tolerant XML reading for VAPIX responses: one pass of expat into a small element tree.

Real devices differ from the documentation: namespaces come and go, wrappers are added or
missing, booleans are yes/no, true/false or upper-case, numbers have negative sentinels. The
helpers here look elements up by local name at any depth, ignore namespaces and unknown
attributes, and never turn a parse failure into an empty result: malformed input raises
`VapixResponseError`. A document that declares a DTD or an entity is refused (before it is
parsed, and by the parser itself should the text search miss it), and so is one nested
deeper than any VAPIX answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from xml.parsers import expat
from xml.parsers.expat import ExpatError

from .errors import Api, VapixRequestError, VapixResponseError, code_for_description

_LOCAL_NAMES: dict[str, str] = {}
_LOCAL_NAMES_KEPT = 512  # a device's vocabulary is a few dozen names; junk is not kept


def _local(name: str) -> str:
    """The lower-case local part of a tag or attribute name (``xsi:Type`` -> ``type``)."""
    local = _LOCAL_NAMES.get(name)
    if local is None:
        local = name[name.rfind(":") + 1 :].lower()
        if len(_LOCAL_NAMES) < _LOCAL_NAMES_KEPT:
            _LOCAL_NAMES[name] = local
    return local


@dataclass(frozen=True, slots=True)
class Node:
    """One XML element: local tag name, attributes (by lower-case local name), text, children."""

    tag: str
    attrs: Mapping[str, str] = field(default_factory=dict)
    text: str = ""
    children: tuple[Node, ...] = ()

    def iter(self, *tags: str) -> Iterator[Node]:
        """Yield this element and its descendants named one of `tags` (local name, any case).

        In document order (depth first), in one walk whatever the number of names.
        """
        wanted = {tag.lower() for tag in tags}
        stack: list[Node] = [self]
        while stack:
            node = stack.pop()
            if node.tag in wanted:
                yield node
            stack.extend(reversed(node.children))

    def find(self, tag: str) -> Node | None:
        """Return the first element named `tag` at any depth, or None."""
        return next(self.iter(tag), None)

    def get(self, *names: str) -> str | None:
        """Return the first present attribute among `names` (local name, any case)."""
        attrs = self.attrs
        for name in names:
            # The keys are lower-case: most names are asked for as they are kept.
            value = attrs.get(name)
            if value is None:
                value = attrs.get(name.lower())
            if value is not None:
                return value
        return None


MAX_DEPTH = 64
"""Deeper nesting than this is no VAPIX answer (theirs nest five or six elements deep)."""

# Any DTD is refused: VAPIX answers never hold one, and an internal entity can expand to
# gigabytes ("billion laughs"). XML allows no space after "<!"; refusing one costs nothing.
_DTD_TEXT = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DTD_BYTES = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_REFUSED = "the device's XML declares a DTD or entities, which are refused"


class _DtdRefusedError(ValueError):
    """The document declared a DTD or an entity."""


def _refuse_dtd(*_args: object) -> None:
    raise _DtdRefusedError


def _declares_dtd(text: str | bytes) -> bool:
    if isinstance(text, bytes):
        return _DTD_BYTES.search(text) is not None
    return _DTD_TEXT.search(text) is not None


class _TreeBuilder:
    """Builds `Node`s from expat's events in one pass, in document order.

    An element's text is its character data joined and stripped; attributes are keyed by
    lower-case local name, namespace declarations dropped. Its parsers stop at any DTD: the
    text search in `parse_xml` misses one in a document of another encoding (UTF-16), expat
    sees it once decoded.
    """

    __slots__ = ("_open", "root")

    def __init__(self) -> None:
        # Each open element: tag, attributes, text pieces, children.
        self._open: list[tuple[str, dict[str, str], list[str], list[Node]]] = []
        self.root: Node | None = None

    def parse(self, text: str | bytes) -> Node:
        # A str is handed over as UTF-8 and read as such, whatever its declaration says.
        encoding = "utf-8" if isinstance(text, str) else None
        data = text.encode() if isinstance(text, str) else text
        parser = expat.ParserCreate(encoding)
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _refuse_dtd
        parser.EntityDeclHandler = _refuse_dtd
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.Parse(data, True)
        if self.root is None:  # pragma: no cover - expat refuses a document without one
            raise VapixResponseError("malformed XML from the device: no root element")
        return self.root

    def _start(self, tag: str, attributes: dict[str, str]) -> None:
        if len(self._open) >= MAX_DEPTH:
            raise VapixResponseError(f"the device's XML nests deeper than {MAX_DEPTH} elements")
        attrs = {
            _local(name): value
            for name, value in attributes.items()
            if name != "xmlns" and not name.startswith("xmlns:")
        }
        self._open.append((_local(tag), attrs, [], []))

    def _end(self, _tag: str) -> None:
        tag, attrs, texts, children = self._open.pop()
        node = Node(tag, attrs, "".join(texts).strip() if texts else "", tuple(children))
        if self._open:
            self._open[-1][3].append(node)
        else:
            self.root = node

    def _text(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def parse_xml(text: str | bytes) -> Node:
    """Parse a VAPIX XML document into a `Node` tree. Malformed input raises.

    Anything the parser trips over (bad syntax, an unknown declared encoding, undecodable
    bytes, nesting deeper than `MAX_DEPTH`) is a `VapixResponseError`, and so is any document
    that declares a DTD or an entity (refused before parsing).
    """
    if _declares_dtd(text):
        raise VapixResponseError(_REFUSED)
    try:
        return _TreeBuilder().parse(text)
    except _DtdRefusedError:
        raise VapixResponseError(_REFUSED) from None
    except (ExpatError, ValueError, LookupError) as err:
        # UnicodeError is a ValueError; LookupError covers an unknown declared encoding.
        raise VapixResponseError(f"malformed XML from the device: {type(err).__name__}") from None


def raise_for_error(api: Api, root: Node) -> None:
    """Raise `VapixRequestError` when `root` holds a VAPIX error at any depth.

    Accepts ``<Error><GeneralError><ErrorCode/><ErrorDescription/></GeneralError></Error>``,
    a bare ``<ErrorCode>``/``<ErrorDescription>`` at any depth, and ``GeneralError`` without
    children.
    """
    first: dict[str, Node] = {}
    for node in root.iter("ErrorCode", "ErrorDescription", "GeneralError"):
        first.setdefault(node.tag, node)
    if not first:
        return
    code_node = first.get("errorcode")
    description_node = first.get("errordescription")
    general = first.get("generalerror")
    description = description_node.text if description_node is not None else None
    code = to_int(code_node.text) if code_node is not None else None
    if code is None and general is not None:
        code = to_int(general.get("ErrorCode", "code"))
    if code is None and description:
        code = code_for_description(api, description)
    raise VapixRequestError(api, code, description)


def require(root: Node, tag: str) -> Node:
    """Return the first element named `tag`, or raise `VapixResponseError`."""
    node = root.find(tag)
    if node is None:
        raise VapixResponseError(f"unexpected response from the device: no <{tag}> element")
    return node


MAX_DISKS = 32
"""More disks, shares or storage limits than this in one answer is a broken device.

A real camera or recorder has a handful; a broken one (or a proxy in front of it) listing
thousands within the answer size cap would otherwise make thousands of devices and entities.
"""


def bounded[T](items: Iterable[T], what: str, limit: int = MAX_DISKS) -> Iterator[T]:
    """Yield at most `limit` items; one more raises `VapixResponseError`."""
    for count, item in enumerate(items, start=1):
        if count > limit:
            raise VapixResponseError(f"the device listed more than {limit} {what}")
        yield item


_TRUE = {"yes", "true", "1", "on"}
_FALSE = {"no", "false", "0", "off"}


def to_bool(value: str | None) -> bool | None:
    """Read yes/no, true/false, 1/0 in any case; None when absent or unknown."""
    if value is None:
        return None
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


_INT_LIMIT = 1 << 63


def to_int(value: str | None) -> int | None:
    """Read an integer (also "12.0"); None when absent, not a number or beyond 64 bits."""
    if value is None:
        return None
    try:
        number = int(value)  # surrounding whitespace allowed
    except ValueError:
        try:
            real = float(value)
        except ValueError:
            return None
        if not math.isfinite(real):
            return None
        number = int(real)
    return number if -_INT_LIMIT < number < _INT_LIMIT else None


def to_str(value: str | None) -> str | None:
    """Return a stripped string, None for absent or empty."""
    if value is None:
        return None
    text = value.strip()
    return text or None


_TIME = re.compile(
    r"^\s*(\d{4})-?(\d{2})-?(\d{2})[T ](\d{1,3}):?(\d{2}):?(\d{2})(?:[.,](\d+))?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)


def to_datetime(value: str | None) -> datetime | None:
    """Read a VAPIX time (ISO 8601, optional fraction and offset) as an aware UTC datetime.

    Tolerates the compact form (``20110812T081211Z``), a three-digit hour as in the
    specification's own example (``2011-08-13T010:30:30Z``), and no offset (taken as UTC).
    Returns None for absent, empty or unreadable values.
    """
    if value is None or not value.strip():
        return None
    match = _TIME.match(value)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        tz = UTC
        if offset and offset.upper() != "Z":
            sign = -1 if offset[0] == "-" else 1
            digits = offset[1:].replace(":", "")
            minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) >= 4 else 0)
            tz = timezone(sign * timedelta(minutes=minutes))
        parsed = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), micro, tz
        )
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # out-of-range field, offset >= 24 h, year 1 / 9999
        return None


def format_time(value: datetime) -> str:
    """Format a datetime as VAPIX UTC ISO 8601 (``2014-12-11T09:11:52Z``, fraction if any).

    A naive datetime is taken as UTC.
    """
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0") + "Z"
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
