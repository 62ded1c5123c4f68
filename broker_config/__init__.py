"""Mosquitto configuration for a Madoguchi site: ACL by role, password file, listeners, bridge."""
