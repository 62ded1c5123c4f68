"""The floor guide's progress follows flexible routing: a mover is shown where the
service sent it, over the real service and Mosquitto."""

from __future__ import annotations

from kiosk.guide import GuidePresenter
from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from protocol.follower import ServiceFollower
from protocol.site import load_config


def test_the_guide_shows_where_a_mover_goes_now(queue_service, east):
    broker = queue_service.broker
    guide_client = ServiceClient(queue_service.site, "guide-east", broker.host, broker.port)
    staff = ServiceClient(queue_service.site, "counter-c01", broker.host, broker.port)
    guide_client.start()
    staff.start()

    def ask(command: str, **fields):
        r = staff.request(command, m.COMMANDS[command](request_id=new_request_id(), **fields))
        assert r.ok, r.error
        return r.result

    try:
        guide = GuidePresenter(ServiceFollower(load_config()), east, client=guide_client)
        for c in ("c01", "c09", "c11"):
            ask("open_counter", counter=c)
        number = ask("issue", issuing_point="east",
                     procedures=["tennyu", "kokuho_kanyu", "nenkin"]).number
        ask("call_next", counter="c01")
        ask("finish", counter="c01")  # both free: 年金 is nearer than 国保
        progress = guide.progress(number)
        assert (progress.done, progress.total) == (1, 3)  # no procedure names at the guide
        assert progress.next.place == "11番窓口(年金医療課)"
    finally:
        guide_client.stop()
        staff.stop()
