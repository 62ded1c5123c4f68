"""Checks of a decoded request against the site, before the engine sees it.

The message models check shapes; these check meaning: a `life_event` must be one of the
site's, a visit lists each procedure once. And `who`: the staff member a request names is
taken only from a staff session the service itself holds, that is from the web pages,
which set `staff` from the signed-in session. Over MQTT the only identity the service can
verify is the device (the broker pins it to the MQTT user), and no device signs staff in
with the service (the concierge issuer checks its PINs against its own file), so a device
request naming a `staff` is refused (`staff_not_signed_in`): a device's requests are
recorded as the device's (the store keeps the device of every request with its answer),
and no device can write a staff id into the audit trail.
"""

from __future__ import annotations

from protocol import messages as m
from protocol.site import SiteConfig

from .engine import EngineError


def check_request(config: SiteConfig, command: str, request: m.Request) -> None:
    """Raise EngineError if the request makes no sense for this site."""
    visits = request.visits if isinstance(request, m.HandoverRequest) else [request]
    for v in visits:
        if not isinstance(v, m.IssueRequest | m.OfflineVisit):
            continue
        if v.life_event is not None and v.life_event not in config.life_events:
            raise EngineError("unknown_life_event", f"no life event {v.life_event!r} at this site")
        if len(set(v.procedures)) != len(v.procedures):
            raise EngineError("duplicate_procedure", "a visit lists each procedure once")


def check_device_request(request: m.Request) -> None:
    """Raise EngineError if a request from a device (over MQTT) names a staff member."""
    visits = request.visits if isinstance(request, m.HandoverRequest) else [request]
    if any(getattr(r, "staff", None) is not None for r in [request, *visits]):
        raise EngineError("staff_not_signed_in",
                          "a device cannot name a staff member: staff are taken from a "
                          "signed-in session of the web pages; leave `staff` out")
