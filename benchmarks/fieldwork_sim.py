"""Field simulator: interviewers work synthetic respondents under a virtual clock.

    .venv/bin/python -m benchmarks.fieldwork_sim [--url URL] [--cases 2000] [--interviewers 20]

Every call goes through the real engine (``dispatch.next_case`` and
``disposition.record_outcome`` with ``now=`` the virtual time); nothing sleeps. Respondents
answer more in the evening and on Saturday, some never answer, some numbers do not work,
some lines have an answering machine, and cooperation varies (completes, soft and hard
refusals, hard and soft call-back appointments, some personal to the interviewer). A few
numbers are on the do-not-call list. Some respondents call back after a message was left, or
once their case was closed; a few ask for a call-back after the calling windows, booked with
their reason. A call for a closed case waits for the (simulated) supervisor, who reopens it.
Calls are events on a heap: an interviewer who finds
no case due jumps to the next ``next_call_at`` (or the next call that ends) instead of
polling. Afterwards the call log is audited against the rules (see ``count_violations``)
and the AAPOR rates are computed from the cases' dispositions (see ``aapor_rates``).

Prints one JSON line with the result. Without ``--url`` it runs on a throw-away SQLite
file; give ``--url postgresql+psycopg://postgres@127.0.0.1:5432/cati_sim`` for an existing,
empty PostgreSQL database (it is migrated first).
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import secrets
import tempfile
import time as clock
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from benchmarks.fictional import numbers
from cati import migrate, organisations
from cati.db import make_engine
from cati.errors import CatiError, ErrorCode
from cati.fieldwork import catalogue, dispatch, donotcall, inbound, projects
from cati.fieldwork import default_outcomes as oc
from cati.fieldwork.cases import import_cases, release_replicate
from cati.fieldwork.disposition import AppointmentRequest, record_outcome
from cati.fieldwork.rules import CallingRules, in_window, next_opening
from cati.fieldwork.sample_import import CaseRecord
from cati.models import Appointment, CallAttempt, Case, CaseState, DoNotCall, Project, User

# Monday 23 March 2026, 08:00 in Madrid. Two weeks from here cross the European change to
# summer time (Sunday 29 March: New York is 5 h behind Madrid before it, 6 h after) and
# Good Friday (3 April), a holiday in the rules.
DEFAULT_START = datetime(2026, 3, 23, 8, 0, tzinfo=ZoneInfo("Europe/Madrid"))
HOLIDAYS = [date(2026, 4, 3)]
ZONES = (("Europe/Madrid", 0.5), ("Atlantic/Canary", 0.2), ("America/New_York", 0.3))
WRAP_UP = timedelta(minutes=1)  # between an interviewer's calls
CALLED_IN = "respondent called in"  # the interviewer's note on a call the respondent made


@dataclass
class Respondent:
    """What the simulator knows about a sampled person and their phones (the engine does not)."""

    zone: str
    lines: dict[str, str]  # number -> "household", "non_working", "fax" or "business"
    reach: float  # chance of picking up at the best hour; 0 never answers
    machine: bool
    eligible: bool
    cooperation: float  # chance that a contact ends in a complete
    hard_refuser: bool
    wants_callback: bool
    preferred_hour: int
    refused: bool = False
    appointments: int = 0
    calls_back: bool = False  # phones in after a message or once the case is closed
    night_owl: bool = False  # asks for a call-back after the calling windows


def make_respondent(rng: random.Random, phones: list[str]) -> Respondent:
    zone = rng.choices([z for z, _ in ZONES], [w for _, w in ZONES])[0]
    lines = {
        n: rng.choices(["household", "non_working", "fax", "business"], [91, 6, 1, 2])[0]
        for n in phones
    }
    return Respondent(
        zone=zone,
        lines=lines,
        reach=0.0 if rng.random() < 0.1 else rng.uniform(0.25, 0.85),
        machine=rng.random() < 0.25,
        eligible=rng.random() < 0.93,
        cooperation=rng.uniform(0.2, 0.8),
        hard_refuser=rng.random() < 0.08,
        wants_callback=rng.random() < 0.25,
        preferred_hour=rng.choice([11, 17, 19, 20]),
        calls_back=rng.random() < 0.15,
        night_owl=rng.random() < 0.1,
    )


def answer_probability(person: Respondent, local: datetime, appointment_due: bool) -> float:
    """More in the evening and on Saturday; a call at the agreed time is mostly answered."""
    if person.reach == 0:
        return 0.0
    if appointment_due:
        return 0.85
    hour_factor = 1.0 if local.hour >= 18 else 0.6 if 12 <= local.hour < 14 else 0.45
    day_factor = 1.3 if local.weekday() == 5 else 1.0
    return min(0.95, person.reach * hour_factor * day_factor)


@dataclass(frozen=True)
class Call:
    outcome: str
    minutes: float
    appointment: AppointmentRequest | None = None


def simulate_call(
    rng: random.Random,
    person: Respondent,
    number: str,
    at: datetime,
    appointment_due: bool,
    rules: CallingRules,
    calling_in: bool = False,
) -> Call:
    """What happens on a call; ``calling_in``: the respondent dialled us (they are there)."""
    line = person.lines[number]
    if line == "non_working":
        return Call("NON_WORKING", 0.3)
    if line == "fax":
        return Call("FAX", 0.3)
    if line == "business":
        return Call("BUSINESS", 1)
    local = at.astimezone(ZoneInfo(person.zone))
    if not calling_in and rng.random() >= answer_probability(person, local, appointment_due):
        if person.machine:
            return Call(rng.choice(["AM_MESSAGE", "AM_NO_MESSAGE"]), 0.8)
        return Call("BUSY" if rng.random() < 0.1 else "NO_ANSWER", 0.5)
    if not person.eligible:
        return Call("NOT_ELIGIBLE", 2)
    if person.hard_refuser:
        return Call("REFUSAL_HARD", 1)
    if person.wants_callback and person.appointments == 0:
        request = appointment_request(rng, person, local, rules)
        if request is None:  # no opening left in the field period
            return Call("UNAVAILABLE", 1)
        person.appointments += 1
        return Call(oc.APPOINTMENT, 1.5, request)
    draw = rng.random()
    cooperation = person.cooperation + (0.2 if appointment_due else 0)
    if draw < cooperation:
        return Call(oc.COMPLETE, rng.uniform(10, 18))  # under the 20-minute claim
    if draw < cooperation + 0.04:
        return Call("BREAKOFF", rng.uniform(3, 8))
    if person.refused or draw > 0.92:
        return Call("REFUSAL_HARD", 1)
    person.refused = True
    return Call("REFUSAL_SOFT", 1.5)


def appointment_request(
    rng: random.Random, person: Respondent, local: datetime, rules: CallingRules
) -> AppointmentRequest | None:
    """Tomorrow at the respondent's preferred hour, moved to the next opening of the window;
    a night owl's 22:00 is booked as asked, with their reason (unless the field is over).

    Soft appointments get a one-hour range that stays inside the window; when it would not,
    the appointment is booked hard.
    """
    wish = datetime.combine(local.date() + timedelta(days=1), time(person.preferred_hour))
    if person.night_owl:
        late = datetime.combine(wish.date(), time(22), tzinfo=ZoneInfo(person.zone))
        if rules.field_end is None or late < rules.field_end:
            return AppointmentRequest("hard", late, requested_reason="works until 21:30")
    starts_at = next_opening(rules, person.zone, wish.replace(tzinfo=ZoneInfo(person.zone)))
    if starts_at is None:
        return None
    personal = rng.random() < 0.3
    ends_at = starts_at + timedelta(hours=1)
    soft_fits = in_window(rules, person.zone, ends_at - timedelta(minutes=1))
    if rng.random() < 0.5 and soft_fits:
        return AppointmentRequest("soft", starts_at, ends_at, personal=personal)
    return AppointmentRequest("hard", starts_at, personal=personal)


# --- AAPOR Standard Definitions --------------------------------------------------------


def aapor_group(code: str) -> str:
    """The group of an AAPOR final disposition code used by the rate formulas.

    I complete (1.1), P partial (1.2), R refusal and break-off (2.1), NC non-contact (2.2),
    O other eligible non-interview (2.3), UH unknown if household (3.1), UO unknown, other
    (3.2-3.9), NE not eligible (4.x).
    """
    for prefix, group in (
        ("1.1", "I"),
        ("1.2", "P"),
        ("2.1", "R"),
        ("2.2", "NC"),
        ("2.3", "O"),
        ("3.1", "UH"),
        ("3", "UO"),
        ("4", "NE"),
    ):
        if code.startswith(prefix):
            return group
    raise ValueError(f"not an AAPOR final disposition code: {code!r}")


def aapor_rates(n: dict[str, int]) -> dict[str, float | None]:
    """RR1, RR3, COOP1, REF1 and CON1 from group counts (AAPOR Standard Definitions, 2023).

    e, the share of unknown-eligibility cases taken as eligible in RR3, is estimated as the
    share eligible among cases whose eligibility is known (the proportional allocation
    method): (I+P+R+NC+O) / (I+P+R+NC+O+NE).
    """
    i, p, r, nc, o, uh, uo, ne = (n.get(k, 0) for k in ("I", "P", "R", "NC", "O", "UH", "UO", "NE"))
    known_eligible = i + p + r + nc + o
    e = known_eligible / (known_eligible + ne) if known_eligible + ne else 1.0

    def ratio(top: float, bottom: float) -> float | None:
        return round(top / bottom, 4) if bottom else None

    return {
        "e": round(e, 4),
        "RR1": ratio(i, (i + p) + (r + nc + o) + (uh + uo)),
        "RR3": ratio(i, (i + p) + (r + nc + o) + e * (uh + uo)),
        "COOP1": ratio(i, (i + p) + r + o),
        "REF1": ratio(r, (i + p) + (r + nc + o) + (uh + uo)),
        "CON1": ratio((i + p) + r + o, (i + p) + r + o + nc + (uh + uo)),
    }


# --- auditing the call log -------------------------------------------------------------


def count_violations(session: Session, project: Project) -> dict[str, int]:
    """Check every call attempt of the project against the rules, from the database alone.

    window: started outside the respondent's calling window (or field period), but for a
    call-back the respondent asked for outside the windows, made within its grace period;
    dnc: dialled a number on the do-not-call list; max_attempts_case / max_attempts_phone:
    more attempts than allowed (calls that booked a call-back, and calls before a
    supervisor reopened the case, do not count); frequency_cap: a number called more than
    k times in d days (but for the call that keeps a booked call-back, which the respondent
    asked for);
    early_recall: called again before the previous outcome's minimum delay (appointments
    excepted); double_dispatch: two attempts on one case overlapping in time. A respondent
    who called in (the attempt's note says ``CALLED_IN``) was not dialled: only the overlap
    rule applies to that call.
    """
    rules = projects.rules_of(project)
    delays = {o.code: o.delay_minutes for o in catalogue.by_code(session, project).values()}
    dnc = set(session.scalars(select(DoNotCall.number)))
    grace = timedelta(minutes=rules.appointment_grace_minutes)
    requested: dict[int, list[datetime]] = defaultdict(list)
    for case_id, starts_at in session.execute(
        select(Appointment.case_id, Appointment.starts_at)
        .join(Case, Case.id == Appointment.case_id)
        .where(Case.project_id == project.id, Appointment.requested_reason != "")
    ):
        requested[case_id].append(starts_at)
    rows = session.execute(
        select(CallAttempt, Case.time_zone, Case.reopened_at)
        .join(Case, Case.id == CallAttempt.case_id)
        .where(Case.project_id == project.id)
        .order_by(CallAttempt.case_id, CallAttempt.started_at)
    ).all()
    found: Counter[str] = Counter()
    by_case: dict[int, list[CallAttempt]] = defaultdict(list)
    by_phone: Counter[int | None] = Counter()
    by_number: dict[str, list[tuple[datetime, bool]]] = defaultdict(list)
    counted: Counter[int] = Counter()
    for attempt, zone, reopened_at in rows:
        by_case[attempt.case_id].append(attempt)
        if attempt.notes == CALLED_IN:
            continue
        asked = any(at <= attempt.started_at <= at + grace for at in requested[attempt.case_id])
        found["window"] += not asked and not in_window(rules, zone, attempt.started_at)
        found["dnc"] += attempt.number in dnc
        earlier = by_case[attempt.case_id][:-1]
        keeps = bool(earlier) and earlier[-1].outcome == oc.APPOINTMENT
        by_number[attempt.number].append((attempt.started_at, keeps))
        if attempt.outcome != oc.APPOINTMENT and (
            reopened_at is None or attempt.started_at >= reopened_at
        ):
            counted[attempt.case_id] += 1
            by_phone[attempt.phone_id] += 1
    found["max_attempts_case"] = sum(n > rules.max_attempts_case for n in counted.values())
    for attempts in by_case.values():
        for before, after in pairwise(attempts):
            found["double_dispatch"] += after.started_at < before.ended_at
            if before.outcome != oc.APPOINTMENT and after.notes != CALLED_IN:
                earliest = before.ended_at + timedelta(minutes=delays[before.outcome])
                found["early_recall"] += after.started_at < earliest
    found["max_attempts_phone"] = sum(n > rules.max_attempts_phone for n in by_phone.values())
    span = timedelta(days=rules.frequency_cap_days)
    for starts in by_number.values():
        starts.sort()
        for k, (start, keeps) in enumerate(starts):
            recent = [s for s, _ in starts[: k + 1] if s > start - span]
            found["frequency_cap"] += not keeps and len(recent) > rules.frequency_cap_calls
    names = ("window", "dnc", "max_attempts_case", "max_attempts_phone", "frequency_cap")
    return {name: found[name] for name in (*names, "early_recall", "double_dispatch")}


# --- the simulation --------------------------------------------------------------------


@dataclass
class SimResult:
    backend: str
    cases: int
    interviewers: int
    days: int
    seed: int
    calls: int
    completes: int
    calls_per_complete: float | None
    contact_rate: float | None
    appointments: int
    appointment_statuses: dict[str, int]
    requested_outside_windows: int
    calls_in: int
    reopened: int
    dispositions: dict[str, int]
    rates: dict[str, float | None]
    days_to_finish: float | None
    final_share: float
    unfinished_due: int
    violations: dict[str, int]
    seconds: float
    by_outcome: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps({"benchmark": "fieldwork_sim", **asdict(self)})


def setup(
    session: Session,
    rng: random.Random,
    n_cases: int,
    n_interviewers: int,
    start: datetime,
    until: datetime,
) -> tuple[Project, list[User], dict[int, Respondent]]:
    """A project with its sample released at ``start``, its staff and a few DNC numbers."""
    rules = {
        "field_start": start.isoformat(),
        "field_end": until.isoformat(),
        "holidays": [d.isoformat() for d in HOLIDAYS],
    }
    tag = secrets.token_hex(3)
    agency = organisations.agency(session)  # staff belong to the agency to be given a project
    project = projects.create_project(session, f"SIM-{tag}", "Field simulation", rules=rules)
    staff = [
        User(username=f"sim-{tag}-{k}", role="interviewer", password_hash="!", organisation=agency)
        for k in range(n_interviewers)
    ]
    supervisor = User(
        username=f"sim-{tag}-supervisor", role="supervisor", password_hash="!", organisation=agency
    )
    session.add_all([*staff, supervisor])
    session.commit()
    for user in (*staff, supervisor):
        projects.assign(session, project, user)

    fresh = numbers()
    people: dict[str, Respondent] = {}
    records = []
    for k in range(n_cases):
        phones = [next(fresh) for _ in range(1 if rng.random() < 0.7 else 2)]
        person = make_respondent(rng, phones)
        external_id = f"S{k:06d}"
        people[external_id] = person
        records.append(
            CaseRecord(
                external_id=external_id,
                phones=[(n, "fixed_or_mobile") for n in phones],
                time_zone=person.zone,
            )
        )
    import_cases(session, project, records, "synthetic.csv", actor="sim")
    every_number = [n for person in people.values() for n in person.lines]
    donotcall.add_numbers(session, rng.sample(every_number, max(1, n_cases // 50)), "sim opt-out")
    release_replicate(session, project, 1, now=start, actor="sim")
    ids = dict(
        session.execute(
            select(Case.external_id, Case.id).where(Case.project_id == project.id)
        ).all()
    )
    return project, [*staff, supervisor], {ids[e]: person for e, person in people.items()}


def _next_wake(session: Session, project: Project, now: datetime) -> datetime | None:
    """The next instant a case may become claimable: a scheduled call or a reservation end."""
    due, reserved = session.execute(
        select(
            func.min(Case.next_call_at).filter(Case.next_call_at > now),
            func.min(Case.reserved_until).filter(Case.reserved_until > now),
        ).where(Case.project_id == project.id, Case.state == CaseState.ACTIVE)
    ).one()
    times = [t for t in (due, reserved) if t is not None]
    return min(times) if times else None


@dataclass(frozen=True)
class OnThePhone:
    claim: dispatch.Claim
    started_at: datetime
    call: Call
    called_in: bool = False


# A respondent told "we called" phones back within this many hours.
CALL_BACK_HOURS = (1, 30)


def _maybe_call_back(
    rng: random.Random,
    people: dict[int, Respondent],
    case: Case,
    table: dict,
    now: datetime,
    callers: list[tuple[datetime, int, str]],
) -> None:
    """A respondent who calls back does so once, after a message was left or after their
    case was closed without an interview (the attempt limit, no one reached), from a
    household line."""
    person = people[case.id]
    homes = [number for number, line in person.lines.items() if line == "household"]
    if not person.calls_back or not homes:
        return
    closed_unreached = case.state == CaseState.FINAL and not table[case.final_outcome].contact
    if case.last_outcome == "AM_MESSAGE" or closed_unreached:
        person.calls_back = False
        at = now + timedelta(hours=rng.uniform(*CALL_BACK_HOURS))
        heapq.heappush(callers, (at, case.id, homes[0]))


def _take_call_in(
    session: Session,
    project: Project,
    interviewer: User,
    supervisor: User,
    callers: list[tuple[datetime, int, str]],
    now: datetime,
    tally: Counter[str],
) -> dispatch.Claim | None:
    """A free interviewer answers the first respondent calling in, found by their number
    typed without the + (inbound.claim_inbound). A closed case goes to the supervisor, who
    reopens it (the case is called back); a case a colleague is on is tried again later."""
    _at, case_id, number = heapq.heappop(callers)
    typed = number.removeprefix("+")
    tally["calls_in"] += 1
    try:
        return inbound.claim_inbound(session, project, interviewer, typed, now=now)
    except CatiError as exc:
        if exc.code is ErrorCode.INBOUND_FINAL:
            (call,) = [c for c in inbound.open_calls(session, project) if c.case_id == case_id]
            inbound.reopen_case(session, call, by=supervisor, reason="called in", now=now)
            tally["reopened"] += 1
        elif exc.code in (ErrorCode.CASE_CLAIMED_BY_OTHER, ErrorCode.CASE_HELD):
            heapq.heappush(callers, (now + timedelta(hours=1), case_id, number))
        else:
            raise
    return None


def simulate(
    session: Session,
    *,
    cases: int = 200,
    interviewers: int = 5,
    days: int = 13,
    seed: int = 1,
    start: datetime = DEFAULT_START,
) -> SimResult:
    """Run a field period of ``days`` from ``start`` and audit it."""
    began = clock.perf_counter()
    rng = random.Random(seed)
    start = start.astimezone(UTC)
    until = start + timedelta(days=days)
    project, staff, people = setup(session, rng, cases, interviewers, start, until)
    supervisor = staff.pop()
    rules = projects.rules_of(project)
    table = catalogue.by_code(session, project)
    callers: list[tuple[datetime, int, str]] = []  # (when, case id): respondents who will phone in
    tally: Counter[str] = Counter()

    # (time, sequence, interviewer, the call that ends then, or None: free to take a call)
    events: list[tuple[datetime, int, int, OnThePhone | None]] = []
    sequence = 0

    def push(at: datetime, who: int, call: OnThePhone | None) -> None:
        nonlocal sequence
        sequence += 1
        heapq.heappush(events, (at, sequence, who, call))

    for who in range(interviewers):
        push(start, who, None)
    holding: set[int] = set()  # cases someone is on the phone with
    live_doubles = 0
    last_sweep = start
    while events:
        now, _, who, ongoing = heapq.heappop(events)
        if now - last_sweep >= timedelta(hours=1):
            dispatch.mark_missed_appointments(session, now=now)
            last_sweep = now
        if ongoing is not None:
            record_outcome(
                session,
                ongoing.claim.case,
                staff[who],
                ongoing.call.outcome,
                phone=ongoing.claim.phone,
                started_at=ongoing.started_at,
                now=now,
                notes=CALLED_IN if ongoing.called_in else "",
                appointment=ongoing.call.appointment,
            )
            holding.discard(ongoing.claim.case.id)
            _maybe_call_back(rng, people, ongoing.claim.case, table, now, callers)
            push(now + WRAP_UP, who, None)
        elif now < until:
            if callers and callers[0][0] <= now:
                claim = _take_call_in(session, project, staff[who], supervisor, callers, now, tally)
                if claim is not None:
                    live_doubles += claim.case.id in holding
                    holding.add(claim.case.id)
                    person = people[claim.case.id]
                    call = simulate_call(
                        rng, person, claim.phone.number, now, True, rules, calling_in=True
                    )
                    push(
                        now + timedelta(minutes=call.minutes),
                        who,
                        OnThePhone(claim, now, call, called_in=True),
                    )
                else:
                    push(now + timedelta(seconds=1), who, None)
                continue
            claim = dispatch.next_case(session, project, staff[who], now=now)
            if claim is None:
                ends = [at for at, _, _, on in events if on is not None]
                calls_in = [callers[0][0]] if callers else []
                wake = min([*ends, *calls_in, _next_wake(session, project, now) or until])
                push(max(wake, now + timedelta(seconds=1)), who, None)
                continue
            live_doubles += claim.case.id in holding
            holding.add(claim.case.id)
            call = simulate_call(
                rng,
                people[claim.case.id],
                claim.phone.number,
                now,
                appointment_due=claim.case.rank < 2,
                rules=rules,
            )
            push(now + timedelta(minutes=call.minutes), who, OnThePhone(claim, now, call))
    return summarize(session, project, start, until, interviewers, seed, live_doubles, began, tally)


def _disposition(case: Case, history: list[str], table: dict) -> str:
    """A final case's AAPOR code; for one still open, its strongest outcome so far."""
    if case.final_aapor:
        return case.final_aapor
    seen = [table[code] for code in history]
    return min(seen, key=lambda o: o.precedence).aapor if seen else "3.11"  # not attempted


def summarize(
    session: Session,
    project: Project,
    start: datetime,
    until: datetime,
    interviewers: int,
    seed: int,
    live_doubles: int,
    began: float,
    tally: Counter[str],
) -> SimResult:
    table = catalogue.by_code(session, project)
    cases = session.scalars(select(Case).where(Case.project_id == project.id)).all()
    history: dict[int, list[str]] = defaultdict(list)
    for case_id, outcome in session.execute(
        select(CallAttempt.case_id, CallAttempt.outcome)
        .join(Case, Case.id == CallAttempt.case_id)
        .where(Case.project_id == project.id)
    ):
        history[case_id].append(outcome)
    by_outcome = Counter(code for outcomes in history.values() for code in outcomes)
    calls = sum(by_outcome.values())
    contacted = sum(n for code, n in by_outcome.items() if table[code].contact)
    groups = Counter(aapor_group(_disposition(c, history[c.id], table)) for c in cases)
    final = [c for c in cases if c.state == CaseState.FINAL]
    done = len(final) == len(cases)
    violations = count_violations(session, project)
    violations["double_dispatch"] += live_doubles
    return SimResult(
        backend=session.get_bind().dialect.name,
        cases=len(cases),
        interviewers=interviewers,
        days=(until - start).days,
        seed=seed,
        calls=calls,
        completes=groups["I"],
        calls_per_complete=round(calls / groups["I"], 2) if groups["I"] else None,
        contact_rate=round(contacted / calls, 4) if calls else None,
        appointments=by_outcome[oc.APPOINTMENT],
        appointment_statuses=dict(
            session.execute(
                select(Appointment.status, func.count())
                .join(Case, Case.id == Appointment.case_id)
                .where(Case.project_id == project.id)
                .group_by(Appointment.status)
                .order_by(Appointment.status)
            ).all()
        ),
        requested_outside_windows=session.scalar(
            select(func.count())
            .select_from(Appointment)
            .join(Case, Case.id == Appointment.case_id)
            .where(Case.project_id == project.id, Appointment.requested_reason != "")
        ),
        calls_in=tally["calls_in"],
        reopened=tally["reopened"],
        dispositions=dict(sorted(groups.items())),
        rates=aapor_rates(groups),
        days_to_finish=(
            round((max(c.finalized_at for c in final) - start) / timedelta(days=1), 2)
            if done
            else None
        ),
        final_share=round(len(final) / len(cases), 4),
        unfinished_due=sum(
            c.state == CaseState.ACTIVE and c.next_call_at is not None and c.next_call_at <= until
            for c in cases
        ),
        violations=violations,
        seconds=round(clock.perf_counter() - began, 1),
        by_outcome=dict(by_outcome.most_common()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="database URL (default: a throw-away SQLite file)")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--interviewers", type=int, default=20)
    parser.add_argument("--days", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'sim.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        with sessionmaker(engine, expire_on_commit=False)() as session:
            result = simulate(
                session,
                cases=args.cases,
                interviewers=args.interviewers,
                days=args.days,
                seed=args.seed,
            )
        engine.dispose()
    print(result.as_json())


if __name__ == "__main__":
    main()
