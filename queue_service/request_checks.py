"""Checks of a decoded request against the site, before the engine sees it.

The message models check shapes; these check meaning: a `life_event` must be one of the
site's, a visit lists each procedure once. And `who`: a request's `staff` is only taken
as given from the web pages, which set it from the signed-in session. Over MQTT the only
identity the service can verify is the device (the broker pins it to the MQTT user), so
a staff id a device names is recorded as claimed by that device (`<staff>@<device>`):
no device can write a web staff member's id into the audit trail.
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


def device_staff(request: m.Request, device: str) -> m.Request:
    """The request with any `staff` it names qualified by the device that sent it."""
    def qualify(r):
        staff = getattr(r, "staff", None)
        return r.model_copy(update={"staff": f"{staff}@{device}"}) if staff else r

    if isinstance(request, m.HandoverRequest):
        return request.model_copy(update={"visits": [qualify(v) for v in request.visits]})
    return qualify(request)
