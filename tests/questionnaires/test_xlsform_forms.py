"""Forms written the way KoBo, ODK and SurveyCTO users write them (pyxform's markdown
notation for sheets, read by the same reader): each one passes the checks and is
interviewed to the end, with the warnings that say what was adapted."""

import pytest

from questionnaires import ErrorCode
from questionnaires.xlsform import check_xlsform

from .test_xlsform_corpus import interview

FORMS = {
    "kobo_like": """
| settings | | | |
| | form_title | form_id | version |
| | Household | hh_2024 | vX1 |
| survey | | | | | | | |
| | type | name | label::English(en) | label::es | relevant | required | $kuid | calculation |
| | start | start | | | | | k1 |
| | end | end | | | | | k |
| | select_one yn | consent | Consent? | ¿Consiente? | | true | k |
| | begin_group | hh | Household | Hogar | ${consent} = 'yes' | | k |
| | integer | hh_size | Size | Tamaño | | true | k |
| | begin_repeat | member | Members | Miembros | | | k |
| | text | m_name | Name | Nombre | | true | k |
| | select_one sex | m_sex | Sex of ${m_name} | Sexo de ${m_name} | | true | k |
| | integer | m_age | Age | Edad | ${m_sex} != '' | true | k |
| | end_repeat | | | | | | k |
| | select_multiple src | sources | Sources | Fuentes | ${hh_size} > 1 | | k |
| | text | src_other | Other source | Otra fuente | selected(${sources}, 'other') | | k |
| | geopoint | gps | Location | Ubicación | | | k |
| | end_group | | | | | | k |
| | calculate | __version__ | | | | | k | 'vX1' |
| choices | | | | |
| | list_name | name | label::English (en) | label::Español (es) |
| | yn | yes | Yes | Sí |
| | yn | no | No | No |
| | sex | 1 | Male | Hombre |
| | sex | 2 | Female | Mujer |
| | src | well | Well | Pozo |
| | src | river | River | Río |
| | src | other | Other | Otra |
""",
    "translations": """
| settings | |
| | default_language |
| | French (fr) |
| survey | | | | | | |
| | type | name | label::French (fr) | label::English (en) | hint | required |
| | select_one yn or_other | q1 | Oui ou non | Yes or no | Un indice | true() |
| | integer | age | Âge | | | yes |
| | trigger | t | Tapez | Tap | | |
| | range | r | Note | Rate | | |
| | rank yn | rk | Classez | Rank | | |
| choices | | | | |
| | list_name | name | label::French (fr) | label::English (en) |
| | yn | yes | Oui | Yes |
| | yn | no | Non | |
""",
    "tables": """
| survey | | | | |
| | type | name | label | appearance |
| | begin group | tbl | Table | table-list |
| | select_one yn | a | A? | label |
| | select_one yn | b | B? | list-nolabel |
| | select_one yn | c | C? | list-nolabel |
| | end group | | | |
| | begin group | tbl2 | Mixed | table-list |
| | select_one yn | d | D? | |
| | text | e | E? | |
| | end group | | | |
| | begin group | outer | Outer | |
| | begin group | inner | Inner | field-list |
| | begin group | deeper | Deeper | |
| | integer | f | F? | |
| | integer | g | G? | |
| | end group | | | |
| | end group | | | |
| | begin repeat | rr | R | |
| | integer | h | H? | |
| | end repeat | | | |
| | integer | i | I after | |
| | end group | | | |
| choices | | | |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
""",
    "external": """
| survey | | | | |
| | type | name | label | choice_filter |
| | select_one state | state | State | |
| | select_one_external city | city | City | state=${state} |
| | select_multiple_from_file things.csv | things | Things | |
| choices | | | |
| | list_name | name | label |
| | state | texas | Texas |
| | state | wash | Washington |
| external_choices | | | | |
| | list_name | name | label | state |
| | city | austin | Austin | texas |
| | city | dallas | Dallas | texas |
| | city | seattle | Seattle | wash |
""",
    "dynamic_default": """
| survey | | | | | |
| | type | name | label | default | constraint |
| | integer | q0 | Q0 | 12 | . > 10 and . < 100 |
| | date | d | D | today() | . <= today() |
| | text | q1 | Q1 | ${q0} * 2 | |
| | decimal | q2 | Q2 | 1.5 | |
| | select_multiple yn | m | M | yes no | |
| | text | s | S | hello | string-length(.) > 2 and regex(., '^[a-z]+$') |
| choices | | | |
| | list_name | name | label |
| | yn | yes | Yes |
| | yn | no | No |
""",
}
# What each form must warn about (a fragment of each warning's message).
WARNINGS = {
    "kobo_like": ["cannot be asked on the telephone", "columns with no meaning here are ignored"],
    "translations": ["missing in a language", "rank is asked as a grid"],
    "tables": [],
    "external": ["asked as open text"],
    "dynamic_default": ["'today()' is not filled in", "'${q0} * 2' is not filled in"],
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_a_form_as_people_write_it_is_checked_and_interviewed(name):
    questionnaire, problems = check_xlsform(FORMS[name].encode(), f"{name}.md")
    assert questionnaire is not None
    assert [p for p in problems if p.severity == "error"] == []
    # Every integer without min and max also warns that 98/99 cannot be told from Don't
    # know/Refused in the data (tests/questionnaires/test_special_codes.py): not counted here.
    messages = [p.message for p in problems if p.code != ErrorCode.SPECIAL_CODE]
    for fragment in WARNINGS[name]:
        assert any(fragment in m for m in messages), (fragment, messages)
    assert len(messages) == len(WARNINGS[name]) + (name == "kobo_like")  # + the calculation
    assert interview(questionnaire) >= 3
