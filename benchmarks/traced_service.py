"""The queue service with timers on its request path, for `python -m benchmarks.issue_trace`.

`python -m benchmarks.traced_service <queue_service options> --trace-out FILE` runs the
real service (`queue_service.__main__.main`) with these moments noted for every request
(on the clock all processes share, `time.monotonic`):

- `received`: the service's network thread has read the request off its socket (paho's
  own receipt time);
- `replied`: the worker has handed the answer to the network thread, after its batch
  was committed;

and, for the service as a whole, each store commit's duration and each garbage
collection's pause. They are written to FILE as JSON when the service stops. The timers
add a few microseconds per request; nothing else of the service changes.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import sys
import time

from queue_service import mqtt_shell, service, store
from queue_service.__main__ import main as service_main

received: dict[str, float] = {}
replied: dict[str, float] = {}
commits: list[float] = []
pauses: list[tuple[int, float]] = []  # (generation, seconds)


def _trace_requests() -> None:
    on_request = mqtt_shell.MqttShell._on_request

    def traced_on_request(self, msg, site, device, command):
        try:
            received[json.loads(msg.payload)["request_id"]] = msg.timestamp
        except (ValueError, KeyError, TypeError):
            pass  # a malformed request: the service answers it, nothing to time
        return on_request(self, msg, site, device, command)

    enqueue = service.QueueService.enqueue

    def traced_enqueue(self, command, request, device, reply):
        def traced_reply(payload: bytes) -> None:
            reply(payload)
            replied[request.request_id] = time.monotonic()
        return enqueue(self, command, request, device, traced_reply)

    commit = store.Store.commit

    def traced_commit(self, batch):
        started = time.monotonic()
        try:
            return commit(self, batch)
        finally:
            commits.append(time.monotonic() - started)

    mqtt_shell.MqttShell._on_request = traced_on_request
    service.QueueService.enqueue = traced_enqueue
    store.Store.commit = traced_commit


def _trace_collections() -> None:
    began: list[float] = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            began[0] = time.monotonic()
        else:
            pauses.append((info["generation"], time.monotonic() - began[0]))

    gc.callbacks.append(on_gc)


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.traced_service",
                                description=__doc__.split("\n")[0])
    p.add_argument("--trace-out", required=True, help="the JSON file written at the end")
    args, service_argv = p.parse_known_args(argv)
    out = args.trace_out

    def write() -> None:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({"received": received, "replied": replied, "commits": commits,
                       "pauses": pauses}, f)

    atexit.register(write)
    _trace_requests()
    _trace_collections()
    return service_main(service_argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
