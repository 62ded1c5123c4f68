"""Spoken calls, one after another, never falling behind: one worker, a bounded backlog.

`say()` returns at once; the worker plays to the sink, which blocks until the sound is
out, so no call cuts another off. A call takes 11-13 s with the chime and two languages;
at a late-March peak calls come faster than that, so what waits is shortened
(`next_utterance`, a pure function the benchmark runs in simulated time):

- a call that would be heard later than `max_age_s` after it came is not spoken (the
  board still shows it);
- a call superseded by a later call at the same counter is not spoken;
- when several calls wait, they are said together after one chime (none when the speech
  goes straight on from the last call, within `CHIME_AFTER_S`), in the first
  language only; so is a call alone while calls come faster than `calm_per_min` a
  minute (over the last two minutes); otherwise it is said in every language, with the
  Japanese repeated first when the site wants it (`repeat_ja`).
A recall is queued like any call.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from .clips import Call, ClipLibrary, MissingClip
from .sinks import Sink
from .synth import RATE

log = logging.getLogger(__name__)
MAX_AGE_S = 15.0
CALM_PER_MIN = 4.0  # a call in two languages takes 11-13 s: more than this, and they queue
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
    parts: tuple[tuple[Queued, tuple[str, ...]], ...]  # each call and the languages it is said in
    dropped: tuple[Queued, ...]  # stale or superseded: shown, not spoken


Parts = list[tuple[Call, tuple[str, ...]]]


def next_utterance(waiting: list[Queued], now: float, policy: SpeechPolicy,
                   starts: Callable[[Parts], list[float]], per_min: float = 0.0) -> Utterance:
    """What to say next of the calls waiting (oldest first). `starts(parts)`: seconds from
    the chime until each call is heard (`ClipLibrary.starts`); `per_min`: calls a minute
    received lately. No call is said later than `max_age_s` after it came."""
    newest = {q.call.counter_number: q for q in waiting}  # later calls replace earlier ones
    candidates = [q for q in waiting if newest[q.call.counter_number] is q]
    languages = policy.languages
    if len(candidates) > 1 or per_min > policy.calm_per_min:
        languages = languages[:1]
    elif policy.repeat_ja and "ja" in languages:
        languages = ("ja", *languages)
    chosen: list[Queued] = []
    if languages:
        for q in candidates:
            heard = starts([(c.call, languages) for c in [*chosen, q]])[-1]
            if now + heard - q.at <= policy.max_age_s:
                chosen.append(q)
    return Utterance(tuple((q, languages) for q in chosen),
                     tuple(q for q in waiting if q not in chosen))


class Announcer:
    def __init__(self, library: ClipLibrary, sink: Sink, languages: list[str], *,
                 max_age_s: float = MAX_AGE_S, repeat_ja: bool = False,
                 clock: Callable[[], float] = time.monotonic):
        self.library = library
        self.sink = sink
        self.policy = SpeechPolicy(tuple(languages), max_age_s, repeat_ja)
        self.clock = clock
        self.audio_ok = True
        self.dropped = 0  # calls shown but not spoken since the start
        self._waiting: list[Queued] = []
        self._received: list[float] = []  # when calls came, over the last RATE_WINDOW_S
        self._jobs: list[Callable[[], None]] = []
        self._busy = False
        self._last_end = float("-inf")
        self._stopping = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def say(self, call: Call) -> None:
        with self._cond:
            now = self.clock()
            self._waiting.append(Queued(call, now))
            self._received = [t for t in self._received if now - t < RATE_WINDOW_S] + [now]
            self._cond.notify_all()

    def chime(self) -> None:
        """The chime alone (the device's `test_chime` command)."""
        with self._cond:
            self._jobs.append(lambda: self.sink.play(self.library.clip("chime")))
            self._cond.notify_all()

    def configure(self, languages: list[str], max_age_s: float = MAX_AGE_S,
                  repeat_ja: bool = False) -> None:
        with self._cond:
            self.policy = SpeechPolicy(tuple(languages), max_age_s, repeat_ja)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """True once everything queued so far has been played (or dropped)."""
        with self._cond:
            return self._cond.wait_for(
                lambda: not (self._busy or self._waiting or self._jobs), timeout)

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
                self._cond.wait_for(lambda: self._stopping or self._waiting or self._jobs)
                if self._stopping and not (self._waiting or self._jobs):
                    return
                jobs, self._jobs = self._jobs, []
                now = self.clock()
                per_min = sum(now - t < RATE_WINDOW_S for t in self._received) * 60 / RATE_WINDOW_S
                chime = now - self._last_end >= CHIME_AFTER_S
                utterance = next_utterance(self._waiting, now, self.policy,
                                           partial(self._starts, chime=chime), per_min)
                self._waiting = []
                self.dropped += len(utterance.dropped)
                self._busy = True
            began, seconds = self.clock(), 0.0
            try:
                for job in jobs:
                    self._play(job)
                if utterance.parts:
                    seconds = self._play(partial(self._say, utterance, chime)) or 0.0
            finally:
                with self._cond:
                    # when the sound ends (a WAV file sink returns before it would have)
                    self._last_end = max(self.clock(), began + seconds)
                    self._busy = False
                    self._cond.notify_all()

    def _starts(self, parts: Parts, chime: bool) -> list[float]:
        try:
            return self.library.starts(parts, chime)
        except MissingClip:  # said or skipped by _say, which logs it
            return [0.0] * len(parts)

    def _say(self, utterance: Utterance, chime: bool) -> float:
        """Play the utterance; returns its length in seconds."""
        parts = []
        for queued, languages in utterance.parts:
            try:
                for keys in self.library.keys_for(queued.call, languages):
                    for key in keys:
                        self.library.clip(key)
                parts.append((queued.call, languages))
            except MissingClip as exc:  # one call not provisioned must not silence the others
                log.error("call not spoken: %s", exc)
        if not parts:
            return 0.0
        samples = self.library.assemble_parts(parts, chime)
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
