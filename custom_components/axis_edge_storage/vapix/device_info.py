"""Device identity: basicdeviceinfo.cgi, with the param.cgi fallback of older firmware."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .api import ApiHandler
from .body import parse_off_loop
from .device_models import ProductInfo
from .errors import (
    Api,
    VapixHttpError,
    VapixNotSupportedError,
    VapixRequestError,
    VapixResponseError,
)
from .params import parse_params

PATH = "axis-cgi/basicdeviceinfo.cgi"
PARAM_PATH = "axis-cgi/param.cgi"
_REQUEST = {"apiVersion": "1.1", "context": "axis_edge_storage", "method": "getAllProperties"}


def normalize_serial(serial: str) -> str:
    """Return the serial (the MAC) upper-case, without separators."""
    return "".join(ch for ch in serial if ch.isalnum()).upper()


def parse_basic_device_info(text: str) -> ProductInfo:
    """Read a basicdeviceinfo.cgi getAllProperties answer."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as err:
        raise VapixResponseError(
            f"malformed JSON from basicdeviceinfo.cgi: {type(err).__name__}"
        ) from None
    if not isinstance(data, Mapping):
        raise VapixResponseError("unexpected basicdeviceinfo.cgi answer")
    if isinstance(error := data.get("error"), Mapping):
        raise VapixRequestError(
            Api.DEVICE_INFO,
            error.get("code") if isinstance(error.get("code"), int) else None,
            str(error.get("message", "")),
        )
    payload = data.get("data")
    properties = payload.get("propertyList") if isinstance(payload, Mapping) else None
    if not isinstance(properties, Mapping):
        raise VapixResponseError("basicdeviceinfo.cgi answered no propertyList")
    return _device_info(properties)


def _text(values: Mapping[str, Any], key: str) -> str | None:
    value = values.get(key)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _device_info(values: Mapping[str, Any]) -> ProductInfo:
    serial = _text(values, "SerialNumber")
    if serial is None:
        raise VapixResponseError("the device reported no serial number")
    return ProductInfo(
        serial=normalize_serial(serial),
        model=_text(values, "ProdNbr"),
        product_name=_text(values, "ProdFullName"),
        short_name=_text(values, "ProdShortName"),
        brand=_text(values, "Brand"),
        firmware=_text(values, "Version"),
        hardware_id=_text(values, "HardwareID"),
        architecture=_text(values, "Architecture"),
        soc=_text(values, "Soc"),
        web_url=_text(values, "WebURL"),
    )


def device_info_from_params(values: Mapping[str, str]) -> ProductInfo:
    """Build the identity from root.Properties.System, root.Brand, root.Properties.Firmware."""
    plain = {key.removeprefix("root."): value for key, value in values.items()}
    return _device_info(
        {
            "SerialNumber": plain.get("Properties.System.SerialNumber"),
            "ProdNbr": plain.get("Brand.ProdNbr"),
            "ProdFullName": plain.get("Brand.ProdFullName"),
            "ProdShortName": plain.get("Brand.ProdShortName"),
            "Brand": plain.get("Brand.Brand"),
            "Version": plain.get("Properties.Firmware.Version"),
            "HardwareID": plain.get("Properties.System.HardwareID"),
            "Architecture": plain.get("Properties.System.Architecture"),
            "Soc": plain.get("Properties.System.Soc"),
        }
    )


class ProductInfoApi(ApiHandler):
    """Identity of the device."""

    api = Api.DEVICE_INFO

    async def get(self) -> ProductInfo:
        """Return the identity; older firmware without basicdeviceinfo.cgi uses param.cgi."""
        try:
            response = await self._client.request("POST", PATH, json=_REQUEST)
        except (VapixNotSupportedError, VapixHttpError):
            return await self._from_params()
        try:
            return await parse_off_loop(response.text, parse_basic_device_info)
        except VapixRequestError:
            return await self._from_params()

    async def _from_params(self) -> ProductInfo:
        values: dict[str, str] = {}
        for group in ("root.Properties.System", "root.Brand", "root.Properties.Firmware"):
            text = await self._text("GET", PARAM_PATH, {"action": "list", "group": group})
            values |= await parse_off_loop(text, parse_params)
        return device_info_from_params(values)
