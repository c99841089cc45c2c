"""Builders for the XML (and text) bodies the device answers with."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from aiohttp import web

XSI = "http://www.w3.org/2001/XMLSchema-instance"
AXIS = "http://www.axis.com/vapix/http_cgi"

AttrValue = str | int | float | bool | None


def yes_no(value: bool) -> str:
    """Render a boolean as ``yes``/``no``."""
    return "yes" if value else "no"


def true_false(value: bool) -> str:
    """Render a boolean as ``true``/``false``."""
    return "true" if value else "false"


def attrs(values: Mapping[str, AttrValue]) -> str:
    """Render attributes; ``None`` values are left out."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        text = true_false(value) if isinstance(value, bool) else str(value)
        parts.append(f"{key}={quoteattr(text)}")
    return (" " + " ".join(parts)) if parts else ""


def elem(tag: str, values: Mapping[str, AttrValue] | None = None, children: str = "") -> str:
    """Render one element with attributes and (already rendered) children."""
    rendered = attrs(values or {})
    if children:
        return f"<{tag}{rendered}>{children}</{tag}>"
    return f"<{tag}{rendered}/>"


def text_elem(tag: str, text: str) -> str:
    """Render an element holding text."""
    return f"<{tag}>{escape(text)}</{tag}>"


def xml_response(body: str) -> web.Response:
    """Wrap an XML document in a ``text/xml`` response (HTTP 200)."""
    return web.Response(body=body.encode("utf-8"), content_type="text/xml")


def root_doc(schema: str, inner: str) -> str:
    """Disk management and recording documents: ``<root>`` with a schema location."""
    return (
        '<?xml version="1.0" ?>\n'
        f'<root xmlns:xsi="{XSI}" xsi:noNamespaceSchemaLocation="{AXIS}/{schema}">'
        f"{inner}</root>\n"
    )


def general_error(code: int, description: str) -> str:
    """A ``GeneralError`` element: ``ErrorCode`` and ``ErrorDescription``."""
    children = text_elem("ErrorCode", str(code)) + text_elem("ErrorDescription", description)
    return elem("GeneralError", children=children)


def root_error(schema: str, code: int, description: str) -> str:
    """A ``<root>`` document carrying a general error (used for code 10)."""
    return root_doc(schema, general_error(code, description))


def no_namespace(schema: str) -> str:
    """The root attributes of a document without namespace: its schema's location."""
    return f'xmlns:xsi="{XSI}" xsi:noNamespaceSchemaLocation="{AXIS}/{schema}"'


@dataclass(frozen=True)
class Envelope:
    """The response envelope of one of the versioned APIs."""

    root: str
    version: str
    header: str
    wrap_success: bool
    wrap_error: bool
    supported: tuple[str, ...]

    @classmethod
    def unwrapped(cls, root: str, schema: str, supported: tuple[str, ...]) -> Envelope:
        """An envelope without namespace nor ``Success``/``Error`` wrappers (newest version)."""
        header = no_namespace(schema)
        return cls(
            root, supported[-1], header, wrap_success=False, wrap_error=False, supported=supported
        )

    def document(self, inner: str, version: str | None = None, header: str | None = None) -> str:
        """Render a whole document with ``inner`` inside the root element."""
        head = header if header is not None else self.header
        ver = version or self.version
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            f'<{self.root} {head} SchemaVersion="{ver}">{inner}</{self.root}>\n'
        )

    def success(self, inner: str = "<GeneralSuccess/>") -> str:
        """A success document (``inner`` defaults to ``GeneralSuccess``)."""
        if self.wrap_success:
            inner = f"<Success>{inner}</Success>"
        return self.document(inner)

    def error(self, code: int, description: str) -> str:
        """A general error document."""
        inner = general_error(code, description)
        if self.wrap_error:
            inner = f"<Error>{inner}</Error>"
        return self.document(inner)

    def schema_versions(self) -> str:
        """The ``SchemaVersionsSuccess`` document listing the supported versions."""
        inner = "".join(
            "<SchemaVersion>"
            + text_elem("VersionNumber", version)
            + text_elem("Deprecated", "false")
            + "</SchemaVersion>"
            for version in self.supported
        )
        return self.success(f"<SchemaVersionsSuccess>{inner}</SchemaVersionsSuccess>")


PROPERTIES = Envelope(
    root="DiskPropertiesResponse",
    version="1.0",
    header=(
        f'xmlns="{AXIS}/disks/properties1" xmlns:xsi="{XSI}" '
        f'xsi:schemaLocation="{AXIS}/disks/properties1 {AXIS}/disks/properties/disk_properties1.xsd"'
    ),
    wrap_success=True,
    wrap_error=True,
    supported=("1.0", "1.1"),
)
PROPERTIES_PLAIN_HEADER = f'xmlns:xsi="{XSI}" xsi:noNamespaceSchemaLocation="{AXIS}/disks/properties/disk_properties1.xsd"'
NETWORK_SHARE = Envelope.unwrapped("NetworkShareResponse", "networkshare1.xsd", ("1.0",))
EXPORT = Envelope.unwrapped(
    "ExportRecordingResponse", "exportrecording1.xsd", ("1.0", "1.1", "1.2")
)
STORAGE = Envelope.unwrapped("StorageLimitsResponse", "recordingstoragelimit1.xsd", ("1.0",))


def health_doc(inner: str) -> str:
    """A ``HealthStatusResponse`` document."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<HealthStatusResponse xmlns:xsi="{XSI}" '
        f'xsi:noNamespaceSchemaLocation="{AXIS}/disk/gethealth1.xsd">{inner}</HealthStatusResponse>\n'
    )


def health_error(code: int, description: str) -> str:
    """A ``HealthStatusResponse`` general error."""
    return health_doc(general_error(code, description))


def join(parts: Iterable[str]) -> str:
    """Concatenate rendered elements."""
    return "".join(parts)
