"""Axis Edge Storage integration for Home Assistant."""
