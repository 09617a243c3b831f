"""The national criteria set shipped with Tự Quản (Decision 2194/QĐ-BCĐQG,
27/05/2020, part two: assessing the COVID-19 infection risk of production and
business establishments), and the function that installs it.

Only CS1, CS2 and the ceiling of CS3 were read in a published copy of the
form. Everything else (the options of CS3, the labels, ceilings and options
of CS4–CS15) is a placeholder marked ``to_verify``: the screens show
"cần xác minh" next to it and an administrator corrects it in the admin. The
ceilings of CS4–CS15 are chosen so that the fifteen add up to the 300 the
Decision divides by. See docs/riskassess.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

NATIONAL_CODE = "qd-2194-2020"
SOURCE = (
    "Quyết định 2194/QĐ-BCĐQG ngày 27/5/2020 của Ban Chỉ đạo Quốc gia phòng, "
    "chống dịch COVID-19, Phần thứ hai: Hướng dẫn đánh giá nguy cơ lây nhiễm "
    "dịch COVID-19 tại các cơ sở sản xuất, kinh doanh. CSNCLN = "
    "(CS1 + CS2 + … + CS15) / 300 × 100."
)


def _placeholder(code: str, label: str, max_points: int) -> dict[str, Any]:
    # Three steps, lowest risk first: measure fully in place, partly, not at all.
    return {
        "code": code,
        "label": label,
        "max_points": max_points,
        "to_verify": True,
        "options": [
            ("Đã thực hiện đầy đủ / không có nguy cơ", 0, True),
            ("Thực hiện một phần", max_points // 2, True),
            ("Chưa thực hiện / nguy cơ cao", max_points, True),
        ],
    }


# (label, points, to_verify) per option.
INDICATORS: list[dict[str, Any]] = [
    {
        "code": "CS1",
        "label": "Số lượng người lao động làm việc tại cơ sở",
        "max_points": 10,
        "to_verify": False,
        "options": [
            ("Dưới 50 người", 1, False),
            ("Từ 50 đến 199 người", 2, False),
            ("Từ 200 đến 499 người", 4, False),
            ("Từ 500 đến 999 người", 6, False),
            ("Từ 1.000 đến 4.999 người", 8, False),
            ("Từ 5.000 người trở lên", 10, False),
        ],
    },
    {
        "code": "CS2",
        "label": "Mật độ người lao động tại nơi làm việc",
        "max_points": 10,
        "to_verify": False,
        "options": [
            ("Từ 1 m² trở lên cho mỗi người lao động", 0, False),
            ("Dưới 1 m² cho mỗi người lao động", 10, False),
        ],
    },
    {
        "code": "CS3",
        "label": "Nguy cơ lây nhiễm từ người lao động",
        "max_points": 30,
        "to_verify": False,
        "options": [
            ("Không có người lao động ở hoặc đi về từ nơi có dịch", 0, True),
            ("Có người lao động ở hoặc đi về từ nơi có nguy cơ", 15, True),
            ("Có người lao động ở hoặc đi về từ nơi đang có dịch", 30, True),
        ],
    },
    _placeholder("CS4", "Khoảng cách giữa người lao động khi làm việc", 20),
    _placeholder("CS5", "Tiếp xúc với khách hàng, người bên ngoài cơ sở", 20),
    _placeholder("CS6", "Tổ chức bữa ăn ca tập trung", 20),
    _placeholder("CS7", "Phương tiện đưa đón người lao động", 20),
    _placeholder("CS8", "Thông khí, thông gió nơi làm việc", 20),
    _placeholder("CS9", "Vệ sinh, khử khuẩn nơi làm việc và bề mặt tiếp xúc", 20),
    _placeholder("CS10", "Đeo khẩu trang, rửa tay của người lao động", 20),
    _placeholder("CS11", "Khai báo y tế, đo thân nhiệt khi vào cơ sở", 20),
    _placeholder("CS12", "Khu vực cách ly tạm thời, cán bộ y tế tại cơ sở", 20),
    _placeholder("CS13", "Người lao động ở ký túc xá, nhà trọ tập trung", 20),
    _placeholder("CS14", "Đi công tác, đi lại đến vùng có dịch", 25),
    _placeholder("CS15", "Phương án phòng, chống dịch và tổ an toàn COVID-19", 25),
]

NATIONAL_SET: dict[str, Any] = {
    "code": NATIONAL_CODE,
    "name": "Bộ tiêu chí quốc gia (QĐ 2194/QĐ-BCĐQG)",
    "effective_from": date(2020, 5, 27),
    "effective_to": None,
    "source": SOURCE,
    "max_total": 300,
    # The set as a whole holds placeholders.
    "to_verify": True,
}


def install(criteria_set_model: Any, indicator_model: Any, option_model: Any) -> Any:
    """Create the national set if missing (idempotent). Takes the model classes
    so the data migration can pass its historical models."""
    values = dict(NATIONAL_SET)
    code = values.pop("code")
    criteria_set, made = criteria_set_model.objects.get_or_create(
        code=code, organisation=None, defaults=values
    )
    if not made:
        return criteria_set
    for order, item in enumerate(INDICATORS, start=1):
        indicator = indicator_model.objects.create(
            criteria_set=criteria_set,
            code=item["code"],
            label=item["label"],
            max_points=item["max_points"],
            to_verify=item["to_verify"],
            order=order,
        )
        option_model.objects.bulk_create(
            option_model(
                indicator=indicator,
                label=label,
                points=points,
                to_verify=to_verify,
                order=position,
            )
            for position, (label, points, to_verify) in enumerate(
                item["options"], start=1
            )
        )
    return criteria_set


def install_national_set() -> Any:
    """The national set, installed if a test or a flush removed it."""
    from tuquan.riskassess.models import AnswerOption, CriteriaSet, Indicator

    return install(CriteriaSet, Indicator, AnswerOption)
