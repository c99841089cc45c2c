"""A simulated Axis camera with the VAPIX edge storage API (``python -m simulator``)."""

from .app import RequestLog, RequestRecord, Simulator
from .config import SimulatorConfig

__all__ = ["RequestLog", "RequestRecord", "Simulator", "SimulatorConfig"]
