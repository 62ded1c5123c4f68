"""The clip library: rendered once at provisioning, assembled into calls at call time.

A library is a folder of WAV files (RATE Hz, mono, 16-bit) and `manifest.json`, which
records each clip's text and engine. Rendering again skips every clip whose text and
engine did not change, so re-provisioning after adding a counter takes seconds.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from .languages import Call, clip_texts, language, number_keys, sentences
from .synth import RATE, SynthesisError, chime, engine_for, read_wav, write_wav

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
CHIME = "chime"
GAP_S = 0.12  # between the parts of one call
NUMBER_GAP_S = 0.02  # inside a composed number (二千 + 百二十三番のかた): one word
PAIR_GAP_S = 0.15  # between the calls of one sentence (after 「3番窓口へ、」)
SENTENCE_GAP_S = 0.5  # between sentences (first calls, then recalls)
LANGUAGE_GAP_S = 0.6  # between the languages of one announcement
TAIL_S = 0.5  # after an announcement, before the next chime


class MissingClip(LookupError):
    """A call needs a clip the library does not have (not provisioned for it)."""


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
            texts = {k: t for k, t in texts.items()
                     if k in needed or k.split("/")[1] in ("phrase", "counter", "counter_to")}
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

    def outdated(self, codes: Iterable[str]) -> list[str]:
        """Languages whose phrase and counter clips differ from what this version says
        (rendered by an older one, e.g. without 「3番窓口へ、」): render again."""
        counters, have = self.manifest.get("counters", []), self.manifest["clips"]
        return [code for code in codes if code in self.languages and any(
            have.get(key, {}).get("text") != text
            for key, text in clip_texts(language(code), 0, counters).items()
            if key.split("/")[1] in ("phrase", "counter", "counter_to"))]

    def clip(self, key: str) -> np.ndarray:
        if key not in self._clips:
            entry = self.manifest["clips"].get(key)
            if entry is None:
                raise MissingClip(f"no clip {key!r} in {self.folder} (render it at provisioning)")
            samples, _ = read_wav(self.folder / entry["file"])
            self._clips[key] = samples
        return self._clips[key]

    def keys(self, calls: list[Call], languages: Iterable[str],
             chime: bool = True) -> list[list[list[list[str]]]]:
        """Clip keys of an announcement: per language, its sentences, each a list of its
        calls' keys (`languages.sentences`; 受付番号 only after the chime, which
        `announcement` adds)."""
        return [sentences(language(code), calls, intro=chime) for code in languages]

    def assemble(self, call: Call, languages: Iterable[str]) -> np.ndarray:
        """chime, then the call in each language, with short pauses; int16 at RATE."""
        return self.announcement([call], languages)

    def announcement(self, calls: list[Call], languages: Iterable[str],
                     chime: bool = True) -> np.ndarray:
        """One chime (unless the speech goes straight on from the last), then the calls
        said together in each language in turn."""
        return np.concatenate(self._layout(calls, languages, chime)[0])

    def starts(self, calls: list[Call], languages: Iterable[str], chime: bool = True) -> list[float]:
        """Seconds from the start of `announcement(...)` until each call is first heard."""
        return [n / RATE for n in self._layout(calls, languages, chime)[1]]

    def unprovisioned(self, calls: list[Call], languages: Iterable[str],
                      chime: bool = True) -> list[MissingClip | None]:
        """What keeps each call from being said (one entry per call, None: it can be)."""
        problems: list[MissingClip | None] = [None] * len(calls)
        for said in self.keys(calls, languages, chime):
            for n, keys in enumerate(k for sentence in said for k in sentence):
                for key in keys:
                    try:
                        self.clip(key)
                    except MissingClip as exc:
                        problems[n] = problems[n] or exc
        return problems

    def _layout(self, calls: list[Call], languages: Iterable[str],
                chime: bool) -> tuple[list[np.ndarray], list[int]]:
        out: list[np.ndarray] = [self.clip(CHIME), _silence(GAP_S * 2)] if chime else []
        size = sum(p.size for p in out)
        starts: list[int] = []

        def add(samples: np.ndarray) -> None:
            nonlocal size
            out.append(samples)
            size += samples.size

        for i, said in enumerate(self.keys(calls, languages, chime)):
            for j, sentence in enumerate(said):
                if i or j:
                    add(_silence(SENTENCE_GAP_S if j else LANGUAGE_GAP_S))
                for k, keys in enumerate(sentence):
                    if k:
                        add(_silence(PAIR_GAP_S))
                    if i == 0:
                        starts.append(size)
                    for n, key in enumerate(keys):
                        if n:
                            joined = "/thousands/" in keys[n - 1] or "/word/" in keys[n - 1]
                            add(_silence(NUMBER_GAP_S if joined else GAP_S))
                        add(self.clip(key))
        add(_silence(TAIL_S))
        return out, starts


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)
