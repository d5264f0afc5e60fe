"""Messages in the user's language (issue 23): ``_("…")`` is the English text, or its Chinese
translation under ``--lang zh`` (or a Chinese system locale).

The translations are a gettext catalogue: ``driverparty/locale/zh_CN/LC_MESSAGES/
driverparty.po``, compiled by ``make catalog`` into the ``.mo`` beside it, which ships as
package data (``tests/test_i18n.py`` fails when the ``.mo`` is stale or a message has no
translation). The catalogue is read only when Chinese is asked for, with the standard
library's :mod:`gettext`: ``--help`` stays fast.

A message with values is written ``_("{field}: not a date").format(field=…)``, so a
translation can put the values where its grammar wants them. English is the msgid itself:
under ``--lang en`` every text is exactly what it was.

Imports nothing from driverparty, so any layer may use it.
"""

from __future__ import annotations

import gettext as _gettext
from pathlib import Path

DOMAIN = "driverparty"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: the catalogue of each language we have one for
CATALOGUES = {"zh": "zh_CN"}

_current = "en"
_translation: _gettext.NullTranslations = _gettext.NullTranslations()


def set_language(lang: str) -> None:
    """Speak ``lang`` (``en`` or ``zh``) from now on: our messages and click's."""
    global _current, _translation
    if lang == _current:
        return
    code = CATALOGUES.get(lang)
    if code is None:
        _current, _translation = "en", _gettext.NullTranslations()
    else:
        _current = lang
        _translation = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[code], fallback=True)


def language() -> str:
    """The language being spoken: ``en`` or ``zh``."""
    return _current


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    if _current == "en" or not message:
        return message
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form, translated (Chinese has one form)."""
    if _current == "en":
        return singular if n == 1 else plural
    return _translation.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks ``message`` for the catalogue without translating it (translated where shown)."""
    return message
