"""The dispatch candidate query reads the index in order: no scan and sort of the project."""

from sqlalchemy import event, text

from cati.fieldwork import dispatch
from tests.cati.fieldwork.conftest import MONDAY_10, make_cases


def test_candidates_come_in_order_from_the_dispatch_index_even_when_all_tie(
    app, db, project, interviewer
):
    """A replicate released at once ties on (rank, priority, next_call_at)."""
    make_cases(db, project, n=2000)
    engine = app.extensions["cati.engine"]
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    sent = []

    def capture(conn, cursor, statement, parameters, context, executemany) -> None:
        if "ORDER BY cases.rank" in statement:
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert dispatch.next_case(db, project, interviewer, now=MONDAY_10) is not None
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = sent[0]
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as conn:
        explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
        plan = "\n".join(row[-1] for row in conn.exec_driver_sql(explain + statement, parameters))
    assert "ix_cases_dispatch" in plan, plan
    assert ("Sort" not in plan) if postgres else ("TEMP B-TREE" not in plan), plan
