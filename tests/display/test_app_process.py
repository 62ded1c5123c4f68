"""`python -m display` as a process (the real Kivy App, offscreen): it starts, shows, speaks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from display.voice.clips import Call
from display.voice.synth import read_wav

from .conftest import call_message
from .test_voice import offset_of

REPO = Path(__file__).resolve().parents[2]


def test_the_board_process_shows_a_live_call_and_speaks_it(broker, publisher, site, clip_dir, library, tmp_path):
    publisher.site_document(site)
    publisher.service("online")
    publisher.call(call_message(site, "c05", 118, 1))  # already called: shown, silent
    wav = tmp_path / "spoken.wav"
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"speech_languages": ["ja"]}))
    proc = subprocess.Popen(
        [sys.executable, "-m", "display", "--broker-host", broker.host, "--broker-port",
         str(broker.port), "--device", "board-proc", "--layout", "counter", "--clips", str(clip_dir),
         "--wav", str(wav), "--settings", str(settings), "--trace",
         "--state-dir", str(tmp_path / "state")],
        cwd=REPO, env=dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1"),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    records: list[dict] = []
    reader = threading.Thread(target=lambda: records.extend(
        json.loads(line) for line in proc.stdout if line.startswith("{")), daemon=True)
    reader.start()

    def wait(predicate, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not any(predicate(r) for r in list(records)):
            assert proc.poll() is None, "the board process ended"
            assert time.monotonic() < deadline, f"not seen; the board printed {records}"
            time.sleep(0.05)

    try:
        wait(lambda r: "ready" in r)
        wait(lambda r: r.get("shown") == 1 and r["number"] == 118)
        publisher.call(call_message(site, "c03", 123, 2))
        wait(lambda r: r.get("shown") == 2 and r["number"] == 123)
        expected = library.assemble(Call(123, 3), ["ja"])
        deadline = time.monotonic() + 30
        while read_wav(wav)[0].size < expected.size and time.monotonic() < deadline:
            time.sleep(0.1)
        recorded = read_wav(wav)[0]
        assert recorded.size == expected.size and offset_of(recorded, expected) == 0
    finally:
        proc.terminate()
        proc.wait(10)
