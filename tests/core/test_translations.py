"""The Russian catalogue, `locale/ru/LC_MESSAGES/django.po`, is the source of the translations.

Each test names the messages at fault. The catalogue must hold every message of the code and templates
(extracted with `makemessages` into a copy, never into the working tree), translated and not fuzzy, with
all three Russian plural forms; it must pass `msgfmt --check`; and the committed `.mo` must hold what the
`.po` compiles to. The workflow is in docs/development/translations.md.

Extraction and `msgfmt` are GNU gettext: without it the tests that run them skip, unless KAM_REQUIRE_GETTEXT=1
(CI sets it).
"""

import os
import shutil
import subprocess
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.utils import translation

import keyaccount

PACKAGE = Path(keyaccount.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
PO = LOCALE / "ru" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
HOW = "see docs/development/translations.md"

GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt")
MISSING_TOOLS = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
NEEDS_GETTEXT = pytest.mark.skipif(
    bool(MISSING_TOOLS) and not os.environ.get("KAM_REQUIRE_GETTEXT"),
    reason=f"GNU gettext is not installed ({', '.join(MISSING_TOOLS)}: apt-get install gettext); CI installs it")


def _read_po(path):
    with path.open("rb") as handle:
        return read_po(handle, locale="ru")


def _key(message):
    """A message as gettext looks it up: its context, its text and, for plurals, its plural text."""
    message_id = message.id if isinstance(message.id, str) else tuple(message.id)
    return message.context, message_id


def _name(key):
    context, message_id = key
    text = message_id if isinstance(message_id, str) else " / ".join(message_id)
    return repr(f"{context} | {text}" if context else text)


def _translations(catalog):
    return {_key(message): message for message in catalog if message.id}


def _faults(catalog):
    """Messages a Russian reader would see in English, or in a translation nobody has confirmed."""
    faults = []
    for key, message in _translations(catalog).items():
        forms = [message.string] if isinstance(message.string, str) else list(message.string)
        if message.fuzzy:
            faults.append(f"{_name(key)} (fuzzy)")
        elif not any(forms):
            faults.append(f"{_name(key)} (untranslated)")
        elif not all(forms):
            empty = [index for index, form in enumerate(forms) if not form]
            faults.append(f"{_name(key)} (plural forms {empty} empty)")
    return faults


def test_every_russian_message_is_translated_and_none_is_fuzzy():
    faults = _faults(_read_po(PO))
    assert not faults, f"Translate these in {PO.name} ({HOW}):\n" + "\n".join(faults)


def test_russian_plurals_choose_one_few_and_many():
    catalog = _read_po(PO)
    assert catalog.num_plurals == 3, "Russian has three plural forms: one (1, 21), few (2-4, 22), many (5-20, 0)"
    plural = c2py(catalog.plural_expr)
    one, few, many = (1, 21, 101, 1001), (2, 4, 22, 103), (0, 5, 11, 12, 14, 20, 111, 112)
    assert [plural(n) for n in one + few + many] == [0] * len(one) + [1] * len(few) + [2] * len(many)
    with translation.override("ru"):
        shown = [translation.ngettext("%(counter)s unread notification", "%(counter)s unread notifications", n)
                 % {"counter": n} for n in (1, 3, 5, 21)]
    assert shown == ["1 непрочитанное уведомление", "3 непрочитанных уведомления", "5 непрочитанных уведомлений",
                     "21 непрочитанное уведомление"]


def test_the_committed_mo_holds_what_the_po_compiles_to():
    source = _read_po(PO)
    with MO.open("rb") as handle:
        compiled = read_mo(handle)
    expected = {key: message.string for key, message in _translations(source).items()
                if not message.fuzzy and (message.string if isinstance(message.string, str) else any(message.string))}
    shipped = {key: message.string if isinstance(message.string, str) else tuple(message.string)
               for key, message in _translations(compiled).items()}
    stale = sorted(_name(key) for key in expected.keys() | shipped.keys() if expected.get(key) != shipped.get(key))
    assert not stale, f"{MO.name} is not what {PO.name} compiles to; run compilemessages ({HOW}). Differing:\n" + \
        "\n".join(stale)
    assert (compiled.num_plurals, compiled.plural_expr) == (source.num_plurals, source.plural_expr)


@NEEDS_GETTEXT
def test_the_catalogue_passes_msgfmt_check(tmp_path):
    checked = subprocess.run(["msgfmt", "--check", "--output-file", str(tmp_path / "django.mo"), str(PO)],
                             capture_output=True, text=True)
    assert checked.returncode == 0 and not checked.stderr, f"msgfmt --check {PO.name}:\n{checked.stderr}"


@NEEDS_GETTEXT
@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_message_in_the_code_and_templates_is_in_the_catalogue(domain, tmp_path, settings, monkeypatch):
    # makemessages writes preprocessed templates next to the originals and the catalogue into LOCALE_PATHS:
    # it runs on a copy of the package, so the working tree stays as it is.
    copy = tmp_path / "keyaccount"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "migrations", "vendor", "*.mo"))
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["ru"], domain=domain, ignore_patterns=["*/migrations/*"], verbosity=0)
    # The catalogue merged with what the sources hold now: what they no longer hold is obsolete, left out.
    merged = copy / "locale" / "ru" / "LC_MESSAGES" / f"{domain}.po"
    in_sources = _translations(_read_po(merged)).keys() if merged.exists() else set()
    committed = LOCALE / "ru" / "LC_MESSAGES" / f"{domain}.po"
    in_catalogue = _translations(_read_po(committed)).keys() if committed.exists() else set()
    new = sorted(_name(key) for key in in_sources - in_catalogue)
    assert not new, f"Messages of the code or templates that {committed.name} lacks; run makemessages and" \
        f" translate them ({HOW}):\n" + "\n".join(new)
    gone = sorted(_name(key) for key in in_catalogue - in_sources)
    assert not gone, f"{committed.name} holds messages no source has any more; run makemessages ({HOW}):\n" + \
        "\n".join(gone)
