"""Back up and restore a generated installation; time each step and measure its peak memory.

    .venv/bin/python bench/bench_backup.py --accounts 100000 --order-lines 3000000 [--target-url postgresql://...]

Each step runs as its own ``kam`` process, as an administrator would run it: ``kam generate`` fills a new
SQLite installation in a temporary folder, ``kam backup`` writes it out, ``kam restore`` loads it into a
second, empty installation (a new SQLite file, or the empty database ``--target-url`` names). The peak
resident memory of each process is what the kernel reports for it; a backup's should stay flat however
large the data, as rows and files are streamed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run(env: dict[str, str], *args: str) -> tuple[float, float, str]:
    """Seconds, peak resident megabytes and output of ``kam ARGS``."""
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "keyaccount.cli", *args], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    output = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"kam {' '.join(args)} failed:\n{output}")
    # Linux reports ru_maxrss in kilobytes.
    last_line = output.strip().rsplit("\n", 1)[-1]
    return time.perf_counter() - started, usage.ru_maxrss / 1024, last_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--order-lines", type=int, default=500_000)
    parser.add_argument("--target-url", default="", help="an empty database to restore into (default: SQLite)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kam-bench-backup-") as folder:
        base = {key: value for key, value in os.environ.items() if key != "KAM_DATABASE_URL"}
        base.setdefault("KAM_SECRET_KEY", "bench-only-not-a-secret")
        source = {**base, "KAM_DATA_DIR": f"{folder}/source"}
        target = {**base, "KAM_DATA_DIR": f"{folder}/target"}
        if options.target_url:
            target["KAM_DATABASE_URL"] = options.target_url
        archive = Path(folder) / "keyaccount.zip"
        run(source, "migrate", "--verbosity", "0")
        run(source, "generate", "--accounts", str(options.accounts), "--order-lines", str(options.order_lines))
        steps = [("backup", *run(source, "backup", str(archive)))]
        steps.append(("restore --check", *run(target, "restore", "--check", str(archive))))
        steps.append(("restore", *run(target, "restore", str(archive))))
        print(f"{options.accounts:,} accounts, {options.order_lines:,} order lines; archive "
              f"{archive.stat().st_size / 1e6:.1f} MB; restored into "
              f"{'PostgreSQL' if options.target_url else 'SQLite'}")
        print(f"{'step':<16} {'seconds':>8} {'peak MB':>8}  output")
        for name, seconds, peak, output in steps:
            print(f"{name:<16} {seconds:>8.1f} {peak:>8.0f}  {output}")


if __name__ == "__main__":
    main()
