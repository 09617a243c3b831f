"""The disease profiles shipped with Tự Quản, with their sources.

Figures that could not be checked against the official text are marked
``to_verify``: the screens then say "cần xác minh" next to them, and a health
officer can correct them in the admin without a new release.
"""

from __future__ import annotations

from typing import Any

COVID_19: dict[str, Any] = {
    "code": "covid-19",
    "name": "COVID-19",
    "symptoms": [
        {"code": "fever", "label": "Sốt"},
        {"code": "cough", "label": "Ho"},
        {"code": "sore_throat", "label": "Đau họng"},
        {"code": "breathless", "label": "Khó thở"},
        {"code": "tired", "label": "Mệt mỏi, đau người, ớn lạnh"},
        {"code": "taste_smell", "label": "Mất vị giác hoặc khứu giác"},
        {"code": "diarrhoea", "label": "Tiêu chảy"},
        {"code": "headache", "label": "Đau đầu"},
    ],
    "exposure_questions": [
        {
            "code": "contact",
            "label": "Trong 14 ngày qua, tôi tiếp xúc gần với người mắc hoặc nghi mắc COVID-19",
        },
        {
            "code": "outbreak_area",
            "label": "Trong 14 ngày qua, tôi đi về từ nơi đang có dịch",
        },
        {
            "code": "household",
            "label": "Người sống cùng tôi đang phải cách ly hoặc theo dõi sức khỏe",
        },
    ],
    "incubation_days": 14,
    "lookback_days": 2,
    "isolation_days": 14,
    "quarantine_days": 14,
    "followup_test_days": [1, 7, 14],
    "person_to_person": True,
    "to_verify": True,
    "source": (
        "Bộ Y tế, 2021. Thời gian ủ bệnh tối đa 14 ngày; người tiếp xúc gần (F1) tính từ "
        "2 ngày trước khi F0 khởi phát hoặc lấy mẫu dương tính (Hướng dẫn giám sát và "
        "phòng, chống COVID-19, Quyết định 3638/QĐ-BYT ngày 30/7/2021); cách ly F1 14 ngày "
        "và xét nghiệm ngày 1, 7, 14 (Quyết định 878/QĐ-BYT ngày 12/3/2020, áp dụng đến "
        "giữa năm 2021; Công văn 8688/BYT-DP ngày 14/10/2021 rút xuống 7 ngày). "
        "Cần xác minh với văn bản đang áp dụng tại tỉnh trước khi dùng."
    ),
}

INFLUENZA_LIKE_ILLNESS: dict[str, Any] = {
    "code": "ili",
    "name": "Hội chứng cúm (ILI)",
    "symptoms": [
        {"code": "fever", "label": "Sốt từ 38 °C trở lên"},
        {"code": "cough", "label": "Ho"},
        {"code": "sore_throat", "label": "Đau họng"},
        {"code": "aches", "label": "Đau mỏi người"},
    ],
    "exposure_questions": [
        {
            "code": "contact",
            "label": "Người cùng phòng hoặc cùng tổ của tôi đang bị sốt, ho",
        }
    ],
    "incubation_days": 4,
    "lookback_days": 1,
    "isolation_days": 5,
    "quarantine_days": 0,
    "followup_test_days": [],
    "person_to_person": False,
    "to_verify": True,
    "source": (
        "Định nghĩa ca hội chứng cúm của WHO (sốt từ 38 °C và ho, khởi phát trong 10 ngày); "
        "thời gian ủ bệnh cúm mùa 1–4 ngày. Thời gian nghỉ làm 5 ngày là mặc định đề xuất, "
        "cần xác minh với hướng dẫn của ngành y tế tỉnh."
    ),
}

SHIPPED = (COVID_19, INFLUENZA_LIKE_ILLNESS)
