"""The Spanish catalogue is complete and its compiled .mo matches the .po."""

from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).parents[2] / "cati" / "translations"
# The packages whose messages the catalogue carries, as babel.cfg lists them.
PACKAGES = (CATALOGUES.parent, CATALOGUES.parents[1] / "sampling")


def translated(message) -> bool:
    """Every form translated (plural messages have one per form)."""
    return all(message.string) if message.pluralizable else bool(message.string)


def catalogue(messages) -> dict:
    as_key = lambda value: tuple(value) if isinstance(value, list | tuple) else value  # noqa: E731
    return {as_key(m.id): as_key(m.string) for m in messages if m.id}


def test_every_spanish_message_is_translated_and_compiled():
    with open(CATALOGUES / "es/LC_MESSAGES/messages.po", "rb") as fh:
        po = read_po(fh)
    with open(CATALOGUES / "es/LC_MESSAGES/messages.mo", "rb") as fh:
        mo = read_mo(fh)
    untranslated = [m.id for m in po if m.id and not translated(m)]
    assert untranslated == []
    assert catalogue(po) == catalogue(mo)


def test_every_string_in_the_code_has_a_spanish_translation():
    """Extracts the UI and problem strings as `make translations` does; a new one must be
    translated."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, "_l": None, "N_": None}
    method_map = [("**/web/templates/**.html", "jinja2"), ("**.py", "python")]
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for package in PACKAGES
        for message in extract_from_dir(package, method_map=method_map, keywords=keywords)
    }
    with open(CATALOGUES / "es/LC_MESSAGES/messages.po", "rb") as fh:
        done = {m.id[0] if m.pluralizable else m.id for m in read_po(fh) if m.id and translated(m)}
    assert found - done == set()
