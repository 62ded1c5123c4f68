"""Spoken calls: whole-word numbers, Japanese read as Japanese, clips joined in order."""

from __future__ import annotations

import json
import shutil
import threading

import numpy as np
import pytest

from display.voice.announcer import Announcer, Backlog, Queued, SpeechPolicy, next_utterance
from display.voice.clips import CHIME, Call, ClipLibrary, MissingClip, render
from display.voice.languages import LANGUAGES, clip_texts, number_keys, sentences
from display.voice.sinks import WavFileSink
from display.voice.synth import RATE, OpenJTalk, read_wav

from .conftest import TEST_NUMBERS


def offset_of(haystack: np.ndarray, needle: np.ndarray) -> int:
    """Sample offset of an exact clip inside a recording, -1 if absent."""
    at = haystack.tobytes().find(needle.tobytes())
    while at != -1 and at % 2:
        at = haystack.tobytes().find(needle.tobytes(), at + 1)
    return at // 2 if at != -1 else -1


def heard_in_order(recorded: np.ndarray, library: ClipLibrary, *keys: str | tuple[str, ...]) -> bool:
    """Each clip is in the recording, after the one before it (a tuple: any one of them,
    e.g. a counter said at the end of its sentence or inside it)."""
    data, at = recorded.tobytes(), 0
    for key in keys:
        found = []
        for alternative in (key if isinstance(key, tuple) else (key,)):
            needle = library.clip(alternative).tobytes()
            where = data.find(needle, at)
            while where != -1 and where % 2:
                where = data.find(needle, where + 1)
            if where != -1:
                found.append((where, len(needle)))
        if not found:
            return False
        where, size = min(found)
        at = where + size
    return True


def counter(n: int) -> tuple[str, str]:
    """The counter clip of a call, whether it ends its sentence or not."""
    return (f"ja/counter/{n}", f"ja/counter_to/{n}")


def spoken_text(library: ClipLibrary, calls: list[Call], languages=("ja",), chime=True) -> str:
    """What an announcement says, as the texts of its clips (sentences split by " / ")."""
    texts = library.manifest["clips"]
    return " ".join(" / ".join("".join(texts[k]["text"] for keys in sentence for k in keys)
                               for sentence in said)
                    for said in library.keys(calls, languages, chime))


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
    ("3番窓口へ、", "サンバンマドグチエ、"),
    ("再度お呼び出しします。", "サイドオヨビダシシマス。"),
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
    order = [CHIME, *(k for code in ("ja", "en")
                      for keys in sentences(LANGUAGES[code], [Call(2123, 3)])[0] for k in keys)]
    positions = [offset_of(audio, library.clip(k)) for k in order]
    assert -1 not in positions and positions == sorted(positions)
    spoken = sum(library.clip(k).size for k in order)
    assert spoken < audio.size < spoken + 5 * RATE  # only short pauses between the clips


def test_a_recall_says_so_first(library):
    assert spoken_text(library, [Call(123, 3, recall=True)]) == \
        "再度お呼び出しします。受付番号123番のかた、3番窓口へお越しください。"
    audio = library.assemble(Call(123, 3, recall=True), ["ja", "en"])
    assert heard_in_order(audio, library, CHIME, "ja/phrase/recall", "ja/number/123",
                          "en/phrase/recall", "en/number/123")
    assert offset_of(library.assemble(Call(123, 3), ["ja", "en"]), library.clip("ja/phrase/recall")) == -1


def test_calls_said_together_name_each_number_right_before_its_own_counter(library):
    calls = [Call(1, 3), Call(2, 5), Call(8, 1)]
    assert spoken_text(library, calls) == \
        "受付番号1番のかた、3番窓口へ、2番のかた、5番窓口へ、8番のかた、1番窓口へお越しください。"
    # going straight on from the last announcement: no chime, no 受付番号
    assert spoken_text(library, calls, chime=False).startswith("1番のかた、3番窓口へ、")
    # recalls in a row make their own sentence, in the order the calls came
    assert spoken_text(library, [Call(1, 3), Call(2, 5, recall=True), Call(3, 6, recall=True),
                                 Call(8, 1)]) == (
        "受付番号1番のかた、3番窓口へお越しください。 / "
        "再度お呼び出しします。受付番号2番のかた、5番窓口へ、3番のかた、6番窓口へお越しください。 / "
        "受付番号8番のかた、1番窓口へお越しください。")
    # a language without the short counter form says each call as a sentence
    assert spoken_text(library, calls[:2], ("en",)) == \
        "Number1,please go to counter 3. / 2,please go to counter 5."
    audio = library.announcement(calls, ["ja"])
    assert offset_of(audio, library.clip(CHIME)) == 0
    assert heard_in_order(audio, library, "ja/number/1", "ja/counter_to/3", "ja/number/2",
                          "ja/counter_to/5", "ja/number/8", "ja/counter/1")
    # about 3 s a call more: shorter than saying each one on its own, even without the chime
    alone = [library.announcement([c], ["ja"], chime=False).size / RATE for c in calls]
    together = library.announcement(calls, ["ja"], chime=False).size / RATE
    assert (together - alone[0]) / 2 < 3.2 and together < sum(alone) - 1.5


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
        announcer.say(Call(999, 7))
        announcer.withdraw(7)  # counter 7 started serving 999 before it was said
        sink.release()
        assert announcer.wait_idle(30)
    finally:
        announcer.stop()
    recorded, rate = read_wav(wav)
    first = library.assemble(Call(123, 3), ["ja", "en"])
    # straight on from the first call: no second chime, one sentence in Japanese
    backlog = library.announcement([Call(100, 3), Call(2, 5), Call(8, 6)], ["ja"], chime=False)
    assert rate == RATE and recorded.size == first.size + backlog.size
    assert offset_of(recorded, first) == 0 and offset_of(recorded, backlog) == first.size
    assert offset_of(recorded, library.clip("ja/number/124")) == -1
    assert offset_of(recorded, library.clip("ja/number/999")) == -1
    assert (announcer.backlog.superseded, announcer.backlog.stale) == (2, 0)


def q(number, counter, at, recall=False):
    return Queued(Call(number, counter, recall), at)


def test_the_speech_policy_never_speaks_a_stale_call_and_can_repeat_the_japanese(library):
    policy = SpeechPolicy(("ja", "en"), max_age_s=15, repeat_ja=True)
    alone = next_utterance([q(1, 3, 100.0)], 110.0, policy, library.starts)
    assert alone.languages == ("ja", "ja", "en")
    # heard 1.8 s after the chime starts: 11.8 s after it came, in time
    assert 11 < 110.0 + library.starts([Call(1, 3)], ("ja",))[0] - 100.0 < 15
    late = next_utterance([q(1, 3, 100.0)], 114.0, policy, library.starts)
    assert late.calls == () and [d.call.number for d in late.stale] == [1]
    # three waiting: said together in Japanese, but the last would be heard too late
    backlog = next_utterance([q(1, 3, 100.0), q(2, 5, 101.0), q(8, 6, 100.5)], 109.0, policy,
                             library.starts)
    assert backlog.languages == ("ja",)
    assert [p.call.number for p in backlog.calls] == [1, 2]
    assert [d.call.number for d in backlog.stale] == [8]
    # calls coming fast: even a call alone is said in Japanese only
    busy = next_utterance([q(1, 3, 100.0)], 101.0, policy, library.starts, per_min=8)
    assert busy.languages == ("ja",)
    # ... sooner when the Japanese is said twice (16 s a call instead of 11)
    assert next_utterance([q(1, 3, 100.0)], 101.0, SpeechPolicy(("ja", "en")), library.starts,
                          per_min=3.5).languages == ("ja", "en")
    assert next_utterance([q(1, 3, 100.0)], 101.0, policy, library.starts,
                          per_min=3.5).languages == ("ja",)
    silent = next_utterance([q(1, 3, 100.0)], 101.0, SpeechPolicy(()), library.starts)
    assert silent.calls == ()


def test_a_burst_faster_than_speech_is_said_in_merged_announcements_in_order_and_in_time(library):
    """16 calls in 40 s, one every 2.5 s (in full, one takes 11-13 s; a late-March peak
    hour has one every 6.5 s), each announcement as long as the WAV it makes, in
    simulated time."""
    policy = SpeechPolicy(("ja", "en"), max_age_s=30)
    burst = [(2.5 * i, Call(n, (1, 2, 3, 5, 6, 7, 8)[i % 7], recall=i % 5 == 4))
             for i, n in enumerate((1, 2, 3, 8, 100, 123, 124, 999, 1000, 2000, 2123, 2999, 1, 2, 3, 8))]
    backlog, now, i, heard, announcements = Backlog(policy), 0.0, 0, [], []
    while i < len(burst):
        now = max(now, burst[i][0])
        while i < len(burst) and burst[i][0] <= now:
            backlog.add(burst[i][1], burst[i][0])
            i += 1
        utterance, chime = backlog.take(now, library.starts)
        calls = [q.call for q in utterance.calls]
        audio = library.announcement(calls, utterance.languages, chime)
        # every number, then its own counter, in the order they came
        assert heard_in_order(audio, library, *(
            k for c in calls for k in (number_keys(LANGUAGES["ja"], c.number)[-1], counter(c.counter_number))))
        starts = library.starts(calls, utterance.languages, chime)
        heard += [now + start - q.at for q, start in zip(utterance.calls, starts)]
        announcements.append(utterance)
        now += audio.size / RATE
        backlog.ended(now)
    said = [q.call for u in announcements for q in u.calls]
    assert said == [c for _, c in burst]  # every call, once, in order: none stale
    assert (backlog.stale, backlog.superseded) == (0, 0)
    assert max(len(u.calls) for u in announcements) >= 3  # merged
    assert all(u.languages == ("ja",) for u in announcements[1:])  # the backlog in Japanese
    assert max(heard) < policy.max_age_s  # the lag stays bounded ...
    assert now - burst[-1][0] < policy.max_age_s  # ... and the speech catches up after the burst


def test_clips_rendered_by_an_older_version_are_found_out(clip_dir, tmp_path):
    old = tmp_path / "old"
    shutil.copytree(clip_dir, old)
    manifest = json.loads((old / "manifest.json").read_text("utf-8"))
    manifest["clips"]["ja/phrase/recall"]["text"] = "もう一度お呼びします。"
    del manifest["clips"]["ja/counter_to/3"]
    (old / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    assert ClipLibrary(old).outdated(["ja", "en"]) == ["ja"]
    assert ClipLibrary(clip_dir).outdated(["ja", "en"]) == []


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


def test_facilities_staff_can_listen_to_a_backlog_said_together(clip_dir, library, tmp_path):
    from display.voice.__main__ import main

    wav = tmp_path / "backlog.wav"
    assert main(["say", "--clips", str(clip_dir), "--number", "123,2", "--counter", "3,5",
                 "--wav", str(wav)]) == 0
    recorded, _ = read_wav(wav)
    assert np.array_equal(recorded, library.announcement([Call(123, 3), Call(2, 5)], ["ja"]))
    assert main(["say", "--clips", str(clip_dir), "--number", "123,2", "--counter", "3"]) == 2
