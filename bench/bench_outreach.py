"""Benchmark of outreach: fan-out of one message to N workers (default 100,000),
the plain-language check of a 300-character message and the bytes of the
worker's inbox page.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/outreach_bench \
        .venv/bin/python bench/bench_outreach.py --workers 100000

Targets: fan-out ≤ 10 s, check ≤ 50 ms, inbox page ≤ 60 KB. The data is
flagged and removed at the end unless --keep is given.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tuquan.settings")
os.environ.setdefault("TUQUAN_TESTING", "1")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
# The bench measures the fan-out, not a gateway: no SMS is attempted.
os.environ.setdefault("OUTREACH_RATE_SMS", "0")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from tuquan.accounts.choices import Role  # noqa: E402
from tuquan.accounts.models import RoleAssignment, User  # noqa: E402
from tuquan.core import crypto  # noqa: E402
from tuquan.core.validators import tax_code_check_digit  # noqa: E402
from tuquan.health.services import health_link_token  # noqa: E402
from tuquan.organisations.choices import AgencyFunction, OrgKind  # noqa: E402
from tuquan.organisations.models import (  # noqa: E402
    AdminUnit,
    Enterprise,
    Organisation,
    Zone,
)
from tuquan.outreach import plain  # noqa: E402
from tuquan.outreach import services as s  # noqa: E402
from tuquan.outreach.models import Delivery, Message  # noqa: E402
from tuquan.people.models import Worker  # noqa: E402

MARK = "OUTBENCH"
TEXT_300 = (
    "Từ thứ hai 17/11, hãy đeo khẩu trang khi vào xưởng và khi đi xe đưa đón. "
    "Thấy sốt, ho hoặc khó thở, báo tổ trưởng ngay và ở lại phòng trọ. "
    "Gọi trạm y tế xã Hòa Phú: 0262 381 234. Đừng tự mua thuốc uống. "
    "Tổ trưởng ghi tên người có triệu chứng và báo công ty trước 8 giờ sáng mỗi "
    "ngày, kể cả thứ bảy và chủ nhật."
)[:300]


def tax_code(n: int) -> str:
    base = 700000000 + n * 17
    while tax_code_check_digit(f"{base:09d}") is None:
        base += 1
    return f"{base:09d}{tax_code_check_digit(f'{base:09d}')}"


def build(workers: int, enterprises: int) -> User:
    """Workers set-based: one encrypted phone and ID value reused (only the
    lookup hash must differ), bulk inserts of 5,000."""
    with transaction.atomic():
        province = AdminUnit.objects.create(
            name=f"Tỉnh {MARK}", kind=OrgKind.PROVINCE, code=f"{MARK}-p"
        )
        commune = AdminUnit.objects.create(
            name=f"Xã {MARK}", kind=OrgKind.COMMUNE, parent=province, code=f"{MARK}-c"
        )
        committee = Organisation.objects.create(
            kind=OrgKind.COMMITTEE,
            name=f"BCĐ {MARK}",
            parent=province,
            jurisdiction=province,
            function=AgencyFunction.OTHER,
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
        phone_enc = crypto.encrypt("0912345678")
        id_enc = crypto.encrypt("066095000000")
        batch: list[Worker] = []
        for i in range(workers):
            batch.append(
                Worker(
                    full_name=f"Công Nhân {i}",
                    name_folded=f"cong nhan {i}",
                    date_of_birth=date(1995, 1, 1),
                    sex="male",
                    enterprise=ents[i % enterprises],
                    national_id_enc=id_enc,
                    national_id_hash=crypto.lookup_hash(f"{MARK}{i:09d}"),
                    national_id_tail=f"{i % 10000:04d}",
                    phone_enc=phone_enc,
                    phone_hash=crypto.lookup_hash(f"09{i:08d}"),
                    phone_tail=f"{i % 10000:04d}",
                    is_sample=True,
                )
            )
            if len(batch) == 5000:
                Worker.objects.bulk_create(batch)
                batch = []
        Worker.objects.bulk_create(batch)
        user = User.objects.create_user(username="outbench_province", password="x")
        RoleAssignment.objects.create(
            user=user, role=Role.PROVINCE_COMMITTEE, organisation=committee
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return user


def clean() -> None:
    with transaction.atomic():
        Message.objects.filter(organisation__name__contains=MARK).delete()
        Message.objects.filter(audience_unit__name__contains=MARK).delete()
        Worker.objects.filter(enterprise__name__contains=MARK).delete()
        User.objects.filter(username__startswith="outbench_").delete()
        for kind in (
            OrgKind.ENTERPRISE,
            OrgKind.INDUSTRIAL_PARK,
            OrgKind.COMMITTEE,
            OrgKind.COMMUNE,
            OrgKind.PROVINCE,
        ):
            for org in Organisation.objects.filter(kind=kind, name__contains=MARK):
                org.specific().delete()


def message(user: User, unit: Organisation, title: str, channels: list[str]) -> Message:
    draft = s.save_message(
        message=Message(
            title=title,
            body="Thấy cháy, hãy hô to và gọi 114. Đừng đi thang máy.",
            topic="fire",
            quiz_question="Số báo cháy là số nào?",
            quiz_answers=["113", "114", "115"],
            quiz_right=2,
            audience_unit=unit,
            channels=channels,
        ),
        by=user,
    )
    return s.approve_message(message=draft, by=user)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=200)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    clean()
    started = time.perf_counter()
    user = build(args.workers, args.enterprises)
    print(
        f"database: {connection.vendor}; built {args.workers:,} workers in "
        f"{time.perf_counter() - started:.1f} s"
    )
    province = Organisation.objects.get(name=f"Tỉnh {MARK}")
    try:
        # 1. Fan-out: one inbox row per worker; then a message also sent by
        # SMS (inbox + SMS rows, twice as many), each in one send.
        for title, channels in (
            ("Báo cháy (bench, inbox)", []),
            ("Báo cháy (bench, inbox + SMS)", ["sms"]),
        ):
            approved = message(user, province, title, channels)
            started = time.perf_counter()
            rows = s.send_message(message=approved, by=user)
            elapsed = time.perf_counter() - started
            stored = Delivery.objects.filter(message=approved).count()
            print(
                f"fan-out to {approved.recipients:,} workers, channels inbox"
                f"{' + SMS' if channels else ''}: {rows:,} outbox rows in "
                f"{elapsed:.2f} s (target ≤ 10 s); rows stored: {stored:,}"
            )
        started = time.perf_counter()
        again = s.fan_out(approved)
        print(
            f"second fan-out (nothing twice): {again} rows in "
            f"{time.perf_counter() - started:.2f} s"
        )

        # 2. The plain-language check of a 300-character message.
        jargon = s.jargon_pairs()
        times = []
        for _ in range(200):
            t0 = time.perf_counter()
            plain.check(TEXT_300, jargon)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        print(
            f"plain-language check, {len(TEXT_300)} characters, {len(jargon)} jargon "
            f"terms: median {statistics.median(times):.2f} ms, max {times[-1]:.2f} ms "
            f"(target ≤ 50 ms)"
        )

        # 3. The inbox page of a worker with 20 messages.
        enterprise = Enterprise.objects.filter(name__contains=MARK).first()
        for i in range(19):
            extra = message(user, enterprise, f"Tin số {i + 2} (bench)", [])
            s.send_message(message=extra, by=user)
        worker = Worker.objects.filter(enterprise=enterprise).first()
        token = health_link_token(worker)
        client = Client()
        client.get("/tin/-/")  # warm-up: the first request loads the URL conf
        t0 = time.perf_counter()
        inbox = client.get(f"/tin/{token}/")
        inbox_ms = (time.perf_counter() - t0) * 1000
        read = client.get(f"/tin/{token}/{approved.pk}/")
        assert inbox.status_code == 200 and read.status_code == 200
        print(
            f"inbox page, 20 messages: {len(inbox.content):,} bytes in "
            f"{inbox_ms:.0f} ms; message page with quiz: {len(read.content):,} "
            f"bytes (target ≤ 60 KB, no script, no external CSS)"
        )
    finally:
        if not args.keep:
            clean()


if __name__ == "__main__":
    main()
