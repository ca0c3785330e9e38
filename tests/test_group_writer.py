"""The API's group commit (storage.writes.GroupWriter) on SQLite and PostgreSQL: jobs that share a transaction
get their own results and errors, and a job the database refuses does not lose the others' rows."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from storage import audit, dossiers
from storage.access_schema import AuditRow, DossierCitizenRow, DossierRow
from storage.writes import GroupWriter

ACCESS = audit.Access("api", "intake-test", user_id="desk.1", purpose="000.00.15.H29-261204-0001")
RECEIVED = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def _code(n: int) -> str:
    return f"000.00.15.H29-261204-{n:04d}"


def _register(code: str, citizens: list[str]):
    def job(s):
        result = dossiers.register_in(s, code, "1.001193", RECEIVED, citizens, by="intake-test")
        audit.add(s, ACCESS, *(audit.Event("dossier", "ok", citizen_id=c) for c in citizens))
        return result

    return job


def _insert_dossier_twice(code: str, how: str):
    """A job the database refuses after it has written: the same primary key inserted twice, by the ORM's
    flush or by a plain insert (on PostgreSQL either aborts the whole transaction)."""

    def job(s):
        dossiers.register_in(s, code, "1.001193", RECEIVED, [], by="intake-test")
        row = {"dossier_code": code, "procedure_code": "x", "received_at": RECEIVED, "received_on": "2026-12-04",
               "registered_at": RECEIVED, "registered_by": "intake-test"}
        if how == "orm":
            s.add(DossierRow(**row))
            s.flush()
        else:
            s.execute(insert(DossierRow.__table__), [row])

    return job


def _in_one_batch(writer: GroupWriter, jobs: list) -> list:
    """Run ``jobs`` so that they land in one batch: the writer is held busy until all are queued."""
    gate, started = threading.Event(), threading.Event()

    def hold(_s):
        started.set()
        gate.wait(10)

    results: list = [None] * len(jobs)

    def submit(i, job):
        try:
            results[i] = writer.run(job)
        except Exception as exc:  # the test looks at what each caller got
            results[i] = exc

    holder = threading.Thread(target=writer.run, args=(hold,))
    holder.start()
    assert started.wait(10)
    threads = [threading.Thread(target=submit, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    while writer._jobs.qsize() < len(jobs):  # all queued behind the held batch
        threading.Event().wait(0.01)
    gate.set()
    for t in [holder, *threads]:
        t.join(30)
    return results


def test_jobs_in_one_batch_get_their_own_results(index):
    writer = GroupWriter(index)
    results = _in_one_batch(writer, [_register(_code(n), [f"00108500000{n}"]) for n in range(1, 6)])
    assert [(d.dossier_code, created) for d, created in results] == [(_code(n), True) for n in range(1, 6)]
    with index.session() as s:
        assert s.scalar(select(func.count()).select_from(DossierRow)) == 5
        assert s.scalar(select(func.count()).select_from(DossierCitizenRow)) == 5
        assert s.scalar(select(func.count()).select_from(AuditRow)) == 5


@pytest.mark.parametrize("how", ["orm", "core"])
def test_a_refused_job_does_not_lose_the_others(index, how):
    writer = GroupWriter(index)
    jobs = [
        _register(_code(1), ["001085000001"]),
        _insert_dossier_twice(_code(2), how),
        _register(_code(3), ["001085000003"]),
    ]
    first, refused, third = _in_one_batch(writer, jobs)
    assert isinstance(refused, IntegrityError)
    assert first[0].dossier_code == _code(1) and third[0].dossier_code == _code(3)
    with index.session() as s:
        assert sorted(s.scalars(select(DossierRow.dossier_code))) == [_code(1), _code(3)]
        assert sorted(s.scalars(select(AuditRow.citizen_id))) == ["001085000001", "001085000003"]


def test_a_conflicting_dossier_is_refused_before_anything_is_written(index):
    writer = GroupWriter(index)
    writer.run(_register(_code(7), ["001085000007"]))

    def conflicting(s):
        return dossiers.register_in(s, _code(7), "2.000986", RECEIVED, ["001085000008"], by="intake-test")

    with pytest.raises(dossiers.DossierConflict):
        writer.run(conflicting)
    again, created = writer.run(_register(_code(7), ["001085000009"]))
    assert not created and again.citizen_ids == ("001085000007", "001085000009")
    with index.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRow)) == 2
