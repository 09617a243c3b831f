"""The values shipped with the application, loaded into their tables on first
use (``ensure_shipped``) and editable afterwards in the admin.

Only criterion 1 of the recognition is confirmed against Circular
124/2021/TT-BCA; every other row is marked ``to_verify`` ("cần xác minh") until
someone checks it against the text in force.
"""

from __future__ import annotations

from django.db import transaction

CRITERIA_VERSION = "124/2021/TT-BCA"
CIRCULAR = "Thông tư 124/2021/TT-BCA"

CRITERIA: list[dict[str, object]] = [
    {
        "number": 1,
        "title": "Có kế hoạch và đăng ký xây dựng cơ sở “An toàn về ANTT”",
        "sub_items": "\n".join(
            [
                "Xây dựng kế hoạch và đăng ký xây dựng “An toàn về ANTT” "
                "trong quý I hằng năm",
                "Có nội quy, quy định về bảo vệ cơ quan, doanh nghiệp, bảo vệ "
                "bí mật, an toàn lao động, phòng cháy, chữa cháy và bảo vệ môi "
                "trường",
                "100 % cán bộ, người lao động được phổ biến, quán triệt",
                "Có ít nhất một mô hình phong trào toàn dân bảo vệ ANTQ hoạt "
                "động hiệu quả",
            ]
        ),
        "source": CIRCULAR,
        "to_verify": False,
    },
    {
        "number": 2,
        "title": "Không để xảy ra vụ việc phức tạp về ANTT (đình công, lãn công, "
        "tụ tập trái pháp luật)",
        "sub_items": "",
        "source": CIRCULAR,
        "to_verify": True,
    },
    {
        "number": 3,
        "title": "Không để xảy ra tội phạm, tệ nạn xã hội trong nội bộ; chủ động "
        "phát hiện, tố giác tội phạm",
        "sub_items": "",
        "source": CIRCULAR,
        "to_verify": True,
    },
    {
        "number": 4,
        "title": "Không để xảy ra cháy, nổ, tai nạn lao động nghiêm trọng, vi phạm "
        "nghiêm trọng về môi trường",
        "sub_items": "",
        "source": CIRCULAR,
        "to_verify": True,
    },
    {
        "number": 5,
        "title": "Cán bộ, người lao động chấp hành nghiêm pháp luật; không có người "
        "bị xử lý hình sự",
        "sub_items": "",
        "source": CIRCULAR,
        "to_verify": True,
    },
]

SCORE_SHEET = "510/QĐ-BCA-V05"

SCORE_ITEMS: list[dict[str, object]] = [
    {"number": 1, "title": "Xây dựng kế hoạch, phát động phong trào", "max_points": 15},
    {
        "number": 2,
        "title": "Xây dựng, duy trì mô hình tự quản về ANTT",
        "max_points": 20,
    },
    {
        "number": 3,
        "title": "Phòng ngừa, phát hiện, tố giác tội phạm và vi phạm pháp luật",
        "max_points": 20,
    },
    {"number": 4, "title": "Bảo vệ nội bộ, bí mật, tài sản", "max_points": 15},
    {
        "number": 5,
        "title": "Phòng cháy, chữa cháy, an toàn lao động, bảo vệ môi trường",
        "max_points": 15,
    },
    {
        "number": 6,
        "title": "Tuyên truyền, phổ biến pháp luật cho người lao động",
        "max_points": 15,
    },
]

GRADE_CLASSES: list[dict[str, object]] = [
    {"code": "xuat_sac", "label": "Xuất sắc", "min_score": 90},
    {"code": "tien_tien", "label": "Tiên tiến", "min_score": 70},
    {"code": "trung_binh", "label": "Trung bình", "min_score": 50},
    {"code": "yeu", "label": "Yếu", "min_score": 0},
]

TEAM_GRADES: list[dict[str, object]] = [
    {
        "code": "xuat_sac",
        "label": "Xuất sắc",
        "rank": 1,
        "is_excellent": True,
        "good_or_better": True,
    },
    {"code": "tot", "label": "Tốt", "rank": 2, "good_or_better": True},
    {"code": "dat", "label": "Khá/Đạt", "rank": 3},
    {"code": "chua_dat", "label": "Chưa đạt", "rank": 4},
]


def ensure_shipped() -> None:
    """Load the shipped rows that are missing; rows already there (perhaps
    edited) are left alone."""
    from tuquan.recognition.models import (
        GradeClass,
        RecognitionCriterion,
        ScoreItem,
        TeamGrade,
    )

    with transaction.atomic():
        for row in CRITERIA:
            values = {k: v for k, v in row.items() if k != "number"}
            RecognitionCriterion.objects.get_or_create(
                version=CRITERIA_VERSION, number=row["number"], defaults=values
            )
        for row in SCORE_ITEMS:
            values = {k: v for k, v in row.items() if k != "number"}
            ScoreItem.objects.get_or_create(
                sheet=SCORE_SHEET, number=row["number"], defaults=values
            )
        for row in GRADE_CLASSES:
            values = {k: v for k, v in row.items() if k != "code"}
            GradeClass.objects.get_or_create(code=row["code"], defaults=values)
        for row in TEAM_GRADES:
            values = {k: v for k, v in row.items() if k != "code"}
            TeamGrade.objects.get_or_create(code=row["code"], defaults=values)
