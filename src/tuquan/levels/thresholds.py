"""The threshold set shipped with Tự Quản (Resolution 128/NQ-CP of 11/10/2021,
guided by Decision 4800/QĐ-BYT of 12/10/2021). See docs/levels.md.

Every figure is a default that could not be checked against the official text
here: the set and each rule are marked ``to_verify`` and the screens say
"giá trị mặc định, cần xác minh" until an officer reviews them in the admin.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

SOURCE = (
    "Nghị quyết 128/NQ-CP ngày 11/10/2021 của Chính phủ ban hành Quy định tạm thời "
    '"Thích ứng an toàn, linh hoạt, kiểm soát hiệu quả dịch COVID-19"; '
    "Quyết định 4800/QĐ-BYT ngày 12/10/2021 của Bộ Y tế hướng dẫn tạm thời chuyên "
    "môn y tế thực hiện Nghị quyết 128/NQ-CP. Tiêu chí: (1) số ca mắc mới tại cộng "
    "đồng/100.000 người/tuần; (2) tỷ lệ bao phủ vắc xin (người từ 18 tuổi trở lên "
    "tiêm ít nhất 1 mũi; người từ 65 tuổi trở lên tiêm đủ liều); (3) khả năng thu "
    "dung, điều trị. Giá trị mặc định, cần xác minh với văn bản gốc."
)

DEFAULT_SET: dict[str, Any] = {
    "name": "Nghị quyết 128/NQ-CP (QĐ 4800/QĐ-BYT)",
    "version": 1,
    "effective_from": "2021-10-11",
    "disease_code": "covid-19",
    "high_one_dose_pct": Decimal("70"),
    "high_full_dose_pct": None,
    "high_elderly_full_dose_pct": Decimal("80"),
    "full_dose_count": 2,
    "raise_if_capacity_short": True,
    "source": SOURCE,
    "to_verify": True,
}

# (rate_from, rate_below, level with high coverage, level with low coverage)
BANDS: list[tuple[Decimal, Decimal | None, int, int]] = [
    (Decimal("0"), Decimal("20"), 1, 2),
    (Decimal("20"), Decimal("50"), 2, 3),
    (Decimal("50"), Decimal("150"), 3, 4),
    (Decimal("150"), None, 4, 4),
]

BAND_NOTES = {
    Decimal("0"): "Nhóm 1: dưới 20 ca/100.000 người/tuần",
    Decimal("20"): "Nhóm 2: từ 20 đến dưới 50 ca/100.000 người/tuần",
    Decimal("50"): "Nhóm 3: từ 50 đến dưới 150 ca/100.000 người/tuần",
    Decimal("150"): "Nhóm 4: từ 150 ca/100.000 người/tuần trở lên",
}


def install(threshold_set_model: Any, rule_model: Any, profile_model: Any) -> Any:
    """Create (or refresh) the shipped set and its rules. Takes the models so
    that the data migration can pass its historical ones."""
    values = dict(DEFAULT_SET)
    code = values.pop("disease_code")
    values["disease"] = profile_model.objects.filter(code=code).first()
    threshold_set, _ = threshold_set_model.objects.update_or_create(
        name=values.pop("name"), version=values.pop("version"), defaults=values
    )
    for rate_from, rate_below, high, low in BANDS:
        for coverage, level in (("high", high), ("low", low)):
            rule_model.objects.update_or_create(
                threshold_set=threshold_set,
                rate_from=rate_from,
                coverage=coverage,
                defaults={
                    "rate_below": rate_below,
                    "level": level,
                    "to_verify": True,
                    "note": BAND_NOTES[rate_from],
                },
            )
    return threshold_set


def install_shipped() -> Any:
    """The shipped set with the current models (tests that flush tables)."""
    from tuquan.health.models import DiseaseProfile
    from tuquan.levels.models import LevelRule, ThresholdSet

    return install(ThresholdSet, LevelRule, DiseaseProfile)
