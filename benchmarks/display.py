"""`python -m benchmarks.display`: the call board measured end to end, printed as a table.

Starts a Mosquitto, the real queue service and the real board (`python -m display`, lobby
layout, offscreen Mesa, speaking into a WAV file from a clip library), then measures:
- start-up: process start to the first frame that shows the service's retained state;
- call to board shown: a counter's `call_next` request sent until the first board frame
  showing that number (the board draws 10 frames a second, so this includes up to 100 ms
  of waiting for the next frame), p50 and p99;
- the board's memory (resident set) after the calls, and its peak;
- speech lag at a late-March peak: calls arriving at random (Poisson) at `--speech-per-hour`
  over the lobby's counters, spoken from the same clip library by the board's own speech
  policy (`display.voice.announcer.next_utterance`) in simulated time (the clips' real
  lengths, no waiting): call received -> its number starts to sound, p50 and p99, beside
  the old unbounded queue that said every call in full.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path

from demo.broker import LocalBroker
from demo.processes import ServiceProcess
from display.voice.announcer import (
    CHIME_AFTER_S,
    RATE_WINDOW_S,
    Queued,
    SpeechPolicy,
    next_utterance,
)
from display.voice.clips import Call, ClipLibrary, render
from display.voice.synth import RATE
from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config

SITE = "isesaki"
REPO = Path(__file__).resolve().parent.parent
COUNTERS = ("c05", "c06")  # 市民課: the procedure below queues there


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class BoardProcess:
    """`python -m display --trace`; collects its JSON timing lines."""

    def __init__(self, broker: LocalBroker, clips: Path, wav: Path, layout: str):
        env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_NO_CONSOLELOG="1",
                   PYTHONUNBUFFERED="1")
        self.started = time.time()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "display", "--broker-host", broker.host, "--broker-port",
             str(broker.port), "--device", "board-bench", "--layout", layout, "--clips", str(clips),
             "--wav", str(wav), "--trace"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        self.ready: float | None = None
        self.shown: dict[int, float] = {}  # ticket number -> first frame showing it
        self.received: dict[int, float] = {}  # ticket number -> call message reached the board
        self._cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            with self._cond:
                if "ready" in record:
                    self.ready = record["ready"]
                elif "shown" in record:
                    self.shown.setdefault(record["number"], record["t"])
                elif "received" in record:
                    self.received.setdefault(record["received"], record["t"])
                self._cond.notify_all()

    def wait(self, predicate, timeout: float = 60.0) -> None:
        with self._cond:
            if not self._cond.wait_for(predicate, timeout):
                raise RuntimeError("the board did not show what was expected in time")

    def wait_ready(self) -> None:
        self.wait(lambda: self.ready is not None)

    def memory_mb(self) -> tuple[float, float]:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines())
        return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def speech_lag(library: ClipLibrary, counters: list[int], per_hour: float, calls: int,
               numbers: int, policy: SpeechPolicy | None, seed: int = 7) -> tuple[list[float], int]:
    """Simulate `calls` calls arriving at `per_hour`; returns each spoken call's lag (s) and
    how many were not spoken. policy None: the old queue, every call in full, in order."""
    rng = random.Random(seed)
    t, arrivals = 0.0, []
    for i in range(calls):
        t += rng.expovariate(per_hour / 3600)
        arrivals.append(Queued(Call(1 + i % numbers, rng.choice(counters)), t))
    languages = ("ja", "en")
    lags: list[float] = []
    dropped, now, i, last_end = 0, 0.0, 0, float("-inf")
    while i < len(arrivals):
        now = max(now, arrivals[i].at)
        chime = policy is None or now - last_end >= CHIME_AFTER_S
        waiting = []
        while i < len(arrivals) and arrivals[i].at <= now:
            waiting.append(arrivals[i])
            i += 1
        if policy is None:
            parts = [(waiting[0], languages)]
            i -= len(waiting) - 1  # the rest stays queued, in order
        else:
            per_min = sum(now - RATE_WINDOW_S < a.at <= now for a in arrivals) * 60 / RATE_WINDOW_S
            utterance = next_utterance(waiting, now, policy,
                                       partial(library.starts, chime=chime), per_min)
            parts, dropped = list(utterance.parts), dropped + len(utterance.dropped)
        if not parts:
            continue
        spoken = [(q.call, langs) for q, langs in parts]
        lags += [now + start - q.at for (q, _), start in zip(parts, library.starts(spoken, chime))]
        now += library.assemble_parts(spoken, chime).size / RATE
        last_end = now
    return lags, dropped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.display", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--starts", type=int, default=3, help="board start-ups to time")
    parser.add_argument("--layout", choices=("lobby", "counter"), default="lobby")
    parser.add_argument("--speech-per-hour", type=float, default=480,
                        help="call rate of the speech-lag simulation (a late-March peak hour)")
    parser.add_argument("--speech-only", action="store_true",
                        help="only the speech-lag simulation (no broker, service or board)")
    parser.add_argument("--clips", type=Path, help="a provisioned clip library (default: render "
                        "the clips these calls need into a cache in the temp folder)")
    args = parser.parse_args(argv)

    site = load_config()
    clips = args.clips or Path(tempfile.gettempdir()) / "madoguchi-bench-clips"
    if not args.clips:
        print(f"rendering the clips for numbers 1-{args.calls} into {clips} (cached) ...", flush=True)
        render(clips, ["ja", "en"], site.numbers.last, [c.number for c in site.counters.values()],
               numbers=range(1, args.calls + 1))

    speech = speech_table(ClipLibrary(clips), site, args.speech_per_hour, args.calls)
    if args.speech_only:
        print(speech)
        return 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        broker = LocalBroker(tmp / "broker").start()
        service = ServiceProcess(broker, tmp / "service", web_port=0).start()
        desk = ServiceClient(SITE, "counter-bench", broker.host, broker.port)
        board: BoardProcess | None = None
        try:
            if not desk.start(10):
                raise RuntimeError("the counter device could not connect")

            def run(command: str, **fields) -> m.Response:
                r = desk.request(command, m.COMMANDS[command](request_id=new_request_id(), **fields))
                if not r.ok:
                    raise RuntimeError(f"{command}: {r.error}")
                return r

            startups = []
            for i in range(args.starts):
                board = BoardProcess(broker, clips, tmp / f"start{i}.wav", args.layout)
                board.wait_ready()
                startups.append(board.ready - board.started)
                board.stop()
            board = BoardProcess(broker, clips, tmp / "calls.wav", args.layout)
            board.wait_ready()

            for _ in range(args.calls):
                run("issue", issuing_point="east", procedures=["juminhyo"])
            for counter in COUNTERS:
                run("open_counter", counter=counter)
            published: dict[int, float] = {}  # ticket number -> call message seen on the broker

            def on_call(topic: str, payload: bytes, retained: bool) -> None:
                number = json.loads(payload).get("number")
                if number is not None and not retained:
                    published.setdefault(number, time.time())

            desk.subscribe(topics.all_calls(SITE), on_call)
            latencies, answers, on_broker, at_board = [], [], [], []
            for i in range(args.calls):
                counter = COUNTERS[i % len(COUNTERS)]
                sent = time.time()
                number = run("call_next", counter=counter).result.visit.number
                answers.append(time.time() - sent)
                board.wait(lambda n=number: n in board.shown)
                latencies.append(board.shown[number] - sent)
                on_broker.append(published.get(number, float("nan")) - sent)
                at_board.append(board.received.get(number, float("nan")) - sent)
                run("start", counter=counter)
                run("finish", counter=counter)
            rss, peak = board.memory_mb()
        finally:
            if board:
                board.stop()
            desk.stop()
            service.stop()
            broker.stop()

    rows = [
        ("board start-up to first frame with state", f"{pct(startups, 50):.2f} s",
         f"{max(startups):.2f} s", f"{len(startups)} starts"),
        ("call_next sent -> number on screen", f"{pct(latencies, 50) * 1000:.0f} ms",
         f"{pct(latencies, 99) * 1000:.0f} ms",
         f"{len(latencies)} calls, 10 frames/s; first call {latencies[0] * 1000:.0f} ms"),
        ("  of which: call_next answered by the service", f"{pct(answers, 50) * 1000:.0f} ms",
         f"{pct(answers, 99) * 1000:.0f} ms", ""),
        ("  of which: call message out of the broker", f"{pct(on_broker, 50) * 1000:.0f} ms",
         f"{pct(on_broker, 99) * 1000:.0f} ms", f"first call {on_broker[0] * 1000:.0f} ms"),
        ("  of which: call message reached the board", f"{pct(at_board, 50) * 1000:.0f} ms",
         f"{pct(at_board, 99) * 1000:.0f} ms", f"first call {at_board[0] * 1000:.0f} ms"),
        ("board memory (RSS) after the calls", f"{rss:.0f} MB", f"peak {peak:.0f} MB", "clips loaded lazily"),
    ]
    print(f"\nCall board ({args.layout} layout, offscreen Mesa, {os.cpu_count()} cores)\n")
    widths = [max(len(r[i]) for r in rows + [("measure", "p50", "p99 / max", "n")]) for i in range(4)]
    for row in [("measure", "p50", "p99 / max", "n"), tuple("-" * w for w in widths), *rows]:
        print("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
    print(speech)
    return 0


def speech_table(library: ClipLibrary, site, per_hour: float, numbers: int) -> str:
    counters = sorted({c.number for c in site.counters.values()})
    calls = max(int(per_hour), 200)  # an hour of calls, at least 200
    rows = []
    for name, policy in (("old: every call in full, unbounded queue", None),
                         ("board: backlog in Japanese, stale/superseded dropped",
                          SpeechPolicy(("ja", "en"))),
                         ("board with the Japanese repeated", SpeechPolicy(("ja", "en"), repeat_ja=True))):
        lags, dropped = speech_lag(library, counters, per_hour, calls, numbers, policy)
        rows.append((name, f"{pct(lags, 50):.1f} s", f"{pct(lags, 99):.1f} s",
                     f"{len(lags)} spoken, {dropped} shown only"))
    head = ("speech lag: call received -> its number sounds", "p50", "p99", "n")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    lines = [(f"\nSpeech at {per_hour:.0f} calls an hour over {len(counters)} counters "
              "(simulated time, real clip lengths; target p99 < 15 s)\n")]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        lines.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
