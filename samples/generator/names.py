"""Vietnamese personal names (fictitious combinations of common name parts)."""

from __future__ import annotations

import random

# Rough frequency weights: Nguyễn alone is carried by about a third of the population.
SURNAMES: list[tuple[str, int]] = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 4), ("Huỳnh", 4),
    ("Vũ", 3), ("Võ", 3), ("Phan", 4), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2),
    ("Ngô", 2), ("Dương", 1), ("Lý", 1), ("Đinh", 1), ("Trương", 1), ("Đào", 1), ("Mai", 1),
]
MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Đình", "Ngọc", "Gia", "Hoàng", "Anh", "Trọng", "Tiến"]
MIDDLE_FEMALE = ["Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Kim", "Bảo", "Khánh", "Mai", "Thùy", "Diệu"]
GIVEN_MALE = [
    "An", "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hùng", "Huy", "Khánh", "Khoa",
    "Long", "Minh", "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thắng", "Trung", "Tuấn", "Việt",
    "Vinh", "Lộc", "Hoàng", "Kiên", "Thịnh", "Toàn", "Nghĩa", "Dương", "Khải", "Hưng",
]
GIVEN_FEMALE = [
    "Anh", "Châu", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh",
    "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Trâm",
    "Uyên", "Vân", "Yến", "Huyền", "Loan", "Thủy", "Ngọc", "Diệp", "Tuyết",
]


def pick_surname(rng: random.Random) -> str:
    names, weights = zip(*SURNAMES)
    return rng.choices(names, weights=weights)[0]


def make_full_name(rng: random.Random, sex: str, surname: str | None = None) -> str:
    """'Nguyễn Văn An' style; one name in six gets a second middle name ('Nguyễn Thị Thu Hà')."""
    surname = surname or pick_surname(rng)
    female = sex == "Nữ"
    middles = MIDDLE_FEMALE if female else MIDDLE_MALE
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    parts = [surname, rng.choice(middles)]
    if rng.random() < 0.17:
        extra = rng.choice([m for m in middles if m not in parts and m != given])
        parts.append(extra)
    parts.append(given)
    return " ".join(parts)
