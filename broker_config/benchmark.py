"""`python -m broker_config.benchmark`: what the site's security costs, beside the bare broker.

Measures on this machine, each against a real Mosquitto:
  * request/response round trip (device -> `dev/<id>/req/get_visit` -> a responder logged in
    as `service` -> `dev/<id>/res` -> device), QoS 1, MQTT v5 properties, one at a time:
    the anonymous development broker, the site configuration over plain TCP (passwords and
    the ACL) and over TLS (the way appliances connect);
  * a burst of QoS 1 heartbeats from one device (messages per second);
  * enrolling one more device into a site of 200 (registry, password and ACL files, SIGHUP).
Prints a table.
"""

from __future__ import annotations

import ssl
import statistics
import tempfile
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from demo.broker import LocalBroker
from protocol.client import disable_nagle
from provisioning.sandbox import start_sandbox

ROUND_TRIPS = 500
BURST = 5000
P = "madoguchi/isesaki"


def _client(port: int, user: str | None, password: str | None, tls: ssl.SSLContext | None,
            host: str = "127.0.0.1") -> mqtt.Client:
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=user or "", protocol=mqtt.MQTTv5)
    if user:
        c.username_pw_set(user, password)
    if tls:
        c.tls_set_context(tls)
    disable_nagle(c)
    connected = threading.Event()
    c.on_connect = lambda *a: connected.set()
    c.connect(host, port)
    c.loop_start()
    if not connected.wait(5):
        raise RuntimeError(f"cannot connect to {host}:{port} as {user}")
    return c


def round_trips(device: mqtt.Client, service: mqtt.Client, device_id: str) -> list[float]:
    answered = threading.Event()

    def respond(client, userdata, msg):
        props = Properties(PacketTypes.PUBLISH)
        props.CorrelationData = msg.properties.CorrelationData
        client.publish(msg.properties.ResponseTopic, b'{"ok":true}', qos=1, properties=props)

    service.on_message = respond
    service.subscribe(f"{P}/dev/+/req/+", qos=1)
    device.on_message = lambda *a: answered.set()
    device.subscribe(f"{P}/dev/{device_id}/res", qos=1)
    time.sleep(0.3)
    times = []
    for i in range(ROUND_TRIPS):
        props = Properties(PacketTypes.PUBLISH)
        props.ResponseTopic = f"{P}/dev/{device_id}/res"
        props.CorrelationData = i.to_bytes(4, "big")
        answered.clear()
        start = time.perf_counter()
        device.publish(f"{P}/dev/{device_id}/req/get_visit", b"{}", qos=1, properties=props)
        if not answered.wait(5):
            raise RuntimeError("no answer: is the ACL refusing the benchmark?")
        times.append((time.perf_counter() - start) * 1000)
    return times


def burst(device: mqtt.Client, device_id: str) -> float:
    done = threading.Event()
    acked = [0]

    def on_publish(*a):
        acked[0] += 1
        if acked[0] == BURST:
            done.set()

    device.on_publish = on_publish
    start = time.perf_counter()
    for _ in range(BURST):
        device.publish(f"{P}/dev/{device_id}/health", b'{"v":1}', qos=1)
    done.wait(60)
    return BURST / (time.perf_counter() - start)


def measure(name: str, device: mqtt.Client, service: mqtt.Client, device_id: str) -> dict:
    times = round_trips(device, service, device_id)
    rate = burst(device, device_id)
    device.disconnect()
    service.disconnect()
    q = statistics.quantiles(times, n=100)
    return {"name": name, "p50": q[49], "p95": q[94], "p99": q[98], "rate": rate}


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        bare = LocalBroker(Path(tmp) / "bare").start()
        try:
            rows.append(measure("anonymous development broker",
                                _client(bare.port, None, None, None),
                                _client(bare.port, None, None, None), "issuer-1"))
        finally:
            bare.stop()
        site = start_sandbox(Path(tmp) / "site", roles=("issuer",))
        try:
            issuer = site.bundles["issuer"]
            svc = site.site.credentials("service")
            rows.append(measure("site config, plain TCP (passwords + ACL)",
                                _client(site.plain_port, issuer.username, issuer.password, None),
                                _client(site.plain_port, svc["username"], svc["password"], None),
                                "issuer-1"))
            tls = issuer.tls_context(Path(tmp) / "tls")
            rows.append(measure("site config, TLS (how appliances connect)",
                                _client(site.tls_port, issuer.username, issuer.password, tls),
                                _client(site.plain_port, svc["username"], svc["password"], None),
                                "issuer-1"))
            for n in range(199):
                site.site.enrol("board", f"board {n}", device=f"board-{n}", reload=False)
            start = time.perf_counter()
            site.site.enrol("board", "board 200", device="board-200")
            enrol_s = time.perf_counter() - start
        finally:
            site.stop()
    print(f"{'round trip via the broker (ms), ' + str(ROUND_TRIPS) + ' requests':<48}"
          f"{'p50':>7}{'p95':>7}{'p99':>7}  {'heartbeats/s':>12}")
    for r in rows:
        print(f"{r['name']:<48}{r['p50']:>7.2f}{r['p95']:>7.2f}{r['p99']:>7.2f}  {r['rate']:>12.0f}")
    print(f"enrol the 201st device (registry, passwd, ACL, SIGHUP, first config): {enrol_s:.2f} s")


if __name__ == "__main__":
    main()
