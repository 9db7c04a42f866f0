"""The browser front end: a package per audience (blueprint, views, forms), thin views over
the domain, wired here into the app with what every page shares (CSRF, log-in, languages,
security headers, error pages)."""

from __future__ import annotations

import functools

import flask
import phonenumbers
from babel import support
from flask import Flask, current_app, g, render_template, request, session
from flask_babel import Babel, get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter
from wtforms.i18n import messages_path

import cati.job_kinds  # noqa: F401  (registers the report and data-file runners jobs run)
from cati import db
from cati.config import Settings
from cati.web import (
    admin,
    auth,
    client,
    input_guard,
    interviewer,
    ops,
    request_log,
    research,
    respondent,
    supervisor,
    times,
)
from cati.web.common import ROLE_NAMES

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

# Same-origin only; no inline scripts. Later pages add nonces if they ever need inline code.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

# The app's own assets, and the supervisor's charts (counts, no one's data) revalidated by
# their ETag while the dashboard polls them.
OWN_CACHING = {"static", "supervisor.chart"}

PHONE_KINDS = {
    "fixed": _l("landline"),
    "mobile": _l("mobile"),
    "fixed_or_mobile": _l("landline or mobile"),
}


def format_phone(number: str) -> str:
    """E.164 shown the way people read it: +34 912 34 56 78."""
    try:
        parsed = phonenumbers.parse(number)
    except phonenumbers.NumberParseException:
        return number
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@functools.cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WtformsMessages:
    """WTForms' own messages in the request's language, each catalogue read once per
    process: Flask-WTF reads it from disk for every request that builds a form unless the
    request already carries one (``request.wtforms_translations``)."""

    def ugettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


class Request(flask.Request):
    wtforms_translations = _WtformsMessages()


def select_locale() -> str:
    """The user's saved preference, else the one chosen this session, else the browser's."""
    if current_user.is_authenticated and current_user.locale:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in Settings.LOCALES:
        return chosen
    settings: Settings = current_app.config["CATI_SETTINGS"]
    return request.accept_languages.best_match(Settings.LOCALES) or settings.default_locale


# Served over HTTPS (CATI_SECURE_COOKIES): browsers keep to HTTPS for a year (ASVS 14.4.5).
STRICT_TRANSPORT = "max-age=31536000; includeSubDomains"


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if current_app.config["CATI_SETTINGS"].secure_cookies:
        response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT)
    if response.mimetype == "application/json":  # never rendered as a page (ASVS 14.4.2)
        response.headers.setdefault("Content-Disposition", 'attachment; filename="api.json"')
    if request.endpoint not in OWN_CACHING:
        # Pages and files with respondents' or a study's data, the respondents' own pages
        # included, must not be kept by shared browsers; set over send_file's own header.
        response.headers["Cache-Control"] = "no-store"
    return response


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):
        return _error_page(
            400,
            gettext("The form has expired"),
            gettext("Reload the page and send the form again. Nothing was saved."),
        )

    @app.errorhandler(400)
    def bad_request(exc: BadRequest):
        ours = isinstance(exc, input_guard.MalformedInput)
        return _error_page(
            400,
            gettext("The request could not be read"),
            exc.description if ours else gettext("Send the form again from its page."),
        )

    @app.errorhandler(403)
    def forbidden(_exc):
        return _error_page(
            403,
            gettext("Not allowed"),
            gettext("This page belongs to another role, or to a project you are not working on."),
        )

    @app.errorhandler(404)
    def not_found(_exc):
        return _error_page(404, gettext("Not found"), gettext("There is no page at this address."))

    @app.errorhandler(413)
    def too_large(_exc):
        megabytes = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return _error_page(
            413,
            gettext("The file is too large"),
            gettext("Files of up to %(mb)s MB can be sent. Nothing was saved.", mb=megabytes),
        )

    @app.errorhandler(500)
    def server_error(_exc):
        return _error_page(
            500,
            gettext("Something went wrong"),
            gettext("The error has been logged. Nothing was half-saved; try again."),
        )

    @app.errorhandler(OperationalError)
    @app.errorhandler(InterfaceError)
    def database_unavailable(exc: DBAPIError):
        # The database restarting, failing over or locked: the request's transaction was
        # rolled back. The page must not ask the database for the user again (the generic
        # error page would, and fail in turn), so it is shown as to an anonymous visitor.
        app.logger.warning("database unavailable: %s", str(exc).splitlines()[0])
        g._login_user = login_manager.anonymous_user()
        page, status = _error_page(
            503,
            gettext("The database is not answering"),
            gettext("Nothing was half-saved. Reload the page in a few seconds."),
        )
        return page, status, {"Retry-After": "5"}


class IdConverter(IntegerConverter):
    """``<int:...>`` in our URLs is an id or a small number: past ``MAX_ID`` it matches no
    route (404) instead of overflowing the database driver."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", db.MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.request_class = Request
    app.url_map.converters["int"] = IdConverter  # before any blueprint adds its rules
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(auth.sessions.load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "basic"
    babel.init_app(app, locale_selector=select_locale)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"role_names": ROLE_NAMES, "get_locale": get_locale})
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(times.at, "at")
    app.add_template_filter(lambda kind: PHONE_KINDS.get(kind, kind), "phone_kind")
    _register_error_pages(app)

    request_log.init_app(app)
    app.before_request(input_guard.refuse_nul_bytes)
    for audience in (auth, admin, research, supervisor, interviewer, client, respondent, ops):
        app.register_blueprint(audience.bp)
    csrf.exempt(ops.bp)
