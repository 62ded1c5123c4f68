"""Where announcements are played: the ALSA default output, or a WAV file in tests.

`AlsaSink` pipes raw PCM to `aplay` (alsa-utils): no compiled Python module to build on
the device (simpleaudio is unmaintained, pyalsaaudio needs libasound2-dev and a
compiler), it plays on ALSA's `default` device, and it blocks until the sound has been
played, which is what keeps announcements from cutting each other off.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from .synth import RATE, write_wav


class AudioError(RuntimeError):
    """The sound could not be played."""


class Sink(Protocol):
    def play(self, samples: np.ndarray) -> None:
        """Play int16 mono samples at RATE; return when they have been played."""


class AlsaSink:
    def __init__(self, device: str = "default"):
        self.binary = shutil.which("aplay")
        if not self.binary:
            raise AudioError("aplay is not installed: apt-get install alsa-utils")
        self.device = device

    def play(self, samples: np.ndarray) -> None:
        done = subprocess.run(
            [self.binary, "-q", "-D", self.device, "-t", "raw", "-f", "S16_LE", "-c", "1",
             "-r", str(RATE)],
            check=False, input=samples.astype("<i2").tobytes(), capture_output=True,
            timeout=samples.size / RATE + 10,
        )
        if done.returncode != 0:
            raise AudioError(f"aplay failed: {done.stderr.decode(errors='replace')[-300:]}")


class WavFileSink:
    """Appends every announcement to one WAV file, valid after each play (tests, trials)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        write_wav(self.path, np.zeros(0, dtype=np.int16))  # the 44-byte PCM header

    def play(self, samples: np.ndarray) -> None:
        data = samples.astype("<i2").tobytes()
        with self._lock, open(self.path, "r+b") as f:
            f.seek(0, 2)
            f.write(data)
            size = f.tell()
            f.seek(4)
            f.write(struct.pack("<I", size - 8))  # RIFF chunk size
            f.seek(40)
            f.write(struct.pack("<I", size - 44))  # data chunk size
