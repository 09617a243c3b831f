"""The plain-language check on real-world style messages, good and bad."""

from __future__ import annotations

import time

import pytest

from tuquan.outreach import plain
from tuquan.outreach.shipped import JARGON, TEMPLATES

GOOD = [
    # (message, expected syllables, longest sentence)
    (
        "Từ 05/11, hãy đeo khẩu trang khi vào xưởng. Thấy sốt hoặc ho, báo tổ "
        "trưởng ngay. Trạm y tế xã: 0262 381 234.",
        24,
        9,
    ),
    ("Thấy cháy, hãy hô to và gọi 114. Không đi thang máy.", 12, 8),
    (
        "Chủ nhật 09/11, xe đưa đón chạy lúc 6 giờ 30. Hãy đến cổng số 2 "
        "trước 6 giờ 20.",
        20,
        11,
    ),
    ("Bạn gọi 113 khi thấy người lạ cạy khóa xe.", 10, 10),
    ("Mất căn cước? Báo công an xã trong 3 ngày.", 10, 7),
    (
        "Tiêm mũi 3 tại trạm y tế phường, sáng thứ bảy 15/11. Mang theo căn cước.",
        16,
        12,
    ),
]

BAD = [
    # (message, codes that must be reported)
    (
        "Thực hiện chỉ đạo của cấp trên về việc triển khai các biện pháp phòng, "
        "chống dịch bệnh trong tình hình mới, toàn thể công nhân nghiêm túc chấp "
        "hành các quy định.",
        {"long_sentence", "jargon", "no_action"},
    ),
    (
        "Công ty thông báo lịch tiêm vắc xin cho công nhân vào ngày mai tại nhà ăn.",
        {"vague_time", "no_action"},
    ),
    ("Có việc gấp, gọi ngay 0912345678.", {"phone_grouping"}),
    (
        "Hãy nộp phạt 1500000 đồng tại công an xã trước 2025-11-30.",
        {"big_number", "date_format"},
    ),
    ("Khu trọ Hoa Mai đang có nhiều ca mắc sốt xuất huyết.", {"no_action"}),
    ("", {"empty"}),
    (
        "Đề nghị người lao động khẩn trương đến trạm y tế trong thời gian tới.",
        {"jargon", "vague_time"},
    ),
]


@pytest.mark.parametrize(("text", "count", "longest"), GOOD)
def test_it_passes_plain_messages(text: str, count: int, longest: int) -> None:
    result = plain.check(text, JARGON)
    assert result.passed, result.reasons
    assert result.syllables == count
    assert result.longest_sentence == longest
    assert result.action_sentences >= 1


@pytest.mark.parametrize(("text", "codes"), BAD)
def test_it_fails_hard_messages_with_reasons(text: str, codes: set[str]) -> None:
    result = plain.check(text, JARGON)
    assert not result.passed
    assert codes <= set(result.codes())
    for reason in result.failures:
        assert reason.text


def test_it_names_the_jargon_and_its_plain_word() -> None:
    result = plain.check("Đề nghị công nhân chấp hành nội quy. Hãy đọc kỹ.", JARGON)
    terms = {j["term"]: j["plain"] for j in result.jargon}
    assert terms["chấp hành"] == "làm theo"
    assert terms["đề nghị"] == "hãy"
    texts = " ".join(r.text for r in result.reasons if r.code == "jargon")
    assert "làm theo" in texts


def test_it_reports_the_longest_sentence_beginning() -> None:
    text = (
        "Hãy đến. Công nhân ở các khu nhà trọ quanh khu công nghiệp cần đến "
        "trạm y tế để được tiêm mũi nhắc lại."
    )
    result = plain.check(text)
    assert result.longest_sentence == 22
    reason = next(r for r in result.reasons if r.code == "long_sentence")
    assert "Công nhân ở các khu nhà" in reason.text


def test_it_accepts_grouped_phone_numbers_and_short_hotlines() -> None:
    for phone in ("0912 345 678", "0912.345.678", "0262 381 234", "113"):
        assert "phone_grouping" not in plain.check(f"Hãy gọi {phone}.").codes()


def test_it_counts_imperative_forms_as_actions() -> None:
    assert plain.is_action("Hãy rửa tay bằng xà phòng")
    assert plain.is_action("Đừng tụ tập đông người")
    assert plain.is_action("Anh chị gọi 114 khi thấy khói")
    assert plain.is_action("Đến trạm y tế trước 17 giờ")
    assert not plain.is_action("Khu trọ có 3 ca mắc")


def test_it_notes_too_many_actions_without_failing() -> None:
    text = "Hãy rửa tay. Hãy đeo khẩu trang. Hãy giữ khoảng cách. Hãy khai báo."
    result = plain.check(text)
    assert result.passed
    assert "many_actions" in result.codes()


def test_it_fails_a_long_message() -> None:
    text = " ".join(["Hãy đeo khẩu trang khi đi làm."] * 14)
    result = plain.check(text)
    assert result.syllables == 98
    assert "too_long" in result.codes()


def test_it_keeps_the_shipped_templates_plain() -> None:
    for template in TEMPLATES:
        result = plain.check(template["body"], JARGON)
        assert result.passed, (template["title"], result.reasons)


# --- SMS segments -------------------------------------------------------------------


def test_it_counts_ucs2_segments_with_diacritics() -> None:
    assert plain.sms_segments("ấ" * 70) == (1, "UCS-2")
    assert plain.sms_segments("ấ" * 71) == (2, "UCS-2")
    assert plain.sms_segments("ấ" * 134) == (2, "UCS-2")
    assert plain.sms_segments("ấ" * 135) == (3, "UCS-2")


def test_it_counts_gsm7_segments_without_diacritics() -> None:
    assert plain.sms_segments("a" * 160) == (1, "GSM-7")
    assert plain.sms_segments("a" * 161) == (2, "GSM-7")
    assert plain.sms_segments("a" * 306) == (2, "GSM-7")
    assert plain.sms_segments("a" * 307) == (3, "GSM-7")
    # Extension characters take two septets.
    assert plain.sms_segments("[" * 80) == (1, "GSM-7")
    assert plain.sms_segments("[" * 81) == (2, "GSM-7")
    assert plain.sms_segments("") == (0, "GSM-7")


def test_it_unaccents_keeping_case() -> None:
    assert plain.unaccent("Đắk Lắk, đường Điện Biên") == "Dak Lak, duong Dien Bien"
    text = "Từ 05/11, hãy đeo khẩu trang khi vào xưởng. Gọi 0262 381 234."
    result = plain.check(text)
    assert result.sms_encoding == "UCS-2"
    assert result.sms_encoding_unaccented == "GSM-7"
    assert result.unaccented.startswith("Tu 05/11, hay deo khau trang")
    assert result.sms_segments == 1
    assert result.sms_segments_unaccented == 1


def test_it_splits_a_300_character_message_in_parts() -> None:
    text = ("Hãy đeo khẩu trang khi vào xưởng và rửa tay. " * 7)[:300]
    result = plain.check(text)
    assert result.characters == 300
    assert result.sms_segments == 5  # 300 / 67 → 5 UCS-2 parts
    assert result.sms_segments_unaccented == 2  # 300 / 153 → 2 GSM-7 parts


def test_it_checks_300_characters_within_50_ms() -> None:
    text = ("Thấy cháy, hãy hô to và gọi 114. Đừng đi thang máy. " * 6)[:300]
    plain.check(text, JARGON)
    started = time.perf_counter()
    for _ in range(20):
        plain.check(text, JARGON)
    assert (time.perf_counter() - started) / 20 < 0.05
