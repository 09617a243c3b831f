"""The plain-language check of a message to workers ("ngắn gọn, dễ hiểu, dễ nhớ,
dễ thực hiện"). Pure: no database; the jargon list is passed in.

Rules (explained with examples in docs/outreach.md):
- a syllable is a space-separated token containing a letter or digit
  (Vietnamese writes each syllable as a separate word, so no segmenter is needed);
- sentences end at ``. ! ? …`` followed by a space, or at a line break;
- the longest sentence must have at most 15 syllables, the whole body at most 80
  (about 30 seconds read aloud);
- at least one sentence must ask for a concrete action: it starts with an action
  verb of :data:`ACTION_VERBS` (after an optional "Bạn", "Anh chị"...) or holds
  an imperative marker of :data:`IMPERATIVE_MARKERS` ("hãy", "đừng"...);
- a phone number is written in groups ("0912 345 678"), large amounts with
  thousands dots ("1.500.000"), dates as dd/mm, and no vague time words
  ("ngày mai", "sắp tới") that mean nothing when read a day later;
- words of the jargon list are reported with their plain alternative.
SMS segments are counted for the text as written (UCS-2 as soon as one
character is outside GSM-7, which every Vietnamese diacritic is) and for its
unaccented copy (GSM-7, extension characters counting twice).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

MAX_SENTENCE_SYLLABLES = 15
MAX_SYLLABLES = 80

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

# Verbs that open a request to do something. Lower case, NFC.
ACTION_VERBS = (
    "báo",
    "bấm",
    "cách ly",
    "cất",
    "chạy",
    "dọn",
    "đăng ký",
    "đến",
    "đeo",
    "đi",
    "đóng",
    "gọi",
    "giữ",
    "gửi",
    "khai",
    "khai báo",
    "kiểm tra",
    "ký",
    "liên hệ",
    "mang",
    "mở",
    "ngắt",
    "nhắn",
    "nộp",
    "ở",
    "quét",
    "rửa",
    "rút",
    "tắt",
    "tham gia",
    "thoát",
    "tiêm",
    "tránh",
    "xét nghiệm",
    "xuất trình",
)
# Words that turn a sentence into a request wherever they stand.
IMPERATIVE_MARKERS = (
    "hãy",
    "đừng",
    "chớ",
    "không được",
    "vui lòng",
    "xin mời",
    "nhớ",
    "phải",
    "cần",
    "nên",
)
# Subjects that may stand before the verb ("Bạn gọi ngay 113").
SUBJECTS = (
    "anh chị em",
    "anh chị",
    "các bạn",
    "bạn",
    "mọi người",
    "công nhân",
    "người lao động",
    "anh",
    "chị",
    "em",
)
# Time words that mean nothing once the message is read a day later.
VAGUE_TIME = (
    "ngày mai",
    "ngày kia",
    "hôm qua",
    "tuần sau",
    "tuần tới",
    "tháng sau",
    "tháng tới",
    "sắp tới",
    "thời gian tới",
    "vài ngày tới",
    "mấy hôm nữa",
    "sớm nhất",
    "gần đây",
)

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")
_TOKEN = re.compile(r"\S+")
_WORDISH = re.compile(r"\w")
# A run of digits with single spaces, dots or hyphens inside it.
_NUMBER_RUN = re.compile(r"(?<![\w.])\+?\d(?:[\d]|[ .\-](?=\d))*")
_ISO_DATE = re.compile(r"\b\d{4}[-/]\d{1,2}[-/]\d{1,2}\b")


@dataclass
class Reason:
    code: str
    text: str
    # "fail" makes the verdict "needs work"; "note" is advice only.
    severity: str = "fail"


@dataclass
class CheckResult:
    characters: int
    syllables: int
    sentences: int
    longest_sentence: int
    sms_segments: int
    sms_encoding: str
    unaccented: str
    sms_segments_unaccented: int
    sms_encoding_unaccented: str
    action_sentences: int
    jargon: list[dict[str, str]] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.characters > 0 and not any(
            r.severity == "fail" for r in self.reasons
        )

    @property
    def failures(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity == "fail"]

    @property
    def notes(self) -> list[Reason]:
        return [r for r in self.reasons if r.severity != "fail"]

    def codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        return data


# --- counting -------------------------------------------------------------------


def normalise(text: str) -> str:
    """NFC with Windows line breaks made plain; inner spacing kept (lines matter)."""
    text = unicodedata.normalize("NFC", text or "").replace("\r\n", "\n")
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def syllables(text: str) -> list[str]:
    """The syllables of ``text``: space-separated tokens with a letter or digit."""
    return [t for t in _TOKEN.findall(text) if _WORDISH.search(t)]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text) if syllables(s)]


def unaccent(text: str) -> str:
    """``text`` without Vietnamese diacritics, case kept (đ→d, Đ→D)."""
    text = unicodedata.normalize("NFC", text or "")
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    )


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def sms_segments(text: str) -> tuple[int, str]:
    """(number of SMS parts, "GSM-7" or "UCS-2") for ``text``.

    GSM-7: 160 characters in one part, 153 per part when split, extension
    characters counting two. UCS-2: 70 and 67 UTF-16 units.
    """
    if not text:
        return 0, "GSM-7"
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        return (1 if units <= 160 else math.ceil(units / 153)), "GSM-7"
    units = len(text.encode("utf-16-le")) // 2
    return (1 if units <= 70 else math.ceil(units / 67)), "UCS-2"


# --- finding problems ------------------------------------------------------------


@lru_cache(maxsize=2048)
def _word(phrase: str) -> re.Pattern[str]:
    """``phrase`` as whole words (compiled once: the check runs on each keystroke)."""
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")


def _contains(haystack: str, phrase: str) -> bool:
    return _word(phrase).search(haystack) is not None


def _starts_with(text: str, phrases: Iterable[str]) -> bool:
    return any(_word(p).match(text) for p in phrases)


def is_action(sentence: str) -> bool:
    """Does ``sentence`` ask the reader to do something?"""
    low = sentence.lower()
    if any(_contains(low, marker) for marker in IMPERATIVE_MARKERS):
        return True
    # Each clause may open with the verb: "Thấy sốt, báo tổ trưởng ngay."
    for clause in re.split(r"[,;:]", low):
        clause = clause.strip().lstrip("-–•*“\"' ")
        for subject in SUBJECTS:
            if _word(subject).match(clause):
                clause = clause[len(subject) :].lstrip(" ,")
                break
        if _starts_with(clause, ACTION_VERBS):
            return True
    return False


def _number_reasons(text: str) -> list[Reason]:
    reasons: list[Reason] = []
    for match in _NUMBER_RUN.finditer(text):
        raw = match.group(0)
        digits = re.sub(r"\D", "", raw)
        groups = [g for g in re.split(r"[ .\-]", raw.lstrip("+")) if g]
        is_phone = (digits.startswith("0") and len(digits) in (10, 11)) or (
            digits.startswith("84") and len(digits) in (11, 12)
        )
        if is_phone:
            if len(groups) < 3 or any(len(g) > 4 for g in groups):
                grouped = f"{digits[:4]} {digits[4:7]} {digits[7:]}"
                reasons.append(
                    Reason(
                        "phone_grouping",
                        _(
                            "Write the phone number %(raw)s in groups, "
                            "e.g. %(grouped)s, so it can be read and dialled."
                        )
                        % {"raw": raw, "grouped": grouped},
                    )
                )
        elif len(groups) == 1 and len(digits) >= 5 and not digits.startswith("0"):
            dotted = f"{int(digits):,}".replace(",", ".")
            reasons.append(
                Reason(
                    "big_number",
                    _("Write %(raw)s with thousands dots: %(dotted)s.")
                    % {"raw": raw, "dotted": dotted},
                )
            )
    for match in _ISO_DATE.finditer(text):
        parts = re.split(r"[-/]", match.group(0))
        reasons.append(
            Reason(
                "date_format",
                _("Write the date %(raw)s as day/month/year: %(dmy)s.")
                % {
                    "raw": match.group(0),
                    "dmy": f"{int(parts[2]):02d}/{int(parts[1]):02d}/{parts[0]}",
                },
            )
        )
    return reasons


def check(text: str, jargon: Iterable[tuple[str, str]] = ()) -> CheckResult:
    """Check ``text`` against the rules above; ``jargon`` is (term, plain) pairs."""
    text = normalise(text)
    low = text.lower()
    words = syllables(text)
    parts = sentences(text)
    lengths = [len(syllables(s)) for s in parts]
    longest = max(lengths, default=0)
    plain_text = unaccent(text)
    segments, encoding = sms_segments(text)
    segments_un, encoding_un = sms_segments(plain_text)
    actions = sum(1 for s in parts if is_action(s))
    result = CheckResult(
        characters=len(text),
        syllables=len(words),
        sentences=len(parts),
        longest_sentence=longest,
        sms_segments=segments,
        sms_encoding=encoding,
        unaccented=plain_text,
        sms_segments_unaccented=segments_un,
        sms_encoding_unaccented=encoding_un,
        action_sentences=actions,
    )
    reasons = result.reasons
    if not words:
        reasons.append(Reason("empty", _("The message is empty.")))
        return result
    if longest > MAX_SENTENCE_SYLLABLES:
        sentence = parts[lengths.index(longest)]
        reasons.append(
            Reason(
                "long_sentence",
                _(
                    "The longest sentence has %(count)d syllables (at most "
                    "%(max)d): split “%(start)s…” into shorter sentences."
                )
                % {
                    "count": longest,
                    "max": MAX_SENTENCE_SYLLABLES,
                    "start": " ".join(syllables(sentence)[:6]),
                },
            )
        )
    if len(words) > MAX_SYLLABLES:
        reasons.append(
            Reason(
                "too_long",
                _(
                    "The message has %(count)d syllables (at most %(max)d, about "
                    "30 seconds read aloud): keep only what the worker must do."
                )
                % {"count": len(words), "max": MAX_SYLLABLES},
            )
        )
    for term, plain in jargon:
        if term and _contains(low, term.lower()):
            result.jargon.append({"term": term, "plain": plain})
            reasons.append(
                Reason(
                    "jargon",
                    _("Hard word “%(term)s”: write “%(plain)s” instead.")
                    % {"term": term, "plain": plain},
                )
            )
    if actions == 0:
        reasons.append(
            Reason(
                "no_action",
                _(
                    "The message asks for no concrete action: say what to do, "
                    "e.g. “Hãy gọi 113”, “Đến trạm y tế trước 17 giờ”."
                ),
            )
        )
    elif actions > 3:
        reasons.append(
            Reason(
                "many_actions",
                _(
                    "The message asks for %(count)d things: one or two are "
                    "remembered better."
                )
                % {"count": actions},
                severity="note",
            )
        )
    for phrase in VAGUE_TIME:
        if _contains(low, phrase):
            reasons.append(
                Reason(
                    "vague_time",
                    _(
                        "“%(phrase)s” means nothing to someone who reads the "
                        "message later: write the date as day/month, e.g. 05/11."
                    )
                    % {"phrase": phrase},
                )
            )
    reasons.extend(_number_reasons(text))
    if segments_un > 2:
        reasons.append(
            Reason(
                "sms_long",
                _(
                    "Even without diacritics the SMS takes %(count)d parts: "
                    "each part is paid for."
                )
                % {"count": segments_un},
                severity="note",
            )
        )
    return result
