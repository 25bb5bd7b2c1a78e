"""Blueprints and papers: which questions a rule may draw, whether the bank can
fill a blueprint, and drawing papers for candidates.

A rule draws questions that are active, not waiting for review (待复核), of its
type and difficulty range, citing an article of one of its laws or of a law on
its must-know list (either may be given; neither means the whole bank), and
carrying one of its topics (if any).

Drawing (``draw_papers``): each paper gets a seed; its questions are the least
used of each rule's pool, ties broken at random by the seed, never one twice in a
paper; its options are shuffled by the seed. The same seed on the same bank (its
questions and their use counts) draws the same paper; the option order depends
on the seed and the questions alone (``option_order``). Papers drawn together
spread use: a question drawn by one paper goes behind all less-used ones.
"""

import functools
import itertools
import random
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cms.models import MustKnowEntry
from quizzes.formats.common import KIND_NAMES
from quizzes.models import (
    Paper,
    PaperQuestion,
    Question,
    QuestionKind,
    QuestionStatus,
)
from quizzes.services.errors import QuizError

SEED_BITS = 62
# Keeps the option shuffles independent of the question draw of the same seed.
OPTION_SALT = 0x5EED_0F_0971095


@dataclass(frozen=True)
class RuleSpec:
    """A blueprint rule as the draw uses it (saved, or still in a form)."""

    position: int  # 1-based, as the admin shows it
    kind: str
    count: int
    points: Decimal
    law_ids: frozenset = frozenset()
    must_know_list_id: int | None = None
    min_difficulty: int = 1
    max_difficulty: int = 5
    topic_ids: frozenset = frozenset()

    @classmethod
    def from_rule(cls, rule, position):
        return cls(
            position=position,
            kind=rule.kind,
            count=rule.count,
            points=rule.points,
            law_ids=frozenset(law.pk for law in rule.laws.all()),
            must_know_list_id=rule.must_know_list_id,
            min_difficulty=rule.min_difficulty,
            max_difficulty=rule.max_difficulty,
            topic_ids=frozenset(topic.pk for topic in rule.topics.all()),
        )

    def describe(self):
        return _("Rule %(n)d (%(count)d × %(kind)s, difficulty %(low)d–%(high)d)") % {
            "n": self.position,
            "count": self.count,
            "kind": KIND_NAMES[self.kind],
            "low": self.min_difficulty,
            "high": self.max_difficulty,
        }


def blueprint_rules(blueprint):
    rules = blueprint.rules.all().prefetch_related("laws", "topics")
    return [RuleSpec.from_rule(rule, n) for n, rule in enumerate(rules, start=1)]


@dataclass
class Pool:
    """The drawable questions and, per rule, which of them it may draw."""

    version_of: dict  # question id → current version id
    usage: dict  # question id → times drawn
    eligible: dict  # rule position → [question ids]


def load_pool(rules):
    """The bank as the draw sees it: a fixed number of queries, whatever its size."""
    kinds = {rule.kind for rule in rules}
    rows = list(
        Question.objects.filter(
            kind__in=kinds,
            status=QuestionStatus.ACTIVE,
            needs_review=False,
            current_version__isnull=False,
        ).values_list("pk", "kind", "difficulty", "times_drawn", "current_version_id")
    )
    ids = [row[0] for row in rows]
    laws_of = defaultdict(set)
    if any(rule.law_ids or rule.must_know_list_id for rule in rules):
        for question_id, law_id in Question.articles.through.objects.filter(
            question_id__in=ids
        ).values_list("question_id", "lawarticle__law_id"):
            laws_of[question_id].add(law_id)
    topics_of = defaultdict(set)
    if any(rule.topic_ids for rule in rules):
        for question_id, topic_id in Question.topics.through.objects.filter(
            question_id__in=ids
        ).values_list("question_id", "topic_id"):
            topics_of[question_id].add(topic_id)
    list_laws = defaultdict(set)
    list_ids = {rule.must_know_list_id for rule in rules if rule.must_know_list_id}
    for list_id, law_id in MustKnowEntry.objects.filter(
        must_know_list_id__in=list_ids
    ).values_list("must_know_list_id", "law_id"):
        list_laws[list_id].add(law_id)

    eligible = {}
    for rule in rules:
        laws = set(rule.law_ids) | list_laws.get(rule.must_know_list_id, set())
        by_law = bool(rule.law_ids or rule.must_know_list_id)
        eligible[rule.position] = [
            pk
            for pk, kind, difficulty, _used, _version in rows
            if kind == rule.kind
            and rule.min_difficulty <= difficulty <= rule.max_difficulty
            and (not by_law or laws_of[pk] & laws)
            and (not rule.topic_ids or topics_of[pk] & rule.topic_ids)
        ]
    return Pool(
        version_of={row[0]: row[4] for row in rows},
        usage={row[0]: row[3] for row in rows},
        eligible=eligible,
    )


# feasibility --------------------------------------------------------------------


def _max_flow_allocation(rules, pool):
    """How many questions each rule can take at once, sharing none: a max flow
    from rules to groups of questions eligible for the same set of rules.
    Returns ({rule position: filled}, {(rule position, group): taken}, groups)."""
    membership = defaultdict(set)
    for rule in rules:
        for pk in pool.eligible[rule.position]:
            membership[pk].add(rule.position)
    groups = defaultdict(list)
    for pk, positions in membership.items():
        groups[frozenset(positions)].append(pk)
    group_keys = list(groups)
    # Nodes: 0 source, rules, groups, sink.
    rule_node = {rule.position: 1 + i for i, rule in enumerate(rules)}
    group_node = {key: 1 + len(rules) + i for i, key in enumerate(group_keys)}
    sink = 1 + len(rules) + len(group_keys)
    capacity = defaultdict(int)
    edges = defaultdict(set)

    def edge(a, b, cap):
        capacity[(a, b)] += cap
        edges[a].add(b)
        edges[b].add(a)

    for rule in rules:
        edge(0, rule_node[rule.position], rule.count)
        for key in group_keys:
            if rule.position in key:
                edge(rule_node[rule.position], group_node[key], rule.count)
    for key in group_keys:
        edge(group_node[key], sink, len(groups[key]))
    flow = defaultdict(int)
    while True:  # Edmonds–Karp: the graph is tiny (rules + groups)
        parent = {0: None}
        queue = deque([0])
        while queue and sink not in parent:
            node = queue.popleft()
            for nxt in edges[node]:
                if nxt not in parent and capacity[(node, nxt)] - flow[(node, nxt)] > 0:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            break
        path, node = [], sink
        while parent[node] is not None:
            path.append((parent[node], node))
            node = parent[node]
        push = min(capacity[e] - flow[e] for e in path)
        for a, b in path:
            flow[(a, b)] += push
            flow[(b, a)] -= push
    filled = {rule.position: flow[(0, rule_node[rule.position])] for rule in rules}
    taken = {
        (rule.position, key): flow[(rule_node[rule.position], group_node[key])]
        for rule in rules
        for key in group_keys
        if rule.position in key
    }
    return filled, taken, groups


def feasibility_problems(rules, pool=None):
    """One message per rule the bank cannot fill (empty when it can)."""
    pool = pool or load_pool(rules)
    messages = []
    for rule in rules:
        available = len(pool.eligible[rule.position])
        if available < rule.count:
            messages.append(
                _("%(rule)s: the bank has only %(available)d such questions.")
                % {"rule": rule.describe(), "available": available}
            )
    if messages:
        return messages
    filled, _taken, _groups = _max_flow_allocation(rules, pool)
    for rule in rules:
        if filled[rule.position] < rule.count:
            messages.append(
                _(
                    "%(rule)s: shares its questions with other rules, and together "
                    "they need more than the bank has; only %(filled)d can be drawn."
                )
                % {"rule": rule.describe(), "filled": filled[rule.position]}
            )
    return messages


def check_blueprint(blueprint_or_rules, *, total_points=None, pass_mark=None):
    """Raise QuizError ``blueprint_infeasible`` (its ``details`` name each rule
    the bank cannot fill) or ``points_mismatch``; return the rules otherwise."""
    rules = (
        blueprint_or_rules
        if isinstance(blueprint_or_rules, list)
        else blueprint_rules(blueprint_or_rules)
    )
    if not rules:
        raise QuizError("no_rules", _("A blueprint needs at least one rule."))
    if total_points is not None:
        summed = sum((rule.count * rule.points for rule in rules), Decimal(0))
        if summed != Decimal(total_points):
            raise QuizError(
                "points_mismatch",
                _(
                    "The rules add up to %(summed)s points, but the total is "
                    "%(total)s. Change the points or the total."
                )
                % {"summed": _number(summed), "total": _number(Decimal(total_points))},
            )
        if pass_mark is not None and not 0 <= Decimal(pass_mark) <= summed:
            raise QuizError(
                "bad_pass_mark",
                _("The pass mark must be between 0 and the total points."),
            )
    problems = feasibility_problems(rules)
    if problems:
        raise QuizError(
            "blueprint_infeasible",
            _("The bank cannot fill this blueprint."),
            details=problems,
        )
    return rules


def _number(value):
    return f"{value.normalize():f}"


# drawing ------------------------------------------------------------------------


class _RuleQueue:
    """A rule's questions by use count (least used first, random within a count).

    Use counts rise as papers draw; an entry whose count changed since it was
    queued (drawn by another rule) is moved to its new level when met."""

    def __init__(self, question_ids, usage, rng):
        ordered = list(question_ids)
        rng.shuffle(ordered)
        self.levels = defaultdict(deque)
        for pk in ordered:
            self.levels[usage[pk]].append(pk)
        self.usage = usage

    def take(self, count, chosen):
        """Up to ``count`` of the least used questions not in ``chosen``."""
        picked, done = [], set()
        while len(picked) < count:
            levels = [level for level, queue in self.levels.items() if queue]
            levels = [level for level in levels if level not in done]
            if not levels:
                break
            level = min(levels)
            queue, passed_over = self.levels[level], []
            while queue and len(picked) < count:
                pk = queue.popleft()
                if self.usage[pk] != level:  # drawn by another rule meanwhile
                    self.levels[self.usage[pk]].append(pk)
                elif pk in chosen:
                    passed_over.append(pk)
                else:
                    picked.append(pk)
            # Questions another rule of this paper took keep their place.
            queue.extendleft(reversed(passed_over))
            done.add(level)
        return picked

    def put_back(self, picked):
        for pk in reversed(picked):
            self.levels[self.usage[pk]].appendleft(pk)

    def drawn(self, picked):
        """Queue the questions just drawn (their use counts already raised), in
        the random order they were given."""
        for pk in picked:
            self.levels[self.usage[pk]].append(pk)
        for level in [level for level, queue in self.levels.items() if not queue]:
            del self.levels[level]


def _pick_paper(rules, pool, queues):
    """{rule position: [question ids]} for one paper, or None if the greedy pick
    ran short (rules sharing questions); nothing is changed then."""
    chosen, picks = set(), {}
    # The rule with the fewest candidates picks first.
    for rule in sorted(
        rules, key=lambda r: (len(pool.eligible[r.position]), r.position)
    ):
        picked = queues[rule.position].take(rule.count, chosen)
        picks[rule.position] = picked
        if len(picked) < rule.count:
            for position, earlier in picks.items():
                queues[position].put_back(earlier)
            return None
        chosen.update(picked)
    return picks


def _pick_by_flow(rules, pool, rng):
    """The exact fallback: a max-flow allocation of rules to groups of questions
    eligible for the same rules; the least used of each group first."""
    _filled, taken, groups = _max_flow_allocation(rules, pool)
    picks = {rule.position: [] for rule in rules}
    offset = defaultdict(int)
    ranked = {
        key: sorted(members, key=lambda pk: (pool.usage[pk], rng.random()))
        for key, members in groups.items()
    }
    for (position, key), count in sorted(taken.items(), key=lambda kv: kv[0][0]):
        if count > 0:
            start = offset[key]
            picks[position].extend(ranked[key][start : start + count])
            offset[key] += count
    return picks


def plan_papers(rules, pool, seeds):
    """The questions of one paper per seed, drawn one after another so that use
    spreads: [[(rule, question id), …] per paper]. Pure: touches no database
    except through ``pool`` (already loaded); raises QuizError when infeasible."""
    problems = feasibility_problems(rules, pool)
    if problems:
        raise QuizError(
            "blueprint_infeasible", _("The bank cannot fill this blueprint."), problems
        )
    usage = pool.usage
    plans = []
    queues = None
    for seed in seeds:
        rng = random.Random(seed)
        if queues is None:
            queues = _queues(rules, pool, rng)
        picks = _pick_paper(rules, pool, queues)
        exact = picks is None
        if exact:
            picks = _pick_by_flow(rules, pool, rng)
        plan = []
        for rule in rules:
            picked = list(picks[rule.position])
            rng.shuffle(picked)  # their order in the paper and in the queue
            for pk in picked:
                usage[pk] += 1
            if not exact:
                queues[rule.position].drawn(picked)
            plan.extend((rule, pk) for pk in picked)
        if exact:  # the fallback bypassed the queues: rebuild them
            queues = _queues(rules, pool, rng)
        plans.append(plan)
    return plans


def _queues(rules, pool, rng):
    return {
        rule.position: _RuleQueue(pool.eligible[rule.position], pool.usage, rng)
        for rule in rules
    }


@functools.cache
def _permutations(count):
    return list(itertools.permutations(range(count)))


def option_orders(seed, questions):
    """The order a candidate sees each question's options in (a tuple of
    indexes into its options), for questions given as (option count, shuffle?)
    in paper order: reproducible from the paper's seed and its questions alone."""
    rng = random.Random(seed ^ OPTION_SALT)
    orders = []
    for count, shuffle in questions:
        if not shuffle:
            orders.append(_identity(count))
        elif count <= 6:  # one draw among the permutations, not count - 1
            permutations = _permutations(count)
            orders.append(permutations[rng.randrange(len(permutations))])
        else:
            order = list(range(count))
            rng.shuffle(order)
            orders.append(tuple(order))
    return orders


@functools.cache
def _identity(count):
    return tuple(range(count))


def new_seed():
    return secrets.randbits(SEED_BITS)


def versions_by_id(version_ids):
    """{version id: (option count, shuffle?)} — all the draw needs of them."""
    from quizzes.models import QuestionVersion

    return {
        pk: (len(options), shuffle)
        for pk, options, shuffle in QuestionVersion.objects.filter(
            pk__in=set(version_ids)
        ).values_list("pk", "options", "shuffle_options")
    }


def _raise_usage(counts):
    by_delta = defaultdict(list)
    for pk, delta in counts.items():
        by_delta[delta].append(pk)
    for delta, ids in by_delta.items():
        Question.objects.filter(pk__in=ids).update(times_drawn=F("times_drawn") + delta)


@transaction.atomic
def draw_papers(*, blueprint, candidates, seeds=None, shared=False):
    """Draw and save one paper per candidate (``None`` for an anonymous paper).

    ``shared``: one paper's questions for everybody, each candidate with an own
    option order (the shared paper itself is saved without a candidate, and each
    candidate's paper points at it). ``seeds``: one per paper (per candidate, and
    first the shared paper's), random if not given. Raises QuizError
    ``blueprint_infeasible`` with the rules the bank cannot fill; then nothing is
    saved. Raises the drawn questions' use counts.
    """
    candidates = list(candidates)
    rules = blueprint_rules(blueprint)
    if not rules:
        raise QuizError("no_rules", _("A blueprint needs at least one rule."))
    seeds = list(seeds) if seeds is not None else None
    needed = len(candidates) + (1 if shared else 0)
    if seeds is None:
        seeds = [new_seed() for _n in range(needed)]
    if len(seeds) != needed:
        raise QuizError("bad_seeds", _("Give one seed per paper."))
    pool = load_pool(rules)
    before = dict(pool.usage)
    plan_seeds = seeds[:1] if shared else seeds
    plans = plan_papers(rules, pool, plan_seeds)
    versions = versions_by_id(pool.version_of[pk] for plan in plans for _r, pk in plan)

    papers = []
    if shared:
        template = Paper.objects.create(
            blueprint=blueprint,
            seed=seeds[0],
            total_points=blueprint.total_points,
            pass_mark=blueprint.pass_mark,
        )
        _save_items([template], plans, pool, versions)
        papers = Paper.objects.bulk_create(
            [
                Paper(
                    blueprint=blueprint,
                    candidate=candidate,
                    shared_from=template,
                    seed=seed,
                    total_points=blueprint.total_points,
                    pass_mark=blueprint.pass_mark,
                )
                for candidate, seed in zip(candidates, seeds[1:], strict=True)
            ]
        )
        _save_items(papers, plans * len(papers), pool, versions)
    else:
        papers = Paper.objects.bulk_create(
            [
                Paper(
                    blueprint=blueprint,
                    candidate=candidate,
                    seed=seed,
                    total_points=blueprint.total_points,
                    pass_mark=blueprint.pass_mark,
                )
                for candidate, seed in zip(candidates, seeds, strict=True)
            ]
        )
        _save_items(papers, plans, pool, versions)
    _raise_usage(
        {pk: used - before[pk] for pk, used in pool.usage.items() if used != before[pk]}
    )
    return papers


PAPER_ITEM_COLUMNS = [
    "paper_id",
    "position",
    "question_id",
    "version_id",
    "rule_position",
    "points",
    "option_order",
]


def paper_rows(papers, plans, pool, versions):
    """The paper-question rows of these papers (anything with ``pk`` and
    ``seed``), as database values in PAPER_ITEM_COLUMNS order."""
    points_field = PaperQuestion._meta.get_field("points")
    order_field = PaperQuestion._meta.get_field("option_order")
    points = {}
    orders_db = {}  # an order's database form, computed once per distinct order
    rows = []
    for paper, plan in zip(papers, plans, strict=True):
        version_ids = [pool.version_of[pk] for _rule, pk in plan]
        orders = option_orders(paper.seed, [versions[v] for v in version_ids])
        for position, ((rule, pk), version_id, order) in enumerate(
            zip(plan, version_ids, orders, strict=True), start=1
        ):
            if rule.position not in points:
                points[rule.position] = points_field.get_db_prep_save(
                    rule.points, connection
                )
            if order not in orders_db:
                orders_db[order] = order_field.get_db_prep_save(list(order), connection)
            rows.append(
                (
                    paper.pk,
                    position,
                    pk,
                    version_id,
                    rule.position,
                    points[rule.position],
                    orders_db[order],
                )
            )
    return rows


def _save_items(papers, plans, pool, versions):
    """Insert the papers' questions in bulk (COPY on PostgreSQL, multi-row
    INSERTs elsewhere): a sitting's thousand papers are fifty thousand rows, and
    a model instance or a round trip per row would cost more than the draw."""
    rows = paper_rows(papers, plans, pool, versions)
    table = connection.ops.quote_name(PaperQuestion._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in PAPER_ITEM_COLUMNS)
    if connection.vendor == "postgresql":
        # COPY: psycopg would otherwise parse a long multi-row statement per batch.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    width = len(PAPER_ITEM_COLUMNS)
    # PostgreSQL takes up to 65,535 parameters a statement; SQLite 999 (Django's
    # conservative figure for old SQLite builds).
    per_statement = max(1, (connection.features.max_query_params or 65535) // width)
    per_statement = min(per_statement, 2000)
    head = f"INSERT INTO {table} ({columns}) VALUES "
    placeholders = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([placeholders] * len(chunk)),
                [value for row in chunk for value in row],
            )


def draw_paper(*, blueprint, seed=None, candidate=None):
    """Draw and save one candidate's paper (see ``draw_papers``)."""
    return draw_papers(
        blueprint=blueprint,
        candidates=[candidate],
        seeds=None if seed is None else [seed],
    )[0]


def check_selection(question_ids):
    """{question id: current version id} of a hand selection, or QuizError
    ``nothing_selected``, ``repeated_question`` or ``not_drawable`` (a question
    that is not active, waits for review (待复核) or has no version yet)."""
    ids = list(question_ids)
    if not ids:
        raise QuizError("nothing_selected", _("Choose at least one question."))
    if len(set(ids)) != len(ids):
        raise QuizError(
            "repeated_question", _("A question is chosen twice; remove one of them.")
        )
    drawable = dict(
        Question.objects.filter(
            pk__in=ids,
            status=QuestionStatus.ACTIVE,
            needs_review=False,
            current_version__isnull=False,
        ).values_list("pk", "current_version_id")
    )
    missing = [pk for pk in ids if pk not in drawable]
    if missing:
        raise QuizError(
            "not_drawable",
            _(
                "Only active questions that are not waiting for review can be "
                "used: question no. %(ids)s cannot."
            )
            % {"ids": ", ".join(str(pk) for pk in missing)},
        )
    return drawable


@transaction.atomic
def selected_paper(*, questions, seed=None, points=Decimal(1)):
    """Save one paper of hand-picked questions (a contest's selection), in the
    order given: each at its current version, worth ``points``, its options
    shuffled by the seed exactly as a drawn paper's are. The paper has no
    blueprint and no candidate. Raises what ``check_selection`` raises; then
    nothing is saved. Raises the questions' use counts."""
    ids = [getattr(question, "pk", question) for question in questions]
    drawable = check_selection(ids)
    seed = new_seed() if seed is None else seed
    rule = RuleSpec(position=1, kind="", count=len(ids), points=Decimal(points))
    pool = Pool(version_of=drawable, usage={}, eligible={1: ids})
    paper = Paper.objects.create(
        blueprint=None,
        seed=seed,
        total_points=rule.points * len(ids),
        pass_mark=0,
    )
    _save_items(
        [paper], [[(rule, pk) for pk in ids]], pool, versions_by_id(drawable.values())
    )
    _raise_usage(dict.fromkeys(ids, 1))
    return paper


def candidate_paper(paper):
    """What a candidate may see of a paper while it is open: stems and options in
    the candidate's order, points — and never a key or an explanation."""
    items = paper.items.select_related("version").order_by("position")
    return {
        "paper": paper.pk,
        "total_points": str(paper.total_points),
        "questions": [
            {
                "position": item.position,
                "kind": item.version.kind,
                "stem": item.version.stem,
                "options": displayed_options(item),
                "points": str(item.points),
            }
            for item in items
        ],
    }


def answer_key(paper):
    """{position: sorted displayed option indexes that are correct}: for grading
    only, never for a candidate before the paper closes."""
    return {
        item.position: displayed_keys(item)
        for item in paper.items.select_related("version")
    }


def displayed_options(item):
    """A paper question's option texts in the order its candidate sees them."""
    return [item.version.options[i] for i in item.option_order]


def displayed_keys(item):
    """The displayed indexes of a paper question's correct options, sorted."""
    shown = {original: shown for shown, original in enumerate(item.option_order)}
    return sorted(shown[k] for k in item.version.keys)


__all__ = [
    "QuestionKind",
    "answer_key",
    "candidate_paper",
    "check_blueprint",
    "check_selection",
    "displayed_keys",
    "displayed_options",
    "draw_paper",
    "draw_papers",
    "feasibility_problems",
    "option_orders",
    "selected_paper",
]
