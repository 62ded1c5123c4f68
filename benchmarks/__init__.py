"""Benchmarks: measured performance, printed as tables."""
