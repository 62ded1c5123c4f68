"""Pre-filled certificate applications: sealed at rest, checked, purged at the day's end."""

import sqlite3

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from protocol import messages as m
from protocol.client import new_request_id
from protocol.sealing import public_key_text
from protocol.site import load_config
from queue_service.service import QueueService

from .helpers import T0

APPLICANT = m.Applicant(name="伊勢崎 花子", name_kana="イセサキ ハナコ",
                        address="群馬県伊勢崎市今泉町二丁目410番地", birth_date="1980-04-01",
                        sex="female")


class Clock:
    def __init__(self):
        self.now = T0

    def __call__(self):
        return self.now


def attach(svc, number, copies=2, fee=600):
    return svc.submit("attach_application", m.AttachApplication(
        request_id=new_request_id(), number=number, identified_by="mynumber_card",
        sealed_applicant=m.seal_applicant(svc.seal_public_key, APPLICANT, number),
        certificates=[m.CertificateLine(procedure="juminhyo", copies=copies, purpose="勤務先提出")],
        fee_yen=fee))


def test_sealed_shown_to_staff_and_purged_at_the_reset(tmp_path):
    clock = Clock()
    svc = QueueService(load_config(), tmp_path, clock=clock)
    svc.start()
    try:
        number = svc.submit("issue", m.IssueRequest(
            request_id=new_request_id(), issuing_point="center", procedures=["juminhyo"])).result.number
        assert attach(svc, number).ok
        assert svc.application(number)["applicant"]["name"] == "伊勢崎 花子"
        for f in tmp_path.iterdir():
            if f.is_file():
                assert "伊勢崎 花子".encode() not in f.read_bytes(), f.name
        wrong_fee = attach(svc, number, copies=2, fee=300)
        assert not wrong_fee.ok and wrong_fee.error.code == "fee_mismatch"
        assert attach(svc, 999).error.code == "unknown_visit"
        clock.now = T0 + 20 * 3600  # 05:00 the next day: a new business day
        svc.submit("get_visit", m.GetVisit(request_id=new_request_id(), number=1))
        assert svc.application(number) is None
        with sqlite3.connect(tmp_path / "applications.db") as db:
            assert db.execute("SELECT count(*) FROM applications").fetchone()[0] == 0
    finally:
        svc.stop()


def test_an_applicant_sealed_for_another_key_or_visit_is_refused(tmp_path):
    svc = QueueService(load_config(), tmp_path)
    svc.start()
    try:
        number = svc.submit("issue", m.IssueRequest(
            request_id=new_request_id(), issuing_point="center", procedures=["juminhyo"])).result.number
        other = public_key_text(X25519PrivateKey.generate())
        for key, bound_to in ((other, number), (svc.seal_public_key, number + 1)):
            r = svc.submit("attach_application", m.AttachApplication(
                request_id=new_request_id(), number=number, identified_by="manual",
                sealed_applicant=m.seal_applicant(key, APPLICANT, bound_to),
                certificates=[m.CertificateLine(procedure="juminhyo", copies=2)], fee_yen=600))
            assert not r.ok and r.error.code == "unsealable"
        assert svc.application(number) is None
    finally:
        svc.stop()


def test_the_key_stays_out_of_reach(tmp_path):
    svc = QueueService(load_config(), tmp_path)
    svc.stop()
    assert (tmp_path / "applications.key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "seal.key").stat().st_mode & 0o077 == 0
