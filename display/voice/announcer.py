"""Spoken calls, one after another, never falling behind: one worker, a bounded backlog.

`say()` returns at once; the worker plays to the sink, which blocks until the sound is
out, so no call cuts another off. A call alone takes 11-13 s with the chime and two
languages; at a late-March peak calls come faster than that, so what waits is said
shorter (`next_utterance`, a pure function the benchmark runs in simulated time):

- every call waiting is said in one announcement after one chime and 受付番号 (neither
  when the speech goes straight on from the last, within `CHIME_AFTER_S`), in the first
  language only, each number right before its counter (`languages.sentences`): about 3 s
  a call instead of 11-13; so is a call alone while calls come faster than `calm_per_min` a minute (over
  the last two minutes; two thirds of it when the Japanese is repeated); otherwise it is
  said in every language, with the Japanese said twice first when the site wants it
  (`repeat_ja`);
- a call is said in the order it came; one that could not be heard within `max_age_s`
  (30 s) of its coming is stale and not spoken (the board still lists it with the recent
  calls); at a peak hour none is (benchmarks.display);
- a call superseded by a later call at the same counter, or withdrawn because its
  counter cleared it (受付開始: the citizen is there), is not spoken (the number would be
  sent to a counter that has moved on).
A recall is said with the recall wording first (「再度お呼び出しします。」).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .clips import ClipLibrary, MissingClip
from .languages import Call
from .sinks import Sink
from .synth import RATE

log = logging.getLogger(__name__)
MAX_AGE_S = 30.0  # a call not heard by then is stale: only shown
CALM_PER_MIN = 4.0  # a call in two languages takes 11-13 s: more than this, and they queue
# (in three, the Japanese repeated, 16 s: two thirds of this)
RATE_WINDOW_S = 120.0
CHIME_AFTER_S = 3.0  # silence after which a call starts with the chime again


@dataclass(frozen=True)
class Queued:
    call: Call
    at: float  # when the board got it (announcer clock)


@dataclass(frozen=True)
class SpeechPolicy:
    languages: tuple[str, ...]
    max_age_s: float = MAX_AGE_S
    repeat_ja: bool = False
    calm_per_min: float = CALM_PER_MIN


@dataclass(frozen=True)
class Utterance:
    calls: tuple[Queued, ...]  # said together, in the order they came
    languages: tuple[str, ...]  # said in each in turn (ja twice when repeated)
    stale: tuple[Queued, ...] = ()  # could not be heard within max_age_s: shown only
    superseded: tuple[Queued, ...] = ()  # their counter called again since: shown only


Starts = Callable[[list[Call], tuple[str, ...]], list[float]]


def next_utterance(waiting: list[Queued], now: float, policy: SpeechPolicy,
                   starts: Starts, per_min: float = 0.0) -> Utterance:
    """What to say next of the calls waiting (oldest first). `starts(calls, languages)`:
    seconds from the chime until each call is heard (`ClipLibrary.starts`); `per_min`:
    calls a minute received lately. No call is said later than `max_age_s` after it came."""
    newest = {q.call.counter_number: q for q in waiting}  # later calls replace earlier ones
    candidates = [q for q in waiting if newest[q.call.counter_number] is q]
    full = ("ja", *policy.languages) if policy.repeat_ja and "ja" in policy.languages \
        else policy.languages
    # in full only when calls come slowly enough for it (the longer it is, the slower)
    calm = per_min * len(full) / 2 <= policy.calm_per_min
    languages = full if len(candidates) == 1 and calm else policy.languages[:1]
    chosen: list[Queued] = []
    if languages:
        for q in candidates:  # a later call never delays an earlier one: checked in order
            heard = starts([c.call for c in [*chosen, q]], languages)[-1]
            if now + heard - q.at <= policy.max_age_s:
                chosen.append(q)
    return Utterance(tuple(chosen), languages,
                     stale=tuple(q for q in candidates if q not in chosen),
                     superseded=tuple(q for q in waiting if newest[q.call.counter_number] is not q))


class Backlog:
    """The calls waiting to be said and the pace of the last ones: the announcer's
    decisions without a thread or a clock, so the benchmark runs them in simulated time."""

    def __init__(self, policy: SpeechPolicy):
        self.policy = policy
        self.waiting: list[Queued] = []
        self.received: list[float] = []  # when calls came, over the last RATE_WINDOW_S
        self.last_end = float("-inf")  # when the last announcement stopped sounding
        self.stale = 0  # calls shown but too late to be spoken, since the start
        self.superseded = 0  # calls shown, not spoken: their counter had moved on

    def add(self, call: Call, now: float) -> Queued:
        queued = Queued(call, now)
        self.waiting.append(queued)
        self.received = [t for t in self.received if now - t < RATE_WINDOW_S] + [now]
        return queued

    def withdraw(self, counter_number: int) -> None:
        """The counter moved on (serving, closed): its call waiting is not owed any more."""
        kept = [q for q in self.waiting if q.call.counter_number != counter_number]
        self.superseded += len(self.waiting) - len(kept)
        self.waiting = kept

    def take(self, now: float, starts: Callable[..., list[float]]) -> tuple[Utterance, bool]:
        """The next announcement and whether it opens with the chime; the backlog is empty
        after it. `starts(calls, languages, chime)`: as `ClipLibrary.starts`."""
        per_min = sum(now - t < RATE_WINDOW_S for t in self.received) * 60 / RATE_WINDOW_S
        chime = now - self.last_end >= CHIME_AFTER_S
        utterance = next_utterance(self.waiting, now, self.policy, partial(starts, chime=chime),
                                   per_min)
        self.waiting = []
        self.stale += len(utterance.stale)
        self.superseded += len(utterance.superseded)
        return utterance, chime

    def ended(self, at: float) -> None:
        self.last_end = max(self.last_end, at)


class Announcer:
    def __init__(self, library: ClipLibrary, sink: Sink, languages: list[str], *,
                 max_age_s: float = MAX_AGE_S, repeat_ja: bool = False,
                 clock: Callable[[], float] = time.monotonic):
        self.library = library
        self.sink = sink
        self.clock = clock
        self.audio_ok = True
        self.backlog = Backlog(SpeechPolicy(tuple(languages), max_age_s, repeat_ja))
        self._jobs: list[Callable[[], None]] = []
        self._busy = False
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def say(self, call: Call) -> None:
        with self._cond:
            self.backlog.add(call, self.clock())
            self._cond.notify_all()

    def withdraw(self, counter_number: int) -> None:
        with self._cond:
            self.backlog.withdraw(counter_number)
            self._cond.notify_all()

    def chime(self) -> None:
        """The chime alone (the device's `test_chime` command)."""
        with self._cond:
            self._jobs.append(lambda: self.sink.play(self.library.clip("chime")))
            self._cond.notify_all()

    def configure(self, languages: list[str], max_age_s: float = MAX_AGE_S,
                  repeat_ja: bool = False) -> None:
        with self._cond:
            self.backlog.policy = SpeechPolicy(tuple(languages), max_age_s, repeat_ja)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once everything queued so far has been played (or dropped)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not (self._busy or self.backlog.waiting or self._jobs), timeout)

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=30)

    def health(self) -> dict:
        return {"audio": "ok" if self.audio_ok else "error"}

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stopping or self.backlog.waiting or self._jobs)
                if self._stopping and not (self.backlog.waiting or self._jobs):
                    return
                jobs, self._jobs = self._jobs, []
                utterance, chime = self.backlog.take(self.clock(), self._starts)
                self._busy = True
            began, seconds = self.clock(), 0.0
            try:
                for job in jobs:
                    self._play(job)
                if utterance.calls:
                    seconds = self._play(partial(self._say, utterance, chime)) or 0.0
            finally:
                with self._cond:
                    if jobs or seconds:  # something sounded: the next goes straight on from it
                        # when the sound ends (a WAV file sink returns before it would have)
                        self.backlog.ended(max(self.clock(), began + seconds))
                    self._busy = False
                    self._cond.notify_all()

    def _starts(self, calls: list[Call], languages: tuple[str, ...], chime: bool) -> list[float]:
        try:
            return self.library.starts(calls, languages, chime)
        except MissingClip:  # said or skipped by _say, which logs it
            return [0.0] * len(calls)

    def _say(self, utterance: Utterance, chime: bool) -> float:
        """Play the utterance; returns its length in seconds."""
        calls = [q.call for q in utterance.calls]
        problems = self.library.unprovisioned(calls, utterance.languages, chime)
        for problem in filter(None, problems):  # one call not provisioned must not silence the others
            log.error("call not spoken: %s", problem)
        calls = [c for c, problem in zip(calls, problems) if problem is None]
        if not calls:
            return 0.0
        samples = self.library.announcement(calls, utterance.languages, chime)
        self.sink.play(samples)
        return samples.size / RATE

    def _play(self, job: Callable[[], float | None]) -> float | None:
        try:
            result = job()
            self.audio_ok = True
            return result
        except Exception:
            self.audio_ok = False
            log.exception("announcement failed")
            return None
