"""Offline speech synthesis of single clips, and the call chime.

Japanese: Open JTalk through pyopenjtalk, with the dictionary of the OS package
`open-jtalk-mecab-naist-jdic` (so pyopenjtalk never downloads its own) and the HTS voice
`mei_normal` that the pyopenjtalk package ships. Other languages: the `espeak-ng` program
from the OS packages. Everything is resampled to one format (RATE Hz, mono, int16) and
trimmed of leading and trailing silence, so clips join without gaps of uneven length.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np

RATE = 16000  # speech over a PA speaker needs no more; keeps a ja+en library near 100 MB
OS_DICTIONARY = Path("/var/lib/mecab/dic/open-jtalk/naist-jdic")


class SynthesisError(RuntimeError):
    """A clip could not be rendered (engine or dictionary missing, or it failed)."""


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """float samples at `rate` -> float samples at RATE (linear; speech needs no better)."""
    if rate == RATE or samples.size == 0:
        return samples.astype(np.float64)
    if rate % RATE == 0:  # Open JTalk's 48 kHz: average groups of samples, a cheap low-pass
        factor = rate // RATE
        whole = samples[: samples.size // factor * factor].astype(np.float64)
        return whole.reshape(-1, factor).mean(axis=1)
    duration = samples.size / rate
    target = np.arange(int(duration * RATE)) / RATE
    return np.interp(target, np.arange(samples.size) / rate, samples.astype(np.float64))


def to_int16(samples: np.ndarray, peak: float = 0.85) -> np.ndarray:
    """Normalise to a common loudness so phrases from two engines sound alike."""
    top = float(np.abs(samples).max()) if samples.size else 0.0
    if top == 0.0:
        return np.zeros(samples.size, dtype=np.int16)
    return np.round(samples / top * peak * 32767).astype(np.int16)


def trim(samples: np.ndarray, margin_s: float = 0.02, threshold: float = 0.02) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples.astype(np.float64)) > threshold * 32767)
    if loud.size == 0:
        return samples[:0]
    margin = int(margin_s * RATE)
    return samples[max(0, loud[0] - margin): loud[-1] + margin + 1]


class OpenJTalk:
    """Japanese speech; the dictionary is the OS one, the voice is pyopenjtalk's."""

    def __init__(self, dictionary: Path = OS_DICTIONARY, speed: float = 0.95):
        if not (dictionary / "sys.dic").exists():
            raise SynthesisError(
                f"Open JTalk dictionary not found in {dictionary}: "
                "apt-get install open-jtalk open-jtalk-mecab-naist-jdic"
            )
        try:
            import pyopenjtalk
        except ImportError:
            raise SynthesisError("pyopenjtalk is not installed: pip install pyopenjtalk") from None
        # Module global read when the engine is first built: point it at the OS dictionary
        # before any use, otherwise pyopenjtalk would try to download one.
        pyopenjtalk.OPEN_JTALK_DICT_DIR = str(dictionary).encode()
        self._tts = pyopenjtalk.tts
        self.speed = speed

    def render(self, text: str) -> np.ndarray:
        samples, rate = self._tts(text, speed=self.speed)
        return trim(to_int16(resample(np.asarray(samples), rate)))


class ESpeak:
    """Other languages through the espeak-ng program (offline, from the OS packages)."""

    def __init__(self, voice: str, speed_wpm: int = 145):
        self.binary = shutil.which("espeak-ng")
        if not self.binary:
            raise SynthesisError("espeak-ng is not installed: apt-get install espeak-ng")
        self.voice = voice
        self.speed_wpm = speed_wpm

    def render(self, text: str) -> np.ndarray:
        done = subprocess.run(
            [self.binary, "-v", self.voice, "-s", str(self.speed_wpm), "--stdout", text],
            check=False, capture_output=True, timeout=30,
        )
        if done.returncode != 0 or not done.stdout:
            raise SynthesisError(f"espeak-ng failed for {self.voice}: {done.stderr.decode()[-200:]}")
        samples, rate = read_wav(io.BytesIO(done.stdout))
        return trim(to_int16(resample(samples.astype(np.float64), rate)))


def engine_for(name: str) -> OpenJTalk | ESpeak:
    return OpenJTalk() if name == "openjtalk" else ESpeak(name)


def chime() -> np.ndarray:
    """The two-tone ピンポーン before every call: E5 then C5, bell-like decay."""
    def bell(freq: float, seconds: float) -> np.ndarray:
        t = np.arange(int(seconds * RATE)) / RATE
        tone = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(2 * np.pi * 2 * freq * t)
        attack = np.minimum(1.0, t / 0.01)
        return tone * attack * np.exp(-t * 3.0)
    return to_int16(np.concatenate([bell(659.25, 0.55), bell(523.25, 1.0)]), peak=0.6)


def read_wav(source: str | Path | io.BytesIO) -> tuple[np.ndarray, int]:
    """A mono or stereo 16-bit WAV -> (int16 mono samples, rate)."""
    with wave.open(source if isinstance(source, io.BytesIO) else str(source), "rb") as w:
        if w.getsampwidth() != 2:
            raise SynthesisError("only 16-bit WAV is supported")
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        channels, rate = w.getnchannels(), w.getframerate()
    if channels > 1:
        frames = frames.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return frames, rate


def write_wav(path: str | Path, samples: np.ndarray, rate: int = RATE) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
