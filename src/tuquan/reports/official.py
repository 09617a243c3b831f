"""Official periodic reports: a weekly or monthly report of a scope as .docx in
the layout of Decree 30/2020/NĐ-CP, with an .xlsx annex of its tables.

The figures come from :func:`tuquan.reports.figures.summary`, the function the
dashboard reads, so the report and the dashboard show the same numbers. The
wording of the document is the administrative Vietnamese of a report to a
higher body and is not translated with the interface.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tuquan.accounts.choices import Role
from tuquan.core import audit
from tuquan.core.models import AuditAction
from tuquan.core.official_docx import (
    data_table,
    header,
    heading,
    new_document,
    number,
    signature,
    title,
    to_bytes,
)
from tuquan.organisations.choices import OperatingMode, OrgKind
from tuquan.organisations.models import Organisation
from tuquan.reports.figures import Summary, Totals, summary
from tuquan.reports.models import GeneratedReport

# Roles that write periodic reports for their subtree (not workers, guards or
# team leaders: they report through their enterprise or zone).
REPORTER_ROLES = frozenset(
    {
        Role.PROVINCE_COMMITTEE,
        Role.AGENCY_OFFICER,
        Role.COMMUNE_COMMITTEE,
        Role.ZONE_BOARD,
        Role.ENTERPRISE_OFFICER,
        Role.AUDITOR,
    }
)
MOVEMENT = (
    "Kết quả thực hiện phong trào Toàn dân bảo vệ an ninh Tổ quốc gắn với "
    "phòng, chống dịch COVID-19 tại khu công nghiệp, cụm công nghiệp"
)
WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
Kind = GeneratedReport.Kind
logger = logging.getLogger(__name__)


# --- periods ------------------------------------------------------------------


def parse_period(text: str) -> tuple[str, dt.date, dt.date]:
    """``2021-07`` is a month, ``2021-W30`` an ISO week: (kind, first, last day)."""
    text = (text or "").strip()
    if match := MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and year >= 2000:
            last = calendar.monthrange(year, month)[1]
            return Kind.MONTHLY, dt.date(year, month, 1), dt.date(year, month, last)
    if match := WEEK.match(text):
        year, week = int(match[1]), int(match[2])
        try:
            monday = dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            pass
        else:
            return Kind.WEEKLY, monday, monday + dt.timedelta(days=6)
    raise ValidationError(
        {
            "period": _(
                "“%(value)s” is not a period: write a month as 2021-07 or a week "
                "as 2021-W30."
            )
            % {"value": text}
        }
    )


def period_of(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) or the month that holds ``day``."""
    if kind == Kind.WEEKLY:
        monday = day - dt.timedelta(days=day.weekday())
        return monday, monday + dt.timedelta(days=6)
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def previous_period(kind: str, start: dt.date) -> tuple[dt.date, dt.date]:
    """The period just before the one starting on ``start``."""
    return period_of(kind, start - dt.timedelta(days=1))


def period_label(kind: str, start: dt.date, end: dt.date) -> str:
    if kind == Kind.MONTHLY:
        return f"Tháng {start.month} năm {start.year}"
    return f"Tuần từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}"


# --- who may report on what ------------------------------------------------------


def reporter_units(user: Any) -> list[tuple[Organisation, Organisation]]:
    """(unit the user reports for, root of the subtree it covers) per assignment."""
    if not getattr(user, "is_authenticated", False):
        return []
    result = []
    for assignment in user.assignments.select_related("organisation__jurisdiction"):
        if assignment.role in REPORTER_ROLES:
            result.append((assignment.organisation, assignment.scope_root()))
    return result


def issuer_for(user: Any, scope: Organisation) -> Organisation | None:
    """The user's unit that covers ``scope`` most closely: the report's issuer.

    None when the user may not report on ``scope`` (a superuser reports as the
    scope itself).
    """
    covering = [
        (root.path, unit)
        for unit, root in reporter_units(user)
        if scope.path.startswith(root.path)
    ]
    if covering:
        return max(covering, key=lambda item: len(item[0]))[1]
    if getattr(user, "is_superuser", False):
        return default_issuer(scope)
    return None


def default_issuer(scope: Organisation) -> Organisation:
    """Who reports on ``scope`` when no officer's unit says it (the command line,
    a superuser): the steering committee over it, else the unit itself."""
    committee = (
        Organisation.objects.filter(kind=OrgKind.COMMITTEE, jurisdiction=scope)
        .order_by("pk")
        .first()
    )
    return committee or scope


# Units offered in the report form's list; enterprises, residences and teams
# come from the dashboard (``?scope=``), there are too many to list.
LISTED_KINDS = (
    OrgKind.PROVINCE,
    OrgKind.DISTRICT,
    OrgKind.COMMUNE,
    OrgKind.INDUSTRIAL_PARK,
    OrgKind.INDUSTRIAL_CLUSTER,
)

REPORT_KINDS = (*LISTED_KINDS, OrgKind.ENTERPRISE, OrgKind.RESIDENCE, OrgKind.TEAM)


def reportable_scopes(user: Any) -> Any:
    """Units a user may choose as a report's scope (communes, zones and above,
    plus enterprises, residences and teams reached through the dashboard)."""
    roots = [root.path for _unit, root in reporter_units(user)]
    query = Organisation.objects.filter(kind__in=REPORT_KINDS)
    if getattr(user, "is_superuser", False):
        return query
    if not roots:
        return query.none()
    from tuquan.core.scoping import paths_q

    return query.filter(paths_q("path", roots))


# --- requesting and generating ---------------------------------------------------


def request_report(
    *,
    user: Any,
    scope: Organisation,
    kind: str,
    day: dt.date,
    client_id: uuid.UUID | None = None,
    queue: bool = True,
) -> tuple[GeneratedReport, bool]:
    """Record the weekly or monthly report of ``scope`` for the period holding
    ``day`` and queue the Celery task that writes its files (``queue=False``:
    the caller runs :func:`generate` itself, as the command line does).

    Returns (report, created): a retried request with the same ``client_id``
    returns the first report. ``user`` None is the server's operator at the
    command line, who may report on any unit."""
    if client_id is not None:
        existing = GeneratedReport.objects.filter(client_id=client_id).first()
        if existing is not None:
            return existing, False
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a weekly or a monthly report.")})
    if user is not None and issuer_for(user, scope) is None:
        raise PermissionDenied(_("You may not write reports for this unit."))
    start, end = period_of(kind, day)
    if start > timezone.localdate():
        raise ValidationError(
            {"period": _("The period has not started yet: there is nothing to report.")}
        )
    report = GeneratedReport(
        kind=kind,
        scope=scope,
        period_start=start,
        period_end=end,
        requested_by=user,
        client_id=client_id,
    )
    # No user: the operator at the command line.
    report.full_clean(exclude=["requested_by"])
    try:
        with transaction.atomic():
            report.save()
            audit.record(
                AuditAction.CREATE,
                report,
                scope_path=scope.path,
                object_repr=str(report),
            )
    except IntegrityError:
        # Two retries raced: the unique client id decides, the loser reads.
        return GeneratedReport.objects.get(client_id=client_id), False
    if queue:
        from tuquan.reports.tasks import generate_report

        report_id = report.pk
        transaction.on_commit(lambda: generate_report.delay(report_id))
    return report, True


def generate(report: GeneratedReport) -> GeneratedReport:
    """Write the report's .docx and .xlsx, showing progress on the row as it
    goes; a failure is kept on the row with its reason."""

    def progress(percent: int, **fields: Any) -> None:
        GeneratedReport.objects.filter(pk=report.pk).update(progress=percent, **fields)

    progress(5, state=GeneratedReport.State.RUNNING, error="")
    try:
        issuer = (
            issuer_for(report.requested_by, report.scope)
            if report.requested_by
            else None
        )
        current = summary(
            scope=report.scope, start=report.period_start, end=report.period_end
        )
        progress(35)
        before_start, before_end = previous_period(report.kind, report.period_start)
        before = summary(scope=report.scope, start=before_start, end=before_end)
        progress(55)
        docx = report_docx(
            current,
            before,
            kind=report.kind,
            issuer=issuer or default_issuer(report.scope),
        )
        progress(80)
        xlsx = report_xlsx(current, before, kind=report.kind)
        name = file_stem(report)
        report.docx.save(f"{name}.docx", ContentFile(docx), save=False)
        report.xlsx.save(f"{name}.xlsx", ContentFile(xlsx), save=False)
        report.state = GeneratedReport.State.DONE
        report.progress = 100
        report.finished_at = timezone.now()
        report.save(update_fields=["docx", "xlsx", "state", "progress", "finished_at"])
    except Exception as exc:
        # Kept on the row for the user to see; the log has the traceback.
        logger.exception("report %s failed", report.pk)
        GeneratedReport.objects.filter(pk=report.pk).update(
            state=GeneratedReport.State.FAILED,
            error=str(exc)[:2000] or exc.__class__.__name__,
            finished_at=timezone.now(),
        )
        report.refresh_from_db()
    return report


def file_stem(report: GeneratedReport) -> str:
    """bao-cao-thang-2021-07-kcn-hoa-phu, bao-cao-tuan-2021-w30-..."""
    if report.kind == Kind.MONTHLY:
        period = f"thang-{report.period_start:%Y-%m}"
    else:
        year, week, _day = report.period_start.isocalendar()
        period = f"tuan-{year}-w{week:02d}"
    place = slugify(report.scope.short_name or report.scope.name)[:40]
    return f"bao-cao-{period}-{place}"


# --- the document ---------------------------------------------------------------


def _place(scope: Organisation) -> str:
    """The province's name for "<place>, ngày ...": the root of the tree."""
    root_id = int(scope.path.split("/")[0]) if scope.path else scope.pk
    root = Organisation.objects.filter(pk=root_id).values_list("name", flat=True)
    name = root.first() or scope.name
    return re.sub(r"^(Tỉnh|Thành phố)\s+", "", name)


def _parent_line(issuer: Organisation) -> str:
    """The body above the issuer, shown over its name (UBND TỈNH ...)."""
    parent = issuer.parent
    if parent is None or issuer.kind not in (OrgKind.COMMITTEE, OrgKind.AGENCY):
        return ""
    if parent.kind in (OrgKind.PROVINCE, OrgKind.DISTRICT, OrgKind.COMMUNE):
        return f"UBND {_admin_name(parent)}"
    return parent.name


def _admin_name(unit: Organisation) -> str:
    """ "tỉnh Đắk Lắk" for a province recorded as plain "Đắk Lắk"."""
    name = unit.name
    division = getattr(unit.specific(), "division_type", "")
    if division and not name.lower().startswith(division.lower()):
        return f"{division} {name}"
    return name


def _symbol(issuer: Organisation) -> str:
    """The report's number (left for the clerical office) and symbol: BC (báo
    cáo) and the issuer's abbreviation, e.g. "/BC-BCĐ"."""
    words = re.findall(r"\w+", issuer.short_name or issuer.name)
    # A short name's abbreviation in capitals ("BCĐ tỉnh") is the symbol.
    capitals = [w for w in words if len(w) > 1 and w.isupper()]
    initials = capitals[0] if capitals else "".join(w[0].upper() for w in words)
    return f"      /BC-{initials}"


def _change(now: int, before: int) -> str:
    if now == before:
        return "không thay đổi so với kỳ trước"
    word = "tăng" if now > before else "giảm"
    return f"{word} {number(abs(now - before))} so với kỳ trước ({number(before)})"


def _percent(value: float | None) -> str:
    return "chưa có số liệu" if value is None else f"{number(value)}%"


def _recipients(issuer: Organisation, scope: Organisation) -> list[str]:
    upper = "Ban Chỉ đạo tỉnh (để báo cáo)"
    if issuer.kind == OrgKind.COMMITTEE and issuer.parent_id:
        parent = issuer.parent
        if parent is not None and parent.kind == OrgKind.PROVINCE:
            upper = f"UBND {_admin_name(parent)} (để báo cáo)"
    return [upper, "Các thành viên Ban Chỉ đạo", "Lưu: VT"]


def _epidemic(doc: Any, totals: Totals, before: Totals, last: dt.date) -> None:
    heading(doc, "I. TÌNH HÌNH DỊCH BỆNH VÀ CÔNG TÁC PHÒNG, CHỐNG DỊCH")
    doc.add_paragraph(
        f"1. Tự khai báo y tế: {number(totals.declarations)} lượt khai báo trên "
        f"{number(totals.expected_declarations)} lượt phải khai báo (tỷ lệ "
        f"{_percent(totals.declaration_rate)}); "
        f"{number(totals.declarations_symptomatic)} lượt khai có triệu chứng."
    )
    doc.add_paragraph(
        f"2. Ca mắc mới: {number(totals.new_cases)} ca, "
        f"{_change(totals.new_cases, before.new_cases)}. Đến ngày {last:%d/%m/%Y}: "
        f"{number(totals.in_isolation)} người đang cách ly, điều trị; "
        f"{number(totals.in_quarantine)} người tiếp xúc gần (F1) đang cách ly."
    )
    doc.add_paragraph(
        f"3. Xét nghiệm: {number(totals.tests)} mẫu, "
        f"{number(totals.tests_positive)} mẫu dương tính."
    )
    doc.add_paragraph(
        f"4. Tiêm chủng: {number(totals.vaccinated)} người lao động đã tiêm ít nhất "
        f"một mũi (đạt {_percent(totals.vaccination_coverage)}), "
        f"{number(totals.fully_vaccinated)} người tiêm đủ liều "
        f"({_percent(totals.full_coverage)})."
    )
    level = f"cấp {totals.epidemic_level}" if totals.epidemic_level else "chưa đánh giá"
    doc.add_paragraph(
        f"5. Cấp độ dịch cao nhất trên địa bàn: {level}; cảnh báo ổ dịch trong kỳ: "
        f"{number(totals.alerts)}."
    )


def _production(doc: Any, totals: Totals, last: dt.date) -> None:
    heading(doc, "II. DUY TRÌ HOẠT ĐỘNG SẢN XUẤT, KINH DOANH")
    doc.add_paragraph(
        f"1. Đến ngày {last:%d/%m/%Y}: {number(totals.workers_present)} người lao "
        f"động có mặt làm việc trên {number(totals.workers_registered)} người đăng "
        f"ký (tỷ lệ {_percent(totals.presence_rate)}); "
        f"{number(totals.workforce_lost)} người phải nghỉ do cách ly, điều trị."
    )
    doc.add_paragraph(
        f"2. Phương án hoạt động của {number(totals.enterprises)} doanh nghiệp:"
    )
    rows = [
        (str(OperatingMode(mode).label).capitalize(), totals.modes.get(mode, 0))
        for mode in OperatingMode.values
    ]
    data_table(doc, ("Phương án hoạt động", "Số doanh nghiệp"), rows, (11, 5.5))


def _security(doc: Any, current: Summary, before: Totals) -> None:
    from tuquan.security.choices import ReportStatus
    from tuquan.security.models import IncidentKind

    totals = current.totals
    heading(doc, "III. TÌNH HÌNH AN NINH, TRẬT TỰ")
    doc.add_paragraph(
        f"1. Tiếp nhận {number(totals.incidents_new)} tin báo vụ việc về an ninh, "
        f"trật tự, {_change(totals.incidents_new, before.incidents_new)}; "
        f"{number(totals.handovers_overdue)} vụ việc chuyển cơ quan Công an quá hạn "
        f"tiếp nhận."
    )
    names = dict(IncidentKind.objects.values_list("code", "name"))
    by_kind = current.incidents_by_kind
    if by_kind:
        rows = [(names.get(kind, kind), count) for kind, count in by_kind.items()]
        data_table(doc, ("Loại vụ việc", "Số vụ"), rows, (11, 5.5))
        states = ", ".join(
            f"{ReportStatus(state).label} {number(count)}"
            for state, count in current.incidents_by_state.items()
            if state in ReportStatus.values
        )
        doc.add_paragraph(f"Tình trạng xử lý: {states}.")
    doc.add_paragraph(
        f"2. Tin báo tố giác ẩn danh: {number(totals.tips)}; lượt tuần tra của các "
        f"tổ tự quản: {number(totals.patrols)}."
    )
    doc.add_paragraph(
        f"3. Xử lý vi phạm: {number(totals.violations)} trường hợp vi phạm, "
        f"{_change(totals.violations, before.violations)}; tổng số tiền phạt "
        f"{number(totals.fines_vnd)} đồng."
    )


def _units(doc: Any, current: Summary) -> None:
    if not current.children:
        return
    heading(doc, "IV. SỐ LIỆU THEO ĐƠN VỊ")
    # Units with nothing recorded are named in one line, not as rows of zeros.
    active = [c for c in current.children if _has_figures(c.totals)]
    quiet = len(current.children) - len(active)
    if not active:
        doc.add_paragraph("Chưa đơn vị trực thuộc nào có số liệu trong kỳ.")
        return
    rows = [
        (
            child.name,
            child.totals.workers_registered,
            child.totals.workers_present,
            number(child.totals.declaration_rate) + "%"
            if child.totals.declaration_rate is not None
            else "–",
            child.totals.new_cases,
            child.totals.workforce_lost,
            child.totals.incidents_new,
            child.totals.violations,
        )
        for child in active
    ]
    data_table(
        doc,
        (
            "Đơn vị",
            "Người LĐ",
            "Có mặt",
            "Khai báo",
            "Ca mới",
            "Cách ly",
            "Vụ việc",
            "Vi phạm",
        ),
        rows,
        (4.1, 1.8, 1.8, 1.9, 1.6, 1.7, 1.7, 1.9),
    )
    if quiet:
        doc.add_paragraph(
            f"{number(quiet)} đơn vị trực thuộc khác chưa có số liệu trong kỳ."
        )


def _has_figures(totals: Totals) -> bool:
    return any(
        (
            totals.workers_registered,
            totals.declarations,
            totals.new_cases,
            totals.workforce_lost,
            totals.incidents_new,
            totals.violations,
            totals.tips,
        )
    )


def report_docx(current: Summary, before: Summary, *, kind: str, issuer: Any) -> bytes:
    """The report as .docx: header, title, the three sides of the dual goal,
    figures by unit, the recipients and signature block."""
    with translation.override("vi"):
        doc = new_document()
        today = timezone.localdate()
        header(
            doc,
            issuer.name,
            _symbol(issuer),
            _place(current.scope),
            today,
            parent=_parent_line(issuer),
        )
        title(
            doc,
            "BÁO CÁO",
            MOVEMENT,
            f"({period_label(kind, current.start, current.end)})",
        )
        doc.add_paragraph(f"Phạm vi báo cáo: {current.scope.name}.")
        if not current.has_data:
            doc.add_paragraph(
                "Trong kỳ báo cáo chưa có số liệu tổng hợp của phạm vi này "
                "(chưa có khai báo, lượt ra vào, vụ việc hay vi phạm nào được ghi "
                "nhận), nên báo cáo không có số liệu."
            )
        else:
            last = current.last_day or current.end
            _epidemic(doc, current.totals, before.totals, last)
            _production(doc, current.totals, last)
            _security(doc, current, before.totals)
            _units(doc, current)
            refreshed = ""
            if current.refreshed_at:
                at = timezone.localtime(current.refreshed_at)
                refreshed = f" (tổng hợp lúc {at:%H:%M} ngày {at:%d/%m/%Y})"
            doc.add_paragraph(
                f"Số liệu tính đến ngày {last:%d/%m/%Y}{refreshed}; "
                "chi tiết theo ngày và theo đơn vị tại Phụ lục kèm theo."
            )
        signature(
            doc,
            _recipients(issuer, current.scope),
            f"TM. {issuer.name}",
            "",
        )
        return to_bytes(doc)


# --- the annex --------------------------------------------------------------------


def _sheet(book: Any, name: str, columns: list[str], rows: list[list[Any]]) -> None:
    sheet = book.create_sheet(name)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        widest = max(
            [len(str(column))] + [len(str(row[index - 1])) for row in rows[:200]]
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(widest + 2, 60)
        for row_cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
            for cell in row_cells:
                if isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif isinstance(cell.value, dt.date):
                    cell.number_format = "DD/MM/YYYY"


def report_xlsx(current: Summary, before: Summary, *, kind: str) -> bytes:
    """The annex: totals beside the previous period, the days, the units and
    the incidents, one sheet each."""
    with translation.override("vi"):
        book = Workbook()
        book.remove(book.active)
        metrics: list[tuple[str, Callable[[Totals], Any]]] = [
            ("Lượt khai báo y tế", lambda t: t.declarations),
            ("Lượt phải khai báo", lambda t: t.expected_declarations),
            ("Lượt khai có triệu chứng", lambda t: t.declarations_symptomatic),
            ("Ca mắc mới", lambda t: t.new_cases),
            ("Mẫu xét nghiệm", lambda t: t.tests),
            ("Mẫu dương tính", lambda t: t.tests_positive),
            ("Người đang cách ly, điều trị (cuối kỳ)", lambda t: t.in_isolation),
            ("F1 đang cách ly (cuối kỳ)", lambda t: t.in_quarantine),
            ("Đã tiêm ít nhất 1 mũi (cuối kỳ)", lambda t: t.vaccinated),
            ("Tiêm đủ liều (cuối kỳ)", lambda t: t.fully_vaccinated),
            ("Người lao động đăng ký (cuối kỳ)", lambda t: t.workers_registered),
            ("Người lao động có mặt (cuối kỳ)", lambda t: t.workers_present),
            ("Doanh nghiệp", lambda t: t.enterprises),
            ("Vụ việc an ninh, trật tự", lambda t: t.incidents_new),
            ("Chuyển Công an quá hạn (cuối kỳ)", lambda t: t.handovers_overdue),
            ("Tin báo tố giác", lambda t: t.tips),
            ("Lượt tuần tra", lambda t: t.patrols),
            ("Vi phạm", lambda t: t.violations),
            ("Tiền phạt (đồng)", lambda t: t.fines_vnd),
            ("Cảnh báo ổ dịch", lambda t: t.alerts),
        ]
        _sheet(
            book,
            "Tổng hợp",
            [
                "Chỉ tiêu",
                period_label(kind, current.start, current.end),
                period_label(kind, before.start, before.end),
            ],
            [
                [label, pick(current.totals), pick(before.totals)]
                for label, pick in metrics
            ],
        )
        _sheet(
            book,
            "Theo ngày",
            [
                "Ngày",
                "Khai báo",
                "Phải khai báo",
                "Có triệu chứng",
                "Ca mới",
                "Có mặt",
                "Đăng ký",
                "Cách ly, điều trị",
                "F1 cách ly",
                "Vụ việc",
                "Tố giác",
                "Vi phạm",
            ],
            [
                [
                    point.day,
                    point.declarations,
                    point.expected_declarations,
                    point.declarations_symptomatic,
                    point.new_cases,
                    point.workers_present,
                    point.workers_registered,
                    point.in_isolation,
                    point.in_quarantine,
                    point.incidents_new,
                    point.tips,
                    point.violations,
                ]
                for point in current.series
            ],
        )
        _sheet(
            book,
            "Theo đơn vị",
            [
                "Đơn vị",
                "Người LĐ",
                "Có mặt",
                "Khai báo",
                "Phải khai báo",
                "Ca mới",
                "Cách ly, điều trị",
                "F1 cách ly",
                "Đã tiêm",
                "Vụ việc",
                "Vi phạm",
                "Tiền phạt (đồng)",
            ],
            [
                [
                    child.name,
                    child.totals.workers_registered,
                    child.totals.workers_present,
                    child.totals.declarations,
                    child.totals.expected_declarations,
                    child.totals.new_cases,
                    child.totals.in_isolation,
                    child.totals.in_quarantine,
                    child.totals.vaccinated,
                    child.totals.incidents_new,
                    child.totals.violations,
                    child.totals.fines_vnd,
                ]
                for child in current.children
            ],
        )
        from tuquan.security.choices import ReportStatus
        from tuquan.security.models import IncidentKind

        names = dict(IncidentKind.objects.values_list("code", "name"))
        _sheet(
            book,
            "Vụ việc",
            ["Loại vụ việc", "Tình trạng", "Số vụ"],
            [
                [
                    names.get(kind, kind),
                    str(ReportStatus(state).label)
                    if state in ReportStatus.values
                    else state,
                    count,
                ]
                for kind, state, count in current.incidents
            ],
        )
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
