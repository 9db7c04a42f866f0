"""Every form: every POST route, found in ``app.url_map``, gets Hypothesis-made form data
from a role allowed there — never a 5xx, never a stack trace.

Nothing here names a route. The role comes from the access table of
tests/cati/web/test_authorization.py, the URL arguments from its seeded project (or point
at objects that do not exist), and the field names from the HTML forms that post to the
route, read off the pages the same role can open. A route added later is fuzzed without a
change here; one whose URL argument has no seeded value fails, saying what to add.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.routing import IntegerConverter, Rule

from tests.cati.web.test_authorization import EXPECTED, LOGGED_IN, PUBLIC
from tests.fuzz import budget
from tests.fuzz.files import nasty_text

ANONYMOUS = None
# Dates and times at and past the ends of ``datetime`` and of a day.
EDGE_DATES = [
    "9999-12-31",
    "9999-12-31T23:59",
    "23:59",
    "24:00",
    "0001-01-01",
    "0001-01-01T00:00",
    "10000-01-01T00:00",
    "0000-00-00T00:00",
    "2026-12-31T24:00",
]


class FormFields(HTMLParser):
    """The forms of a page: action path -> field name -> the values the page offers."""

    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, set[str]]] = {}
        self.files: dict[str, set[str]] = {}
        self._action: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._action = urlsplit(attr.get("action") or self.page_path).path
            self.forms.setdefault(self._action, {})
            self.files.setdefault(self._action, set())
            return
        if self._action is None:
            return
        fields = self.forms[self._action]
        name = attr.get("name")
        if tag in ("input", "textarea", "select", "button") and name:
            fields.setdefault(name, set())
            if attr.get("value"):
                fields[name].add(attr["value"])
            if attr.get("type") == "file":
                self.files[self._action].add(name)
            self._select = name if tag == "select" else self._select
        elif tag == "option" and self._select and attr.get("value") is not None:
            fields[self._select].add(attr["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._action = None
        elif tag == "select":
            self._select = None


def role_of(endpoint: str) -> str | None:
    assert endpoint in EXPECTED, (
        f"{endpoint} is not in EXPECTED in tests/cati/web/test_authorization.py: "
        "add it there (who may use it), and the form fuzzer will use that role"
    )
    owner = EXPECTED[endpoint][0]
    # Pages of any logged-in user (the own account) are fuzzed as an interviewer's.
    return {PUBLIC: ANONYMOUS, LOGGED_IN: "interviewer"}.get(owner, owner)


def url_arguments(rule: Rule, params: dict, missing: set[str]) -> dict:
    """Seeded values for the rule's arguments; those in ``missing`` point at nothing."""
    unknown = sorted(set(rule.arguments) - set(params))
    assert not unknown, (
        f"{rule.endpoint} ({rule.rule}) has URL arguments {unknown} with no seeded value: add "
        "them to the parameters seed_project() returns in tests/cati/web/test_authorization.py"
    )
    values = {}
    for name in rule.arguments:
        if name in missing:
            integer = isinstance(rule._converters[name], IntegerConverter)
            values[name] = 10**6 if integer else "no-such-thing"
        else:
            values[name] = params[name]
    return values


def post_routes(app) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if "POST" in (r.methods or ())),
        key=lambda r: r.endpoint,
    )


def fields_by_action(seeded, role: str | None) -> tuple[dict, dict, str]:
    """Every form on every page ``role`` may open in the seeded project, and a CSRF token
    of the role's session (taken from a page: not every home page has a form)."""
    client, _ = seeded.client(role)
    adapter = seeded.app.url_map.bind("localhost")
    forms: dict[str, dict[str, set[str]]] = {}
    files: dict[str, set[str]] = {}
    for rule in seeded.app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if rule.endpoint not in EXPECTED or role_of(rule.endpoint) != role:
            continue
        if not set(rule.arguments) <= set(seeded.params):
            continue  # the POST side reports these
        path = adapter.build(rule.endpoint, url_arguments(rule, seeded.params, set()))
        page = FormFields(path)
        response = client.get(path)
        if response.mimetype == "text/html":  # a file (a workbook, a PDF) has no forms
            page.feed(response.get_data(as_text=True))
        for action, fields in page.forms.items():
            for name, values in fields.items():
                forms.setdefault(action, {}).setdefault(name, set()).update(values)
            files.setdefault(action, set()).update(page.files[action])
    tokens = [
        v for f in forms.values() for n, vs in f.items() if n.endswith("csrf_token") for v in vs
    ]
    return forms, files, seeded.client(role)[1] or min(tokens, default="")


def values_for(offered: set[str]) -> st.SearchStrategy:
    one = st.one_of(
        nasty_text,
        st.integers(min_value=-(10**20), max_value=10**20).map(str),
        st.sampled_from(["2026-11-30T10:00", "2026-02-30", "25:61", "on", "y", "true"]),
        st.sampled_from(EDGE_DATES),
        *([st.sampled_from(sorted(offered))] if offered else []),
    )
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


@st.composite
def form_data(draw, fields: dict[str, set[str]], files: set[str], token: str) -> dict:
    """Some of the form's own fields with odd values, some made-up keys, a valid token."""
    names = sorted(fields)
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    data: dict = {name: draw(values_for(fields[name])) for name in chosen}
    for key in draw(st.lists(nasty_text, max_size=2)):
        data.setdefault(key, draw(nasty_text))
    for name in sorted(set(chosen) & files):
        content = draw(st.binary(max_size=300))
        filename = draw(st.sampled_from(["f.csv", "f.yaml", "f.xlsx", "f.parquet", "f", ""]))
        data[name] = (io.BytesIO(content), filename)
    for name in [*names, "csrf_token"]:
        if name.endswith("csrf_token"):  # prefixed forms name it "<prefix>-csrf_token"
            data[name] = token
    return data


def fuzzer(seeded, rule: Rule, role: str | None, fields: dict, files: set[str], token: str):
    """A Hypothesis test posting generated forms to ``rule`` as ``role``."""
    adapter = seeded.app.url_map.bind("localhost")
    arguments = sorted(rule.arguments)
    missing_sets = st.sets(st.sampled_from(arguments)) if arguments else st.just(set())

    @budget(0.2)
    @given(missing=missing_sets, data=st.data())
    def post_anything(missing, data):
        client, _ = seeded.client(role)
        path = adapter.build(rule.endpoint, url_arguments(rule, seeded.params, missing))
        form = data.draw(form_data(fields, files, token), label="form")
        response = client.post(path, data=form, content_type="multipart/form-data")
        body = response.get_data(as_text=True)
        assert response.status_code < 500, f"POST {path} as {role}: {response.status_code}"
        assert "Traceback" not in body, f"POST {path} as {role} shows a stack trace"

    return post_anything


# A deprecation SQLAlchemy will turn into an error is a crash waiting: fail on it now.
@pytest.mark.slow
@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")
def test_every_post_route_survives_generated_form_data(seeded):
    adapter = seeded.app.url_map.bind("localhost")
    routes = post_routes(seeded.app)
    assert routes, "no POST route found: the walk over app.url_map is broken"
    # Every role logs in and reads its pages first: fuzzing the log-in form fails enough
    # log-ins from the test client's address to throttle any log-in after it.
    pages = {role: fields_by_action(seeded, role) for role in {role_of(r.endpoint) for r in routes}}
    for rule in routes:
        role = role_of(rule.endpoint)
        forms, files, token = pages[role]
        path = adapter.build(rule.endpoint, url_arguments(rule, seeded.params, set()))
        fuzzer(seeded, rule, role, forms.get(path, {}), files.get(path, set()), token)()


def get_routes(seeded) -> list[Rule]:
    """The pages with every URL argument seeded (the POST fuzzer reports the others)."""
    return sorted(
        (
            r
            for r in seeded.app.url_map.iter_rules()
            if "GET" in (r.methods or ())
            and r.endpoint != "static"
            and set(r.arguments) <= set(seeded.params)
        ),
        key=lambda r: r.endpoint,
    )


def query_fuzzer(seeded, rule: Rule, role: str | None, fields: dict):
    """A Hypothesis test opening ``rule`` as ``role`` with generated query strings: the
    page's own filter fields and ``page``, with odd values; a NUL byte anywhere is a 400."""
    adapter = seeded.app.url_map.bind("localhost")
    path = adapter.build(rule.endpoint, url_arguments(rule, seeded.params, set()))
    names = {"page": set(), **{n: v for n, v in fields.items() if not n.endswith("csrf_token")}}

    @budget(0.05)
    @given(
        query=st.dictionaries(
            st.one_of(st.sampled_from(sorted(names)), nasty_text), values_for(set()), max_size=4
        )
    )
    def open_anything(query):
        client, _ = seeded.client(role)
        response = client.get(path, query_string=query)
        binary = response.mimetype.startswith(("application/vnd.", "application/pdf"))
        body = "" if binary else response.get_data(as_text=True)  # a workbook: no text
        assert response.status_code < 500, f"GET {path}?{query} as {role}: {response.status_code}"
        assert "Traceback" not in body, f"GET {path} as {role} shows a stack trace"
        sent = [
            *query,
            *(v for vs in query.values() for v in ([vs] if isinstance(vs, str) else vs)),
        ]
        if any("\x00" in text for text in sent):
            assert response.status_code == 400 and "NUL character" in body, body[:500]

    return open_anything


@pytest.mark.slow
@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")
def test_every_page_survives_generated_query_strings(seeded):
    routes = [r for r in get_routes(seeded) if r.endpoint in EXPECTED]
    assert routes, "no GET route found: the walk over app.url_map is broken"
    pages = {role: fields_by_action(seeded, role) for role in {role_of(r.endpoint) for r in routes}}
    adapter = seeded.app.url_map.bind("localhost")
    for rule in routes:
        role = role_of(rule.endpoint)
        path = adapter.build(rule.endpoint, url_arguments(rule, seeded.params, set()))
        query_fuzzer(seeded, rule, role, pages[role][0].get(path, {}))()


@pytest.mark.parametrize("html", ['<form action="/x?a=1"><input name="n" value="v"></form>'])
def test_the_form_reader_finds_the_fields_a_page_posts(html):
    """The fuzzer's own eyes: a form's action, field names and offered values are read."""
    page = FormFields("/page")
    page.feed(html + '<form><select name="s"><option value="1">a</option></select></form>')
    assert page.forms == {"/x": {"n": {"v"}}, "/page": {"s": {"1"}}}
