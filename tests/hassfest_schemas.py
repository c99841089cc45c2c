"""The schemas hassfest validates an integration's files with, re-created from its source.

hassfest (home-assistant/core `script/hassfest/`) is not installed with Home Assistant and only
runs on core, so the tests re-create its checks for this custom integration from
`manifest.py`, `services.py`, `translations.py` and `icons.py`, with Home Assistant's own
validators (`config_validation`, `selector`, `service`). Where core and custom integrations
differ, the core rule is kept when it is the stricter one (services.yaml without names or
descriptions, which come from the translations; every action with an icon).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlparse

import voluptuous as vol
from awesomeversion import AwesomeVersion, AwesomeVersionException, AwesomeVersionStrategy
from homeassistant.const import CONF_SELECTOR
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers import selector, service

# --- manifest.py ---------------------------------------------------------------------------


def _lowercase(value: str) -> str:
    if value.lower() != value:
        raise vol.Invalid("Value needs to be lowercase")
    return value


def _uppercase(value: str) -> str:
    if value.upper() != value:
        raise vol.Invalid("Value needs to be uppercase")
    return value


def _wildcard(value: str) -> str:
    if "*" not in value:
        raise vol.Invalid(f"'{value}' needs to contain a wildcard matcher")
    return value


def _version(value: str) -> str:
    strategies = [
        AwesomeVersionStrategy.CALVER,
        AwesomeVersionStrategy.SEMVER,
        AwesomeVersionStrategy.SIMPLEVER,
        AwesomeVersionStrategy.BUILDVER,
        AwesomeVersionStrategy.PEP440,
    ]
    try:
        AwesomeVersion(value, ensure_strategy=strategies)
    except AwesomeVersionException as err:
        raise vol.Invalid(f"'{value}' is not a valid version.") from err
    return value


def _documentation_url(value: str) -> str:
    parsed = urlparse(value)
    if parsed.scheme != "https":
        raise vol.Invalid("Documentation url is not prefixed with https")
    if parsed.netloc == "www.home-assistant.io" and not parsed.path.startswith("/integrations/"):
        raise vol.Invalid(
            "Documentation url does not begin with www.home-assistant.io/integrations"
        )
    return value


IOT_CLASSES = [
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
]

CUSTOM_INTEGRATION_MANIFEST_SCHEMA = vol.Schema(
    {
        vol.Required("domain"): str,
        vol.Required("name"): str,
        vol.Optional("integration_type", default="hub"): vol.In(
            ["device", "entity", "hardware", "helper", "hub", "service", "system"]
        ),
        vol.Optional("config_flow"): bool,
        vol.Optional("mqtt"): [str],
        vol.Optional("zeroconf"): [
            vol.Any(
                str,
                vol.Schema(
                    {
                        vol.Required("type"): str,
                        vol.Optional("macaddress"): vol.All(str, _uppercase, _wildcard),
                        vol.Optional("manufacturer"): vol.All(str, _lowercase),
                        vol.Optional("model"): vol.All(str, _lowercase),
                        vol.Optional("name"): vol.All(str, _lowercase),
                        vol.Optional("properties"): vol.Schema({str: _lowercase}),
                    }
                ),
            )
        ],
        vol.Optional("ssdp"): [vol.All(vol.Schema({}, extra=vol.ALLOW_EXTRA), vol.Length(min=1))],
        vol.Optional("homekit"): vol.Schema({vol.Optional("models"): [str]}),
        vol.Optional("dhcp"): [
            vol.Schema(
                {
                    vol.Optional("macaddress"): vol.All(str, _uppercase, _wildcard),
                    vol.Optional("hostname"): vol.All(str, _lowercase),
                    vol.Optional("registered_devices"): cv.boolean,
                }
            )
        ],
        vol.Required("documentation"): vol.All(vol.Url(), _documentation_url),
        vol.Optional("issue_tracker"): vol.Url(),
        vol.Optional("quality_scale"): vol.In(["internal", "silver", "gold", "platinum"]),
        vol.Optional("requirements"): [str],
        vol.Optional("dependencies"): [str],
        vol.Optional("after_dependencies"): [str],
        vol.Required("codeowners"): [str],
        vol.Optional("loggers"): [str],
        vol.Optional("disabled"): str,
        vol.Optional("iot_class"): vol.In(IOT_CLASSES),
        vol.Optional("single_config_entry"): bool,
        vol.Optional("version"): vol.All(str, _version),
        vol.Optional("import_executor"): bool,
    }
)


def manifest_key_order(keys: list[str]) -> list[str]:
    """hassfest's order of manifest keys: domain, name, then alphabetical."""
    first = {"domain": ".domain", "name": ".name"}
    return sorted(keys, key=lambda key: first.get(key, key))


# --- services.py (the core schema: names and descriptions come from the translations) ------


def _exists(value: Any) -> Any:
    if value is None:
        raise vol.Invalid("Value cannot be None")
    return value


def _unique_fields(fields: dict[str, Any]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, value in fields.items():
        for name in value["fields"] if value and "fields" in value else [key]:
            if name in seen:
                raise vol.Invalid(f"Duplicate use of field {name} in service.")
            seen.add(name)
    return fields


_FIELD_SCHEMA = vol.Schema(
    {
        vol.Optional("example"): _exists,
        vol.Optional("default"): _exists,
        vol.Optional("required"): bool,
        vol.Optional("advanced"): bool,
        vol.Optional(CONF_SELECTOR): selector.validate_selector,
    }
)
_TARGETED_FIELD_SCHEMA = _FIELD_SCHEMA.extend(
    {
        vol.Optional("filter"): {
            vol.Exclusive("attribute", "field_filter"): {
                vol.Required(str): [vol.All(str, service.validate_attribute_option)],
            },
            vol.Exclusive("supported_features", "field_filter"): [
                vol.All(str, service.validate_supported_feature)
            ],
        }
    }
)


def _service_schema(*, targeted: bool) -> vol.Schema:
    field = _TARGETED_FIELD_SCHEMA if targeted else _FIELD_SCHEMA
    section = vol.Schema({vol.Optional("collapsed"): bool, vol.Required("fields"): {str: field}})
    schema: dict[Any, Any] = {
        vol.Optional("fields"): vol.All({str: vol.Any(field, section)}, _unique_fields)
    }
    if targeted:
        schema[vol.Required("target")] = vol.Any(selector.TargetSelector.CONFIG_SCHEMA, None)
    return vol.Schema(schema)


SERVICES_SCHEMA = vol.Schema(
    {cv.slug: vol.Any(_service_schema(targeted=True), _service_schema(targeted=False), None)}
)

# --- translations.py -----------------------------------------------------------------------

RE_TRANSLATION_KEY = re.compile(r"^(?!.+[_-]{2})(?![_-])[a-z0-9-_]+(?<![_-])$")
_RE_COMBINED_REFERENCE = re.compile(r"(.+\[%)|(%\].+)")
_RE_SINGLE_QUOTED_PLACEHOLDER = re.compile(r"'{\w+}'")


def translation_key(value: str) -> str:
    """A key of the translations: [a-z0-9-_]+, no leading, trailing or doubled - or _."""
    if RE_TRANSLATION_KEY.match(value) is None:
        raise vol.Invalid(f"Invalid translation key '{value}'")
    return value


def translation_value(value: Any) -> str:
    """A translated string: no HTML, no '{placeholder}', no combined reference, trimmed."""
    text: str = cv.string_with_no_html(value)
    if _RE_SINGLE_QUOTED_PLACEHOLDER.search(text):
        raise vol.Invalid("the string should not contain placeholders inside single quotes")
    if _RE_COMBINED_REFERENCE.search(text):
        raise vol.Invalid("the string should not contain combined translations")
    if text != text.strip():
        raise vol.Invalid("the string should not contain leading or trailing spaces")
    return text


def _keyed(value: Any) -> Any:
    return cv.schema_with_slug_keys(value, slug_validator=translation_key)


def _data_description_in_data(value: dict[str, Any]) -> dict[str, Any]:
    for step in value["step"].values():
        for key in step.get("data_description", {}):
            if key not in step.get("data", {}):
                raise vol.Invalid(f"data_description key {key} is not in data")
    return value


def _data_entry_schema() -> vol.All:
    texts = {str: translation_value}
    step = {
        vol.Optional("title"): translation_value,
        vol.Optional("description"): translation_value,
        vol.Optional("data"): texts,
        vol.Optional("data_description"): texts,
        vol.Optional("menu_options"): texts,
        vol.Optional("submit"): translation_value,
        vol.Optional("sections"): {
            str: {
                vol.Optional("data"): texts,
                vol.Optional("description"): translation_value,
                vol.Optional("name"): translation_value,
            }
        },
    }
    schema = {
        vol.Optional("flow_title"): translation_value,
        vol.Required("step"): {str: step},
        vol.Optional("error"): texts,
        vol.Optional("abort"): texts,
        vol.Optional("progress"): texts,
        vol.Optional("create_entry"): texts,
    }
    return vol.All(vol.Schema(schema), _data_description_in_data)


_STATES = _keyed(translation_value)

STRINGS_SCHEMA = vol.Schema(
    {
        vol.Optional("title"): translation_value,
        vol.Optional("config"): _data_entry_schema(),
        vol.Optional("options"): _data_entry_schema(),
        vol.Optional("selector"): cv.schema_with_slug_keys(
            {"options": _STATES}, slug_validator=vol.Any("_", cv.slug)
        ),
        vol.Optional("device_automation"): {
            vol.Optional(kind): {str: translation_value}
            for kind in (
                "action_type",
                "condition_type",
                "trigger_type",
                "trigger_subtype",
                "extra_fields",
                "extra_fields_descriptions",
            )
        },
        vol.Optional("issues"): {
            str: vol.All(
                cv.has_at_least_one_key("description", "fix_flow"),
                vol.Schema(
                    {
                        vol.Required("title"): translation_value,
                        vol.Exclusive("description", "fixable"): translation_value,
                        vol.Exclusive("fix_flow", "fixable"): _data_entry_schema(),
                    }
                ),
            )
        },
        vol.Optional("device"): _keyed({vol.Optional("name"): translation_value}),
        vol.Optional("entity"): cv.schema_with_slug_keys(
            _keyed(
                {
                    vol.Optional("name"): translation_value,
                    vol.Optional("state"): _STATES,
                    vol.Optional("state_attributes"): _keyed(
                        {vol.Optional("name"): translation_value, vol.Optional("state"): _STATES}
                    ),
                }
            ),
            slug_validator=cv.slug,
        ),
        vol.Optional("exceptions"): cv.schema_with_slug_keys(
            {vol.Optional("message"): translation_value}, slug_validator=cv.slug
        ),
        vol.Optional("services"): _keyed(
            {
                vol.Required("name"): translation_value,
                vol.Required("description"): translation_value,
                vol.Optional("fields"): _keyed(
                    {
                        vol.Required("name"): str,
                        vol.Required("description"): translation_value,
                        vol.Optional("example"): translation_value,
                    }
                ),
                vol.Optional("sections"): _keyed(
                    {vol.Required("name"): str, vol.Optional("description"): translation_value}
                ),
            }
        ),
    }
)

# --- icons.py (integration_type device: entity and services sections) ----------------------


def _icon(value: Any) -> str:
    text: str = cv.string_with_no_html(value)
    if not text.startswith("mdi:"):
        raise vol.Invalid("The icon needs to start with `mdi:`")
    return text


def _not_same_as_default(value: dict[str, Any]) -> dict[str, Any]:
    for key, section in value.items():
        default = section.get("default")
        for state, icon in section.get("state", {}).items():
            if default and icon == default:
                raise vol.Invalid(f"The icon for state `{key}.{state}` is its default icon")
    return value


_ICON_STATES = _keyed(_icon)
_ENTITY_ICONS = vol.All(
    _keyed(
        {
            vol.Optional("default"): _icon,
            vol.Optional("state"): _ICON_STATES,
            vol.Optional("range"): {vol.Coerce(float): _icon},
            vol.Optional("state_attributes"): vol.All(
                _keyed({vol.Optional("default"): _icon, vol.Optional("state"): _ICON_STATES}),
                _not_same_as_default,
            ),
        }
    ),
    _not_same_as_default,
)
_STEP_ICONS = vol.Schema({"step": {str: {"section": {str: _icon}}}})

ICONS_SCHEMA = vol.Schema(
    {
        vol.Optional("config"): _STEP_ICONS,
        vol.Optional("options"): _STEP_ICONS,
        vol.Optional("issues"): {str: {"fix_flow": _STEP_ICONS}},
        vol.Optional("entity"): cv.schema_with_slug_keys(_ENTITY_ICONS, slug_validator=cv.slug),
        vol.Optional("services"): _keyed(
            {vol.Required("service"): _icon, vol.Optional("sections"): _keyed(_icon)}
        ),
    }
)
