"""The concierge lock: only staff unlock; wrong PINs lock out; idle and closing time lock."""

from ticketer.staff import hash_pin, verify_pin

from .conftest import HANAKO_CARD


def test_pin_hash_is_salted_scrypt_and_verifies():
    a, b = hash_pin("4821"), hash_pin("4821")
    assert a.startswith("scrypt$") and a != b and "4821" not in a
    assert verify_pin("4821", a) and not verify_pin("4822", a)
    assert not verify_pin("4821", "garbage")


def test_locked_at_start_and_unlocks_with_the_right_pin(lock, store):
    assert lock.state == "locked"
    assert not lock.unlock_pin("1024", "0000").ok
    attempt = lock.unlock_pin("1024", "4821")
    assert attempt.ok and lock.state == "unlocked" and lock.staff_id == "1024"
    assert ("unlock", "1024", "pin") in store.audit_log()


def test_five_wrong_pins_lock_out_even_the_right_pin_and_card(lock, clock, store):
    for i in range(4):
        a = lock.unlock_pin("1024", "1111")
        assert a.message_key == "wrong_pin" and a.tries_left == 4 - i
    a = lock.unlock_pin("9999", "1111")  # an unknown staff number counts too
    assert a.message_key == "locked_out" and lock.state == "locked_out"
    assert not lock.unlock_pin("1024", "4821").ok
    assert not lock.unlock_card(HANAKO_CARD).ok
    clock.advance(4.9)
    lock.tick()
    assert lock.state == "locked_out"
    clock.advance(0.2)
    lock.tick()
    assert lock.state == "locked"
    assert lock.unlock_pin("1024", "4821").ok
    events = [e for e, _, _ in store.audit_log()]
    assert events.count("wrong_pin") == 5 and "lockout" in events and "lockout_ended" in events


def test_the_physical_key_overrides_a_lockout_and_locks_when_turned_off(lock, store):
    for _ in range(5):
        lock.unlock_pin("1024", "1111")
    lock.key_switch(True)
    assert lock.state == "unlocked" and lock.staff_id == "keyswitch"
    lock.key_switch(False)
    assert lock.state == "locked"


def test_staff_card_unlocks_and_unknown_card_does_not(lock, store):
    assert not lock.unlock_card(b"\x01\x02\x03\x04").ok
    assert lock.unlock_card(HANAKO_CARD).ok and lock.staff_id == "1024"
    assert ("unlock", "1024", "card") in store.audit_log()


def test_idle_time_locks_but_activity_postpones_it(lock, clock, store):
    lock.unlock_pin("1031", "735190")
    clock.advance(9)
    lock.touch()
    clock.advance(9)
    lock.tick()
    assert lock.state == "unlocked"
    clock.advance(1.5)
    lock.tick()
    assert lock.state == "locked"
    assert ("lock", "1031", "idle") in store.audit_log()


def test_closing_time_locks(lock, clock, store):
    clock.advance(8 * 60 + 10)  # 17:10
    lock.unlock_pin("1024", "4821")
    for _ in range(4):  # ticks every 2 minutes, staff busy all the time
        clock.advance(2)
        lock.touch()
        lock.tick()
    assert lock.state == "locked"
    assert ("lock", "1024", "closing_time") in store.audit_log()


def test_audit_never_holds_a_pin(lock, store):
    lock.unlock_pin("1024", "7777")
    lock.unlock_pin("1024", "4821")
    text = repr(store.audit_log())
    assert "7777" not in text and "4821" not in text
