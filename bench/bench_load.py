"""The load test (issue #17): serve the scale data set with ``kam serve`` and run the Locust scenario of
``bench/load/locustfile.py`` headless at each number of users, on this machine only.

Prepare the data set first (docs/benchmarks.md, "Load test: a day's traffic at 100k accounts"), then, with
the same ``KAM_*`` environment (PostgreSQL, Redis, a fixed ``KAM_SECRET_KEY``):

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/bench_load.py --users 20,50,100 --workers 3 --threads 4 --duration 3m

For each number of users it writes Locust's CSV files (``<out>/u<users>_stats.csv`` and the others) and
prints the aggregate p50/p95/p99, requests per second and failures, the slowest routes, and how busy the
machine's cores were (the server's processes, Locust's and everything else: they share the machine).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
# The API clients' users: an integration reads as an analyst, an administrator, heads and managers.
TOKEN_USERS = [
    "scale-analyst",
    "scale-admin",
    "scale-head-0",
    "scale-head-1",
    "scale-head-2",
    "scale00",
    "scale01",
    "scale02",
    "scale03",
    "scale04",
]


def make_tokens(path: Path) -> None:
    """One API token per TOKEN_USERS user (``kam token``), written as JSON {username: token}."""
    name = f"load-test-{int(time.time())}"
    tokens = {}
    for username in TOKEN_USERS:
        result = subprocess.run(
            [str(BIN / "kam"), "token", username, "--name", name], check=True, capture_output=True, text=True
        )
        tokens[username] = result.stdout.strip().splitlines()[-1]
    path.write_text(json.dumps(tokens), encoding="utf-8")
    path.chmod(0o600)


def wait_until_up(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own local server)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"The server did not answer {url} within {seconds:.0f} s.")


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


class BackendCPU:
    """CPU time of the PostgreSQL backends serving one database (by ``pg_stat_activity``), so that other
    databases' work on a shared server is not counted; sampled while the run lasts."""

    def __init__(self, database_url: str):
        self.database_url = database_url
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}

    def sample(self, *, starting: bool = False) -> None:
        if not self.database_url.startswith(("postgres://", "postgresql://")):
            return
        import psycopg

        try:
            with psycopg.connect(self.database_url, autocommit=True) as connection:
                database = connection.info.dbname
                pids = [
                    row[0]
                    for row in connection.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
                    )
                ]
        except psycopg.Error:
            return
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except psutil.Error:
                continue
            self.last[pid] = times.user + times.system
            # A backend there when the run starts counts from then; one opened during the run from zero.
            self.first.setdefault(pid, self.last[pid] if starting else 0.0)

    def seconds(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def machine_busy() -> tuple[float, float]:
    times = psutil.cpu_times()
    idle = times.idle + getattr(times, "iowait", 0.0)
    return sum(times) - idle, sum(times)


def run_locust(
    *,
    host: str,
    users: int,
    spawn_rate: float,
    duration: str,
    prefix: Path,
    tokens: Path,
    server_pid: int,
    worker_pid: int | None,
) -> dict:
    command = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--host",
        host,
        "--headless",
        "-u",
        str(users),
        "-r",
        str(spawn_rate),
        "-t",
        duration,
        "--csv",
        str(prefix),
        "--only-summary",
        "--tokens",
        str(tokens),
        "--stop-timeout",
        "10",
    ]
    busy_before, total_before = machine_busy()
    server_before = cpu_seconds(tree(server_pid))
    worker_before = cpu_seconds(tree(worker_pid)) if worker_pid else 0.0
    postgres = BackendCPU(os.environ.get("KAM_DATABASE_URL", ""))
    postgres.sample(starting=True)
    started = time.monotonic()
    with open(f"{prefix}.log", "w", encoding="utf-8") as log:
        locust = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        locust_process = psutil.Process(locust.pid)
        locust_cpu = 0.0
        while locust.poll() is None:
            try:
                times = locust_process.cpu_times()
                locust_cpu = times.user + times.system
            except psutil.NoSuchProcess:
                pass
            postgres.sample()
            time.sleep(1)
    wall = time.monotonic() - started
    busy_after, total_after = machine_busy()
    cores = psutil.cpu_count() or 1
    return {
        "wall": wall,
        "machine_busy": (busy_after - busy_before) / max(total_after - total_before, 1e-9),
        "server_cores": (cpu_seconds(tree(server_pid)) - server_before) / wall,
        "worker_cores": ((cpu_seconds(tree(worker_pid)) - worker_before) / wall) if worker_pid else 0.0,
        "postgres_cores": postgres.seconds() / wall,
        "locust_cores": locust_cpu / wall,
        "cores": cores,
        "load_average": os.getloadavg(),
    }


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def report(users: int, stats: list[dict], cpu: dict, *, top: int = 12) -> None:
    total = next(row for row in stats if row["Name"] == "Aggregated")
    print(
        f"\n== {users} users: {int(total['Request Count']):,} requests, {float(total['Requests/s']):.1f}/s, "
        f"{int(total['Failure Count'])} failures; p50 {total['50%']} ms, p95 {total['95%']} ms, "
        f"p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms"
    )
    ours = cpu["server_cores"] + cpu["worker_cores"] + cpu["postgres_cores"] + cpu["locust_cores"]
    others = max(0.0, cpu["machine_busy"] * cpu["cores"] - ours)
    print(
        f"   machine {cpu['machine_busy']:.0%} busy of {cpu['cores']} cores; server processes "
        f"{cpu['server_cores']:.2f} cores, kam worker {cpu['worker_cores']:.2f}, "
        f"PostgreSQL {cpu['postgres_cores']:.2f}, Locust {cpu['locust_cores']:.2f}, everything else {others:.2f}; "
        f"load average {cpu['load_average'][0]:.1f}"
    )
    rows = sorted((row for row in stats if row["Name"] != "Aggregated"), key=lambda row: -float(row["95%"] or 0))
    print(f"   {'route':60} {'count':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6}")
    for row in rows[:top]:
        print(
            f"   {row['Type'] + ' ' + row['Name']:60} {row['Request Count']:>7} {row['Failure Count']:>5} "
            f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="20,50,100", help="comma-separated numbers of concurrent users")
    parser.add_argument("--spawn-rate", type=float, default=0, help="users started per second (0: a tenth of them)")
    parser.add_argument("--duration", default="3m", help="each run's length, as Locust reads it (3m, 90s)")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--with-worker", action="store_true", help="run a `kam worker` beside the server")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kam-load")
    parser.add_argument("--tokens", type=Path, default=None, help="JSON {username: token}; made by kam token if absent")
    parser.add_argument("--settle", type=float, default=15, help="seconds between runs (and after start-up)")
    args = parser.parse_args()

    args.out.mkdir(parents=True, exist_ok=True)
    tokens = args.tokens or args.out / "tokens.json"
    if not tokens.exists():
        make_tokens(tokens)
    host = f"http://127.0.0.1:{args.port}"
    env = dict(os.environ)
    # Every Locust user comes from 127.0.0.1; real clients come from many addresses, so the per-address
    # API limit (1,200 a minute by default) would throttle the test rather than measure it. The per-user
    # limit stays.
    env.setdefault("KAM_API_ADDRESS_RATE", "1000000/min")
    processes = []
    with open(args.out / "serve.log", "w", encoding="utf-8") as serve_log:
        server = subprocess.Popen(
            [
                str(BIN / "kam"),
                "serve",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--workers",
                str(args.workers),
                "--threads",
                str(args.threads),
            ],
            env=env,
            stdout=serve_log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(server)
        if args.with_worker:
            processes.append(
                subprocess.Popen(
                    [str(BIN / "kam"), "worker"],
                    env=env,
                    stdout=serve_log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
        try:
            wait_until_up(f"{host}/login/")
            time.sleep(args.settle)  # each process prints a document once when it starts (core.documents.warm_up)
            print(
                f"kam serve --workers {args.workers} --threads {args.threads} on {host}"
                f"{' with kam worker' if args.with_worker else ''}; {args.duration} a run"
            )
            for users in (int(value) for value in args.users.split(",")):
                prefix = args.out / f"w{args.workers}t{args.threads}_u{users}"
                cpu = run_locust(
                    host=host,
                    users=users,
                    spawn_rate=args.spawn_rate or max(1.0, users / 10),
                    duration=args.duration,
                    prefix=prefix,
                    tokens=tokens,
                    server_pid=server.pid,
                    worker_pid=processes[1].pid if args.with_worker else None,
                )
                (args.out / f"{prefix.name}_cpu.json").write_text(json.dumps(cpu), encoding="utf-8")
                report(users, read_stats(prefix), cpu)
                time.sleep(args.settle)
        finally:
            for process in processes:
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


if __name__ == "__main__":
    main()
