"""Central queue service: numbering, routing, congestion, store, web pages."""
