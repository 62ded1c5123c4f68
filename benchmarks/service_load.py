"""Load generators that run in their own processes (imported by `python -m benchmarks`)."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient, disable_nagle, new_request_id
from protocol.site import load_config

SITE = "isesaki"


def counter_cycles(host: str, port: int, counter_id: str, ready_file: str, go_file: str,
                   seconds: float) -> int:
    """One counter's load, in its own process: issue -> call -> finish, again and again,
    for `seconds` from the wall-clock time written into `go_file` (all workers together,
    once every one of them has connected and written its `ready_file`)."""
    cfg = load_config()
    counter = cfg.counters[counter_id]
    procedure = next(p.id for p in cfg.procedures.values()
                     if p.queued and cfg.queue_department(p.id) == counter.department)
    c = ServiceClient(SITE, f"bench-{counter_id}", host, port)
    c.start(wait=10)
    c.request("open_counter", m.OpenCounter(request_id=new_request_id(), counter=counter_id))
    Path(ready_file).write_text("ready")
    go = Path(go_file)
    while not go.exists() or not go.read_text():
        time.sleep(0.01)
    start_at = float(go.read_text())
    ops = 0
    time.sleep(max(start_at - time.time(), 0))
    stop = start_at + seconds
    while time.time() < stop:
        c.request("issue", m.IssueRequest(request_id=new_request_id(), issuing_point="east",
                                          procedures=[procedure]))
        r = c.request("call_next", m.CallNext(request_id=new_request_id(), counter=counter_id))
        ops += 2
        if r.ok and r.result.visit:
            c.request("finish", m.FinishProcedure(request_id=new_request_id(), counter=counter_id))
            ops += 1
    c.stop()
    return ops


def board_farm(host: str, port: int, counter: str, boards: int, ready_file: str,
               seconds: float) -> list[tuple[int, float, float]]:
    """`boards` call boards in this process, subscribed to one counter's calls; returns
    (number, the service's publish time, receive time) of every live call received."""
    got: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    subscribed = threading.Semaphore(0)

    def on_message(client, userdata, msg):
        now = time.time()
        call = json.loads(msg.payload)
        if not msg.retain and call.get("number") is not None:
            with lock:
                got.append((call["number"], call["at"], now))

    clients = []
    for i in range(boards):
        c = mqtt.Client(CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv5,
                        client_id=f"board-{ready_file[-8:]}-{i}")
        disable_nagle(c)
        c.on_message = on_message
        c.on_connect = lambda cl, *a: cl.subscribe(topics.call(SITE, counter), qos=1)
        c.on_subscribe = lambda *a: subscribed.release()
        c.connect(host, port)
        c.loop_start()
        clients.append(c)
    for _ in range(boards):
        subscribed.acquire(timeout=30)
    with open(ready_file, "w") as f:
        f.write("ready")
    time.sleep(seconds)
    for c in clients:
        c.disconnect()
        c.loop_stop()
    return got
