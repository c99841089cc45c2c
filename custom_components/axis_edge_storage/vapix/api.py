"""Shared plumbing of the per-API modules: one request, one parsed and checked document.

Every answer is parsed through `parse_off_loop` (vapix/body.py): a large document is parsed,
and read into the API's model, in the executor rather than on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable

from .body import parse_off_loop
from .client import Params, VapixClient
from .device_models import SchemaVersion
from .errors import Api, VapixResponseError
from .xml import Node, parse_xml, raise_for_error, to_bool, to_str

SCHEMA_VERSION = "1"
_XML_TYPES = ("text/xml", "application/xml")


class ApiHandler:
    """Base of the per-API modules; holds the transport."""

    api: Api

    def __init__(self, client: VapixClient) -> None:
        """Use `client` for every request."""
        self._client = client

    async def _text(self, method: str, path: str, params: Params | None = None) -> str:
        """Send a request and return the (capped) body text."""
        return (await self._client.request(method, path, params)).text

    async def _xml_text(self, path: str, params: Params | None) -> str:
        response = await self._client.request("GET", path, params)
        text = response.text.lstrip()
        if response.content_type not in _XML_TYPES and not text.startswith("<"):
            raise VapixResponseError(
                f"expected XML from {path}, got {response.content_type or 'no content type'}"
            )
        return text

    def _checked(self, text: str) -> Node:
        """Parse a document and raise the device's error if it holds one."""
        root = parse_xml(text)
        raise_for_error(self.api, root)
        return root

    async def _xml(self, path: str, params: Params | None = None) -> Node:
        """GET `path` and return its XML document, raising the device's error if it holds one."""
        return await parse_off_loop(await self._xml_text(path, params), self._checked)

    async def _read[T](
        self, parse: Callable[[Node], T], path: str, params: Params | None = None
    ) -> T:
        """GET `path`, check its XML document and read it with `parse` (off the loop if large)."""
        text = await self._xml_text(path, params)
        return await parse_off_loop(text, lambda document: parse(self._checked(document)))

    async def _schema_versions(self, path: str) -> tuple[SchemaVersion, ...]:
        return await self._read(_parse_schema_versions, path)


def _parse_schema_versions(root: Node) -> tuple[SchemaVersion, ...]:
    versions = []
    for node in root.iter("SchemaVersion"):
        number = node.find("VersionNumber")
        version = to_str(number.text if number is not None else node.text)
        if version is None:
            continue
        deprecated = node.find("Deprecated")
        versions.append(
            SchemaVersion(
                version, bool(to_bool(deprecated.text if deprecated is not None else None))
            )
        )
    return tuple(versions)
