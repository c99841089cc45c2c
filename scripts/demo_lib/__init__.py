"""Run a real Home Assistant with the integration on a simulated camera.

`scripts/demo` (interactive, or `--check` headless with a clip export) and `scripts/screenshot`
(a picture of the SD card's device page) are thin shells around this package. It needs only
the standard library and aiohttp; the simulator and Home Assistant run as child processes with
the Python of `.venv`.
"""
