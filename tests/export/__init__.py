"""Tests of the clip export engine against the simulated camera."""
