"""Reads shared by the pages and the API: the directive list with its
filters and each directive's tasks with their units' statuses, all through
``visible_to``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from tuquan.core.text import nfc
from tuquan.directives import status as st
from tuquan.directives.choices import Bucket
from tuquan.directives.models import Assignment, Directive, Task

# Directives are tens a year per body; the list is computed in Python (the
# buckets depend on dates) and capped.
LIST_LIMIT = 500


@dataclass
class TaskRow:
    task: Task
    bucket: str
    units: list[tuple[Assignment, st.UnitStatus]]

    @property
    def label(self) -> str:
        return Bucket(self.bucket).label


@dataclass
class DirectiveRow:
    directive: Directive
    tasks: list[TaskRow] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        counter = Counter(row.bucket for row in self.tasks)
        return [(b.value, b.label, counter[b.value]) for b in Bucket if counter[b]]

    def buckets(self) -> set[str]:
        return {row.bucket for row in self.tasks}


def visible_tasks(user: Any) -> QuerySet[Task]:
    return (
        Task.objects.visible_to(user)
        .select_related("directive__issuer", "lead_unit")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.visible_to(user).select_related("unit"),
            )
        )
    )


def rows_for(
    user: Any, directives: list[Directive], today: date | None = None
) -> list[DirectiveRow]:
    """Each directive with the tasks and units ``user`` may see, and their
    statuses."""
    tasks = list(
        visible_tasks(user).filter(directive__in=directives).order_by("number", "pk")
    )
    table = st.statuses(tasks, today)
    rows = {d.pk: DirectiveRow(d) for d in directives}
    for task in tasks:
        units = [(a, table[(task.pk, a.unit_id)]) for a in task.assignments.all()]
        units.sort(key=lambda pair: (pair[0].role != "lead", pair[0].unit.name))
        lead = table.get((task.pk, task.lead_unit_id))
        rows[task.directive_id].tasks.append(
            TaskRow(task, lead.bucket if lead else Bucket.IN_PROGRESS, units)
        )
    return [rows[d.pk] for d in directives]


def directive_list(
    user: Any,
    *,
    status: str = "",
    topic: str = "",
    unit: int | None = None,
    q: str = "",
    today: date | None = None,
) -> list[DirectiveRow]:
    qs = Directive.objects.visible_to(user).select_related("issuer")
    if topic:
        qs = qs.filter(topic=topic)
    if unit:
        qs = qs.filter(
            pk__in=Assignment.objects.visible_to(user)
            .filter(unit_id=unit)
            .values("task__directive_id")
        )
    if q.strip():
        text = nfc(q).strip()
        qs = qs.filter(Q(number__icontains=text) | Q(summary__icontains=text))
    rows = rows_for(user, list(qs.order_by("-issued_on", "-pk")[:LIST_LIMIT]), today)
    if status:
        rows = [row for row in rows if status in row.buckets()]
    return rows
