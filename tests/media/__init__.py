"""Tests of media/: probe, check_covers, remux_to_mp4, write_thumbnail (plain pytest, no HA)."""
