"""Tests of the Axis Edge Storage integration, its VAPIX client and the camera simulator."""
