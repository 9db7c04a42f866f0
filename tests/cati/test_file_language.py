"""One language per file: ``language`` sets every label of a data file, the questions',
the options' and the built-in ones (Don't know, Selected, the paradata), in the SPSS file,
the labelled CSV, the codebook, Triple-S and the banner book's rows of the library's
bilingual customer_satisfaction study."""

from __future__ import annotations

import csv
from pathlib import Path
from xml.etree import ElementTree as ET

import pyreadstat
import pytest

from cati import dataset, questionnaire_store, reporting
from cati.banner_report import banner_questions
from tests.cati.fieldwork.conftest import make_cases, make_project
from tests.cati.test_special_codes_in_files import completed

STUDY = Path(__file__).parents[2] / "questionnaires" / "library" / "customer_satisfaction.yaml"
ANSWERS = [
    {"purchase_confirmed": 1, "nps": 9, "contact_channels": [1, 3], "problem": 2},
    {"purchase_confirmed": 1, "nps": {"special": "dk"}, "contact_channels": [2], "problem": 2},
]
WORDS = {
    "es": {
        "question": "¿Ha comprado usted recientemente un electrodoméstico en Aurora Hogar?",
        "option": "Desde la compra, ¿por qué medios se ha puesto en contacto con nosotros?: "
        "Teléfono",
        "yes": "Sí",
        "dont_know": "No sabe",
        "refused": "No contesta",
        "selected": "Seleccionado",
        "not_selected": "No seleccionado",
        "status": "Estado de la entrevista",
        "grid_item": "La entrega — ¿Cómo valora usted cada uno de los siguientes aspectos?",
    },
    "en": {
        "question": "Have you recently bought a household appliance from Aurora Hogar?",
        "option": "Since the purchase, how have you contacted us?: Phone",
        "yes": "Yes",
        "dont_know": "Don't know",
        "refused": "Refused",
        "selected": "Selected",
        "not_selected": "Not selected",
        "status": "Interview status",
        "grid_item": "The delivery — How would you rate each of the following?",
    },
}
OTHER = {"es": "en", "en": "es"}


@pytest.fixture
def project(db):
    project = make_project(db)
    questionnaire_store.pin(db, project, STUDY)
    for case, answers in zip(make_cases(db, project, n=len(ANSWERS)), ANSWERS, strict=True):
        completed(db, case, answers)
    return project


def labels_of_sav(path: Path) -> list[str]:
    _, meta = pyreadstat.read_sav(path, metadataonly=True)
    texts = list(meta.column_names_to_labels.values())
    for labels in meta.variable_value_labels.values():
        texts.extend(labels.values())
    return texts


def absent(other: str, texts: list[str]) -> None:
    """None of the other language's words (but a shared one like "No") is in ``texts``."""
    for key, word in WORDS[other].items():
        if key != "yes" or word != "No":
            assert word not in texts, (key, word)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_spss_file_labels_everything_in_the_chosen_language(db, project, tmp_path, language):
    w = WORDS[language]
    path = tmp_path / "data.sav"
    reporting.export_data(db, project, "sav", path, language=language)
    _, meta = pyreadstat.read_sav(path, metadataonly=True)
    labels = meta.column_names_to_labels
    values = meta.variable_value_labels
    assert labels["purchase_confirmed"] == w["question"]
    assert values["purchase_confirmed"][1] == w["yes"]
    assert labels["contact_channels_1"] == w["option"]
    assert labels["sat_delivery"] == w["grid_item"]  # the item, then the question
    assert values["contact_channels_1"] == {
        0: w["not_selected"],
        1: w["selected"],
        98: w["dont_know"],
        99: w["refused"],
    }
    assert values["nps"][98] == w["dont_know"]
    assert values["nps"][99] == w["refused"]
    assert labels["status"] == w["status"]
    absent(OTHER[language], labels_of_sav(path))


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_labelled_csv_writes_the_chosen_language(db, project, tmp_path, language):
    w = WORDS[language]
    path = tmp_path / "data.csv"
    reporting.export_data(db, project, "csv", path, labels=True, language=language)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["purchase_confirmed"] for r in rows] == [w["yes"], w["yes"]]
    assert [r["contact_channels_1"] for r in rows] == [w["selected"], w["not_selected"]]
    assert [r["nps"] for r in rows][1] == w["dont_know"]
    cells = [cell for row in rows for cell in row.values()]
    absent(OTHER[language], cells)


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_codebook_names_questions_and_built_ins_in_the_chosen_language(
    db, project, tmp_path, language
):
    w = WORDS[language]
    path = tmp_path / "codebook.html"
    reporting.export_data(db, project, "codebook", path, language=language)
    html = path.read_text(encoding="utf-8").replace("&#39;", "'").replace("&#34;", '"')
    for key in ("question", "dont_know", "selected", "status"):
        assert w[key] in html, key
    other = WORDS[OTHER[language]]
    for key in ("question", "dont_know", "refused", "status"):
        assert other[key] not in html, key


@pytest.mark.parametrize("language", ["es", "en"])
def test_the_banner_book_rows_are_in_the_chosen_language(db, project, language):
    w = WORDS[language]
    data = dataset.build(db, project, language=language)
    questions = {q.name: q for q in banner_questions(data, language)}
    channels = questions["contact_channels"]
    assert channels.kind == "multi"  # recognized as one multiple choice in either language
    assert channels.options[0] == ("contact_channels_1", w["option"].split(": ")[1])
    confirmed = questions["purchase_confirmed"]
    assert confirmed.label == w["question"]
    assert dict(confirmed.categories)[1.0] == w["yes"]
    assert w["dont_know"] in dict(confirmed.categories).values()
    assert questions["sat_delivery"].label == w["grid_item"]


@pytest.mark.parametrize("language", ["es", "en"])
def test_triple_s_keeps_multiple_choices_and_labels_them_in_the_chosen_language(
    db, project, tmp_path, language
):
    w = WORDS[language]
    path = tmp_path / "data.sss"
    reporting.export_data(db, project, "sss", path, language=language)
    root = ET.parse(path).getroot()
    kinds = {v.findtext("name"): v.get("type") for v in root.iter("variable")}
    assert kinds["contact_channels"] == "multiple"
    texts = [e.text for e in root.iter() if e.tag in ("label", "value") and e.text]
    assert w["question"] in texts and w["dont_know"] in texts
    assert WORDS[OTHER[language]]["question"] not in texts
