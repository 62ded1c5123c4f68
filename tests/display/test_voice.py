"""Spoken calls: whole-word numbers, Japanese read as Japanese, clips joined in order."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from display.voice.announcer import Announcer, Queued, SpeechPolicy, next_utterance
from display.voice.clips import CHIME, Call, ClipLibrary, MissingClip, render
from display.voice.languages import LANGUAGES, call_keys, clip_texts, number_keys
from display.voice.sinks import WavFileSink
from display.voice.synth import RATE, OpenJTalk, read_wav

from .conftest import TEST_NUMBERS


def offset_of(haystack: np.ndarray, needle: np.ndarray) -> int:
    """Sample offset of an exact clip inside a recording, -1 if absent."""
    at = haystack.tobytes().find(needle.tobytes())
    while at != -1 and at % 2:
        at = haystack.tobytes().find(needle.tobytes(), at + 1)
    return at // 2 if at != -1 else -1


def heard_in_order(recorded: np.ndarray, library: ClipLibrary, *keys: str) -> bool:
    """Each clip is in the recording, after the one before it."""
    data, at = recorded.tobytes(), 0
    for key in keys:
        needle = library.clip(key).tobytes()
        at = data.find(needle, at)
        while at != -1 and at % 2:
            at = data.find(needle, at + 1)
        if at == -1:
            return False
        at += len(needle)
    return True


@pytest.mark.parametrize("code", sorted(LANGUAGES))
def test_every_configured_number_is_spoken_from_rendered_words(site, code):
    lang = LANGUAGES[code]
    texts = clip_texts(lang, site.numbers.last, [c.number for c in site.counters.values()])
    for n in range(site.numbers.first or 1, site.numbers.last + 1):
        keys = number_keys(lang, n)
        assert all(k in texts for k in keys), (n, keys)
        assert len(keys) <= 4  # thousands, joining words, the rest: never digit by digit


def test_thousands_are_composed_and_whole_thousands_have_their_own_clip():
    ja = LANGUAGES["ja"]
    assert number_keys(ja, 123) == ["ja/number/123"]
    assert number_keys(ja, 2000) == ["ja/number/2000"]
    assert number_keys(ja, 2123) == ["ja/thousands/2", "ja/number/123"]
    assert number_keys(LANGUAGES["zh"], 2003) == ["zh/thousands/2", "zh/word/zero", "zh/number/3"]
    assert number_keys(LANGUAGES["pt"], 2100) == ["pt/thousands/2", "pt/word/and", "pt/number/100"]
    with pytest.raises(ValueError, match="1-9999"):
        number_keys(ja, 0)


def test_japanese_phrases_use_kana_for_kata():
    texts = clip_texts(LANGUAGES["ja"], 2999, [3])
    assert texts["ja/number/123"] == "123番のかた、"
    assert texts["ja/counter/3"] == "3番窓口へお越しください。"
    assert not any("方" in t for t in texts.values())  # Open JTalk would read ノホー


@pytest.mark.parametrize(("text", "reading"), [
    ("1番のかた、", "イチバンノカタ、"),
    ("8番のかた、", "ハチバンノカタ、"),
    ("123番のかた、", "ヒャクニジューサンバンノカタ、"),
    ("2000番のかた、", "ニセンバンノカタ、"),
    ("二千", "ニセン"),
    ("3番窓口へお越しください。", "サンバンマドグチエオコシクダサイ。"),
])
def test_open_jtalk_reads_numbers_as_words(text, reading):
    OpenJTalk()  # points pyopenjtalk at the OS dictionary
    import pyopenjtalk
    assert pyopenjtalk.g2p(text, kana=True) == reading


def test_rendered_clips_are_speech_of_plausible_length(library):
    for key, low, high in (("ja/number/123", 1.0, 2.6), ("ja/number/8", 0.5, 1.8),
                           ("ja/phrase/intro", 0.6, 1.6), ("ja/counter/3", 1.3, 3.0),
                           ("ja/thousands/2", 0.2, 0.9), ("en/number/123", 0.8, 2.5)):
        clip = library.clip(key)
        seconds = clip.size / RATE
        assert low <= seconds <= high, (key, seconds)
        # speech, not silence or a click: most 20 ms frames carry sound
        frames = clip[: clip.size // 320 * 320].reshape(-1, 320).astype(float)
        assert (np.sqrt((frames ** 2).mean(axis=1)) > 300).mean() > 0.5, key


def test_rendering_again_reuses_every_unchanged_clip(clip_dir, site):
    again = render(clip_dir, ["ja", "en"], site.numbers.last,
                   [c.number for c in site.counters.values()], numbers=TEST_NUMBERS)
    assert again["rendered"] == 0 and again["kept"] > 20


def test_a_call_is_chime_then_japanese_then_english(library):
    audio = library.assemble(Call(2123, 3), ["ja", "en"])
    order = [CHIME, *call_keys(LANGUAGES["ja"], 2123, 3, False), *call_keys(LANGUAGES["en"], 2123, 3, False)]
    positions = [offset_of(audio, library.clip(k)) for k in order]
    assert -1 not in positions and positions == sorted(positions)
    spoken = sum(library.clip(k).size for k in order)
    assert spoken < audio.size < spoken + 5 * RATE  # only short pauses between the clips


def test_a_recall_says_so_first(library):
    audio = library.assemble(Call(123, 3, recall=True), ["ja"])
    assert offset_of(audio, library.clip("ja/phrase/recall")) < offset_of(audio, library.clip("ja/number/123"))


class HeldSink(WavFileSink):
    """Records like the WAV sink, but the first announcement lasts until `release()`
    (a long call being spoken while others arrive)."""

    def __init__(self, path):
        super().__init__(path)
        self.playing, self.released = threading.Event(), threading.Event()

    def play(self, samples):
        if not self.playing.is_set():
            self.playing.set()
            self.released.wait(30)
        super().play(samples)

    def release(self):
        self.released.set()


def test_calls_that_wait_are_said_together_in_japanese_and_superseded_ones_not_at_all(library, tmp_path):
    wav = tmp_path / "out.wav"
    sink = HeldSink(wav)
    announcer = Announcer(library, sink, ["ja", "en"])
    try:
        announcer.say(Call(123, 3))
        assert sink.playing.wait(10)
        announcer.say(Call(124, 5))
        announcer.say(Call(100, 3))  # counter 3 moved on: 123's recall is not owed
        announcer.say(Call(2, 5))  # counter 5 called again: 124 is not said
        announcer.say(Call(8, 6))
        sink.release()
        assert announcer.wait_idle(30)
    finally:
        announcer.stop()
    recorded, rate = read_wav(wav)
    first = library.assemble(Call(123, 3), ["ja", "en"])
    # straight on from the first call: no second chime
    backlog = library.assemble_parts([(Call(100, 3), ["ja"]), (Call(2, 5), ["ja"]),
                                      (Call(8, 6), ["ja"])], chime=False)
    assert rate == RATE and recorded.size == first.size + backlog.size
    assert offset_of(recorded, first) == 0 and offset_of(recorded, backlog) == first.size
    assert offset_of(recorded, library.clip("ja/number/124")) == -1
    assert announcer.dropped == 1


def test_the_speech_policy_never_speaks_a_stale_call_and_can_repeat_the_japanese(library):
    def q(number, counter, at):
        return Queued(Call(number, counter), at)

    policy = SpeechPolicy(("ja", "en"), max_age_s=15, repeat_ja=True)
    alone = next_utterance([q(1, 3, 100.0)], 110.0, policy, library.starts)
    assert [langs for _, langs in alone.parts] == [("ja", "ja", "en")]
    # heard 1.8 s after the chime starts: 11.8 s after it came, in time
    assert 11 < 110.0 + library.starts([(Call(1, 3), ("ja",))])[0] - 100.0 < 15
    late = next_utterance([q(1, 3, 100.0)], 114.0, policy, library.starts)
    assert late.parts == () and [d.call.number for d in late.dropped] == [1]
    # three waiting: said together in Japanese, but the last would be heard too late
    backlog = next_utterance([q(1, 3, 100.0), q(2, 5, 101.0), q(8, 6, 101.0)], 108.0, policy,
                             library.starts)
    assert [(p.call.number, langs) for p, langs in backlog.parts] == [(1, ("ja",)), (2, ("ja",))]
    assert [d.call.number for d in backlog.dropped] == [8]
    # calls coming fast: even a call alone is said in Japanese only
    busy = next_utterance([q(1, 3, 100.0)], 101.0, policy, library.starts, per_min=8)
    assert [langs for _, langs in busy.parts] == [("ja",)]
    silent = next_utterance([q(1, 3, 100.0)], 101.0, SpeechPolicy(()), library.starts)
    assert silent.parts == ()


def test_a_number_that_was_not_provisioned_is_a_clear_error(library, tmp_path):
    with pytest.raises(MissingClip, match="ja/number/555"):
        library.assemble(Call(555, 3), ["ja"])
    with pytest.raises(MissingClip, match="python -m display.voice render"):
        ClipLibrary(tmp_path / "nothing-here")


def test_a_failed_announcement_does_not_stop_the_next(library, tmp_path):
    wav = tmp_path / "out.wav"
    announcer = Announcer(library, WavFileSink(wav), ["ja"])
    try:
        announcer.say(Call(555, 3))  # not provisioned
        announcer.say(Call(123, 3))
        assert announcer.wait_idle(30)
    finally:
        announcer.stop()
    recorded, _ = read_wav(wav)
    assert recorded.size == library.assemble(Call(123, 3), ["ja"]).size
    assert announcer.health() == {"audio": "ok"}


def test_alsa_output_failure_is_reported_in_health(library):
    from display.voice.sinks import AlsaSink, AudioError

    sink = AlsaSink(device="madoguchi_no_such_device")
    with pytest.raises(AudioError, match="aplay failed"):
        sink.play(library.clip(CHIME))
    announcer = Announcer(library, sink, ["ja"])
    try:
        announcer.say(Call(123, 3))
        assert announcer.wait_idle(30)
        assert announcer.health() == {"audio": "error"}
    finally:
        announcer.stop()
