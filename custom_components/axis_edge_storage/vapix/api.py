"""Shared plumbing of the per-API modules: one request, one parsed and checked document."""

from __future__ import annotations

from .client import Params, VapixClient
from .errors import Api, VapixResponseError
from .models import SchemaVersion
from .xml import Node, parse_xml, raise_for_error, to_bool, to_str

SCHEMA_VERSION = "1"
_XML_TYPES = ("text/xml", "application/xml")


class ApiHandler:
    """Base of the per-API modules; holds the transport."""

    api: Api

    def __init__(self, client: VapixClient) -> None:
        """Use `client` for every request."""
        self._client = client

    async def _xml(self, path: str, params: Params | None = None) -> Node:
        """GET `path` and return its XML document, raising the device's error if it holds one."""
        response = await self._client.request("GET", path, params)
        text = response.text.lstrip()
        if response.content_type not in _XML_TYPES and not text.startswith("<"):
            raise VapixResponseError(
                f"expected XML from {path}, got {response.content_type or 'no content type'}"
            )
        root = parse_xml(text)
        raise_for_error(self.api, root)
        return root

    async def _schema_versions(self, path: str) -> tuple[SchemaVersion, ...]:
        root = await self._xml(path)
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
