"""Export errors: one translation key per failure, and the Home Assistant error to raise.

The messages live only in the ``exceptions`` section of strings.json (a test checks that every
key raised here exists there with exactly the placeholders passed). They say what went wrong
and what to do, and never hold a secret or a URL.
"""

from __future__ import annotations

from collections.abc import Mapping

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.translation import async_get_cached_translations

from ..const import DOMAIN


class ExportError(Exception):
    """An export failed; `translation_key` and `placeholders` say why, in translatable form.

    `user_error` is True when the request itself is wrong (raise `ServiceValidationError`),
    False when the device or the file system failed (raise `HomeAssistantError`). Neither the
    key nor the placeholders ever hold a secret or a URL. ``str()`` is the key and the
    placeholders; `message` is the translated text.
    """

    def __init__(
        self,
        translation_key: str,
        placeholders: Mapping[str, str] | None = None,
        *,
        user_error: bool = False,
    ) -> None:
        """Build the error from a key of strings.json ``exceptions`` and its placeholders."""
        self.translation_key = translation_key
        self.placeholders: dict[str, str] = dict(placeholders or {})
        self.user_error = user_error
        super().__init__(translation_key)

    def __str__(self) -> str:
        """The key and the placeholders (the translated text is `message`)."""
        shown = ", ".join(f"{name}={value}" for name, value in self.placeholders.items())
        return f"{self.translation_key} ({shown})" if shown else self.translation_key

    def as_homeassistant_error(self, domain: str = DOMAIN) -> HomeAssistantError:
        """Return the translated Home Assistant error to raise from an action."""
        cls = ServiceValidationError if self.user_error else HomeAssistantError
        return cls(
            translation_domain=domain,
            translation_key=self.translation_key,
            translation_placeholders=self.placeholders,
        )

    @callback
    def message(self, hass: HomeAssistant) -> str:
        """The message in Home Assistant's language (the key when no translation is loaded)."""
        translations = async_get_cached_translations(
            hass, hass.config.language, "exceptions", DOMAIN
        )
        text = translations.get(f"component.{DOMAIN}.exceptions.{self.translation_key}.message")
        if not text:
            return str(self)
        try:
            return text.format(**self.placeholders)
        except (KeyError, IndexError, ValueError):
            return text
