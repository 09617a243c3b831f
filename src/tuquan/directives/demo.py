"""Demo data: Official Letter 23/BCĐ-CAT of 26/07/2021 of the provincial
steering committee (the text published on the provincial portal on 29/07/2021)
with its four tasks, assigned to the province's agencies, the showcase commune
and zone; progress reports in every bucket and state; a sample follow-up plan
of the park board whose tasks are still running; and the letter's public
summary on the bulletin.

Everything goes through the services; reports on the 2021 letter are then
dated back to 2021 (the services stamp "now")."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.directives import services
from tuquan.directives.choices import Cycle, Topic
from tuquan.directives.models import (
    Assignment,
    Directive,
    Notice,
    ProgressReport,
    Task,
)
from tuquan.directives.services import TaskInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LETTER_DATE = date(2021, 7, 26)
PORTAL_PUBLISHED = datetime(2021, 7, 29, 17, 4, tzinfo=TZ)

SUMMARY = (
    "Về việc tăng cường công tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ "
    "quốc gắn với phòng, chống dịch COVID-19 trong khu công nghiệp, cụm công "
    "nghiệp."
)
FULL_TEXT = (
    "Ban Chỉ đạo yêu cầu các sở, ban, ngành, đoàn thể và Ban Chỉ đạo các huyện, "
    "thị xã, thành phố chủ động phối hợp với lực lượng liên quan tăng cường công "
    "tác xây dựng phong trào toàn dân bảo vệ an ninh Tổ quốc gắn với phòng, chống "
    "dịch COVID-19 trong khu công nghiệp, cụm công nghiệp trên địa bàn tỉnh.\n\n"
    "Đổi mới nội dung, hình thức, biện pháp xây dựng phong trào toàn dân bảo vệ an "
    "ninh tổ quốc, tuyên truyền, vận động nhân dân tham gia phòng, chống dịch "
    "COVID-19 phù hợp với đặc điểm tâm lý của công nhân, người lao động trong khu "
    "công nghiệp, cụm công nghiệp. Nội dung tuyên truyền phải ngắn gọn, dễ hiểu, dễ "
    "nhớ, dễ thực hiện...\n\n"
    "Nghiên cứu, tham mưu xây dựng mô hình tổ chức công nhân tự quản về an ninh, "
    "trật tự tại khu công nghiệp, cụm công nghiệp trên địa bàn tỉnh gắn với tự giám "
    "sát công tác phòng, chống dịch COVID-19.\n\n"
    "Xử lý nghiêm các tổ chức, cá nhân vi phạm quy định trong công tác phòng, chống "
    "dịch; tập trung nguồn lực giữ vững an ninh, trật tự, phòng, chống, dập dịch hiệu "
    "quả, đảm bảo mục tiêu kép vừa chống dịch, vừa phát triển kinh tế - xã hội của "
    "địa phương."
)
TASKS = (
    "Đổi mới nội dung, hình thức, biện pháp xây dựng phong trào toàn dân bảo vệ an "
    "ninh Tổ quốc trong khu công nghiệp, cụm công nghiệp.",
    "Tuyên truyền, vận động công nhân, người lao động tham gia phòng, chống dịch "
    "COVID-19; nội dung ngắn gọn, dễ hiểu, dễ nhớ, dễ thực hiện.",
    "Nghiên cứu, tham mưu xây dựng mô hình tổ chức công nhân tự quản về an ninh, "
    "trật tự gắn với tự giám sát công tác phòng, chống dịch COVID-19.",
    "Xử lý nghiêm các tổ chức, cá nhân vi phạm quy định trong công tác phòng, chống "
    "dịch; giữ vững an ninh, trật tự, bảo đảm mục tiêu kép.",
)


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


def _report(
    task: Task,
    unit: Any,
    by: Any,
    percentage: int,
    narrative: str,
    submitted: datetime | None,
    **extra: Any,
) -> ProgressReport:
    report = services.submit_progress(
        task=task,
        unit=unit,
        by=by,
        percentage=percentage,
        narrative=narrative,
        **extra,
    )
    if submitted is not None:
        ProgressReport.objects.filter(pk=report.pk).update(submitted_at=submitted)
        Assignment.objects.filter(task=task, unit=unit).update(accepted_at=submitted)
        report.submitted_at = submitted
    return report


def write_directives(writer: Any, users: dict[str, Any]) -> Directive:
    """Letter 23/BCĐ-CAT and a follow-up plan, with reports and a published
    notice. ``writer`` is the demo builder (``bodies``, ``zones``, ``say``,
    ``count``); ``users`` its logins (bcd.tinh, congan.tinh, yte.tinh,
    bql.kcn, xa.hoaphu, kcn.hoaphu)."""
    from tuquan.organisations.demo import SHOWCASE_ZONE

    bodies = writer.bodies
    committee, police = bodies["committee"], bodies["police"]
    park_board, federation = bodies["park_board"], bodies["labour_federation"]
    health = bodies["health"]
    zone = writer.zones[SHOWCASE_ZONE]
    commune = zone.commune
    chief = users["bcd.tinh"]

    letter = services.save_directive(
        by=chief,
        values={
            "number": "23/BCĐ-CAT",
            "issued_on": LETTER_DATE,
            "issuer": committee,
            "summary": SUMMARY,
            "full_text": FULL_TEXT,
            "topic": Topic.MOVEMENT,
        },
        tasks=[
            TaskInput(
                content=TASKS[0],
                lead_unit=police,
                supporting_units=[federation, park_board],
                deadline=date(2021, 8, 31),
            ),
            TaskInput(
                content=TASKS[1],
                lead_unit=federation,
                supporting_units=[health, commune],
                deadline=date(2021, 8, 15),
                indicator_name="Số buổi tuyên truyền",
                indicator_unit="buổi",
                indicator_target=40,  # type: ignore[arg-type]
            ),
            TaskInput(
                content=TASKS[2],
                lead_unit=park_board,
                supporting_units=[police, zone],
                deadline=date(2021, 9, 30),
            ),
            TaskInput(
                content=TASKS[3],
                lead_unit=police,
                supporting_units=[health, commune],
                deadline=date(2021, 8, 31),
            ),
        ],
    )
    t1, t2, t3, t4 = list(letter.tasks.order_by("number"))
    # Task 1: the police finished on time.
    done = _report(
        t1,
        police,
        users["congan.tinh"],
        100,
        "Đã ban hành hướng dẫn đổi mới hình thức phong trào; 12 KCN, CCN triển khai.",
        _at(date(2021, 8, 27)),
    )
    services.review_report(report=done, by=chief, approve=True)
    # Task 2: the health department's share, returned then sent again.
    first = _report(
        t2,
        health,
        users["yte.tinh"],
        100,
        "Đã phát tờ rơi 5K tại cổng các KCN.",
        _at(date(2021, 8, 12)),
        indicator_value=18,
    )
    services.review_report(
        report=first,
        by=chief,
        approve=False,
        reason="Bổ sung số buổi tuyên truyền theo từng KCN.",
    )
    # Task 3: the park board finished late, after the deadline.
    late = _report(
        t3,
        park_board,
        users["bql.kcn"],
        100,
        "Đã trình mô hình tổ công nhân tự quản gắn với tổ an toàn COVID.",
        _at(date(2021, 10, 8)),
    )
    services.review_report(report=late, by=chief, approve=True)
    # Task 4: the police reported 70 %, still waiting for the committee: overdue.
    _report(
        t4,
        police,
        users["congan.tinh"],
        70,
        "Đã lập biên bản 46 trường hợp vi phạm quy định phòng, chống dịch.",
        _at(date(2021, 8, 30)),
    )

    plan = _follow_up(writer, users, letter, zone, park_board)
    notice = services.public_summary_notice(
        directive=letter,
        by=chief,
        summary=(
            "Ban Chỉ đạo phòng, chống tội phạm, tệ nạn xã hội và xây dựng phong trào "
            "Toàn dân bảo vệ an ninh Tổ quốc tỉnh ban hành Công văn số 23/BCĐ-CAT "
            "ngày 26/7/2021 về việc tăng cường công tác xây dựng phong trào toàn dân "
            "bảo vệ an ninh Tổ quốc gắn với phòng, chống dịch COVID-19 trong khu "
            "công nghiệp, cụm công nghiệp."
        ),
    )
    notice.body = FULL_TEXT
    notice.title = (
        "Tăng cường công tác xây dựng phong trào toàn dân bảo vệ an ninh tổ quốc "
        "gắn với phòng, chống dịch COVID-19 trong khu, cụm công nghiệp"
    )
    notice.save(update_fields=["body", "title"])
    services.set_notice_state(notice=notice, by=chief, publish=True)
    Notice.objects.filter(pk=notice.pk).update(published_at=PORTAL_PUBLISHED)
    writer.count(Directive, 2)
    writer.count(Task, Task.objects.filter(directive__in=[letter, plan]).count())
    writer.count(ProgressReport, ProgressReport.objects.count())
    writer.count(Notice, 1)
    return letter


def _follow_up(
    writer: Any, users: dict[str, Any], letter: Directive, zone: Any, board: Any
) -> Directive:
    """A sample plan of the park board implementing Letter 23 this month:
    a task for the showcase zone still within its deadline (a report waits
    for approval) and a monthly report of the commune (to accept)."""
    today = timezone.localdate()
    issued = today - timedelta(days=10)
    plan = services.save_directive(
        by=users["bql.kcn"],
        values={
            "number": f"{issued:%m}/KH-BQL (mẫu)",
            "issued_on": issued,
            "issuer": board,
            "summary": "Kế hoạch triển khai Công văn 23/BCĐ-CAT trong các KCN (mẫu).",
            "full_text": "Dữ liệu mẫu: kế hoạch triển khai Công văn 23/BCĐ-CAT.",
            "topic": Topic.MOVEMENT,
            "parent": letter,
        },
        tasks=[
            TaskInput(
                content=(
                    "Thành lập tổ công nhân tự quản về an ninh, trật tự tại các "
                    "doanh nghiệp trong KCN."
                ),
                lead_unit=zone,
                supporting_units=[],
                deadline=today + timedelta(days=20),
                indicator_name="Số tổ tự quản thành lập",
                indicator_unit="tổ",
                indicator_target=10,  # type: ignore[arg-type]
            ),
            TaskInput(
                content="Báo cáo tháng kết quả tự giám sát phòng, chống dịch.",
                lead_unit=zone.commune,
                supporting_units=[],
                cycle=Cycle.MONTHLY,
                due_day=25,
            ),
        ],
    )
    first = plan.tasks.order_by("number").first()
    assert first is not None
    _report(
        first,
        zone,
        users["kcn.hoaphu"],
        40,
        "Đã thành lập 4 tổ tự quản; đang vận động các doanh nghiệp còn lại.",
        None,
        indicator_value=4,
    )
    writer.say(
        _("Letter 23/BCĐ-CAT: four tasks, progress reports and a public notice.")
    )
    return plan
