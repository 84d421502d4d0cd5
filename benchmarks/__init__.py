"""Benchmarks of Parameter Lab and its alternatives; run with scripts/bench (never part of the tests)."""
