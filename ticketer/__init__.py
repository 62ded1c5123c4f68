"""Ticket issuer appliance: the concierge (総合案内) issues one number per visit.

The concierge lock (PIN, staff card or key switch), the concierge and self-service
screens (Kivy, thin views over `presenter`), printing on an ESC/POS printer with
Japanese rendered as an image, and issuing from leased numbers while the queue service
cannot be reached. Start it with `python -m ticketer`.
"""
