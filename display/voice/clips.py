"""The clip library: rendered once at provisioning, assembled into calls at call time.

A library is a folder of WAV files (RATE Hz, mono, 16-bit) and `manifest.json`, which
records each clip's text and engine. Rendering again skips every clip whose text and
engine did not change, so re-provisioning after adding a counter takes seconds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .languages import call_keys, clip_texts, language, number_keys
from .synth import RATE, SynthesisError, chime, engine_for, read_wav, write_wav

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
CHIME = "chime"
GAP_S = 0.12  # between the parts of one sentence
NUMBER_GAP_S = 0.02  # inside a composed number (二千 + 百二十三番のかた): one word
LANGUAGE_GAP_S = 0.6  # between the languages of one call
TAIL_S = 0.8  # after a call, before the next chime


class MissingClip(LookupError):
    """A call needs a clip the library does not have (not provisioned for it)."""


@dataclass(frozen=True)
class Call:
    """What to say: a number to a counter, first time or again."""

    number: int
    counter_number: int
    recall: bool = False


def _file_name(key: str) -> str:
    return key.replace("/", "_") + ".wav"


def render(
    out: Path,
    languages: Iterable[str],
    last_number: int,
    counters: Iterable[int],
    *,
    numbers: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Render every missing or changed clip into `out`; returns counts rendered/kept.

    `numbers` limits the number clips to those these numbers need (tests, trials)."""
    out.mkdir(parents=True, exist_ok=True)
    languages = list(dict.fromkeys(languages))
    manifest_path = out / MANIFEST
    old = json.loads(manifest_path.read_text("utf-8")) if manifest_path.exists() else {}
    old_clips = old.get("clips", {}) if old.get("rate") == RATE else {}
    wanted: dict[str, tuple[str, str]] = {CHIME: ("", "chime")}
    counters = sorted(set(counters))
    subset = sorted(set(numbers)) if numbers is not None else None
    for code in languages:
        lang = language(code)
        texts = clip_texts(lang, last_number, counters)
        if subset is not None:
            needed = {key for n in subset for key in number_keys(lang, n)}
            texts = {k: t for k, t in texts.items() if k in needed or "/phrase/" in k or "/counter/" in k}
        for key, text in texts.items():
            wanted[key] = (text, lang.engine)
    engines: dict[str, object] = {}
    clips: dict[str, dict] = {}
    rendered = kept = 0
    try:
        for i, (key, (text, engine)) in enumerate(wanted.items()):
            entry = {"text": text, "engine": engine, "file": _file_name(key)}
            previous = old_clips.get(key)
            if previous and {k: previous.get(k) for k in entry} == entry and (out / entry["file"]).exists():
                clips[key] = previous
                kept += 1
                continue
            if engine == "chime":
                samples = chime()
            else:
                if engine not in engines:
                    engines[engine] = engine_for(engine)
                samples = engines[engine].render(text)  # type: ignore[attr-defined]
                if samples.size == 0:
                    raise SynthesisError(f"{key}: {engine} rendered silence for {text!r}")
            write_wav(out / entry["file"], samples)
            entry["seconds"] = round(samples.size / RATE, 3)
            clips[key] = entry
            rendered += 1
            if progress:
                progress(i + 1, len(wanted))
    finally:  # what was rendered before a failure stays cached for the next run
        manifest_path.write_text(json.dumps(
            {"rate": RATE, "last_number": last_number, "counters": counters,
             "languages": languages, "clips": clips},
            ensure_ascii=False, indent=1), "utf-8")
    return {"rendered": rendered, "kept": kept}


class ClipLibrary:
    """A rendered library; each clip is read on first use and then kept in memory."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        manifest_path = self.folder / MANIFEST
        if not manifest_path.exists():
            raise MissingClip(
                f"no clip library in {folder}: run `python -m display.voice render --out {folder}`"
            )
        manifest = json.loads(manifest_path.read_text("utf-8"))
        if manifest.get("rate") != RATE:
            raise MissingClip(f"{folder}: clips are at {manifest.get('rate')} Hz, expected {RATE}")
        self.manifest = manifest
        self._clips: dict[str, np.ndarray] = {}

    @property
    def languages(self) -> list[str]:
        return list(self.manifest.get("languages", []))

    def clip(self, key: str) -> np.ndarray:
        if key not in self._clips:
            entry = self.manifest["clips"].get(key)
            if entry is None:
                raise MissingClip(f"no clip {key!r} in {self.folder} (render it at provisioning)")
            samples, _ = read_wav(self.folder / entry["file"])
            self._clips[key] = samples
        return self._clips[key]

    def keys_for(self, call: Call, languages: Iterable[str]) -> list[list[str]]:
        """Clip keys per language for a call (the chime comes first, added by assemble)."""
        return [call_keys(language(code), call.number, call.counter_number, call.recall)
                for code in languages]

    def assemble(self, call: Call, languages: Iterable[str]) -> np.ndarray:
        """chime, then the call in each language, with short pauses; int16 at RATE."""
        return self.assemble_parts([(call, tuple(languages))])

    def assemble_parts(self, parts: Iterable[tuple[Call, Iterable[str]]],
                       chime: bool = True) -> np.ndarray:
        """One chime (unless the speech goes straight on from the last), then each call in
        its languages (the intro word only before the first)."""
        return np.concatenate(self._layout(parts, chime)[0])

    def starts(self, parts: Iterable[tuple[Call, Iterable[str]]], chime: bool = True) -> list[float]:
        """Seconds from the start of `assemble_parts(parts, chime)` until each call is heard."""
        return [n / RATE for n in self._layout(parts, chime)[1]]

    def _layout(self, parts: Iterable[tuple[Call, Iterable[str]]],
                chime: bool) -> tuple[list[np.ndarray], list[int]]:
        out: list[np.ndarray] = [self.clip(CHIME), _silence(GAP_S * 2)] if chime else []
        size = sum(p.size for p in out)
        starts = []
        for n, (call, languages) in enumerate(parts):
            if n:
                out.append(_silence(LANGUAGE_GAP_S))
                size += out[-1].size
            starts.append(size)
            for i, keys in enumerate(self.keys_for(call, languages)):
                if n:  # 受付番号 once, at the start of calls said together
                    keys = [k for k in keys if not k.endswith("/phrase/intro")]
                if i:
                    out.append(_silence(LANGUAGE_GAP_S))
                for j, key in enumerate(keys):
                    if j:
                        joined = "/thousands/" in keys[j - 1] or "/word/" in keys[j - 1]
                        out.append(_silence(NUMBER_GAP_S if joined else GAP_S))
                    out.append(self.clip(key))
            size = sum(p.size for p in out)
        out.append(_silence(TAIL_S))
        return out, starts


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)
