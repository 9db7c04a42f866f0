"""The default outcome catalogue as data, mapped to AAPOR Standard Definitions (telephone
surveys), and the codes the engine relies on; ``catalogue`` gives each project a copy it
may edit.

``precedence`` decides which earlier outcome becomes a case's disposition when the engine
finalizes it (attempts exhausted, no callable phone, field period over): the lowest number
seen in the case's history wins, so a refusal is never overwritten by "maximum attempts
reached" and a message left on an answering machine is kept, while busy and no-answer
(precedence above the system codes) give way to them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class OutcomeSpec:
    code: str
    label_en: str
    label_es: str
    aapor: str
    final: bool = False
    delay_minutes: int = 0
    next_phone: bool = False
    dead_phone: bool = False
    contact: bool = False
    eligible: str = "unknown"
    precedence: int = 100
    system: bool = False
    opt_out: bool = False

    def as_row(self) -> dict:
        return asdict(self)


# Codes the engine itself relies on.
COMPLETE = "COMPLETE"
PARTIAL = "PARTIAL"
APPOINTMENT = "APPOINTMENT"
QUOTA_FULL = "QUOTA_FULL"
MAX_ATTEMPTS = "MAX_ATTEMPTS"
NO_PHONE_LEFT = "NO_PHONE_LEFT"
FIELD_CLOSED = "FIELD_CLOSED"
WEB_COMPLETE = "WEB_COMPLETE"
OPT_OUT = "OPT_OUT"
NOT_ELIGIBLE = "NOT_ELIGIBLE"

# Outcomes only the questionnaire engine records (an interview took place and reached
# them): never offered on the case screen; a supervisor's correction to one of them on a
# case without an interview is flagged on the quality page.
INTERVIEW_ONLY = frozenset({COMPLETE, PARTIAL, QUOTA_FULL, NOT_ELIGIBLE, WEB_COMPLETE})

# In the order interviewers see them: the everyday call results first, on keys 1-9.
DEFAULT_OUTCOMES: tuple[OutcomeSpec, ...] = (
    OutcomeSpec(
        "NO_ANSWER", "No answer", "No contesta", "3.13", delay_minutes=2 * 60, precedence=96
    ),
    OutcomeSpec("BUSY", "Busy", "Comunica", "3.12", delay_minutes=15, precedence=95),
    OutcomeSpec(
        "AM_NO_MESSAGE",
        "Answering machine, no message",
        "Contestador, sin mensaje",
        "2.221",
        delay_minutes=4 * 60,
        precedence=21,
    ),
    OutcomeSpec(
        "AM_MESSAGE",
        "Answering machine, message left",
        "Contestador, mensaje dejado",
        "2.222",
        delay_minutes=24 * 60,
        precedence=20,
    ),
    OutcomeSpec(
        APPOINTMENT, "Appointment", "Cita", "2.21", contact=True, eligible="yes", precedence=8
    ),
    OutcomeSpec(
        "REFUSAL_SOFT",
        "Soft refusal",
        "Rechazo suave",
        "2.111",
        delay_minutes=3 * 24 * 60,
        contact=True,
        eligible="yes",
        precedence=4,
    ),
    OutcomeSpec(
        "REFUSAL_HARD",
        "Hard refusal",
        "Rechazo firme",
        "2.112",
        final=True,
        contact=True,
        eligible="yes",
        precedence=3,
    ),
    OutcomeSpec(
        "WRONG_NUMBER",
        "Wrong number (respondent not known there)",
        "Número equivocado",
        "3.90",
        next_phone=True,
        dead_phone=True,
        precedence=40,
    ),
    OutcomeSpec(
        "NON_WORKING",
        "Non-working number",
        "Número inexistente",
        "4.30",
        next_phone=True,
        dead_phone=True,
        eligible="no",
        precedence=42,
    ),
    OutcomeSpec(
        "FAX",
        "Fax or modem",
        "Fax o módem",
        "4.20",
        next_phone=True,
        dead_phone=True,
        eligible="no",
        precedence=41,
    ),
    OutcomeSpec(
        "BUSINESS",
        "Business, not a household",
        "Empresa, no es un hogar",
        "4.51",
        final=True,
        contact=True,
        eligible="no",
        precedence=9,
    ),
    OutcomeSpec(
        NOT_ELIGIBLE,
        "Not eligible (screened out)",
        "No elegible (filtro)",
        "4.70",
        final=True,
        contact=True,
        eligible="no",
        precedence=9,
    ),
    OutcomeSpec(
        "LANGUAGE",
        "Language barrier",
        "Barrera idiomática",
        "2.33",
        final=True,
        contact=True,
        eligible="yes",
        precedence=6,
    ),
    OutcomeSpec(
        "UNAVAILABLE",
        "Unavailable during field period",
        "No disponible durante el campo",
        "2.21",
        final=True,
        contact=True,
        eligible="yes",
        precedence=7,
    ),
    OutcomeSpec(
        "BREAKOFF",
        "Break-off",
        "Abandono de la entrevista",
        "2.12",
        final=True,
        contact=True,
        eligible="yes",
        precedence=5,
    ),
    OutcomeSpec(
        PARTIAL, "Partial", "Parcial", "1.2", final=True, contact=True, eligible="yes", precedence=2
    ),
    OutcomeSpec(
        COMPLETE,
        "Complete",
        "Completa",
        "1.1",
        final=True,
        contact=True,
        eligible="yes",
        precedence=1,
    ),
    OutcomeSpec(
        QUOTA_FULL,
        "Quota full",
        "Cuota completa",
        "4.80",
        final=True,
        contact=True,
        eligible="no",
        precedence=9,
    ),
    # A refusal that also objects to any further call (GDPR art. 21): AAPOR 2.11, refusal,
    # whoever in the household said it; the case's numbers go on the do-not-call list.
    OutcomeSpec(
        OPT_OUT,
        "Refusal: never call again (opt-out)",
        "Rechazo: no volver a llamar nunca",
        "2.11",
        final=True,
        contact=True,
        eligible="yes",
        precedence=3,
        opt_out=True,
    ),
    OutcomeSpec(
        WEB_COMPLETE,
        "Web complete",
        "Completa por web",
        "1.1",
        final=True,
        contact=True,
        eligible="yes",
        precedence=1,
        system=True,
    ),
    OutcomeSpec(
        MAX_ATTEMPTS,
        "Maximum attempts reached",
        "Máximo de intentos alcanzado",
        "3.13",
        final=True,
        precedence=90,
        system=True,
    ),
    OutcomeSpec(
        NO_PHONE_LEFT,
        "No callable phone left",
        "Sin teléfono utilizable",
        "4.30",
        final=True,
        eligible="no",
        precedence=91,
        system=True,
    ),
    OutcomeSpec(
        FIELD_CLOSED,
        "Field period over",
        "Fin del trabajo de campo",
        "3.13",
        final=True,
        precedence=92,
        system=True,
    ),
)

DEFAULTS_BY_CODE = {o.code: o for o in DEFAULT_OUTCOMES}
