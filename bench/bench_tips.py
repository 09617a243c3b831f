"""Benchmark: anonymous tip submission through real HTTP, SQLite and PostgreSQL.

Starts gunicorn on 127.0.0.1 (bench_gates.start_server: the project's settings,
DEBUG off), fetches challenges from ``GET /api/v1/public/tips/challenge`` and
solves their proofs of work before the clock starts (that cost is the
sender's, on the sender's phone), then POSTs ``/api/v1/public/tips`` at a
bounded rate (``--rate``, default 120/s) from a second process over
``--concurrency`` connections for ``--seconds`` seconds. Every answer must be
201 with a receipt code, and the table must then hold exactly that many tips.

    .venv/bin/python bench/bench_tips.py --db sqlite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench_tips \\
        .venv/bin/python bench/bench_tips.py --db postgres

The server runs with the submit limit raised (``TUQUAN_TIP_SUBMIT_PER_MINUTE``)
because the point is the capacity of the submission path; the limit itself is
covered by tests. Each submission pays one scrypt (N=2**11 by default).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def configure(db: str) -> Path | None:
    """Environment for this process and the server (set before Django loads)."""
    sqlite_path = None
    if db == "sqlite":
        sqlite_path = Path(tempfile.mkdtemp(prefix="bench_tips_")) / "tips.sqlite3"
        os.environ["TUQUAN_VAR_DIR"] = str(sqlite_path.parent)
        # Empty, not absent: bench_gates would default it to PostgreSQL.
        os.environ["DATABASE_URL"] = ""
        os.environ.pop("DB", None)
    else:
        os.environ.setdefault(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuquan_bench_tips"
        )
    return sqlite_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--rate", type=float, default=120.0, help="tips per second")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="gthread"
    )
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--pow-bits", type=int, default=14)
    parser.add_argument("--scrypt-n", type=int, default=2**11)
    args = parser.parse_args()

    configure(args.db)
    os.environ["TUQUAN_TIP_SUBMIT_PER_MINUTE"] = "1000000"
    os.environ["TUQUAN_TIP_POW_BITS"] = str(args.pow_bits)
    os.environ["TUQUAN_TIP_SCRYPT_N"] = str(args.scrypt_n)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.tips_settings"
    sys.path.insert(0, str(ROOT))
    import orjson
    from django.core.management import call_command
    from django.db import connection

    import bench.bench_gates as gates  # sets up Django with the environment above
    from tuquan.organisations.choices import OrgKind
    from tuquan.organisations.models import AdminUnit
    from tuquan.tips import challenge, receipts
    from tuquan.tips.models import SpentChallenge, Tip

    if args.db == "postgres":
        gates.ensure_database()
    call_command("migrate", verbosity=0)
    province = AdminUnit.objects.filter(kind=OrgKind.PROVINCE).first()
    if province is None:
        province = AdminUnit.objects.create(
            name="Tỉnh Benchmark", kind=OrgKind.PROVINCE, code="BT"
        )
    Tip.objects.all().delete()
    SpentChallenge.objects.all().delete()
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    total = int(args.seconds * args.rate)
    port = gates.free_port()
    log = Path(tempfile.gettempdir()) / f"bench_tips_gunicorn_{port}.log"
    server = start_server(gates, args, port, log)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        tokens = []
        for _ in range(total):
            conn.request("GET", "/api/v1/public/tips/challenge")
            tokens.append(orjson.loads(conn.getresponse().read())["challenge"])
        conn.close()
        print(f"fetched {total:,} challenges in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool() as pool:
            proofs = pool.starmap(
                challenge.solve, [(t, args.pow_bits) for t in tokens], chunksize=64
            )
        solve_s = time.perf_counter() - started
        print(
            f"solved {total:,} proofs of {args.pow_bits} bits in {solve_s:.1f} s "
            f"({solve_s / total * 1000 * multiprocessing.cpu_count():.1f} ms each "
            "on one core, in Python)"
        )
        bodies = [
            (
                "/api/v1/public/tips",
                orjson.dumps(
                    {
                        "kind": "theft",
                        "place_text": f"Nhà trọ số {i}",
                        "description": f"Mất xe máy số {i} lúc nửa đêm, khóa bị cắt.",
                        "challenge": token,
                        "proof": proof,
                        "client_id": str(uuid.uuid4()),
                    }
                ),
            )
            for i, (token, proof) in enumerate(zip(tokens, proofs, strict=True))
        ]
        headers = {"Content-Type": "application/json"}
        # Warm-up: every worker imports and connects (a bad challenge stores nothing).
        bad = orjson.dumps(
            {
                "kind": "theft",
                "place_text": "x",
                "description": "warm-up only",
                "challenge": "v1.bad",
            }
        )
        gates.load("scans", port, [("/api/v1/public/tips", bad)] * 16, headers, 4)
        cpu_before = server_cpu(server.pid)
        summary = paced_load(port, bodies, headers, args.concurrency, args.rate)
        cpu_used = server_cpu(server.pid) - cpu_before
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = Tip.objects.count()
    seconds = summary["seconds"]
    rate = summary["ok"] / seconds
    lat = summary["latencies"]
    print(
        f"{summary['ok']:,} of {total:,} tips accepted (201) in {seconds:.1f} s "
        f"= {rate:.0f} tips/s sustained at a target of {args.rate:g}/s; "
        f"errors: {summary['errors']}; stored: {stored:,}"
    )
    print(
        f"latency p50 {gates.percentile(lat, 0.50) * 1000:.0f} ms, "
        f"p95 {gates.percentile(lat, 0.95) * 1000:.0f} ms, "
        f"p99 {gates.percentile(lat, 0.99) * 1000:.0f} ms, "
        f"max {max(lat) * 1000:.0f} ms; scrypt N={receipts.scrypt_n()} per tip"
    )
    print(
        f"server CPU (gunicorn processes): {cpu_used:.1f} s = "
        f"{cpu_used / max(summary['ok'], 1) * 1000:.1f} ms per tip; "
        f"load average during the run: {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} cores"
    )
    if summary["first_errors"]:
        print("first errors:", summary["first_errors"])
    ok = summary["errors"] == 0 and stored == total and rate >= 100
    print("PASS" if ok else "FAIL", "(≥ 100 tips/s, no error, every tip stored once)")
    Tip.objects.all().delete()
    SpentChallenge.objects.all().delete()
    raise SystemExit(0 if ok else 1)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by gunicorn and its workers."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own, parent = int(stat.parent.name), int(fields[1])
        if own == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def start_server(gates: Any, args: Any, port: int, log: Path) -> Any:
    """bench_gates' gunicorn, with this benchmark's settings module (it sets
    bench.gates_settings in the child's environment; ours replaces it)."""
    from unittest import mock

    popen = gates.subprocess.Popen

    def ours(command: list, env: dict, **kw: Any) -> Any:
        env = {**env, "DJANGO_SETTINGS_MODULE": "bench.tips_settings"}
        return popen(command, env=env, **kw)

    with mock.patch.object(gates.subprocess, "Popen", ours):
        return gates.start_server(args, port, log)


def _paced(
    pipe: Any, port: int, bodies: list, headers: dict, conc: int, rate: float
) -> None:
    import itertools
    import threading

    results: list[Any] = [None] * len(bodies)
    counter = itertools.count()
    ready = threading.Barrier(conc + 1)
    start: list[float] = []

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        ready.wait()
        while (i := next(counter)) < len(bodies):
            # Bounded load: request i leaves no earlier than i / rate.
            delay = start[0] + i / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            path, body = bodies[i]
            began = time.perf_counter()
            try:
                conn.request("POST", path, body, headers)
                response = conn.getresponse()
                data = response.read()
                results[i] = (response.status, time.perf_counter() - began, data)
            except (http.client.HTTPException, OSError) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                results[i] = (0, time.perf_counter() - began, repr(exc).encode())
        conn.close()

    threads = [threading.Thread(target=run) for _ in range(conc)]
    for thread in threads:
        thread.start()
    start.append(time.perf_counter() + 0.05)
    ready.wait()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start[0]
    errors = [r for r in results if r[0] != 201 or b"receipt_code" not in r[2]]
    pipe.send(
        {
            "seconds": seconds,
            "ok": len(results) - len(errors),
            "errors": len(errors),
            "first_errors": [(s, d[:200]) for s, _t, d in errors[:3]],
            "latencies": [t for _s, t, _d in results],
        }
    )
    pipe.close()


def paced_load(port: int, bodies: list, headers: dict, conc: int, rate: float) -> dict:
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_paced, args=(sender, port, bodies, headers, conc, rate)
    )
    process.start()
    sender.close()
    summary = receiver.recv()
    process.join()
    return summary


if __name__ == "__main__":
    main()
