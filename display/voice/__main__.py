"""Provisioning: `python -m display.voice render --out DIR` renders the clip library.

    python -m display.voice render --out /var/lib/madoguchi/voice            # the example site
    python -m display.voice render --out DIR --config site.toml --languages ja,en,zh
    python -m display.voice say --clips DIR --number 123 --counter 3 [--wav out.wav]
    python -m display.voice say --clips DIR --number 12,15 --counter 3,5   # a backlog said together
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from protocol.site import ConfigError, load_config

from .clips import Call, ClipLibrary, MissingClip, render
from .languages import LANGUAGES
from .sinks import AlsaSink, AudioError, WavFileSink
from .synth import SynthesisError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m display.voice", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    r = sub.add_parser("render", help="render the clip library (cached: only what changed)")
    r.add_argument("--out", type=Path, required=True)
    r.add_argument("--config", help="site TOML (default: the shipped example)")
    r.add_argument("--languages", default="ja,en",
                   help=f"comma-separated, from {','.join(LANGUAGES)} (default ja,en)")
    s = sub.add_parser("say", help="assemble a call (or calls said together, in the first "
                       "language only, as a backlog is) and play it (or write it to --wav)")
    s.add_argument("--clips", type=Path, required=True)
    s.add_argument("--number", type=_numbers, required=True, help="e.g. 123, or 12,15,18")
    s.add_argument("--counter", type=_numbers, required=True, help="one per number")
    s.add_argument("--languages", default=None)
    s.add_argument("--recall", action="store_true")
    s.add_argument("--wav", type=Path)
    args = parser.parse_args(argv)
    try:
        if args.action == "render":
            config = load_config(args.config)
            languages = [code.strip() for code in args.languages.split(",") if code.strip()]
            counts = render(
                args.out, languages, config.numbers.last,
                [c.number for c in config.counters.values()],
                progress=lambda i, n: i % 200 == 0 and print(f"{i}/{n}", file=sys.stderr),
            )
            print(f"\n{args.out}: {counts['rendered']} clips rendered, {counts['kept']} unchanged")
            return 0
        if len(args.number) != len(args.counter):
            raise ValueError("give one --counter per --number")
        library = ClipLibrary(args.clips)
        languages = args.languages.split(",") if args.languages else library.languages
        sink = WavFileSink(args.wav) if args.wav else AlsaSink()
        calls = [Call(n, c, args.recall) for n, c in zip(args.number, args.counter)]
        sink.play(library.announcement(calls, languages if len(calls) == 1 else languages[:1]))
        return 0
    except (ConfigError, SynthesisError, MissingClip, AudioError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.split(",")]


if __name__ == "__main__":
    sys.exit(main())
