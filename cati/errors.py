"""User-facing errors with stable codes, in one place.

A :class:`CatiError` carries a code, parameters and, for a problem in a file, its
:class:`~cati.problems.Place`; its English text comes from :data:`MESSAGES`, marked with
``N_`` so that ``make translations`` extracts it and the web layer can show it in the user's
language. Codes never change meaning once released: logs, tests and support notes refer to
them.
"""

from __future__ import annotations

import enum
from typing import Any

from cati.problems import N_, NOWHERE, Place, Problem, ProblemError


class ErrorCode(enum.StrEnum):
    LOGIN_INVALID = "E1001"
    LOGIN_THROTTLED = "E1002"
    USER_EXISTS = "E1101"
    USER_NOT_FOUND = "E1102"
    USERNAME_INVALID = "E1103"
    ROLE_INVALID = "E1104"
    PASSWORD_TOO_SHORT = "E1105"
    PASSWORD_IS_USERNAME = "E1106"
    LOCALE_INVALID = "E1107"
    PASSWORD_COMMON = "E1108"
    PASSWORD_WRONG = "E1109"
    PASSWORD_TOO_LONG = "E1110"
    ORGANISATION_NAME_INVALID = "E1150"
    ORGANISATION_EXISTS = "E1151"
    ORGANISATION_NOT_FOUND = "E1152"
    ORGANISATION_CLIENT_ONLY = "E1153"
    ORGANISATION_AGENCY_ONLY = "E1154"
    ORGANISATION_NEEDED = "E1155"
    MEMBER_OTHER_ORGANISATION = "E1156"
    PROJECT_NO_CLIENT_ORGANISATION = "E1157"
    TWO_FACTOR_CODE_INVALID = "E1003"
    DATABASE_NOT_UPGRADED = "E1201"
    SETTING_INVALID = "E1301"
    PROJECT_EXISTS = "E2001"
    PROJECT_NOT_FOUND = "E2002"
    PROJECT_CODE_INVALID = "E2003"
    RULES_INVALID = "E2004"
    NOT_ASSIGNED = "E2005"
    TIME_ZONE_INVALID = "E2006"
    PROJECT_STATUS_INVALID = "E2007"
    PROJECT_NOT_CALLING = "E2008"
    OUTCOME_UNKNOWN = "E2101"
    OUTCOME_SYSTEM = "E2102"
    CASE_NOT_CLAIMED = "E2103"
    CASE_NOT_FOUND = "E2104"
    CASE_CLAIMED_BY_OTHER = "E2105"
    CASE_FINAL = "E2106"
    OUTCOME_INVALID = "E2107"
    REASON_REQUIRED = "E2108"
    OUTCOME_IN_USE = "E2109"
    OUTCOME_INACTIVE = "E2110"
    OUTCOME_NEEDED = "E2111"
    OUTCOME_NEEDS_INTERVIEW = "E2112"
    CASE_HELD = "E2113"
    INBOUND_AMBIGUOUS = "E2120"
    INBOUND_UNKNOWN = "E2121"
    INBOUND_FINAL = "E2122"
    INBOUND_UNRELEASED = "E2123"
    INBOUND_DECIDED = "E2124"
    INBOUND_NO_NEW_CASES = "E2125"
    INBOUND_NUMBER_INVALID = "E2126"
    APPOINTMENT_IN_PAST = "E2201"
    APPOINTMENT_OUTSIDE_WINDOW = "E2202"
    APPOINTMENT_WINDOW_INVALID = "E2203"
    APPOINTMENT_TIME_MISSING = "E2204"
    SAMPLE_UNREADABLE = "E2301"
    SAMPLE_COLUMN_MISSING = "E2302"
    SAMPLE_ROW_INVALID = "E2303"
    SAMPLE_DUPLICATE_CASE = "E2304"
    SAMPLE_CASE_EXISTS = "E2305"
    SAMPLE_VARIABLE_LACKING = "E2306"
    SAMPLE_VARIABLE_MISTYPED = "E2307"
    SAMPLE_VARIABLE_WRONG = "E2308"
    QUOTA_INVALID = "E2401"
    QUOTA_CELL_UNREADABLE = "E2402"
    QUOTA_VARIABLE_UNKNOWN = "E2403"
    QUOTA_VALUE_UNKNOWN = "E2404"
    QUESTIONNAIRE_INVALID = "E2601"
    QUESTIONNAIRE_VERSION_CHANGED = "E2602"
    NO_QUESTIONNAIRE = "E2603"
    INTERVIEW_OVER = "E2604"
    QUESTIONNAIRE_UNREADABLE = "E2605"
    STOP_OUTCOME_INVALID = "E2610"
    QUESTIONNAIRE_CHANGES_UNCONFIRMED = "E2620"
    QUESTIONNAIRE_CHANGES_REFUSED = "E2621"
    LANGUAGE_NOT_OFFERED = "E2640"
    DRAFT_INVALID = "E2650"
    DRAFT_TOO_LARGE = "E2651"
    DRAFT_TOO_DEEP = "E2652"
    DRAFT_MISSING = "E2653"
    DRAFT_CONFLICT = "E2654"
    DRAFT_NOT_PUBLISHABLE = "E2655"
    DNC_NUMBER_INVALID = "E2501"
    PRIVACY_CASE_BUSY = "E2701"
    PRIVACY_FIELD_UNKNOWN = "E2702"
    PRIVACY_RETENTION_INVALID = "E2703"
    PRIVACY_CASE_ERASED = "E2704"
    TARGET_INVALID = "E2801"
    TARGET_COLUMN_MISSING = "E2802"
    WEIGHTING_FAILED = "E2803"
    ESTIMATE_FAILED = "E2850"
    DESIGN_INVALID = "E2851"
    MAIL_NOT_CONFIGURED = "E2910"
    MAIL_FAILED = "E2911"
    MAIL_TEST_FAILED = "E2912"
    BRAND_LOGO_INVALID = "E2901"
    BRAND_LOGO_TOO_LARGE = "E2902"
    BRAND_COLOUR_INVALID = "E2903"
    JOB_INPUT_GONE = "E2920"
    JOB_NOT_RETRYABLE = "E2921"
    JOB_NOT_CANCELLABLE = "E2922"
    DRAW_GONE = "E2923"


MESSAGES: dict[ErrorCode, str] = {
    ErrorCode.LOGIN_INVALID: N_("Wrong user name or password."),
    ErrorCode.LOGIN_THROTTLED: N_(
        "Too many failed log-ins. Try again in %(minutes)s minutes or ask an administrator."
    ),
    ErrorCode.USER_EXISTS: N_("A user named %(username)s already exists."),
    ErrorCode.USER_NOT_FOUND: N_("There is no user named %(username)s."),
    ErrorCode.USERNAME_INVALID: N_(
        "User name %(username)r: use 3 to 64 letters, digits, dots, dashes or underscores."
    ),
    ErrorCode.ROLE_INVALID: N_("Role %(role)r is not one of %(roles)s."),
    ErrorCode.PASSWORD_TOO_SHORT: N_("The password must have at least %(minimum)s characters."),
    ErrorCode.PASSWORD_IS_USERNAME: N_("The password must not contain the user name."),
    ErrorCode.PASSWORD_COMMON: N_(
        "This password is on the list of common and breached passwords; choose another."
    ),
    ErrorCode.PASSWORD_WRONG: N_("The current password is wrong."),
    ErrorCode.PASSWORD_TOO_LONG: N_("The password must have at most %(most)s characters."),
    ErrorCode.ORGANISATION_NAME_INVALID: N_(
        "Organisation name %(organisation)r: use 1 to %(most)s printable characters."
    ),
    ErrorCode.ORGANISATION_EXISTS: N_("An organisation named %(organisation)s already exists."),
    ErrorCode.ORGANISATION_NOT_FOUND: N_("There is no organisation named %(organisation)s."),
    ErrorCode.ORGANISATION_CLIENT_ONLY: N_(
        "%(organisation)s is the agency: a client, and a project's client, must be a client "
        "organisation."
    ),
    ErrorCode.ORGANISATION_AGENCY_ONLY: N_(
        "A user with the role %(role)s belongs to the agency, not to the client organisation "
        "%(organisation)s."
    ),
    ErrorCode.ORGANISATION_NEEDED: N_(
        "A client belongs to a client organisation: choose one (an administrator creates it)."
    ),
    ErrorCode.MEMBER_OTHER_ORGANISATION: N_(
        "%(username)s belongs to %(organisation)s, not to the client organisation of project "
        "%(project)s: nobody of another company may be given the project."
    ),
    ErrorCode.PROJECT_NO_CLIENT_ORGANISATION: N_(
        "Project %(project)s has no client organisation: set it in the project's settings "
        "before giving the project to a client such as %(username)s."
    ),
    ErrorCode.TWO_FACTOR_CODE_INVALID: N_(
        "Wrong or already used code: type the 6 digits your app shows now, or a recovery code."
    ),
    ErrorCode.LOCALE_INVALID: N_("Language %(locale)r is not one of %(locales)s."),
    ErrorCode.DATABASE_NOT_UPGRADED: N_(
        "The database at %(url)s is not at the current schema (%(current)s, expected "
        "%(head)s). Run `cati db upgrade` first."
    ),
    ErrorCode.SETTING_INVALID: N_("%(value)r cannot be used: %(reason)s"),
    ErrorCode.PROJECT_EXISTS: N_("A project with code %(project)s already exists."),
    ErrorCode.PROJECT_NOT_FOUND: N_("There is no project with code %(project)s."),
    ErrorCode.PROJECT_CODE_INVALID: N_(
        "Project code %(project)r: use 2 to 40 letters, digits, dashes or underscores."
    ),
    ErrorCode.RULES_INVALID: N_("Calling rules, %(place)s: %(reason)s"),
    ErrorCode.NOT_ASSIGNED: N_("%(username)s is not assigned to project %(project)s."),
    ErrorCode.TIME_ZONE_INVALID: N_(
        "Time zone %(zone)r is not an IANA time zone name such as Europe/Madrid."
    ),
    ErrorCode.PROJECT_STATUS_INVALID: N_("Project status %(status)r: one of %(allowed)s."),
    ErrorCode.PROJECT_NOT_CALLING: N_(
        "Project %(project)s is paused or closed: no case is handed out until it is back in "
        "fieldwork."
    ),
    ErrorCode.OUTCOME_UNKNOWN: N_("Outcome %(outcome)s is not in project %(project)s's catalogue."),
    ErrorCode.OUTCOME_SYSTEM: N_("Outcome %(outcome)s is set by the system, not by hand."),
    ErrorCode.OUTCOME_NEEDS_INTERVIEW: N_(
        "Outcome %(outcome)s comes from the questionnaire: start the interview to record it."
    ),
    ErrorCode.CASE_NOT_CLAIMED: N_(
        "Case %(case)s is not claimed by %(username)s (the claim may have expired)."
    ),
    ErrorCode.CASE_NOT_FOUND: N_("No case matches %(query)s in project %(project)s."),
    ErrorCode.CASE_CLAIMED_BY_OTHER: N_("Case %(case)s is being worked by another interviewer."),
    ErrorCode.CASE_HELD: N_(
        "You are holding case %(case)s: record its outcome before taking another call."
    ),
    ErrorCode.CASE_FINAL: N_("Case %(case)s is already finalized as %(outcome)s."),
    ErrorCode.INBOUND_AMBIGUOUS: N_(
        "%(count)s cases of project %(project)s match %(query)s: give more digits or the case id."
    ),
    ErrorCode.INBOUND_UNKNOWN: N_(
        "No case of project %(project)s has number %(query)s: the call is recorded for a "
        "supervisor, with your note."
    ),
    ErrorCode.INBOUND_FINAL: N_(
        "Case %(case)s is closed (%(outcome)s): the call is passed to a supervisor, who may "
        "reopen it."
    ),
    ErrorCode.INBOUND_UNRELEASED: N_(
        "Case %(case)s is not released yet: the call is passed to a supervisor, who may let it in."
    ),
    ErrorCode.INBOUND_DECIDED: N_("Inbound call %(call)s is already decided."),
    ErrorCode.INBOUND_NO_NEW_CASES: N_(
        "Project %(project)s does not take unknown callers as new cases (a project setting)."
    ),
    ErrorCode.INBOUND_NUMBER_INVALID: N_(
        "%(number)s is not a valid phone number: it cannot become a case."
    ),
    ErrorCode.OUTCOME_INVALID: N_("Outcome %(outcome)s, %(field)s: %(reason)s"),
    ErrorCode.REASON_REQUIRED: N_("Give a reason: it goes into the audit trail."),
    ErrorCode.OUTCOME_IN_USE: N_(
        "Outcome %(outcome)s was recorded on %(calls)s calls: deactivate it instead of deleting it."
    ),
    ErrorCode.OUTCOME_INACTIVE: N_("Outcome %(outcome)s is no longer used on project %(project)s."),
    ErrorCode.OUTCOME_NEEDED: N_(
        "Outcome %(outcome)s is needed by the system: it cannot be deactivated or deleted."
    ),
    ErrorCode.APPOINTMENT_IN_PAST: N_("The appointment time %(at)s has already passed."),
    ErrorCode.APPOINTMENT_OUTSIDE_WINDOW: N_(
        "%(at)s (respondent's time) is outside the calling windows; the next opening is %(next)s."
    ),
    ErrorCode.APPOINTMENT_WINDOW_INVALID: N_(
        "A soft appointment's window must end after it starts."
    ),
    ErrorCode.APPOINTMENT_TIME_MISSING: N_("Give the call-back's date and time."),
    # The sample and targets problems name their file, row and column by their place. A bad
    # cell (SAMPLE_ROW_INVALID) and a bad target (TARGET_INVALID) have no message here: each
    # brings the template that says what is wrong with it (sample_import, weighting_targets);
    # so does a bad design or weighting setting (DESIGN_INVALID, cati.project_design).
    ErrorCode.SAMPLE_UNREADABLE: N_("cannot be read as a sample: %(reason)s"),
    ErrorCode.SAMPLE_COLUMN_MISSING: N_("required column %(column)s is missing."),
    ErrorCode.SAMPLE_DUPLICATE_CASE: N_("case id %(case)s appears again (first in row %(first)s)."),
    ErrorCode.SAMPLE_CASE_EXISTS: N_("case id %(case)s is already in project %(project)s."),
    ErrorCode.SAMPLE_VARIABLE_LACKING: N_(
        "Cases without sample variable %(name)s, which the questionnaire declares: %(count)s "
        "(for example case %(case)s); nothing was pinned."
    ),
    ErrorCode.SAMPLE_VARIABLE_MISTYPED: N_(
        "Cases whose sample variable %(name)s is not a %(type)s, as the questionnaire "
        "declares: %(count)s (for example case %(case)s: %(value)r); nothing was pinned."
    ),
    ErrorCode.SAMPLE_VARIABLE_WRONG: N_(
        "Case %(case)s cannot be interviewed: its sample variable %(name)s should be "
        "%(type)s, not %(value)r. A supervisor can correct the case."
    ),
    ErrorCode.QUOTA_INVALID: N_("Quota %(name)s: %(reason)s"),
    ErrorCode.QUOTA_CELL_UNREADABLE: N_(
        "Quota %(name)s, line %(line)s: %(text)r is not 'variable = value, value' "
        "(each variable once)."
    ),
    ErrorCode.QUOTA_VARIABLE_UNKNOWN: N_(
        "Quota %(name)s: %(variable)s is neither a sample variable nor a question of the "
        "questionnaire. Known: %(known)s."
    ),
    ErrorCode.QUOTA_VALUE_UNKNOWN: N_(
        "Quota %(name)s, %(variable)s: %(value)s is not one of its values. Known: %(known)s."
    ),
    ErrorCode.QUESTIONNAIRE_INVALID: N_(
        "%(file)s is not a valid questionnaire; nothing was stored. Problems: %(count)s."
    ),
    ErrorCode.QUESTIONNAIRE_UNREADABLE: N_("%(file)s cannot be read: %(reason)s"),
    ErrorCode.QUESTIONNAIRE_VERSION_CHANGED: N_(
        "Questionnaire %(id)s version %(version)s is already stored with other content. "
        "A changed questionnaire needs a new version number."
    ),
    ErrorCode.NO_QUESTIONNAIRE: N_("Project %(project)s has no questionnaire pinned yet."),
    ErrorCode.QUESTIONNAIRE_CHANGES_UNCONFIRMED: N_(
        "Project %(project)s is in the field: pinning %(id)s version %(version)s changes its "
        "questionnaire (%(count)s changes below). Confirm to pin it."
    ),
    ErrorCode.QUESTIONNAIRE_CHANGES_REFUSED: N_(
        "%(id)s version %(version)s cannot be pinned to %(project)s: %(count)s changes would "
        "make answers already collected unreadable; nothing was changed."
    ),
    ErrorCode.INTERVIEW_OVER: N_("This interview is already over."),
    ErrorCode.DRAFT_INVALID: N_(
        "The draft sent is not a questionnaire document (a mapping of keys); nothing was saved."
    ),
    ErrorCode.DRAFT_TOO_LARGE: N_(
        "The draft is larger than %(limit)s bytes, the limit of a questionnaire; nothing was saved."
    ),
    ErrorCode.DRAFT_TOO_DEEP: N_(
        "The draft is nested deeper than %(limit)s levels; nothing was saved."
    ),
    ErrorCode.DRAFT_MISSING: N_("Project %(project)s has no draft questionnaire yet."),
    ErrorCode.DRAFT_CONFLICT: N_(
        "%(user)s saved the draft (revision %(revision)s) while you were editing; nothing of "
        "yours was saved. Choose which version to keep."
    ),
    ErrorCode.DRAFT_NOT_PUBLISHABLE: N_(
        "The draft has %(count)s errors; fix them before publishing it (or testing it)."
    ),
    ErrorCode.STOP_OUTCOME_INVALID: N_(
        "An interview is stopped as a break-off, an appointment or a partial, not as %(outcome)s."
    ),
    ErrorCode.LANGUAGE_NOT_OFFERED: N_(
        "The questionnaire is not offered in %(language)s; its languages are %(languages)s."
    ),
    ErrorCode.DNC_NUMBER_INVALID: N_("Do-not-call number %(position)s: %(reason)s"),
    ErrorCode.PRIVACY_CASE_BUSY: N_(
        "Case %(case)s is in a call or an interview right now: erase its personal data once "
        "the call has ended (or after releasing the claim)."
    ),
    ErrorCode.PRIVACY_FIELD_UNKNOWN: N_(
        "%(field)s is not a sample variable of project %(project)s (it has: %(known)s)."
    ),
    ErrorCode.PRIVACY_CASE_ERASED: N_(
        "Case %(case)s has had its personal data erased: it has no phone number and cannot "
        "be called again."
    ),
    ErrorCode.PRIVACY_RETENTION_INVALID: N_(
        "Retention %(value)r: give a whole number of days from 0 to %(maximum)s, or none."
    ),
    ErrorCode.TARGET_COLUMN_MISSING: N_("required column %(column)s is missing."),
    ErrorCode.WEIGHTING_FAILED: N_("The data cannot be weighted to the targets: %(reason)s"),
    ErrorCode.ESTIMATE_FAILED: N_("The estimates cannot be computed: %(reason)s"),
    ErrorCode.MAIL_NOT_CONFIGURED: N_(
        "No mail server is set: the administrator sets CATI_SMTP_HOST (see the README)."
    ),
    ErrorCode.MAIL_FAILED: N_(
        "The mail server %(server)s failed (%(reason)s): %(sent)s of %(total)s messages "
        "went out; sending again reaches every unfinished case."
    ),
    ErrorCode.MAIL_TEST_FAILED: N_(
        "The mail server %(server)s did not take the test message (%(reason)s): check "
        "CATI_SMTP_HOST, CATI_SMTP_PORT, CATI_SMTP_USER, CATI_SMTP_PASSWORD and "
        "CATI_SMTP_STARTTLS."
    ),
    # A refused logo or colour (BRAND_LOGO_INVALID, BRAND_COLOUR_INVALID) brings the
    # template that says what is wrong with it (cati.branding).
    ErrorCode.BRAND_LOGO_TOO_LARGE: N_(
        "the logo has %(size)s KB; at most %(maximum)s KB fit in a report."
    ),
    ErrorCode.JOB_INPUT_GONE: N_(
        "The file %(file)s is no longer kept (uploads wait %(hours)s hours for a retry): "
        "upload it again."
    ),
    ErrorCode.JOB_NOT_RETRYABLE: N_("Only a failed or cancelled job can be tried again."),
    ErrorCode.JOB_NOT_CANCELLABLE: N_("The job had already ended; nothing was cancelled."),
    ErrorCode.DRAW_GONE: N_(
        "The sample drawn from %(frame)s is no longer waiting: it was accepted or discarded, "
        "or drawn more than 24 hours ago. Draw it again."
    ),
}


# Why a calling rule is refused, by the type of the pydantic error (the first word of it for
# the parsing errors: int_parsing, date_from_datetime_parsing…); ours come from
# cati.fieldwork.rules. Shown beside the field, so without the "Value error," pydantic adds.
RULE_REASONS: dict[str, str] = {
    "clock_unquoted": N_('write clock times in quotes, e.g. "21:00"'),
    "span_order": N_("ends (%(end)s) before it starts (%(start)s)"),
    "weekday_unknown": N_("unknown weekday %(day)r; use %(days)s"),
    "days_missing": N_("give at least one weekday"),
    "slot_twice": N_("slot %(name)r is named twice"),
    "zone_missing": N_("give a time zone, e.g. 2026-12-01T00:00:00+01:00"),
    "field_period_order": N_("the field period ends before it starts"),
    "greater_than_equal": N_("must be at least %(ge)s"),
    "greater_than": N_("must be more than %(gt)s"),
    "less_than_equal": N_("must be at most %(le)s"),
    "less_than": N_("must be less than %(lt)s"),
    "missing": N_("is required"),
    "int": N_("must be a whole number"),
    "float": N_("must be a number"),
    "datetime": N_("must be a date and time such as 2026-12-01T09:00:00+01:00"),
    "date": N_("must be a date such as 2026-12-08"),
    "time": N_("must be a clock time such as 21:00"),
    "delay": N_("must be a whole number of minutes from 0 to %(most)s"),
    "outcome": N_("no active outcome %(outcome)s to call again after"),
    "other": N_("%(reason)s"),
}


def problem(code: ErrorCode, place: Place = NOWHERE, /, **params: Any) -> Problem:
    """The problem of `code` with its message from :data:`MESSAGES`."""
    return Problem(code, MESSAGES[code], params, place)


class CatiError(ProblemError):
    """An error the user can fix; ``str()`` gives the English message with its code."""

    def __init__(self, code: ErrorCode, place: Place = NOWHERE, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(problem(code, place, **params))

    def __str__(self) -> str:
        return f"{self.code.value}: {self.problem.translated()}"

    def translated(self, gettext: Any) -> str:
        """Place and message in the caller's language, given its gettext function."""
        return self.problem.translated(gettext)


class CatiErrors(CatiError):
    """Several problems found at once (the rows of a file); the first gives the code."""

    def __init__(self, problems: list[Problem]) -> None:
        self.code = ErrorCode(problems[0].code)
        self.params = dict(problems[0].params)
        # Not CatiError's own __init__: each problem already has its template.
        ProblemError.__init__(self, problems)

    def __str__(self) -> str:
        more = len(self.problems) - 1
        return super().__str__() + (f" (and {more} more problems)" if more else "")
