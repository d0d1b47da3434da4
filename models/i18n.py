"""Messages in the user's language, and dates, times and numbers the way they write them.

Source strings are English; the catalogue `models/locale/<language>/LC_MESSAGES/pantau.po`
holds their Indonesian. Mark a string with `_()` where it is shown, or with `N_()` where it
is defined before the language is known (then `_(value)` where it is shown). Formatted
messages take named fields: `_("{count} documents stored").format(count=n)`.

The language is the process's (`use`, from PANTAU_LANGUAGE, for the CLI) unless a context
sets its own (`using`, for one web request: the signed-in user's choice). Catalogues are
read from their .po files once per process and kept.

To change a message: edit the source, run `make messages` (extracts every marked string and
updates the catalogue), translate what it marks new or fuzzy; `tests/test_i18n.py` fails
while any string has no translation.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "pantau"
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
DEFAULT_TIME_ZONE = "Asia/Jakarta"
SOURCE_LANGUAGE = "en"  # the language the messages are written in: no catalogue needed

_process_language = DEFAULT_LANGUAGE
_process_zone = DEFAULT_TIME_ZONE
_context_language: ContextVar[str | None] = ContextVar("pantau_language", default=None)
_context_zone: ContextVar[str | None] = ContextVar("pantau_time_zone", default=None)


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def use(language: str, time_zone: str | None = None) -> None:
    """Make `language` (and `time_zone`) this process's: for the CLI, from the settings."""
    global _process_language, _process_zone
    _process_language = checked_language(language)
    if time_zone is not None:
        _process_zone = time_zone


def checked_language(language: str) -> str:
    if language not in LANGUAGES:
        choices = ", ".join(sorted(LANGUAGES))
        raise ValueError(f"unknown language {language!r}; choose one of: {choices}")
    return language


@contextmanager
def using(language: str | None, time_zone: str | None = None) -> Iterator[None]:
    """Messages in `language` (None: the process's) within this block and this context."""
    language_token = _context_language.set(checked_language(language) if language else None)
    zone_token = _context_zone.set(time_zone)
    try:
        yield
    finally:
        _context_language.reset(language_token)
        _context_zone.reset(zone_token)


def set_language(language: str | None, time_zone: str | None = None) -> None:
    """Set this context's language and zone without a block (a request's own context)."""
    _context_language.set(checked_language(language) if language else None)
    _context_zone.set(time_zone)


def current_language() -> str:
    return _context_language.get() or _process_language


def current_zone() -> ZoneInfo:
    return zone(_context_zone.get() or _process_zone)


@cache
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The language's catalogue, compiled in memory from its .po file; English needs none."""
    path = catalogue_path(language)
    if language == SOURCE_LANGUAGE or not path.exists():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return _gettext.GNUTranslations(compiled)


def gettext(message: str) -> str:
    """`message` in the current language."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_language()).ngettext(singular, plural, count)


_ = gettext


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark `message` for the catalogue without translating it now."""
    return message


def babel_locale() -> str:
    return "id_ID" if current_language() == "id" else "en_GB"


def format_number(value: float | int, digits: int | None = None) -> str:
    """12.345 in Indonesian, 12,345 in English; `digits` fixes the decimals."""
    from babel.numbers import format_decimal

    if digits is not None:
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return format_decimal(value, format=pattern, locale=babel_locale())
    return format_decimal(value, locale=babel_locale())


def local_time(moment: datetime) -> datetime:
    """`moment` (UTC when naive, as stored) in the current time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(current_zone())


def format_datetime(moment: datetime | None, *, seconds: bool = False) -> str:
    """ "4 Des 2026 21.09 WIB": the date as people write it, the time in the server's zone."""
    if moment is None:
        return ""
    from babel.dates import format_date as babel_date
    from babel.dates import format_time

    local = local_time(moment)
    when = babel_date(local.date(), format="medium", locale=babel_locale())
    clock = format_time(local.time(), "HH:mm:ss" if seconds else "HH:mm", locale=babel_locale())
    if current_language() == "id":
        clock = clock.replace(":", ".")
    return f"{when} {clock} {zone_abbreviation(local)}"


def format_clock(moment: datetime | None) -> str:
    """Only the time of day, in the server's zone: "21.09 WIB"."""
    if moment is None:
        return ""
    local = local_time(moment)
    separator = "." if current_language() == "id" else ":"
    return f"{local:%H}{separator}{local:%M} {zone_abbreviation(local)}"


def format_date(day: date | datetime | None) -> str:
    """ "4 Des 2026" / "4 Dec 2026"; a datetime is first put in the server's zone."""
    if day is None:
        return ""
    from babel.dates import format_date as babel_date

    if isinstance(day, datetime):
        day = local_time(day).date()
    return babel_date(day, format="medium", locale=babel_locale())


def zone_abbreviation(local: datetime) -> str:
    """WIB, WITA, WIT for Indonesia's zones; otherwise the zone's own abbreviation."""
    return local.tzname() or ""
