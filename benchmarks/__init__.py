"""Benchmarks: measured figures printed by scripts/bench, never timed assertions in tests."""
