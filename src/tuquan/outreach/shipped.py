"""The shipped jargon list and template library, loaded into the database on
first use (``services.ensure_shipped``) and edited in the admin afterwards."""

from __future__ import annotations

from typing import Any

# Administrative and Sino-Vietnamese words that workers read past, with the
# everyday word to write instead.
JARGON: list[tuple[str, str]] = [
    ("triển khai", "làm, bắt đầu làm"),
    ("chấp hành", "làm theo"),
    ("nghiêm túc chấp hành", "làm đúng"),
    ("thực hiện", "làm"),
    ("tuân thủ", "làm đúng theo"),
    ("quán triệt", "nói rõ cho mọi người"),
    ("kịp thời", "ngay"),
    ("khẩn trương", "ngay"),
    ("đề nghị", "hãy"),
    ("yêu cầu", "hãy"),
    ("trên địa bàn", "ở xã, phường mình"),
    ("tình hình mới", "bây giờ"),
    ("phòng, chống", "tránh"),
    ("biện pháp", "cách"),
    ("khuyến cáo", "lời khuyên"),
    ("tự giác", "tự mình"),
    ("nâng cao ý thức", "nhớ"),
    ("tăng cường", "làm thêm"),
    ("phối hợp", "cùng làm"),
    ("cơ quan chức năng", "công an, trạm y tế"),
    ("đối tượng", "người"),
    ("hành vi", "việc làm"),
    ("vi phạm pháp luật", "làm trái luật"),
    ("xử lý nghiêm", "bị phạt"),
    ("trình báo", "báo"),
    ("tố giác", "báo cho công an"),
    ("phương tiện", "xe"),
    ("lưu trú", "ở trọ"),
    ("tạm trú", "đăng ký ở trọ"),
    ("ngoại tỉnh", "tỉnh khác"),
    ("tập trung đông người", "tụ tập"),
    ("hỏa hoạn", "cháy"),
    ("phương án", "cách làm"),
    ("công tác", "việc"),
    ("người lao động", "công nhân, anh chị em"),
]

# Templates that pass the plain-language check (a test keeps them passing).
TEMPLATES: list[dict[str, Any]] = [
    {
        "title": "Đeo khẩu trang khi vào xưởng",
        "topic": "epidemic",
        "body": (
            "Từ 05/11, hãy đeo khẩu trang khi vào xưởng. "
            "Thấy sốt hoặc ho, báo tổ trưởng ngay. "
            "Trạm y tế xã: 0262 381 234."
        ),
        "quiz_question": "Thấy sốt hoặc ho, bạn làm gì?",
        "quiz_answers": ["Báo tổ trưởng ngay", "Đi làm bình thường", "Tự mua thuốc"],
        "quiz_right": 1,
    },
    {
        "title": "Khai báo y tế mỗi sáng",
        "topic": "epidemic",
        "body": (
            "Mỗi sáng trước 7 giờ, hãy mở đường link của bạn. "
            "Bấm “Hôm nay tôi khỏe” nếu bạn khỏe. "
            "Mất đường link, hỏi tổ trưởng."
        ),
        "quiz_question": "Khai báo y tế trước mấy giờ?",
        "quiz_answers": ["7 giờ sáng", "12 giờ trưa", "Tối"],
        "quiz_right": 1,
    },
    {
        "title": "Cháy ở nhà trọ",
        "topic": "fire",
        "body": (
            "Thấy cháy, hãy hô to và gọi 114. "
            "Ngắt cầu dao điện nếu làm được. "
            "Không đi thang máy, đi cầu thang bộ ra ngoài."
        ),
        "quiz_question": "Số điện thoại báo cháy là số nào?",
        "quiz_answers": ["113", "114", "115"],
        "quiz_right": 2,
    },
    {
        "title": "Sạc xe điện an toàn",
        "topic": "fire",
        "body": (
            "Không sạc xe điện qua đêm trong phòng trọ. "
            "Hãy sạc ở nơi chủ trọ chỉ định. "
            "Rút sạc khi pin đầy."
        ),
        "quiz_question": "Sạc xe điện ở đâu?",
        "quiz_answers": ["Trong phòng, qua đêm", "Nơi chủ trọ chỉ định"],
        "quiz_right": 2,
    },
    {
        "title": "Báo tin trộm cắp",
        "topic": "security",
        "body": (
            "Thấy người lạ lấy đồ, hãy gọi 113 hoặc báo công an xã. "
            "Ghi nhớ biển số xe và áo quần người đó. "
            "Bạn có thể báo tin không cần ghi tên."
        ),
        "quiz_question": "Gọi số nào để báo công an?",
        "quiz_answers": ["113", "114", "115"],
        "quiz_right": 1,
    },
    {
        "title": "Đăng ký ở trọ",
        "topic": "security",
        "body": (
            "Mới đến ở trọ, hãy đưa căn cước cho chủ trọ trong 3 ngày. "
            "Chủ trọ sẽ báo công an xã cho bạn."
        ),
        "quiz_question": "Mới đến ở trọ, bạn đưa gì cho chủ trọ?",
        "quiz_answers": ["Căn cước", "Sổ hộ khẩu", "Không cần gì"],
        "quiz_right": 1,
    },
    {
        "title": "Hợp đồng lao động",
        "topic": "labour",
        "body": (
            "Làm việc trên 1 tháng, bạn phải có hợp đồng lao động. "
            "Hãy giữ một bản hợp đồng. "
            "Chưa có, hỏi phòng nhân sự hoặc công đoàn."
        ),
        "quiz_question": "Làm trên 1 tháng, bạn cần gì?",
        "quiz_answers": ["Hợp đồng lao động", "Không cần gì"],
        "quiz_right": 1,
    },
    {
        "title": "Lương làm thêm giờ",
        "topic": "labour",
        "body": (
            "Làm thêm giờ ngày thường, lương ít nhất bằng 150% lương giờ. "
            "Hãy kiểm tra phiếu lương mỗi tháng. "
            "Thấy sai, báo công đoàn."
        ),
        "quiz_question": "Làm thêm ngày thường được ít nhất bao nhiêu?",
        "quiz_answers": ["100%", "150%", "300%"],
        "quiz_right": 2,
    },
]
