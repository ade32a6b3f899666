"""The Chinese catalogue: every string translated, and the compiled .mo matches the .po."""

import gettext
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_every_message_is_translated_and_compiled():
    with (LOCALE / "django.po").open("rb") as f:
        catalog = read_po(f)
    with (LOCALE / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    messages = [m for m in catalog if m.id]
    assert len(messages) > 50
    assert [m.id for m in messages if m.fuzzy] == []
    untranslated = [m.id for m in messages if not (all(m.string) if isinstance(m.string, tuple) else m.string)]
    assert untranslated == []
    for m in messages:
        if isinstance(m.id, tuple):
            assert compiled.ngettext(m.id[0], m.id[1], 1) == m.string[0], m.id
        elif m.context:
            assert compiled.pgettext(m.context, m.id) == m.string, (m.context, m.id)
        else:
            assert compiled.gettext(m.id) == m.string, m.id
