"""Facilities staff's tools: initialise a site, enrol and replace devices, watch the fleet."""
