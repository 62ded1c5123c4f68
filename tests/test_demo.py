"""The README's first command: the whole system starts and citizens get called."""

import subprocess
import sys


def test_demo_runs_the_whole_system(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "demo", "--data", str(tmp_path), "--web-port", "0",
         "--duration", "25", "--speed", "120", "--per-hour", "120"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr
    calls = [line for line in run.stdout.splitlines() if "番窓口へお越しください" in line]
    assert len(calls) >= 5, run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    assert "Traceback" not in (tmp_path / "service" / "service.log").read_text()
    assert run.stdout.rstrip().endswith("stopped.")
