"""Finding one person's identifying values in stored text, and putting a marker in their place.

Personal-data erasure (``accounts.erasure``) builds a ``Redactor`` from what is known about the
person and runs it over every text and JSON column of the database. What it looks for depends on
how sure a match is to be the person rather than a namesake, so the caller passes a ``Reach``:

* ``IDENTIFIERS``: phone numbers matched by their digits in any formatting (+7 916 123-45-67,
  8 (916) 123 45 67, 89161234567), e-mail addresses in any case, messenger handles;
* ``FULL_NAME``: also the name with at least two of its parts in either order, declined by case
  (petrovich's rules for Russian names), with initials ("Петрова Е. В.", "Е. Петрова"),
  transliterated (passport and the other common schemes, by iuliia), the first name with the
  patronymic ("Елена Викторовна"), the position written beside the name ("CFO Elena Petrova"),
  and the birthday as a date;
* ``SURNAME``: also the surname alone, when capitalised;
* ``GIVEN_NAME``: also the first name or the patronymic alone, when capitalised.

Each pattern comes in two forms. ``redact`` uses Python regular expressions with word and digit
boundaries and is exact. ``loose_pattern`` is a superset for the database to pick candidate rows,
written in the syntax SQLite (Django's REGEXP runs Python's ``re``) and PostgreSQL (ARE) share: no
``\\b``/``\\d``; letter case spelled out as alternatives, since PostgreSQL folds non-ASCII letters
only under some collations; and each non-ASCII letter also as its JSON escape (``\\u041f``), since
SQLite keeps JSON columns with such letters escaped while PostgreSQL's jsonb does not.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import iuliia
import phonenumbers
from petrovich.enums import Case, Gender
from petrovich.main import Petrovich

MARKER = "[erased]"


class Reach(enum.IntEnum):
    IDENTIFIERS = 1
    FULL_NAME = 2
    SURNAME = 3
    GIVEN_NAME = 4


@dataclass
class Person:
    """What identifies a person: every value they had (current and earlier), as stored."""

    last_names: set[str] = field(default_factory=set)
    first_names: set[str] = field(default_factory=set)
    patronymics: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)  # E.164
    emails: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)  # without the "@"
    birthdays: set[dt.date] = field(default_factory=set)
    positions: set[str] = field(default_factory=set)
    # Other ways they were called (a form of address such as "Лампа Викторовна"), matched as written.
    aliases: set[str] = field(default_factory=set)


# Passport (ICAO, and the MVD's before it), the usual everyday ones and the bank and Telegram ones.
_SCHEMAS = (iuliia.ICAO_DOC_9303, iuliia.MVD_310, iuliia.MVD_782, iuliia.WIKIPEDIA, iuliia.BGN_PCGN,
            iuliia.GOST_52290, iuliia.GOST_7034, iuliia.YANDEX_MONEY, iuliia.TELEGRAM, iuliia.SCIENTIFIC)
_LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z' -]*$")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
# What may stand between the digits of a written phone number.
_DIGIT_GAP = r"[\s\-.()/\u00a0\u2010-\u2015]{0,3}"
# Handles in a "messengers" field: @name, or the name in a t.me / vk.com / instagram.com link.
_HANDLE = re.compile(r"(?:(?<![\w.])@|\b(?:t\.me|telegram\.me|vk\.com|instagram\.com)/)([A-Za-z0-9_.]{3,64})",
                     re.IGNORECASE)
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")
# Shorter texts of the person's are too likely to recur by chance to be taken for copies of theirs.
MIN_ECHO = 20
# Below this length a common prefix of a name's forms would pick too many rows to be of use.
_MIN_PREFIX = 4


@functools.lru_cache(maxsize=1)
def _petrovich() -> Petrovich:
    return Petrovich()


@functools.lru_cache(maxsize=4096)
def name_forms(word: str, kind: str) -> frozenset[str]:
    """``word`` as written, in every grammatical case (``kind``: lastname, firstname, middlename)
    for either gender, and transliterated into Latin; with ё also written as е."""
    word = " ".join(word.split())
    if not word:
        return frozenset()
    forms = {word}
    if _CYRILLIC.search(word):
        inflect = getattr(_petrovich(), kind)
        for gender in (Gender.MALE, Gender.FEMALE, Gender.ANDRGN):
            for case in Case.CASES:
                forms.add(inflect(word, case, gender))
        for schema in _SCHEMAS:
            latin = schema.translate(word)
            if _LATIN_NAME.match(latin):
                forms.add(latin)
    forms |= {form.replace("ё", "е").replace("Ё", "Е") for form in forms}
    return frozenset(form for form in forms if form)


def handles_in(text: str) -> set[str]:
    return {match.group(1).rstrip(".") for match in _HANDLE.finditer(text or "")}


def emails_in(text: str) -> set[str]:
    return {match.group(0).lower() for match in _EMAIL.finditer(text or "")}


def phones_in(text: str, region: str) -> set[str]:
    """E.164 of every phone number written in ``text`` (``region`` for numbers without a country code)."""
    found = set()
    for match in phonenumbers.PhoneNumberMatcher(text or "", region, leniency=phonenumbers.Leniency.VALID):
        found.add(phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164))
    return found


def _alternatives(strings: Iterable[str]) -> str:
    ordered = sorted(set(strings), key=lambda s: (-len(s), s))
    return "(?:" + "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in ordered) + ")"


def _loose_char(ch: str) -> str:
    variants = {ch, ch.lower(), ch.upper()}
    if ch in "еёЕЁ":
        variants |= set("еёЕЁ")
    alternatives = []
    for variant in sorted(v for v in variants if len(v) == 1):
        alternatives.append(variant if variant.isalnum() else "\\" + variant)
        if ord(variant) > 127:
            alternatives.append(f"\\\\u{ord(variant):04x}")
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


def loose_literal(text: str) -> str:
    """``text`` as a database regular expression matching it in any case, raw or JSON-escaped."""
    return "".join(_loose_char(ch) for ch in text)


def _phone_patterns(e164: str) -> tuple[str, str] | None:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    national = phonenumbers.national_significant_number(number)
    if len(national) < 6:
        return None
    country = str(number.country_code)
    region = phonenumbers.region_code_for_number(number)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    prefixes = [rf"\+\s?{country}", rf"00\s?{country}", country]
    if metadata is not None and metadata.national_prefix:
        prefixes.append(re.escape(metadata.national_prefix))
    digits = _DIGIT_GAP.join(national)
    exact = rf"(?<![\d+])(?:(?:{'|'.join(prefixes)}){_DIGIT_GAP})?{digits}(?!\d)"
    return exact, "[^0-9]{0,3}".join(national)


def _date_strings(day: dt.date) -> list[str]:
    return [day.isoformat(), f"{day:%d.%m.%Y}", f"{day:%d/%m/%Y}"]


def _loose_prefixes(forms: Iterable[str]) -> set[str]:
    """Few strings at least one of which every form contains: the forms' common beginning, when
    long enough (Петров for Петрова, Петровой, Петрову), else the forms themselves."""
    forms = set(forms)
    cyrillic = {form for form in forms if _CYRILLIC.search(form)}
    prefix = os.path.commonprefix(sorted(cyrillic)) if cyrillic else ""
    if len(prefix) >= _MIN_PREFIX:
        return {prefix} | (forms - cyrillic)
    return forms


class Redactor:
    """Replaces one person's values in text and JSON with ``marker``."""

    def __init__(self, person: Person, *, marker: str = MARKER, echoes: Iterable[str] = ()):
        """``echoes``: the person's own texts that name them in a way only their own records make
        certain (their first name alone, in their survey answer). The apps copy such texts into
        notifications, timeline events and audit entries; a value that contains one, or is its
        beginning at least ``MIN_ECHO`` long (a copy cut short), is searched as the person's own
        record is."""
        self.marker = marker
        self.echoes = tuple(sorted({e for e in echoes if len(e) >= MIN_ECHO}, key=len))
        self._exact: dict[Reach, re.Pattern | None] = {}
        self._loose: dict[Reach, str | None] = {}
        identifiers, loose_identifiers = [], []
        for phone in sorted(person.phones):
            patterns = _phone_patterns(phone)
            if patterns:
                identifiers.append(patterns[0])
                loose_identifiers.append(patterns[1])
        for email in sorted({e.strip().lower() for e in person.emails if e and e.strip()}):
            identifiers.append(rf"(?<![\w.+\-]){re.escape(email)}(?![\w\-]|\.\w)")
            loose_identifiers.append(loose_literal(email))
        for handle in sorted({h.strip().lstrip("@") for h in person.handles if h and len(h.strip()) >= 3}):
            identifiers.append(rf"(?<![\w.])@?{re.escape(handle)}(?!\w)")
            loose_identifiers.append(loose_literal(handle))

        last_each = [name_forms(n, "lastname") for n in sorted(person.last_names)]
        first_each = [name_forms(n, "firstname") for n in sorted(person.first_names)]
        middle_each = [name_forms(n, "middlename") for n in sorted(person.patronymics)]
        last, first, middle = (frozenset().union(*each) for each in (last_each, first_each, middle_each))
        full_names = _full_name_pattern(last, first, middle, person.positions)
        # Values matched as written: the birthday in the usual date formats, and the aliases.
        written = [s for day in sorted(person.birthdays) for s in _date_strings(day)]
        as_written = [rf"(?<!\d){re.escape(s)}(?!\d)" for s in written]
        aliases = sorted({" ".join(a.split()) for a in person.aliases if a and len(a.strip()) >= 3})
        as_written += [_word([alias]) for alias in aliases]
        written += aliases

        by_reach = {
            Reach.IDENTIFIERS: (identifiers, [], loose_identifiers),
            Reach.FULL_NAME: (identifiers + as_written + ([full_names] if full_names else []), [],
                              loose_identifiers + [loose_literal(s) for s in written]
                              + _loose_names(last_each + middle_each)),
        }
        surname = [_word(last)] if last else []
        by_reach[Reach.SURNAME] = (by_reach[Reach.FULL_NAME][0], surname, by_reach[Reach.FULL_NAME][2])
        given = surname + [_word(forms) for forms in (first, middle) if forms]
        by_reach[Reach.GIVEN_NAME] = (by_reach[Reach.FULL_NAME][0], given,
                                      by_reach[Reach.FULL_NAME][2] + _loose_names(first_each))
        echo_loose = [loose_literal(echo[:MIN_ECHO]) for echo in self.echoes]
        for reach, (certain, single_words, loose) in by_reach.items():
            loose = loose + (echo_loose if reach < Reach.GIVEN_NAME else [])
            parts = [f"(?:{p})" for p in certain]
            if single_words:
                parts.append("(?P<single>" + "|".join(single_words) + ")")
            self._exact[reach] = re.compile("|".join(parts), re.IGNORECASE) if parts else None
            self._loose[reach] = "|".join(dict.fromkeys(loose)) or None

    def loose_pattern(self, reach: Reach) -> str | None:
        """A database regular expression every text this reach would change matches (None: nothing to find)."""
        return self._loose[reach]

    def redact(self, text: str, reach: Reach) -> tuple[str, int]:
        """``text`` with the person's values replaced, and how many were."""
        if reach < Reach.GIVEN_NAME and self._echoes(text):
            reach = Reach.GIVEN_NAME
        pattern = self._exact[reach]
        if not text or pattern is None:
            return text, 0
        count, single = 0, "single" in pattern.groupindex

        def replace(match: re.Match) -> str:
            nonlocal count
            # A name standing alone is taken for the person's only when written as a name.
            if single and match.group("single") is not None and not match.group(0)[:1].isupper():
                return match.group(0)
            count += 1
            return self.marker

        return pattern.sub(replace, text), count

    def _echoes(self, text: str) -> bool:
        if not self.echoes or not text:
            return False
        return any(echo in text or (len(text) >= MIN_ECHO and echo.startswith(text)) for echo in self.echoes)

    def redact_value(self, value: Any, reach: Reach) -> tuple[Any, int]:
        """The same through a JSON value: strings, list items, and dictionary keys and values."""
        if isinstance(value, str):
            return self.redact(value, reach)
        if isinstance(value, list):
            total, items = 0, []
            for item in value:
                item, count = self.redact_value(item, reach)
                items.append(item)
                total += count
            return items, total
        if isinstance(value, dict):
            total, result = 0, {}
            for key, item in value.items():
                key, key_count = self.redact(key, reach) if isinstance(key, str) else (key, 0)
                item, count = self.redact_value(item, reach)
                result[key] = item
                total += key_count + count
            return result, total
        return value, 0


def _loose_names(each: list[frozenset[str]]) -> list[str]:
    return [loose_literal(prefix) for forms in each for prefix in sorted(_loose_prefixes(forms))]


def _word(forms: Iterable[str]) -> str:
    return rf"(?<!\w){_alternatives(forms)}(?!\w)"


def _initials(forms: Iterable[str]) -> str:
    letters = {form[0].upper() for form in forms if form}
    return "(?:" + "|".join(re.escape(letter) for letter in sorted(letters)) + r")\."


def _full_name_pattern(last: frozenset[str], first: frozenset[str], middle: frozenset[str],
                       positions: Iterable[str]) -> str | None:
    """Two or more parts of the name in the usual orders, with the position beside it if written."""
    if not first or not (last or middle):
        return None
    gap, after_initial = r"[\s,]+", r"\s*"
    forms = []
    given, given_initial = _alternatives(first), _initials(first)
    if last:
        surname = _alternatives(last)
        if middle:
            patronymic, patronymic_initial = _alternatives(middle), _initials(middle)
            forms += [
                f"{surname}{gap}{given}(?:{gap}{patronymic})?",
                f"{given}(?:{gap}{patronymic})?{gap}{surname}",
                f"{surname}{gap}{given_initial}(?:{after_initial}{patronymic_initial})?",
                f"{given_initial}{after_initial}(?:{patronymic_initial}{after_initial})?{surname}",
            ]
        else:
            forms += [f"{surname}{gap}{given}", f"{given}{gap}{surname}", f"{surname}{gap}{given_initial}",
                      f"{given_initial}{after_initial}{surname}"]
    if middle:
        forms.append(f"{given}{gap}{_alternatives(middle)}")
    name = "(?<!\\w)(?:" + "|".join(forms) + ")(?!\\w)"
    positions = [" ".join(p.split()) for p in positions if p and p.strip()]
    if positions:
        position = _alternatives(positions)
        name = rf"(?:(?<!\w){position}[\s,]+)?{name}(?:,?\s+{position}(?!\w))?"
    return name
