"""Fictitious persons and families with mutually consistent identity data."""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from .names import make_full_name, pick_surname
from .places import Address, address_for, old_address, pick_birth_code

LATEST_CHILD_BIRTH = date(2025, 4, 30)
ETHNICITIES: list[tuple[str, int]] = [("Kinh", 88), ("Tày", 2), ("Thái", 2), ("Mường", 2), ("Khmer", 2), ("Hoa", 2), ("Nùng", 1), ("Dao", 1)]


@dataclass
class Person:
    full_name: str            # title case; documents print it in capitals
    sex: str                  # "Nam" | "Nữ"
    birth: date
    birth_code: str           # province code of birth registration
    id_number: str
    old_id: str = ""          # 9-digit CMND number of people old enough to have had one
    ethnicity: str = "Kinh"
    nationality: str = "Việt Nam"
    origin: Address | None = None
    residence: Address | None = None
    relation_to_head: str = "Chủ hộ"

    @property
    def name_caps(self) -> str:
        return self.full_name.upper()

    @property
    def surname(self) -> str:
        return self.full_name.split()[0]


@dataclass
class Family:
    head: Person
    members: list[Person] = field(default_factory=list)   # everybody except the head
    marriage_date: date | None = None

    @property
    def everyone(self) -> list[Person]:
        return [self.head, *self.members]


def random_date(rng: random.Random, start: date, end: date) -> date:
    if end <= start:
        return start
    return start + timedelta(days=rng.randint(0, (end - start).days))


def add_years(d: date, years: int) -> date:
    """Same day and month `years` later; 29 February falls back to the 28th."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def add_months(d: date, months: int) -> date:
    """Same day `months` later; a day the month lacks falls back to its last day (31 Aug + 6 → 28/29 Feb)."""
    years, month0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + years, month0 + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def make_id_number(rng: random.Random, code: str, sex: str, birth: date) -> str:
    """12-digit personal id: province code, century+sex digit, year, six random digits."""
    century_index = (birth.year // 100) - 19          # 1900s → 0, 2000s → 1, 2100s → 2
    century_sex = century_index * 2 + (1 if sex == "Nữ" else 0)
    return f"{code}{century_sex}{birth.year % 100:02d}{rng.randint(0, 999_999):06d}"


def make_person(rng: random.Random, sex: str, birth: date, surname: str | None = None, code: str | None = None,
                today: date = date(2025, 10, 1)) -> Person:
    code = code or pick_birth_code(rng)
    names, weights = zip(*ETHNICITIES)
    person = Person(
        full_name=make_full_name(rng, sex, surname),
        sex=sex,
        birth=birth,
        birth_code=code,
        id_number=make_id_number(rng, code, sex, birth),
        ethnicity=rng.choices(names, weights=weights)[0],
        origin=old_address(rng, code if rng.random() < 0.7 else None, with_street=False),
    )
    # People who turned 14 before 2016 were issued a 9-digit CMND.
    if age_on(birth, date(2016, 1, 1)) >= 14 and rng.random() < 0.6:
        person.old_id = f"{rng.randint(10, 38):02d}{rng.randint(0, 9_999_999):07d}"
    person.residence = address_for(rng, today)
    return person


def make_family(rng: random.Random, today: date, min_children: int = 0) -> Family:
    """A household: head (a parent), spouse, children (and sometimes a grandparent)."""
    surname = pick_surname(rng)
    father_birth = random_date(rng, date(1955, 1, 1), date(1996, 12, 31))
    mother_birth = random_date(rng, add_years(father_birth, -2), add_years(father_birth, 6))
    code = pick_birth_code(rng)
    father = make_person(rng, "Nam", father_birth, surname, code if rng.random() < 0.5 else None, today)
    mother = make_person(rng, "Nữ", mother_birth, None, code if rng.random() < 0.5 else None, today)
    # Legal marriage age: 20 for men, 18 for women; register well after both.
    earliest = max(add_years(father_birth, 22), add_years(mother_birth, 20))
    marriage = random_date(rng, earliest, min(add_years(earliest, 10), LATEST_CHILD_BIRTH - timedelta(days=300)))
    residence = father.residence
    mother.residence = residence
    children: list[Person] = []
    last_birth = marriage + timedelta(days=300)
    # Births stay before the 2025 reorganisation so that the birth-registration
    # province code and the three-level registration place agree.
    latest_birth = min(today - timedelta(days=60), LATEST_CHILD_BIRTH)
    for _ in range(rng.randint(max(1, min_children), 3)):
        if last_birth >= latest_birth or age_on(mother_birth, last_birth) > 42:
            break
        child_birth = random_date(rng, last_birth, min(add_years(last_birth, 5), latest_birth))
        child_code = code if rng.random() < 0.8 else pick_birth_code(rng)
        child = make_person(rng, rng.choice(["Nam", "Nữ"]), child_birth, surname, child_code, today)
        child.residence = residence
        child.relation_to_head = "Con"
        children.append(child)
        last_birth = child_birth + timedelta(days=400)
    head, spouse = (father, mother) if rng.random() < 0.8 else (mother, father)
    spouse.relation_to_head = "Vợ" if spouse.sex == "Nữ" else "Chồng"
    members = [spouse, *children]
    if rng.random() < 0.2:
        grandparent_birth = random_date(rng, add_years(head.birth, -35), add_years(head.birth, -20))
        grandparent_sex = rng.choice(["Nam", "Nữ"])
        # The head's father carries the head's surname only when the head is the husband's line.
        surname_of_line = head.surname if grandparent_sex == "Nam" and head.sex == "Nam" else None
        grandparent = make_person(rng, grandparent_sex, grandparent_birth, surname_of_line, head.birth_code, today)
        grandparent.relation_to_head = "Mẹ" if grandparent.sex == "Nữ" else "Bố"
        grandparent.residence = residence
        members.append(grandparent)
    return Family(head=head, members=members, marriage_date=marriage)
