"""Benchmark: worker passages at the gates, batches and single scans, on PostgreSQL.

Builds a zone with enterprises, N workers (default 20,000) each with an active
card, one gate and a guard with an API token; generates synthetic passages
(default 1,000,000) and then, in one run:

1. COPYs them into a bare table (no index, no constraint) with psycopg's
   ``cursor.copy()``: the raw rate the API path is compared with;
2. POSTs the same passages to ``/api/v1/gate-events`` in batches of 5,000
   through gunicorn, from a second process on 127.0.0.1, and checks that every
   passage was accepted and stored exactly once;
3. POSTs single scans to ``/api/v1/gates/{id}/scan`` and, as their baseline,
   the same number of requests to a bare Django view that inserts one row
   (bench/gates_urls.py), served by the same gunicorn with the same middleware.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tuquan_bench_gates \\
        .venv/bin/python bench/bench_gates.py --events 1000000

The database is created if missing and migrated; the data is flagged and
removed at the end unless --keep is given. ``--workers`` is the number of
workers (people) in the data; ``--gunicorn-workers`` the server's processes.
A quick run: ``--events 50000 --scans 1000``.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import multiprocessing
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tuquan_bench_gates"
)
if not os.environ.get("SECRET_KEY"):
    # Benchmark keys (the test ones) for this process; the server gets its own.
    os.environ.setdefault("TUQUAN_TESTING", "1")
os.environ["DEBUG"] = "0"

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import ApiToken, RoleAssignment, User  # noqa: E402
from tuquan.core.text import fold  # noqa: E402
from tuquan.core.validators import (  # noqa: E402
    national_id_century_sex_digit,
    tax_code_check_digit,
)
from tuquan.gates.choices import EventSource, GateKind  # noqa: E402
from tuquan.gates.models import (  # noqa: E402
    Gate,
    GateEvent,
    Presence,
    WorkerCard,
    new_card_code,
)
from tuquan.organisations.choices import OrgKind  # noqa: E402
from tuquan.organisations.demo_catalogue import person_name  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Zone,
)
from tuquan.people.models import Worker  # noqa: E402

MARK = "BENCH-GATES"
GUARD = "bench_gates_guard"
COPY_TABLE = "bench_gates_copy"
BARE_TABLE = "bench_gates_bare_scan"  # as in bench/gates_urls.py
COLUMNS = (
    "client_id uuid, gate_id bigint, site_id bigint, worker_id bigint, "
    "enterprise_id bigint, card_id bigint, direction varchar(3), "
    "occurred_at timestamptz, received_at timestamptz, bus_route_id bigint, "
    "flag varchar(20), source varchar(10), recorded_by_id bigint"
)
TARGET_BATCH_RATIO = 0.50
TARGET_SCAN_RATIO = 0.90
TARGET_SCAN_P99_MS = 40.0


def tax_code(n: int) -> str:
    base = 700_000_000 + n * 17
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def pg_conninfo(dbname: str | None = None) -> str:
    db = settings.DATABASES["default"]
    parts = {
        "host": db.get("HOST") or "127.0.0.1",
        "port": db.get("PORT") or 5432,
        "user": db.get("USER") or "postgres",
        "dbname": dbname or db["NAME"],
    }
    if db.get("PASSWORD"):
        parts["password"] = db["PASSWORD"]
    return " ".join(f"{key}={value}" for key, value in parts.items())


def ensure_database() -> None:
    name = settings.DATABASES["default"]["NAME"]
    with psycopg.connect(pg_conninfo("postgres"), autocommit=True) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{name}"')


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------


class Site:
    """What the measurements need from the built data."""

    def __init__(self, gate: Gate, guard: User, token: str, cards: list) -> None:
        self.gate_id = gate.pk
        self.site_id = gate.site_id
        self.guard_id = guard.pk
        self.token = token
        # (card_id, code, worker_id, enterprise_id) per worker, in worker order
        self.cards = cards


def build(workers: int, enterprises: int, seed: int) -> Site:
    import random

    rng = random.Random(seed)
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        commune = AdminUnit.objects.create(
            name=f"Xã {MARK}", kind=OrgKind.COMMUNE, parent=province, code=f"{MARK}-c"
        )
        zone = Zone.objects.create(name=f"KCN {MARK}", commune=commune)
        ents = [
            Enterprise.objects.create(
                name=f"Công ty {MARK} {i}",
                tax_code=tax_code(i),
                zone=zone,
                code=tax_code(i),
            )
            for i in range(enterprises)
        ]
        gate = Gate.objects.create(
            site=zone, name=f"Cổng {MARK}", gate_kind=GateKind.BOTH
        )
        batch: list[Worker] = []
        start = date(1970, 1, 1)
        for i in range(workers):
            sex = rng.choice(["male", "female"])
            born = start + timedelta(days=rng.randrange(0, 365 * 35))
            worker = Worker(
                full_name=person_name(rng, sex),
                date_of_birth=born,
                sex=sex,
                enterprise=ents[i % enterprises],
                is_sample=True,
            )
            worker.national_id = (
                f"079{national_id_century_sex_digit(born.year, sex)}"
                f"{born.year % 100:02d}{i:06d}"
            )
            worker.name_folded = fold(worker.full_name)  # bulk_create skips save()
            batch.append(worker)
        Worker.objects.bulk_create(batch, batch_size=5000)
        codes: set[str] = set()
        cards = []
        for worker in batch:
            code = new_card_code()
            while code in codes:
                code = new_card_code()
            codes.add(code)
            cards.append(WorkerCard(worker=worker, code=code))
        WorkerCard.objects.bulk_create(cards, batch_size=5000)
        guard = User.objects.create_user(username=GUARD, password=None)
        RoleAssignment.objects.create(
            user=guard, role=Role.GATE_GUARD, organisation=gate
        )
        _token, raw = ApiToken.issue(user=guard, name=MARK)
    with connection.cursor() as cursor:
        # Earlier runs leave dead rows behind: vacuum, or the run measures bloat.
        cursor.execute("VACUUM ANALYZE")
    return Site(
        gate,
        guard,
        raw,
        [(c.pk, c.code, c.worker_id, c.worker.enterprise_id) for c in cards],
    )


def clean() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {COPY_TABLE}_indexed")
        cursor.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
    zones = Organisation.objects.filter(
        kind=OrgKind.INDUSTRIAL_PARK, name__contains=MARK
    )
    with transaction.atomic():
        for zone in zones:
            gates = Gate.objects.filter(path__startswith=zone.path)
            GateEvent.objects.filter(gate__in=gates)._raw_delete(connection.alias)
            Presence.objects.filter(gate__in=gates)._raw_delete(connection.alias)
            workers = Worker.objects.filter(enterprise__path__startswith=zone.path)
            WorkerCard.objects.filter(worker__in=workers)._raw_delete(connection.alias)
            workers._raw_delete(connection.alias)
        User.objects.filter(username=GUARD).delete()
        nodes = Organisation.objects.filter(name__contains=MARK)
        for node in nodes.order_by("-depth"):
            node.specific().delete()


def generate(count: int, site: Site, days: float) -> tuple[list, list, list]:
    """Client UUIDs, times and directions; event i belongs to worker i % N.

    Each worker's passages alternate in/out and grow in time, spread over the
    last ``days`` days and ending a few minutes ago (never in the future).
    """
    workers = len(site.cards)
    passes = -(-count // workers)
    end = datetime.now(UTC) - timedelta(minutes=5)
    step = timedelta(days=days) / passes
    start = end - step * passes
    client_ids = [uuid.uuid4() for _ in range(count)]
    times = []
    directions = []
    for i in range(count):
        worker, k = i % workers, i // workers
        offset = step * (0.8 * ((worker * 7919) % 1000) / 1000)
        times.append(start + step * k + offset)
        directions.append("in" if k % 2 == 0 else "out")
    return client_ids, times, directions


# --------------------------------------------------------------------------
# Raw COPY baseline
# --------------------------------------------------------------------------


def copy_rows(site: Site, client_ids: list, times: list, directions: list) -> list:
    """The passages as gate event rows, for COPY."""
    workers = len(site.cards)
    received = datetime.now(UTC)
    rows = []
    for i, (client_id, moment, direction) in enumerate(
        zip(client_ids, times, directions, strict=True)
    ):
        card_id, _code, worker_id, enterprise_id = site.cards[i % workers]
        rows.append(
            (
                client_id,
                site.gate_id,
                site.site_id,
                worker_id,
                enterprise_id,
                card_id,
                direction,
                moment,
                received,
                None,
                "",
                EventSource.DEVICE,
                site.guard_id,
            )
        )
    return rows


def raw_copy(rows: list, *, indexed: bool = False) -> float:
    """Seconds to COPY ``rows`` into a bare table (no index, no constraint),
    or with ``indexed`` into a copy of the gate event table with its indexes
    and unique constraint (not its foreign keys)."""
    table = COPY_TABLE + ("_indexed" if indexed else "")
    shape = (
        f"(LIKE {GateEvent._meta.db_table} INCLUDING ALL)"
        if indexed
        else f"({COLUMNS})"
    )
    names = ", ".join(column.split()[0] for column in COLUMNS.split(", "))
    with psycopg.connect(pg_conninfo()) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {table}")
        conn.execute(f"CREATE TABLE {table} {shape}")
        conn.commit()
        started = time.perf_counter()
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        conn.commit()
        seconds = time.perf_counter() - started
        stored = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        conn.execute(f"DROP TABLE {table}")
        conn.commit()
    assert stored == len(rows), (stored, len(rows))
    return seconds


# --------------------------------------------------------------------------
# Server and load generator
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(args: argparse.Namespace, port: int, log: Path) -> subprocess.Popen:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"TUQUAN_TESTING", "CELERY_BROKER_URL"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.gates_settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        TUQUAN_FIELD_KEY=settings.TUQUAN_FIELD_KEY,
        SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback
        LOG_LEVEL="WARNING",
    )
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "tuquan.wsgi",
        "--pythonpath",
        str(ROOT),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.gunicorn_workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "2048",
        "--timeout",
        "300",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            probe.request("GET", "/api/v1/presence")
            probe.getresponse().read()
            probe.close()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer:\n{log.read_text()}")


def _send(
    port: int,
    requests: list[tuple[str, bytes]],
    headers: dict[str, str],
    concurrency: int,
) -> tuple[float, list[tuple[int, float, bytes]], int]:
    """POST every request over ``concurrency`` connections; wall seconds,
    (status, seconds, body) per request, and reconnect retries."""
    results: list[Any] = [None] * len(requests)
    counter = itertools.count()
    retries = [0]
    ready = threading.Barrier(concurrency + 1)

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        ready.wait()
        while (i := next(counter)) < len(requests):
            path, body = requests[i]
            for attempt in range(3):
                try:
                    started = time.perf_counter()
                    conn.request("POST", path, body, headers)
                    response = conn.getresponse()
                    data = response.read()
                    break
                except (http.client.RemoteDisconnected, ConnectionError):
                    # A keep-alive connection the server closed: reopen.
                    conn.close()
                    retries[0] += 1
                    if attempt == 2:
                        raise
            results[i] = (response.status, time.perf_counter() - started, data)
        conn.close()

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, results, retries[0]


def _summarise_batches(results: list) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "statuses": Counter(),
        "accepted": 0,
        "duplicates": 0,
        "rejected": 0,
        "first_rejected": [],
    }
    for status, _seconds, data in results:
        summary["statuses"][status] += 1
        if status != 200:
            summary["first_rejected"].append(data[:300].decode(errors="replace"))
            continue
        body = orjson.loads(data)
        summary["accepted"] += len(body["accepted"])
        summary["duplicates"] += len(body["duplicates"])
        summary["rejected"] += len(body["rejected"])
        summary["first_rejected"].extend(body["rejected"][:2])
    summary["first_rejected"] = summary["first_rejected"][:5]
    summary["latencies"] = [seconds for _status, seconds, _data in results]
    return summary


def _summarise_scans(results: list) -> dict[str, Any]:
    outcomes: Counter = Counter()
    statuses: Counter = Counter()
    recorded = 0
    for status, _seconds, data in results:
        statuses[status] += 1
        if status == 200:
            body = orjson.loads(data)
            outcomes[body.get("status", "ok")] += 1
            recorded += bool(body.get("recorded", body.get("ok")))
    return {
        "statuses": statuses,
        "outcomes": outcomes,
        "recorded": recorded,
        "latencies": [seconds for _status, seconds, _data in results],
    }


def _child(pipe: Any, kind: str, port: int, requests: list, headers: dict, conc: int):
    seconds, results, retries = _send(port, requests, headers, conc)
    summary = (_summarise_batches if kind == "batches" else _summarise_scans)(results)
    summary["seconds"] = seconds
    summary["retries"] = retries
    pipe.send(summary)
    pipe.close()


def load(kind: str, port: int, requests: list, headers: dict, conc: int) -> dict:
    """Send ``requests`` from a second process (forked: the bodies are built
    and serialised before, in this one) and return its summary."""
    connections.close_all()  # never share a database connection with a fork
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, kind, port, requests, headers, conc)
    )
    process.start()
    sender.close()
    summary = receiver.recv()
    process.join()
    return summary


# --------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=20_000, help="people")
    parser.add_argument("--enterprises", type=int, default=20)
    parser.add_argument("--batch", type=int, default=5000)
    parser.add_argument("--scans", type=int, default=5000)
    parser.add_argument("--days", type=float, default=3.0)
    parser.add_argument("--concurrency", type=int, default=4, help="connections")
    parser.add_argument(
        "--scan-concurrency", type=int, help="connections for scans (default: same)"
    )
    parser.add_argument("--gunicorn-workers", type=int, default=2)
    parser.add_argument(
        "--worker-class", choices=("sync", "gthread"), default="gthread"
    )
    parser.add_argument("--threads", type=int, default=2, help="gthread threads")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the data")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("this benchmark needs PostgreSQL (DATABASE_URL)")
    scan_conc = args.scan_concurrency or args.concurrency

    ensure_database()
    call_command("migrate", verbosity=0)
    clean()
    started = time.perf_counter()
    site = build(args.workers, args.enterprises, args.seed)
    print(
        f"database: {settings.DATABASES['default']['NAME']}; built "
        f"{args.workers:,} workers with cards over {args.enterprises} enterprises, "
        f"one gate, one guard in {time.perf_counter() - started:.1f} s"
    )
    server = None
    try:
        started = time.perf_counter()
        client_ids, times, directions = generate(args.events, site, args.days)
        print(
            f"generated {args.events:,} passages over {args.days:g} days in "
            f"{time.perf_counter() - started:.1f} s"
        )

        rows = copy_rows(site, client_ids, times, directions)
        copy_seconds = raw_copy(rows)
        copy_rate = args.events / copy_seconds
        print(
            f"raw COPY into a bare table: {args.events:,} rows in "
            f"{copy_seconds:.1f} s = {copy_rate:,.0f} rows/s"
        )
        indexed_seconds = raw_copy(rows, indexed=True)
        indexed_rate = args.events / indexed_seconds
        print(
            f"  for reference, COPY into a table shaped like the gate event table, "
            f"with its indexes: {indexed_seconds:.1f} s = {indexed_rate:,.0f} rows/s"
        )
        del rows

        # Serialise every request body before anything is timed.
        workers = len(site.cards)
        gate_path = "/api/v1/gate-events"
        batches = []
        for first in range(0, args.events, args.batch):
            events = [
                {
                    "client_id": client_ids[i],
                    "gate": site.gate_id,
                    "card": site.cards[i % workers][1],
                    "direction": directions[i],
                    "occurred_at": times[i],
                }
                for i in range(first, min(first + args.batch, args.events))
            ]
            batches.append((gate_path, orjson.dumps({"events": events})))
        # Scans: distinct workers (cycling past N), each the opposite of its
        # last passage, so that no "in" meets a worker already inside.
        last = {}
        for i in range(max(0, args.events - workers), args.events):
            last[i % workers] = directions[i]
        scan_path = f"/api/v1/gates/{site.gate_id}/scan"
        scans, bares = [], []
        for j in range(args.scans):
            worker, round_ = j % workers, j // workers
            first = "out" if last.get(worker) == "in" else "in"
            direction = first if round_ % 2 == 0 else ("out" if first == "in" else "in")
            body = orjson.dumps({"card": site.cards[worker][1], "direction": direction})
            scans.append((scan_path, body))
            bares.append(("/bench/bare-insert", body))
        del client_ids, times, directions

        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
            cursor.execute(
                f"CREATE TABLE {BARE_TABLE} (id bigserial PRIMARY KEY, "
                "client_id uuid, card varchar(16), direction varchar(3), "
                "occurred_at timestamptz)"
            )
        port = free_port()
        log = Path(tempfile.gettempdir()) / f"bench_gates_gunicorn_{port}.log"
        server = start_server(args, port, log)
        setup = f"gunicorn {args.worker_class} x{args.gunicorn_workers}" + (
            f" ({args.threads} threads)" if args.worker_class == "gthread" else ""
        )
        headers = {
            "Authorization": f"Bearer {site.token}",
            "Content-Type": "application/json",
        }
        # Warm-up: every worker process imports, connects, authenticates.
        # A rejected passage and an unknown card store nothing.
        bogus = orjson.dumps(
            {
                "events": [
                    {
                        "client_id": uuid.uuid4(),
                        "gate": site.gate_id,
                        "card": "ZZZZZZZZ",
                        "direction": "in",
                        "occurred_at": datetime.now(UTC),
                    }
                ]
            }
        )
        warm = [(gate_path, bogus)] * 12 + [
            (scan_path, orjson.dumps({"card": "ZZZZZZZZ", "direction": "in"}))
        ] * 12
        warm += [("/bench/bare-insert", bares[0][1])] * 12
        load("scans", port, warm, headers, max(args.concurrency, scan_conc))

        result = load("batches", port, batches, headers, args.concurrency)
        api_rate = args.events / result["seconds"]
        stored = GateEvent.objects.filter(gate_id=site.gate_id).count()
        print(
            f"API {gate_path} ({setup}, {args.concurrency} connections, "
            f"{args.batch:,} per request): {args.events:,} passages in "
            f"{result['seconds']:.1f} s = {api_rate:,.0f} passages/s; "
            f"request p50 {statistics.median(result['latencies']) * 1000:.0f} ms, "
            f"max {max(result['latencies']) * 1000:.0f} ms"
        )
        print(
            f"  HTTP {dict(result['statuses'])}; accepted {result['accepted']:,}, "
            f"duplicates {result['duplicates']:,}, rejected {result['rejected']:,}; "
            f"rows stored {stored:,}"
        )
        if result["first_rejected"]:
            print(f"  first rejections: {result['first_rejected']}")
        batches_ok = (
            result["accepted"] == args.events
            and result["rejected"] == 0
            and result["duplicates"] == 0
            and stored == args.events
        )

        # Bare view and scans alternate in two halves, so that load from
        # outside the benchmark weighs on both alike.
        half = args.scans // 2
        bare_runs, scan_runs = [], []
        for part in (slice(0, half), slice(half, None)):
            bare_runs.append(load("scans", port, bares[part], {}, scan_conc))
            scan_runs.append(load("scans", port, scans[part], headers, scan_conc))
        figures = {}
        for name, runs in (("bare", bare_runs), ("scan", scan_runs)):
            latencies = [x for run in runs for x in run["latencies"]]
            seconds = sum(run["seconds"] for run in runs)
            outcomes = sum((run["outcomes"] for run in runs), Counter())
            statuses = sum((run["statuses"] for run in runs), Counter())
            figures[name] = {
                "rps": len(latencies) / seconds,
                "p50": percentile(latencies, 0.50) * 1000,
                "p95": percentile(latencies, 0.95) * 1000,
                "p99": percentile(latencies, 0.99) * 1000,
                "max": max(latencies) * 1000,
                "recorded": sum(run["recorded"] for run in runs),
                "outcomes": dict(outcomes),
                "statuses": dict(statuses),
                "retries": sum(run["retries"] for run in runs),
            }
        scanned = GateEvent.objects.filter(
            gate_id=site.gate_id, source=EventSource.SCAN
        ).count()
        print(
            f"{'single requests':<34}{'req/s':>8}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>7} ms"
        )
        for name, label in (
            ("bare", "bare one-row insert view"),
            ("scan", f"POST {scan_path.replace(str(site.gate_id), '{id}')}"),
        ):
            f = figures[name]
            print(
                f"{label:<34}{f['rps']:8.0f}{f['p50']:7.1f}{f['p95']:7.1f}"
                f"{f['p99']:7.1f}{f['max']:7.1f}"
            )
        print(
            f"  ({setup}, {scan_conc} connections, {args.scans:,} requests each, "
            f"in two alternating halves) scans: HTTP {figures['scan']['statuses']}, "
            f"{figures['scan']['outcomes']}, recorded {figures['scan']['recorded']:,}, "
            f"rows stored {scanned:,}; bare: HTTP {figures['bare']['statuses']}"
        )
        scans_ok = (
            figures["scan"]["recorded"] == args.scans
            and scanned == args.scans
            and figures["bare"]["statuses"] == {200: args.scans}
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=60)
        if not args.keep:
            clean()

    batch_ratio = api_rate / copy_rate
    scan_ratio = figures["scan"]["rps"] / figures["bare"]["rps"]

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    print()
    print(f"{'measure':<40}{'figure':>16}  {'target':<22}result")
    rows = [
        ("raw COPY, rows/s", f"{copy_rate:,.0f}", "", ""),
        ("(COPY with the table's indexes, rows/s)", f"{indexed_rate:,.0f}", "", ""),
        ("API batches, passages/s", f"{api_rate:,.0f}", "", ""),
        (
            "API / raw COPY",
            f"{batch_ratio:.0%}",
            f">= {TARGET_BATCH_RATIO:.0%}",
            verdict(batch_ratio >= TARGET_BATCH_RATIO),
        ),
        (
            "all passages stored once",
            "yes" if batches_ok else "NO",
            "yes",
            verdict(batches_ok),
        ),
        ("bare insert view, req/s", f"{figures['bare']['rps']:,.0f}", "", ""),
        ("scan, req/s", f"{figures['scan']['rps']:,.0f}", "", ""),
        (
            "scan / bare view",
            f"{scan_ratio:.0%}",
            f">= {TARGET_SCAN_RATIO:.0%}",
            verdict(scan_ratio >= TARGET_SCAN_RATIO),
        ),
        (
            "scan p99, ms",
            f"{figures['scan']['p99']:.1f}",
            f"<= {TARGET_SCAN_P99_MS:.0f}",
            verdict(figures["scan"]["p99"] <= TARGET_SCAN_P99_MS),
        ),
        (
            "all scans stored once",
            "yes" if scans_ok else "NO",
            "yes",
            verdict(scans_ok),
        ),
    ]
    for measure, figure, target, result_ in rows:
        print(f"{measure:<40}{figure:>16}  {target:<22}{result_}")


if __name__ == "__main__":
    main()
