"""The shipped catalogue of incident kinds (installed by migration 0002)."""

from __future__ import annotations

from typing import Any

# code, Vietnamese name, default severity, may be a crime
KINDS = [
    ("theft", "Trộm cắp tài sản", "medium", True),
    ("assault", "Đánh nhau, gây thương tích", "high", True),
    ("gambling", "Đánh bạc", "medium", True),
    ("drugs", "Ma túy", "high", True),
    ("gathering", "Tụ tập đông người, ngừng việc tập thể", "high", False),
    ("fire", "Cháy, nổ", "critical", True),
    ("traffic", "Tai nạn giao thông", "high", False),
    ("suspicious", "Người, phương tiện khả nghi", "low", False),
    ("damage", "Hủy hoại, làm hư hỏng tài sản", "medium", True),
    ("epidemic_rules", "Vi phạm quy định phòng, chống dịch", "low", False),
    ("other", "Vụ việc khác", "low", False),
]


def install_kinds(model: Any = None) -> None:
    """Create or refresh the shipped kinds (a transactional test empties the
    table, migration data included)."""
    if model is None:
        from tuquan.security.models import IncidentKind as model
    for position, (code, name, severity, crime) in enumerate(KINDS, start=1):
        model.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "default_severity": severity,
                "may_be_crime": crime,
                "position": position,
            },
        )
