"""Spoken calls, offline: clips rendered once at provisioning, assembled at call time."""
