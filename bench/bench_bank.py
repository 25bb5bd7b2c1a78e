"""The exam bank: drawing papers and importing a large xlsx, on a bank of 5,000.

1. Draw 1,000 papers of 50 questions (the 任前考试 标准卷 rules) from a bank of
   5,000: the draw alone (choosing the questions and shuffling the options, what
   the ≤ 1 s goal is about), and the draw with its 50,000 paper rows saved.
   Baseline in the same run: 1,000 × ``random.sample`` of 50 out of 5,000 — no
   rules, no spreading, nothing stored.
2. Import a 5,000-question xlsx (the template): preview (parse, check, resolve
   citations, find duplicates) and commit, against openpyxl's read-only parse
   of the same file alone.

Runs in a throwaway SQLite database (or a throwaway PostgreSQL database when
DATABASE_URL names one), never the development database.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
_SOURCE = os.environ.get("DATABASE_URL", "")
_POSTGRES = _SOURCE.startswith(("postgres://", "postgresql://"))
_BENCH_DB = f"pufa_bench_bank_{os.getpid()}"


def _postgres(sql):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(_SOURCE)
    with psycopg.connect(
        host=config["HOST"] or "127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"] or "postgres",
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as connection:
        connection.execute(sql)


# A throwaway database, set before Django reads its settings.
if _POSTGRES:
    _postgres(f'CREATE DATABASE "{_BENCH_DB}"')
    os.environ["DATABASE_URL"] = _SOURCE.rsplit("/", 1)[0] + f"/{_BENCH_DB}"
else:
    _workdir = tempfile.mkdtemp(prefix="pufa-bench-bank-")
    os.environ["DATABASE_URL"] = f"sqlite:///{_workdir}/bench.sqlite3"

import common  # noqa: E402, F401  (sets Django up, as every benchmark does)
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

BANK_SIZE = 5000
PAPERS = 1000
ROUNDS = 3


def setup_bank():
    from cms.demo import load_laws, load_must_know_list
    from cms.models import LawArticle
    from quizzes.models import QuestionKind
    from quizzes.services.bank import TRUE_FALSE_OPTIONS, QuestionData

    call_command("migrate", verbosity=0)
    load_laws()
    load_must_know_list()
    articles = list(LawArticle.objects.select_related("law"))
    rng = random.Random(5000)
    kinds = [QuestionKind.SINGLE] * 5 + [QuestionKind.MULTIPLE] * 2
    kinds += [QuestionKind.TRUE_FALSE] * 3
    datas = []
    for n in range(BANK_SIZE):
        kind = kinds[n % len(kinds)]
        article = rng.choice(articles)
        if kind == QuestionKind.TRUE_FALSE:
            options, keys = list(TRUE_FALSE_OPTIONS), [n % 2]
        else:
            options = [f"第{n}题的选项{letter}" for letter in "ABCD"]
            keys = [n % 4] if kind == QuestionKind.SINGLE else sorted({0, 1 + n % 3})
        datas.append(
            QuestionData(
                kind=kind,
                stem=f"第{n}题：根据{article}，下列说法正确的是？",
                options=options,
                keys=keys,
                explanation=f"{article}作此规定。",
                difficulty=1 + n % 5,
                citations=[str(article)],
                article_ids=[article.pk],
                topics=[f"知识点{n % 40}"],
            )
        )
    return datas


def timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def median_table(title, samples, baseline, unit="s"):
    print(title)
    base = statistics.median(samples[baseline])
    for name, values in samples.items():
        median = statistics.median(values)
        runs = ", ".join(f"{v:.3f}" for v in values)
        print(
            f"  {name:<46} {median:>8.3f} {unit}  ratio {median / base:>6.2f}  [{runs}]"
        )


def bench_import(datas):
    from io import BytesIO

    from openpyxl import load_workbook

    from quizzes.formats.table import write_xlsx
    from quizzes.services.imports import commit_import, preview_import

    content = write_xlsx(datas)
    print(f"xlsx of {len(datas)} questions: {len(content) / 1024 / 1024:.1f} MB")

    def openpyxl_alone():
        workbook = load_workbook(BytesIO(content), read_only=True)
        rows = sum(1 for _row in workbook["题目"].iter_rows(values_only=True))
        workbook.close()
        return rows

    samples = {
        "openpyxl read-only parse alone (baseline)": [],
        "preview (parse, check, cite, duplicates)": [],
        "commit (5,000 questions into the bank)": [],
        "import total (preview + commit)": [],
    }
    for _round in range(ROUNDS):
        elapsed, rows = timed(openpyxl_alone)
        assert rows == len(datas) + 1
        samples["openpyxl read-only parse alone (baseline)"].append(elapsed)
        with transaction.atomic():
            preview, batch = timed(
                lambda: preview_import(user=None, file_name="bank.xlsx", data=content)
            )
            assert not batch.report["errors"], batch.report["errors"][:3]
            commit, _batch = timed(
                lambda batch=batch: commit_import(import_id=batch.pk, user=None)
            )
            transaction.set_rollback(True)  # the next round imports into an empty bank
        samples["preview (parse, check, cite, duplicates)"].append(preview)
        samples["commit (5,000 questions into the bank)"].append(commit)
        samples["import total (preview + commit)"].append(preview + commit)
    median_table(
        f"Import a {len(datas)}-question xlsx ({ROUNDS} rounds, medians)",
        samples,
        baseline="openpyxl read-only parse alone (baseline)",
    )


def bench_draw(datas):
    from quizzes.demo import load_blueprint
    from quizzes.models import Question, QuestionStatus
    from quizzes.services.bank import create_questions
    from quizzes.services.papers import (
        blueprint_rules,
        draw_papers,
        load_pool,
        paper_rows,
        plan_papers,
        versions_by_id,
    )

    create_questions(datas, status=QuestionStatus.ACTIVE)
    blueprint = load_blueprint()
    rules = blueprint_rules(blueprint)
    ids = list(Question.objects.values_list("pk", flat=True))
    seeds = list(range(PAPERS))

    def naive():
        rng = random.Random(1)
        return [rng.sample(ids, 50) for _n in range(PAPERS)]

    def draw_only():
        # Everything draw_papers does but the INSERT: pool, rules, spreading,
        # versions, option shuffles, the rows ready for the database.
        pool = load_pool(rules)
        plans = plan_papers(rules, pool, seeds)
        versions = versions_by_id(pool.version_of[pk] for p in plans for _r, pk in p)
        papers = [SimpleNamespace(pk=n, seed=seed) for n, seed in enumerate(seeds)]
        paper_rows(papers, plans, pool, versions)
        return plans

    def draw_and_save():
        with transaction.atomic():
            papers = draw_papers(blueprint=blueprint, candidates=[None] * PAPERS)
            transaction.set_rollback(True)
        return papers

    samples = {
        "random.sample 50 of 5,000 (baseline)": [],
        "draw: rules, least used first, options": [],
        "draw and save 50,000 paper rows": [],
    }
    for _round in range(ROUNDS):
        samples["random.sample 50 of 5,000 (baseline)"].append(timed(naive)[0])
        elapsed, plans = timed(draw_only)
        assert len(plans) == PAPERS and all(len(plan) == 50 for plan in plans)
        samples["draw: rules, least used first, options"].append(elapsed)
        samples["draw and save 50,000 paper rows"].append(timed(draw_and_save)[0])
    median_table(
        f"Draw {PAPERS} papers of 50 from a bank of {BANK_SIZE} "
        f"({ROUNDS} rounds, medians; goal for the draw: ≤ 1 s)",
        samples,
        baseline="random.sample 50 of 5,000 (baseline)",
    )
    best = statistics.median(samples["draw: rules, least used first, options"])
    print(f"  goal ≤ 1 s for the draw: {'met' if best <= 1 else 'NOT met'}")


def main():
    from django.db import connection

    print(f"Bank benchmark on {connection.vendor}, {os.cpu_count()} cores")
    datas = setup_bank()
    bench_import(datas)
    bench_draw(datas)


if __name__ == "__main__":
    try:
        main()
    finally:
        if _POSTGRES:
            from django.db import connections

            connections.close_all()
            _postgres(f'DROP DATABASE IF EXISTS "{_BENCH_DB}" WITH (FORCE)')
