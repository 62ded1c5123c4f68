"""Measured performance and behaviour: the broker benchmark and the peak-day simulation."""
