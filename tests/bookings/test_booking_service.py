"""Bookings through the real service: one worker serialises two requests racing for the
last place of a slot, bookings outlive the business day, and survive a kill -9."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from protocol import messages as m
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config
from queue_service.service import QueueService

TZ = ZoneInfo("Asia/Tokyo")


def next_free_slot(svc: QueueService, procedures=("tennyu",)) -> float:
    def find(engine, now):
        department, booth = engine.bookings.place(list(procedures), None)
        for day in engine.bookings.booking_days(now):
            for slot in engine.bookings.slots(day, department, booth, now):
                if slot.free:
                    return slot.start
        raise AssertionError("no free slot")
    return svc.read(find)


def book_request(start: float, **fields) -> m.BookRequest:
    return m.BookRequest(request_id=new_request_id(), procedures=["tennyu"], start=start, **fields)


def test_two_requests_for_the_last_place_get_one_booking(tmp_path):
    svc = QueueService(load_config(), tmp_path / "data")
    svc.start()
    try:
        start = next_free_slot(svc)
        capacity = svc.read(lambda e, now: e.bookings.capacity("sogo", None))
        for _ in range(capacity - 1):
            assert svc.submit("book", book_request(start)).ok
        answers: list[m.Response] = []
        gate = threading.Barrier(2)

        def race():
            gate.wait()
            answers.append(svc.submit("book", book_request(start)))

        threads = [threading.Thread(target=race) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        assert sorted(a.ok for a in answers) == [False, True]
        [refused] = [a for a in answers if not a.ok]
        assert refused.error.code == "slot_full"
        taken = svc.read(lambda e, now: sum(b.slot == start and b.state == "booked"
                                            for b in e.bookings.bookings.values()))
        assert taken == capacity
    finally:
        svc.stop()


def test_bookings_made_on_an_earlier_day_are_there_after_a_restart(tmp_path):
    monday = datetime(2027, 3, 29, 10, 0, tzinfo=TZ).timestamp()
    clock = [monday]
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    thursday_ten = datetime(2027, 4, 1, 10, 0, tzinfo=TZ).timestamp()
    code = svc.submit("book", book_request(thursday_ten, contact="090-0000-0000")).result.booking.code
    clock[0] += 86400  # Tuesday: a new business day starts
    svc.submit("get_booking", m.GetBooking(request_id=new_request_id(), code=code))
    svc.stop()
    again = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    try:
        assert again.engine.state.day == "2027-03-30"
        b = again.engine.bookings.get(code)
        assert (b.start, b.state) == (thursday_ten, "booked")
        assert again.engine.bookings.taken[("sogo", thursday_ten)] == {thursday_ten}
    finally:
        again.stop()


def test_a_booking_survives_kill_9_of_the_service(broker, queue_service):
    issuer = ServiceClient("isesaki", "issuer-east", broker.host, broker.port)
    assert issuer.start(wait=10)
    try:
        # the real clock: the next free slot (days ahead if today's are over)
        probe = QueueService(load_config(), queue_service.data_dir.parent / "probe")
        start = next_free_slot(probe)
        capacity = probe.read(lambda e, now: e.bookings.capacity("sogo", None))
        probe.stop()
        codes = []
        for _ in range(capacity):
            made = issuer.request("book", book_request(start), timeout=10)
            assert made.ok, made.error
            codes.append(made.result.booking.code)
        queue_service.kill()
        queue_service.start()
        for code in codes:
            seen = issuer.request("get_booking", m.GetBooking(request_id=new_request_id(),
                                                              code=code), timeout=10)
            assert seen.ok and seen.result.booking.start == start
            assert seen.result.booking.state == "booked"
        # the slot is still full after the restart
        again = issuer.request("book", book_request(start), timeout=10)
        assert not again.ok and again.error.code == "slot_full"
    finally:
        issuer.stop()


def test_a_reminder_contact_is_sealed_in_the_log_and_only_the_service_reads_it(tmp_path):
    clock = [datetime(2027, 3, 29, 8, 0, tzinfo=TZ).timestamp()]
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    ten = datetime(2027, 3, 29, 10, 0, tzinfo=TZ).timestamp()
    made = svc.submit("book", book_request(ten, contact="090-1234-5678"))
    code = made.result.booking.code
    assert "090-1234-5678" not in made.model_dump_json()  # not in the answer either
    svc.stop()
    for f in (tmp_path / "data").glob("madoguchi.db*"):
        assert b"090-1234-5678" not in f.read_bytes()
    again = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    try:
        assert again.booking_contact(code) == "090-1234-5678"
    finally:
        again.stop()


def test_a_reminder_contact_is_purged_once_no_reminder_needs_it(tmp_path):
    """Sealed or not, a contact is personal data: it goes once its booking's day is over
    or the booking is cancelled, from memory, from the log file and after a restart."""
    monday = datetime(2027, 3, 29, 8, 0, tzinfo=TZ).timestamp()
    clock = [monday]
    svc = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    svc.start()
    at = lambda day, hour: datetime(2027, 3, day, hour, 0, tzinfo=TZ).timestamp()
    past = svc.submit("book", book_request(at(29, 10), contact="090-1111-1111")).result.booking.code
    cancelled = svc.submit("book", book_request(at(31, 10), contact="090-2222-2222")).result.booking.code
    kept = svc.submit("book", book_request(at(31, 11), contact="090-3333-3333")).result.booking.code
    assert svc.submit("cancel_booking", m.CancelBooking(request_id=new_request_id(), code=cancelled)).ok
    sealed = svc.read(lambda e, now: dict(e.bookings.contacts))
    clock[0] = at(30, 8)  # Tuesday: a new business day
    svc.submit("get_booking", m.GetBooking(request_id=new_request_id(), code=kept))
    assert svc.booking_contact(past) is None and svc.booking_contact(cancelled) is None
    assert svc.booking_contact(kept) == "090-3333-3333"
    svc.stop()
    on_disk = b"".join(f.read_bytes() for f in (tmp_path / "data").glob("madoguchi.db*"))
    assert sealed[past].encode() not in on_disk and sealed[cancelled].encode() not in on_disk
    assert sealed[kept].encode() in on_disk
    again = QueueService(load_config(), tmp_path / "data", clock=lambda: clock[0])
    try:
        assert set(again.read(lambda e, now: e.bookings.contacts)) == {kept}
        assert again.engine.bookings.get(past).code == past  # the booking itself stays
    finally:
        again.stop()
