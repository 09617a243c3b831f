"""The legal provisions and authorities shipped as data (see migration 0002).

Kept in Vietnamese: they are quotations of the decree, not interface text.
The fine ranges are those of the issue's research (secondary sources); only the
mask rule's citation is quoted consistently by every source found. Rows whose
article or clause the sources disagree on are ``to_verify`` and editable in the
admin; an officer sees "cần xác minh" beside them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

DECREE = "Nghị định 117/2020/NĐ-CP"
IN_FORCE = date(2020, 11, 15)
SECONDARY = (
    "Nghị định 117/2020/NĐ-CP ngày 28/9/2020 (hiệu lực 15/11/2020); mức phạt theo "
    "nguồn thứ cấp (hướng dẫn của Bộ Y tế và báo pháp luật), cần đối chiếu văn bản gốc."
)

SHIPPED_PROVISIONS: list[dict[str, Any]] = [
    {
        "code": "nd117-12-1a-khau-trang",
        "article": 12,
        "clause": 1,
        "point": "a",
        "act": "Không thực hiện biện pháp bảo vệ cá nhân (đeo khẩu trang nơi công "
        "cộng) đối với người tham gia chống dịch và người có nguy cơ mắc bệnh dịch.",
        "fine_min": 1_000_000,
        "fine_max": 3_000_000,
        "remedial_measures": "",
        "to_verify": False,
    },
    {
        "code": "nd117-xet-nghiem",
        "article": 12,
        "clause": 1,
        "point": "b",
        "act": "Không thực hiện xét nghiệm hoặc các biện pháp y tế khác khi có yêu "
        "cầu của cơ quan có thẩm quyền.",
        "fine_min": 1_000_000,
        "fine_max": 3_000_000,
        "remedial_measures": "Buộc thực hiện xét nghiệm theo yêu cầu.",
        "to_verify": True,
    },
    {
        "code": "nd117-khai-bao",
        "article": 7,
        "clause": 3,
        "point": "",
        "act": "Không khai báo, khai báo không kịp thời hoặc khai báo gian dối về "
        "tình trạng bệnh truyền nhiễm, dịch tễ của bản thân (khai báo y tế).",
        "fine_min": 10_000_000,
        "fine_max": 20_000_000,
        "remedial_measures": "",
        "to_verify": True,
    },
    {
        "code": "nd117-che-giau-benh",
        "article": 7,
        "clause": 1,
        "point": "",
        "act": "Che giấu tình trạng bệnh truyền nhiễm của bản thân hoặc của người "
        "khác (nguồn thứ cấp ghi khác nhau về điều khoản áp dụng).",
        "fine_min": 5_000_000,
        "fine_max": 10_000_000,
        "remedial_measures": "",
        "to_verify": True,
    },
    {
        "code": "nd117-tu-tap-kinh-doanh",
        "article": 12,
        "clause": 2,
        "point": "",
        "act": "Không chấp hành quy định cấm tụ tập đông người hoặc tạm dừng hoạt "
        "động kinh doanh, dịch vụ trong thời gian có dịch.",
        "fine_min": 10_000_000,
        "fine_max": 20_000_000,
        "remedial_measures": "Buộc tạm dừng hoạt động kinh doanh, dịch vụ.",
        "to_verify": True,
    },
    {
        "code": "nd117-kiem-tra-vung-dich",
        "article": 12,
        "clause": 3,
        "point": "",
        "act": "Không chấp hành việc kiểm tra, giám sát, kiểm soát tại vùng có dịch "
        "(ra, vào vùng dịch không theo quy định).",
        "fine_min": 20_000_000,
        "fine_max": 30_000_000,
        "remedial_measures": "",
        "to_verify": True,
    },
    {
        "code": "nd117-cach-ly",
        "article": 11,
        "clause": 3,
        "point": "",
        "act": "Từ chối hoặc trốn tránh việc thực hiện biện pháp cách ly y tế, cưỡng "
        "chế cách ly y tế (trốn khỏi nơi cách ly); nguồn thứ cấp ghi khác nhau "
        "về khoản áp dụng.",
        "fine_min": 15_000_000,
        "fine_max": 20_000_000,
        "remedial_measures": "Buộc thực hiện cách ly y tế theo quy định.",
        "to_verify": True,
    },
]

# Ceilings from Decree 117/2020 (competence articles) as amended by Decree
# 124/2021; the figures come from secondary sources, hence to verify.
SHIPPED_AUTHORITIES: list[dict[str, Any]] = [
    {
        "code": "ct-ubnd-xa",
        "title": "Chủ tịch Ủy ban nhân dân cấp xã",
        "fine_ceiling": 5_000_000,
        "position": 1,
    },
    {
        "code": "truong-cong-an-xa",
        "title": "Trưởng Công an cấp xã",
        "fine_ceiling": 2_500_000,
        "position": 2,
    },
    {
        "code": "ct-ubnd-huyen",
        "title": "Chủ tịch Ủy ban nhân dân cấp huyện",
        "fine_ceiling": 50_000_000,
        "position": 3,
    },
    {
        "code": "truong-cong-an-huyen",
        "title": "Trưởng Công an cấp huyện",
        "fine_ceiling": 25_000_000,
        "position": 4,
    },
    {
        "code": "ct-ubnd-tinh",
        "title": "Chủ tịch Ủy ban nhân dân cấp tỉnh",
        "fine_ceiling": None,
        "position": 5,
    },
    {
        "code": "giam-doc-cong-an-tinh",
        "title": "Giám đốc Công an cấp tỉnh",
        "fine_ceiling": 50_000_000,
        "position": 6,
    },
]


def provision_rows() -> list[dict[str, Any]]:
    return [
        {
            "instrument": DECREE,
            "organisation_multiplier": 2,
            "effective_from": IN_FORCE,
            "effective_to": None,
            "source": SECONDARY,
            **row,
        }
        for row in SHIPPED_PROVISIONS
    ]


def authority_rows() -> list[dict[str, Any]]:
    return [
        {
            "source": "Nghị định 117/2020/NĐ-CP, sửa đổi bởi Nghị định "
            "124/2021/NĐ-CP (nguồn thứ cấp)",
            "to_verify": True,
            **row,
        }
        for row in SHIPPED_AUTHORITIES
    ]


def load_shipped(provision_model: Any, authority_model: Any) -> None:
    """Insert the shipped rows that are missing (migration, and tests after a
    transactional test emptied the tables); rows edited in the admin stay."""
    for row in provision_rows():
        provision_model.objects.get_or_create(code=row["code"], defaults=row)
    for row in authority_rows():
        authority_model.objects.get_or_create(code=row["code"], defaults=row)
