"""`python -m benchmarks.display`: the call board measured end to end, printed as a table.

Starts a Mosquitto, the real queue service and the real board (`python -m display`, lobby
layout, offscreen Mesa, speaking into a WAV file from a clip library), then measures:
- start-up: process start to the first frame that shows the service's retained state;
- call to board shown: a counter's `call_next` request sent until the first board frame
  showing that number (the board draws 10 frames a second, so this includes up to 100 ms
  of waiting for the next frame), p50 and p99;
- the board's memory (resident set) after the calls, and its peak;
- speech lag at a late-March peak: calls arriving at random (Poisson) at the peak-hour
  rate of domain.md's numbers (`peak_calls_per_hour`: 1,000 cases a working day, a
  late-March day 3.5 times that, the busiest hour's share of the day, and the recalls of
  missed calls) over the lobby's counters, spoken from the same clip library by the
  board's own speech backlog (`display.voice.announcer.Backlog`) in simulated time: every
  announcement lasts as long as the WAV it assembles. Call received -> its number starts
  to sound, p50 and p99, and the share of calls shown but never spoken, beside the old
  unbounded queue that said every call in full. The figures go into results.json.
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
from pathlib import Path

from benchmarks import save_results
from benchmarks.sim_scenario import ARRIVAL_PROFILE, MISS_SHARE
from demo.broker import LocalBroker
from demo.processes import ServiceProcess
from display.voice.announcer import MAX_AGE_S, Backlog, SpeechPolicy
from display.voice.clips import Call, ClipLibrary, render
from display.voice.synth import RATE
from protocol import messages as m
from protocol import topics
from protocol.client import ServiceClient, new_request_id
from protocol.site import load_config

SITE = "isesaki"
REPO = Path(__file__).resolve().parent.parent
COUNTERS = ("c05", "c06")  # 市民課: the procedure below queues there
CASES_PER_DAY = 1000  # Isesaki's main floor (domain.md, 001:L86)
PEAK_DAY_FACTOR = 3.5  # late March: 3-4 times an ordinary day (000:L630)
TURN_S = 60.0  # a counter calls again only after the citizen came up and was served
RECALL_AFTER_S = 60.0  # a missed call is called again within the two minutes before 不在


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


def peak_calls_per_hour() -> float:
    """Calls an hour at the busiest hour of a late-March day: every case called once, the
    missed ones (MISS_SHARE) once more."""
    busiest = max(share / (end - start) for start, end, share in ARRIVAL_PROFILE)
    return CASES_PER_DAY * PEAK_DAY_FACTOR * busiest * (1 + MISS_SHARE)


def peak_calls(counters: list[int], per_hour: float, calls: int, numbers: int,
               seed: int = 7) -> list[tuple[float, Call]]:
    """`calls` calls at `per_hour` (Poisson), by the time they come: each from a counter
    free for TURN_S (else the one free soonest), MISS_SHARE of them called again."""
    rng = random.Random(seed)
    free_at = dict.fromkeys(counters, 0.0)
    t, out = 0.0, []
    for i in range(calls):
        t += rng.expovariate(per_hour * (1 - MISS_SHARE) / 3600)
        free = [c for c, at in free_at.items() if at <= t]
        counter = rng.choice(free) if free else min(free_at, key=free_at.get)
        call = Call(1 + i % numbers, counter)
        out.append((t, call))
        free_at[counter] = t + TURN_S
        if rng.random() < MISS_SHARE:
            out.append((t + RECALL_AFTER_S, Call(call.number, counter, recall=True)))
            free_at[counter] = t + RECALL_AFTER_S + TURN_S
    return sorted(out, key=lambda a: a[0])


def old_queue_lag(library: ClipLibrary, arrivals: list[tuple[float, Call]],
                  languages: tuple[str, ...]) -> list[float]:
    """The queue before the backlog: every call in full, one after the other, unbounded."""
    lags, now = [], 0.0
    for at, call in arrivals:
        now = max(now, at)
        lags.append(now + library.starts([call], languages)[0] - at)
        now += library.assemble(call, languages).size / RATE
    return lags


def speech_lag(library: ClipLibrary, arrivals: list[tuple[float, Call]],
               policy: SpeechPolicy) -> tuple[list[float], Backlog]:
    """Say `arrivals` through the board's backlog in simulated time; returns each spoken
    call's lag (s), and the backlog (its counts of stale and superseded calls)."""
    backlog = Backlog(policy)
    lags: list[float] = []
    now, i = 0.0, 0
    while i < len(arrivals):
        now = max(now, arrivals[i][0])
        while i < len(arrivals) and arrivals[i][0] <= now:
            backlog.add(arrivals[i][1], arrivals[i][0])
            i += 1
        utterance, chime = backlog.take(now, library.starts)
        if not utterance.calls:
            continue
        said = [q.call for q in utterance.calls]
        starts = library.starts(said, utterance.languages, chime)
        lags += [now + start - q.at for q, start in zip(utterance.calls, starts)]
        now += library.announcement(said, utterance.languages, chime).size / RATE
        backlog.ended(now)
    return lags, backlog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.display", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--starts", type=int, default=3, help="board start-ups to time")
    parser.add_argument("--layout", choices=("lobby", "counter"), default="lobby")
    parser.add_argument("--speech-per-hour", type=float, default=round(peak_calls_per_hour()),
                        help="call rate of the speech-lag simulation (default: a late-March "
                        "peak hour from domain.md's numbers)")
    parser.add_argument("--speech-hours", type=int, default=20,
                        help="peak hours simulated (each its own random calls)")
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

    speech, figures = speech_table(ClipLibrary(clips), site, args.speech_per_hour, args.calls,
                                   args.speech_hours)
    if args.speech_only:
        print(speech)
        save_results(figures)
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
    save_results(figures)
    return 0


def speech_table(library: ClipLibrary, site, per_hour: float, numbers: int,
                 hours: int) -> tuple[str, dict]:
    """The speech-lag table over `hours` simulated peak hours, and its figures."""
    counters = sorted({c.number for c in site.counters.values()})
    calls = max(int(per_hour), 200)  # an hour of calls, at least 200

    def hours_of(rate: float, n: int) -> list[list[tuple[float, Call]]]:
        return [peak_calls(counters, rate, n, numbers, seed=7 + h) for h in range(hours)]

    peak = hours_of(per_hour, calls)
    total = sum(len(a) for a in peak)
    old = [lag for a in peak for lag in old_queue_lag(library, a, ("ja", "en"))]
    rows = [("old: every call in full, unbounded queue", f"{pct(old, 50):.1f} s",
             f"{pct(old, 99):.1f} s", f"{len(old)} spoken, 0 shown only")]
    results: dict = {"speech_calls_per_hour": round(per_hour), "speech_calls": total,
                     "speech_lag_old_p99_s": round(pct(old, 99), 1)}
    for key, name, policy, said in (
            ("", "board: backlog said together in Japanese", SpeechPolicy(("ja", "en")), peak),
            ("repeat_ja", "board with the Japanese repeated",
             SpeechPolicy(("ja", "en"), repeat_ja=True), peak),
            ("x1_5", "board at 1.5 x the peak rate", SpeechPolicy(("ja", "en")),
             hours_of(1.5 * per_hour, int(1.5 * calls)))):
        lags, stale, superseded = [], 0, 0
        for arrivals in said:
            hour, backlog = speech_lag(library, arrivals, policy)
            lags, stale, superseded = lags + hour, stale + backlog.stale, superseded + backlog.superseded
        n = sum(len(a) for a in said)
        share = 100 * (stale + superseded) / n
        rows.append((name, f"{pct(lags, 50):.1f} s", f"{pct(lags, 99):.1f} s",
                     (f"{len(lags)} of {n} spoken ({share:.1f}% shown only: {stale} stale, "
                      f"{superseded} superseded), longest {max(lags):.1f} s")))
        prefix = f"speech_{key}_" if key else "speech_"
        results.update({f"{prefix}lag_p50_s": round(pct(lags, 50), 1),
                        f"{prefix}lag_p99_s": round(pct(lags, 99), 1),
                        f"{prefix}unspoken_pct": round(share, 2)})
    # the doors open: every counter calls its first number in the same second
    opening = [(0.0, Call(1 + i, c)) for i, c in enumerate(counters)]
    lags, backlog = speech_lag(library, opening, SpeechPolicy(("ja", "en")))
    rows.append(("opening: every counter calls at once", f"{pct(lags, 50):.1f} s",
                 f"{pct(lags, 99):.1f} s", f"{len(lags)} of {len(opening)} spoken, {backlog.stale} stale"))
    results["speech_opening_unspoken"] = backlog.stale
    head = ("speech lag: call received -> its number sounds", "p50", "p99", "n")
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
    recalls = sum(c.recall for a in peak for _, c in a)
    lines = [(f"\nSpeech at {per_hour:.0f} calls an hour (a late-March peak hour), {hours} hours, "
              f"{len(counters)} counters, {recalls} of {total} calls recalls (simulated time, "
              f"real clip lengths; target p99 < 15 s, stale after {MAX_AGE_S:.0f} s)\n")]
    for row in [head, tuple("-" * w for w in widths), *rows]:
        lines.append("| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |")
    return "\n".join(lines), results


if __name__ == "__main__":
    sys.exit(main())
