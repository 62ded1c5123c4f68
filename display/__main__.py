"""Run a call-number board: `python -m display --broker-host H --broker-port P --device board-lobby`.

    --layout lobby|counter   the 1920x1080 lobby screen or the small counter-top screen
    --clips DIR              the clip library rendered at provisioning (no voice without it)
    --wav PATH               speak into a WAV file instead of the ALSA default output
    --settings FILE          board settings (JSON) until the device configuration arrives
    --config FILE            site TOML to start with before the retained site document arrives
    --bundle FILE            an enrolled device (TLS, password, discovery); without it a
                             development bundle for --device (anonymous, plain TCP). Either
                             way the device agent connects (firmware/runtime.py), publishes
                             birth/health and delivers the configuration

The board's counters, departments and languages come from its retained device
configuration (`dev/<device>/config`, see display/settings.py).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from firmware.runtime import BundleError, load_bundle, open_agent, prepare_kivy

SYSTEM_STATE_DIR = Path("/var/lib/madoguchi")  # an enrolled board's boot counter and config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m display", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--broker-host", default="127.0.0.1")
    parser.add_argument("--broker-port", type=int, default=1883)
    parser.add_argument("--site", default="isesaki")
    parser.add_argument("--device", default="board-lobby")
    parser.add_argument("--layout", choices=("lobby", "counter"), default="lobby")
    parser.add_argument("--clips", type=Path)
    parser.add_argument("--wav", type=Path)
    parser.add_argument("--settings", type=Path)
    parser.add_argument("--config")
    parser.add_argument("--bundle", type=Path)
    parser.add_argument("--state-dir", type=Path,
                        help=f"default {SYSTEM_STATE_DIR} with --bundle, else ~/.madoguchi/<device>")
    parser.add_argument("--size", help="window size WxH (default: the layout's reference size)")
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--trace", action="store_true", help="print JSON timing lines (benchmarks)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    # Kivy reads its window configuration at import: set it before importing anything of it.
    from .screens import REFERENCE
    width, height = REFERENCE[args.layout]
    if args.size:
        width, height = (int(v) for v in args.size.lower().split("x"))
    prepare_kivy((width, height), args.fullscreen)

    from protocol.site import ConfigError, load_config

    from .app import BoardApp, trace_received
    from .board import Board
    from .presenter import BoardPresenter
    from .settings import SettingsError, parse_settings
    from .voice.announcer import Announcer
    from .voice.clips import ClipLibrary, MissingClip
    from .voice.sinks import AlsaSink, AudioError, WavFileSink

    try:
        site = load_config(args.config) if args.config else None
        raw_settings = json.loads(args.settings.read_text("utf-8")) if args.settings else {}
        settings = parse_settings(raw_settings)
        announcer = None
        if args.clips:
            sink = WavFileSink(args.wav) if args.wav else AlsaSink()
            announcer = Announcer(ClipLibrary(args.clips), sink, list(settings.speech_languages))
    except (ConfigError, SettingsError, MissingClip, AudioError, OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if announcer is None:
        logging.getLogger("display").warning("no --clips: this board shows calls but does not speak them")
    presenter = BoardPresenter(settings, site)
    try:
        bundle = load_bundle(args.bundle, role="board", site=args.site, device=args.device,
                             host=args.broker_host, port=args.broker_port)
        agent = open_agent(bundle, args.state_dir or (SYSTEM_STATE_DIR if args.bundle else None))
    except (BundleError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    board = Board(agent.client, presenter, announcer=announcer, own_config=False)
    board.apply_settings(raw_settings)
    board.attach_agent(agent)
    agent.start(wait=None)
    stop = agent.stop
    if args.trace:
        board.on_update.append(trace_received)
    try:
        BoardApp(presenter, args.layout, trace=args.trace).run()
    finally:
        stop()
        board.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
