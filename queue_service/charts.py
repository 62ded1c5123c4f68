"""The report charts (PNG), drawn in a short-lived process of their own.

matplotlib and the CJK font it loads take about 100 MB that a long-running service would
keep for good once a supervisor opened the reports page. So `draw(kind, data)` runs
`python -m queue_service.charts` for each chart: the data goes in as JSON on stdin, the
PNG comes back on stdout, and the memory goes with the process. matplotlib is imported
here only, and only in that process.
"""

from __future__ import annotations

import io
import json
import math
import subprocess
import sys
from pathlib import Path

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
DRAW_TIMEOUT_S = 60


class ChartError(RuntimeError):
    """The chart process failed (its error output says why)."""


def draw(kind: str, data: dict) -> bytes:
    """PNG of chart `kind` ("arrivals" or "heatmap") from plain JSON data."""
    done = subprocess.run([sys.executable, "-m", "queue_service.charts", kind],
                          input=json.dumps(data).encode(), capture_output=True,
                          timeout=DRAW_TIMEOUT_S, check=False)
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        raise ChartError(done.stderr.decode(errors="replace")[-500:])
    return done.stdout


# ---- in the chart process ---------------------------------------------------------------

def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    if Path(FONT).exists() and "Noto Sans CJK JP" not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(FONT)
    plt.rcParams.update({"font.family": ["Noto Sans CJK JP", "DejaVu Sans"],
                         "axes.spines.top": False, "axes.spines.right": False})
    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def arrivals_figure(data: dict):
    """Visits issued per hour (bars) and mean / 90th-percentile wait (lines); the legend
    sits under the plot, clear of the bars."""
    plt = _pyplot()
    rows = data["rows"]
    fig, ax = plt.subplots(figsize=(8, 4))
    hours = [r["hour"] for r in rows]
    ax.bar(hours, [r["visits"] for r in rows], color="#90CAF9", label="来庁者数 visits")
    ax.set_xlabel("時 hour")
    ax.set_ylabel("来庁者数 visits / hour")
    ax.set_xticks(hours)
    ax.set_ylim(bottom=0)
    ax2 = ax.twinx()
    ax2.spines["right"].set_visible(True)
    for key, colour, label in (("wait_mean_min", "#E65100", "平均待ち mean wait"),
                               ("wait_p90_min", "#B71C1C", "90%待ち 90th pct wait")):
        ax2.plot(hours, [math.nan if r[key] is None else r[key] for r in rows],
                 marker="o", color=colour, label=label)
    ax2.set_ylabel("待ち時間(分) wait (min)")
    ax2.set_ylim(bottom=0)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="upper center",
              bbox_to_anchor=(0.5, -0.16), ncol=3, fontsize=8, frameon=False)
    ax.set_title(data["title"])
    if not rows:
        ax.text(0.5, 0.5, "データなし no data", ha="center", transform=ax.transAxes)
    return fig


def arrivals(data: dict) -> bytes:
    return _png(arrivals_figure(data))


def heatmap(data: dict) -> bytes:
    """Mean arrivals by weekday (rows) and hour (columns)."""
    plt = _pyplot()
    grid, cols, labels = data["grid"], data["hours"], data["labels"]
    fig, ax = plt.subplots(figsize=(8, 3.2))
    im = ax.imshow(grid, cmap="YlOrRd", aspect="auto", vmin=0,
                   vmax=max(1.0, max(max(row) for row in grid)))
    ax.set_xticks(range(len(cols)), [str(h) for h in cols])
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("時 hour")
    for y, row in enumerate(grid):
        for x, value in enumerate(row):
            if value:
                ax.text(x, y, f"{value:.0f}", ha="center", va="center", fontsize=7)
    fig.colorbar(im, ax=ax, label="平均到着数 arrivals / hour")
    ax.set_title(data["title"])
    return _png(fig)


KINDS = {"arrivals": arrivals, "heatmap": heatmap}


def main(argv: list[str] | None = None) -> int:
    kind = (argv if argv is not None else sys.argv[1:])[0]
    sys.stdout.buffer.write(KINDS[kind](json.loads(sys.stdin.buffer.read())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
