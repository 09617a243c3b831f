"""Tips of the sample province: two anonymous tips sent through the real
service (challenge, receipt, sealing), one with the police's reply and the
tipster's answer, so the handler pages and the receipt page have something
to show after ``make run``. The receipt codes are printed once, like a
tipster would see them."""

from __future__ import annotations

from typing import Any

from tuquan.organisations.models import Organisation
from tuquan.tips import challenge, receipts, services
from tuquan.tips.models import Tip, TipMessage

SAMPLES = (
    {
        "kind": "gambling",
        "place_text": "Quán nước cạnh cổng phụ, sau giờ tan ca",
        "description": (
            "Tối nào cũng có một nhóm 6–7 người đánh bài ăn tiền ở quán nước cạnh "
            "cổng phụ, từ khoảng 21 giờ đến nửa đêm. Có cả công nhân mới vào làm."
        ),
    },
    {
        "kind": "theft",
        "place_text": "Nhà xe khu B, dãy nhà trọ gần chợ",
        "description": (
            "Ba đêm liền bị mất trộm xăng và gương xe máy ở nhà xe khu B. Thấy một "
            "người đội mũ đen đi xe không biển số vào lúc khoảng 2 giờ sáng."
        ),
    },
)


def _send(place: Organisation, sample: dict[str, str]) -> tuple[Tip, str]:
    issued = challenge.issue()
    done = services.submit_tip(
        **sample,
        place_id=place.pk,
        challenge_token=issued.token,
        proof=challenge.solve(issued.token, issued.bits),
    )
    return done.tip, done.code


def write_tips(writer: Any = None, *, handler: Any, place: Organisation) -> list[Tip]:
    """Two tips at ``place`` (a zone or commune); ``handler`` (a police officer
    in scope) answers the first, and its tipster writes back."""
    sent = [_send(place, sample) for sample in SAMPLES]
    first, code = sent[0]
    services.reply(
        tip=first,
        by=handler,
        body=(
            "Công an đã nhận tin báo và đang xác minh. Bạn có nhớ quán đó tên gì "
            "hoặc số nhà không?"
        ),
        status="verifying",
    )
    services.post_tipster_message(
        code=code, body="Quán không có biển, cạnh tiệm sửa xe Hùng, mái tôn xanh."
    )
    if writer is not None:
        writer.count(Tip, len(sent))
        writer.count(TipMessage, 2)
        writer.say(
            "Mã biên nhận tin báo mẫu (xem tại /to-giac/tra-cuu/): "
            + " · ".join(receipts.display(c) for _tip, c in sent)
        )
    return [tip for tip, _code in sent]
