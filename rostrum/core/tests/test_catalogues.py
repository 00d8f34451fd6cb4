"""The interface ships in eight languages: every catalogue complete, none fuzzy, formats intact."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def catalogue(code: str) -> polib.POFile:
    folder = code.split("-")[0] + ("_" + code.split("-")[1].upper() if "-" in code else "")
    return polib.pofile(str(LOCALE_DIR / folder / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("code", LANGUAGES)
def test_catalogue_is_complete(code):
    po = catalogue(code)
    assert len(po) > 100
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_their_placeholders(code):
    for entry in catalogue(code).translated_entries():
        expected = set(PLACEHOLDER.findall(entry.msgid))
        if entry.msgid_plural:
            # A plural form may leave the number out ("one minute"), never bring in a new name.
            for text in entry.msgstr_plural.values():
                assert set(PLACEHOLDER.findall(text)) <= expected, entry.msgid
        else:
            assert set(PLACEHOLDER.findall(entry.msgstr)) == expected, entry.msgid
