"""The Spanish catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).parents[2] / "cati" / "translations"


def test_every_spanish_message_is_translated_and_compiled():
    with open(CATALOGUES / "es/LC_MESSAGES/messages.po", "rb") as fh:
        po = read_po(fh)
    with open(CATALOGUES / "es/LC_MESSAGES/messages.mo", "rb") as fh:
        mo = read_mo(fh)
    untranslated = [m.id for m in po if m.id and not m.string]
    assert untranslated == []
    assert {m.id: m.string for m in po if m.id} == {m.id: m.string for m in mo if m.id}


def test_every_string_in_the_code_has_a_spanish_translation():
    """Extracts the UI strings as `make translations` does; a new one must be translated."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    method_map = [("**/web/templates/**.html", "jinja2"), ("**.py", "python")]
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(CATALOGUES.parent, method_map=method_map, keywords=keywords)
    }
    with open(CATALOGUES / "es/LC_MESSAGES/messages.po", "rb") as fh:
        translated = {m.id for m in read_po(fh) if m.id and m.string}
    assert found - translated == set()
