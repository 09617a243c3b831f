"""Demo data: two messages from the template library, written by the commune
committee, approved and sent to the showcase enterprise's teams through the
real services, with some workers having read them and answered the quiz, so
the reach table shows figures (and a unit under 90 %)."""

from __future__ import annotations

import random
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tuquan.organisations.models import Team
from tuquan.outreach import services
from tuquan.outreach.choices import Channel
from tuquan.outreach.models import Delivery, Message

TEMPLATE_TITLES = ("Cháy ở nhà trọ", "Đeo khẩu trang khi vào xưởng")


def write_outreach(writer: Any, showcase_id: int, author: Any, seed: int) -> None:
    """Send two template messages from ``author`` (a committee or agency
    officer over the showcase enterprise ``showcase_id``) to its teams."""
    rng = random.Random(seed + 7)
    teams = list(Team.objects.filter(Q(enterprise_id=showcase_id)).order_by("pk")[:2])
    if not teams:
        writer.say(_("The showcase enterprise has no team: no outreach demo."))
        return
    sent = 0
    for template_title, team in zip(TEMPLATE_TITLES, teams * 2, strict=False):
        template = services.templates().filter(title=template_title).first()
        if template is None:
            continue
        message = services.save_message(
            message=Message(
                title=template.title,
                body=template.body,
                topic=template.topic,
                quiz_question=template.quiz_question,
                quiz_answers=template.quiz_answers,
                quiz_right=template.quiz_right,
                audience_unit=team,
                valid_from=timezone.localdate(),
                channels=[Channel.CONSOLE],
            ),
            by=author,
        )
        services.approve_message(message=message, by=author)
        services.send_message(message=message, by=author)
        sent += 1
        # Most open the page, fewer read, some answer (one wrong in five).
        rows = list(
            Delivery.objects.filter(message=message, channel=Channel.INBOX)
            .select_related("message")
            .order_by("pk")
        )
        services.mark_shown([d for d in rows if rng.random() < 0.95])
        for row in rows:
            if rng.random() < 0.7:
                services.mark_read(delivery=row)
                if rng.random() < 0.8:
                    right = message.quiz_right or 1
                    wrong = 1 if right != 1 else 2
                    services.answer_quiz(
                        delivery=row, answer=right if rng.random() < 0.8 else wrong
                    )
    writer.count(Message, sent)
