"""The reach ledger at scale, on PostgreSQL.

1. 1,000,000 attendance rows: the dashboard's breakdown queries (the ORM code the
   dashboard runs) against hand-written SQL GROUP BY giving the same figures, in the
   same run, interleaved. Target: ratio ≤ 1.5.
2. A 100,000-row attendance xlsx imported (check + import, as the admin's background
   job does), with its progress printed, against openpyxl's read-only parse of the
   same file alone. Target: ≤ 60 s.

The rows are made with generate_series in a database of its own, dropped at the end.
BENCH_DATABASE_URL chooses the server (default: postgres@127.0.0.1:5432).
"""

import io
import os
import statistics
import sys
import threading
import time
import uuid

BASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
DB_NAME = f"pufa_bench_ledger_{uuid.uuid4().hex[:6]}"
EVENTS = 20_000
PERSONS = 200_000
PERSON_ROWS = 950_000
HEADCOUNT_ROWS = 50_000
CORRECTIONS = 2_000
IMPORT_ROWS = 100_000
ROUNDS = 3


def admin_connection():
    import psycopg

    return psycopg.connect(BASE_URL, autocommit=True, connect_timeout=5)


def create_database():
    try:
        with admin_connection() as connection:
            connection.execute(f'CREATE DATABASE "{DB_NAME}"')
    except Exception as error:  # the reason is printed, not hidden
        print(f"bench_ledger: skipped, PostgreSQL is not reachable ({error})")
        sys.exit(0)
    os.environ["DATABASE_URL"] = BASE_URL.rsplit("/", 1)[0] + f"/{DB_NAME}"
    os.environ.pop("REDIS_URL", None)


def drop_database():
    from django.db import connections

    connections.close_all()
    with admin_connection() as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def build_rows():
    from django.core.management import call_command
    from django.db import connection

    from org.demo import load_places, load_units

    call_command("migrate", verbosity=0)
    prefecture, counties = load_places()
    load_units(prefecture, counties)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO events_event (created_at, updated_at, event_type_id, title,
                starts_at, ends_at, county_id, township_id, venue, unit_id, platform,
                notes, checkin_code)
            SELECT now(), now(), t.id, 'bench ' || i,
                   start, start + interval '2 hours',
                   CASE WHEN i %% 5 = 0 THEN NULL ELSE tw.parent_id END,
                   CASE WHEN i %% 5 = 0 THEN NULL ELSE tw.id END,
                   '', u.id,
                   (ARRAY['onsite','onsite','online','hotline'])[1 + i %% 4],
                   '', 'b' || i
            FROM generate_series(0, %s - 1) AS i
            CROSS JOIN LATERAL (
                SELECT timestamptz '2023-01-01 08:00+08' + (i %% 365) * interval '1 day'
                    AS start) s
            JOIN LATERAL (SELECT id FROM events_eventtype
                          ORDER BY id OFFSET i %% 10 LIMIT 1) t ON true
            JOIN LATERAL (SELECT id, parent_id FROM org_place WHERE kind = 'township'
                          ORDER BY id OFFSET i %% 30 LIMIT 1) tw ON true
            JOIN LATERAL (SELECT id FROM org_unit ORDER BY id OFFSET i %% 60 LIMIT 1)
                u ON true
            """,
            [EVENTS],
        )
        cursor.execute(
            """
            INSERT INTO org_person (created_at, updated_at, full_name, id_number_hash,
                id_number_masked, phone_hash, phone_masked, position)
            SELECT now(), now(), 'p' || i, '', '', md5('bench' || i), '', ''
            FROM generate_series(1, %s) AS i
            """,
            [PERSONS],
        )
        cursor.execute("SELECT min(id) FROM events_event")
        first_event = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM org_person")
        first_person = cursor.fetchone()[0]
        # Each (event, person) pair once: person p comes to events p*13 + k*4001.
        cursor.execute(
            """
            INSERT INTO events_attendance (event_id, person_id, count, kind,
                recorded_at, reason)
            SELECT %(e0)s + ((i %% %(persons)s) * 13 + (i / %(persons)s) * 4001)
                       %% %(events)s,
                   %(p0)s + i %% %(persons)s, 1, 'roster', now(), ''
            FROM generate_series(0, %(rows)s - 1) AS i
            """,
            {
                "e0": first_event,
                "p0": first_person,
                "persons": PERSONS,
                "events": EVENTS,
                "rows": PERSON_ROWS,
            },
        )
        cursor.execute(
            """
            INSERT INTO events_attendance (event_id, person_id, count, kind,
                recorded_at, reason)
            SELECT %(e0)s + i %% %(events)s, NULL, 10 + i %% 190, 'headcount', now(), ''
            FROM generate_series(0, %(rows)s - 1) AS i
            """,
            {"e0": first_event, "events": EVENTS, "rows": HEADCOUNT_ROWS},
        )
        cursor.execute(
            """
            INSERT INTO events_attendance (event_id, person_id, count, kind,
                recorded_at, corrects_id, reason)
            SELECT event_id, NULL, count / 2, 'correction', now(), id, 'bench'
            FROM events_attendance WHERE kind = 'headcount'
            ORDER BY id LIMIT %s
            """,
            [CORRECTIONS],
        )
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM events_attendance")
        total_rows = cursor.fetchone()[0]
    print(
        f"  built {EVENTS:,} events, {PERSONS:,} persons, {total_rows:,} attendance "
        f"rows in {time.perf_counter() - started:.1f} s"
    )


HAND_WRITTEN = {
    "type": "e.event_type_id",
    "county": "e.county_id",
    "township": "e.township_id",
    "platform": "e.platform",
    "unit": "e.unit_id",
    "month": "date_trunc('month', e.starts_at AT TIME ZONE 'Asia/Shanghai')",
}
YEAR_START, YEAR_END = "2023-01-01 00:00+08", "2024-01-01 00:00+08"


def hand_written(dimension):
    """The same figures by plain SQL: events per group, then 人次/人/anonymous."""
    from django.db import connection

    group = HAND_WRITTEN[dimension]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {group}, count(*) FROM events_event e "
            "WHERE e.starts_at >= %s AND e.starts_at < %s GROUP BY 1",
            [YEAR_START, YEAR_END],
        )
        events = dict(cursor.fetchall())
        cursor.execute(
            f"SELECT {group}, coalesce(sum(a.count), 0), count(DISTINCT a.person_id), "
            "coalesce(sum(a.count) FILTER (WHERE a.person_id IS NULL), 0) "
            "FROM events_attendance a JOIN events_event e ON e.id = a.event_id "
            "WHERE NOT EXISTS (SELECT 1 FROM events_attendance c "
            "WHERE c.corrects_id = a.id) "
            "AND e.starts_at >= %s AND e.starts_at < %s GROUP BY 1",
            [YEAR_START, YEAR_END],
        )
        attendance = {row[0]: row[1:] for row in cursor.fetchall()}
    return events, attendance


def orm(dimension):
    from events.services.tally import ReachFilter, breakdown

    return breakdown(ReachFilter(year=2023), dimension)


def same_figures(dimension, lines, sql):
    events, attendance = sql
    by_sql = {}
    for key, count in events.items():
        by_sql.setdefault(_norm(dimension, key), [0, 0, 0, 0])[0] = count
    for key, (person_times, persons, anonymous) in attendance.items():
        entry = by_sql.setdefault(_norm(dimension, key), [0, 0, 0, 0])
        entry[1:] = [person_times, persons, anonymous]
    by_orm = {
        _norm(dimension, line.key): [
            line.events,
            line.person_times,
            line.persons,
            line.anonymous_person_times,
        ]
        for line in lines
    }
    return by_orm == by_sql


def _norm(dimension, key):
    if dimension == "month" and key is not None:
        return (key.year, key.month)
    return key


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def bench_breakdowns():
    print("1,000,000 attendance rows: dashboard breakdowns (ORM) vs hand-written SQL")
    ratios = []
    for dimension in HAND_WRITTEN:
        orm_times, sql_times = [], []
        timed(orm, dimension)  # warm up: plans and caches, as a live dashboard
        timed(hand_written, dimension)
        for _round in range(ROUNDS):
            seconds, lines = timed(orm, dimension)
            orm_times.append(seconds)
            seconds, sql = timed(hand_written, dimension)
            sql_times.append(seconds)
        assert same_figures(dimension, lines, sql), f"figures differ by {dimension}"
        ratio = statistics.median(orm_times) / statistics.median(sql_times)
        ratios.append(ratio)
        print(
            f"  by {dimension:<9} ORM {statistics.median(orm_times) * 1000:7.0f} ms  "
            f"SQL {statistics.median(sql_times) * 1000:7.0f} ms  ratio {ratio:5.2f}  "
            f"(same figures)"
        )
    worst = max(ratios)
    print(
        f"  worst ratio {worst:.2f} (target ≤ 1.5): "
        f"{'OK' if worst <= 1.5 else 'MISSED'}"
    )


def attendance_workbook():
    from openpyxl import Workbook

    from events.models import Event

    event_ids = list(Event.objects.order_by("pk").values_list("pk", flat=True)[:500])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["活动编号", "姓名", "手机号", "身份证号"])
    for index in range(IMPORT_ROWS):
        sheet.append(
            [event_ids[index % len(event_ids)], f"参加者{index}", f"135{index:08d}", ""]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parse_only(content):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return rows


def bench_import():
    from django.db import connection

    from events.models import ImportBatch
    from events.services.imports import apply_batch, create_batch, validate_batch

    print(f"{IMPORT_ROWS:,}-row attendance xlsx: import vs openpyxl read-only parse")
    content = attendance_workbook()
    parse_seconds, rows = timed(parse_only, content)
    batch = create_batch(kind="attendance", filename="bench.xlsx", content=content)
    outcome = {}

    def run():
        try:
            started = time.perf_counter()
            validated = validate_batch(ImportBatch.objects.get(pk=batch.pk))
            outcome["checked"] = time.perf_counter() - started
            outcome["batch"] = apply_batch(validated)
            outcome["seconds"] = time.perf_counter() - started
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    while worker.is_alive():
        worker.join(2)
        progress = ImportBatch.objects.filter(pk=batch.pk).values_list(
            "status", "processed_rows", "total_rows"
        )[0]
        print(f"  progress: {progress[0]} {progress[1]:,}/{progress[2]:,} rows")
    result = outcome["batch"]
    assert result.status == ImportBatch.Status.DONE, result.message
    seconds = outcome["seconds"]
    print(
        f"  parse alone {parse_seconds:5.1f} s ({rows:,} rows); "
        f"check {outcome['checked']:5.1f} s; "
        f"check + import {seconds:5.1f} s; ratio {seconds / parse_seconds:4.1f}; "
        f"{result.created_rows:,} rows added (target ≤ 60 s: "
        f"{'OK' if seconds <= 60 else 'MISSED'})"
    )


def main():
    sys.stdout.reconfigure(line_buffering=True)
    create_database()
    import common  # noqa: F401 - sets up Django on the bench database

    try:
        build_rows()
        bench_breakdowns()
        bench_import()
    finally:
        if os.environ.get("BENCH_KEEP_DB"):
            print(f"  kept database {DB_NAME} (BENCH_KEEP_DB); drop it yourself")
        else:
            drop_database()


if __name__ == "__main__":
    main()
