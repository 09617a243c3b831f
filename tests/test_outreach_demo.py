"""The outreach demo: two sent messages with reads and quiz answers."""

from __future__ import annotations

from typing import Any

from tests.conftest import Province
from tuquan.outreach import services
from tuquan.outreach.demo import write_outreach
from tuquan.outreach.models import Message


class Writer:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}
        self.said: list[str] = []

    def say(self, message: str) -> None:
        self.said.append(message)

    def count(self, model: Any, n: int) -> None:
        label = model._meta.label_lower
        self.counts[label] = self.counts.get(label, 0) + n


def test_it_sends_demo_messages_with_reach(province: Province) -> None:
    writer = Writer()
    write_outreach(writer, province.enterprise_a.pk, province.user("province"), 3)
    assert writer.counts == {"outreach.message": 2}
    messages = list(Message.objects.all())
    assert {m.state for m in messages} == {"sent"}
    assert all(m.check_passed and m.recipients == 2 for m in messages)
    totals = [services.reach(m, province.user("province"))[1] for m in messages]
    assert sum(t.total for t in totals) == 4
    assert sum(t.read for t in totals) >= 1


def test_it_says_why_without_teams(province: Province) -> None:
    writer = Writer()
    write_outreach(writer, province.enterprise_a2.pk, province.user("province"), 3)
    assert writer.said and not Message.objects.exists()
