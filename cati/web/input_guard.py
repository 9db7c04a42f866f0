"""Input no view can use is refused before any view runs, with a 400 and a message, never
a 500 from the database driver: NUL bytes anywhere in the address, the query or a form
(PostgreSQL refuses them in text), and the form fields every page uses for numbers and
dates, bounded to what the database and ``datetime`` hold."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest
from wtforms import fields
from wtforms.validators import ValidationError

from cati.db import MAX_ID

# Wide enough for any fieldwork date, narrow enough that a zone shift or a day added fits.
FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)
MAX_PAGE = 10**6


class MalformedInput(BadRequest):
    """A 400 whose description is a sentence for the user, in their language."""


def refuse_nul_bytes() -> None:
    sent = [request.path, *request.args.keys(), *request.args.values()]
    if request.method in ("POST", "PUT", "PATCH"):
        sent += [*request.form.keys(), *request.form.values()]
        sent += [f.filename or "" for f in request.files.values()]
    if any("\x00" in text for text in sent):
        raise MalformedInput(
            gettext("The request holds a NUL character, which no field accepts. Nothing was saved.")
        )


def page_number() -> int:
    """The ``page`` of a listing's query: 1 when absent or not a number, 400 past MAX_PAGE."""
    page = max(1, request.args.get("page", 1, type=int))
    if page > MAX_PAGE:
        raise MalformedInput(gettext("There is no page %(page)s.", page=page))
    return page


class IntegerField(fields.IntegerField):
    """An integer field that refuses numbers the database cannot store."""

    def pre_validate(self, form) -> None:
        if self.data is not None and abs(self.data) > MAX_ID:
            raise ValidationError(
                _l("Enter a number between %(low)s and %(high)s.", low=-MAX_ID, high=MAX_ID)
            )


class DateField(fields.DateField):
    """A date field that refuses days outside FIRST_DAY..LAST_DAY."""

    def pre_validate(self, form) -> None:
        if self.data is not None and not FIRST_DAY <= self.data <= LAST_DAY:
            raise ValidationError(
                _l(
                    "Enter a date between %(first)s and %(last)s.",
                    first=FIRST_DAY.isoformat(),
                    last=LAST_DAY.isoformat(),
                )
            )
