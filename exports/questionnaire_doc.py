"""The questionnaire document for client approval, from ``questionnaires.preview``.

The preview writes its HTML with every questionnaire text escaped, so its body is taken
as markup; each block (an ``<h2>``) becomes a section of the report and an entry in the
contents. The preview's own style sheet is replaced by the report's.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from markupsafe import Markup

from exports.columns import without_placeholders
from exports.i18n import words
from exports.pdf import ENV, ReportInfo, Section, render_report
from questionnaires.model import Questionnaire
from questionnaires.preview import preview_html

_BODY = re.compile(r"<body>(.*)</body>", re.S)
_H2 = re.compile(r"<h2>(.*?)</h2>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def questionnaire_sections(questionnaire: Questionnaire, language: str) -> list[Section]:
    html = preview_html(questionnaire, language)
    match = _BODY.search(html)
    # piped texts read as stand-ins ("[NPS answer]"), as in every other report
    body = without_placeholders(match.group(1), questionnaire) if match else ""
    body = re.sub(r"<h1>.*?</h1>", "", body, count=1, flags=re.S)
    pieces = _H2.split(body)  # text before the first block, then (title, content) pairs
    intro, pairs = pieces[0], list(zip(pieces[1::2], pieces[2::2], strict=True))
    template = ENV.get_template("questionnaire.html")
    w = words(language)
    sections = []
    for i, (title, content) in enumerate(pairs):
        html = template.render(
            anchor=f"k{i}",
            title=Markup(title),
            content=Markup((intro if i == 0 else "") + content),
            note=w["approval"] if i == 0 else None,
        )
        plain = unescape(_TAGS.sub("", title))
        sections.append(Section(plain, Markup(html), f"k{i}"))
    return sections


def write_questionnaire_document(
    questionnaire: Questionnaire, info: ReportInfo, path: Path, **options: object
) -> int:
    sections = questionnaire_sections(questionnaire, info.language)
    return render_report(info, "questionnaire", sections, path, **options)  # type: ignore[arg-type]
