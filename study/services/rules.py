"""Versioned study-points rules: a change is a new version, never an edit.

On a day D the rules in force are those of the highest version whose ``valid_from``
is D or earlier. So a new version valid from 1 January replaces the rules for the
whole year (the year's points are recomputed), and one valid from 1 July only for
the second half. ``as_of`` looks at the rules as they stood at a past moment:
the points shown then can be reproduced.
"""

import bisect
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from study.models import PointsRuleSet
from study.services.errors import StudyError

RULE_FIELDS = (
    "episode_points_per_minute",
    "episode_daily_cap",
    "lecture_points",
    "meeting_study_points",
    "thematic_lecture_points",
    "practice_points",
    "practice_daily_limit",
)


def create_rule_set(*, valid_from, actor=None, note="", **values):
    """Save a new version of the rules. Values not given are taken from the latest
    version. Returns the new ``PointsRuleSet``.

    Raises StudyError ``bad_rule`` (a negative or missing value) or
    ``note_missing`` (a version after the first must say why it was made).
    """
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"unknown rule fields: {sorted(unknown)}")
    note = (note or "").strip()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = PointsRuleSet.objects.order_by("-version").first()
                if latest is not None and not note:
                    raise StudyError(
                        "note_missing",
                        _("Say why the rules change; the note is kept with them."),
                    )
                fields = {
                    name: values.get(name, getattr(latest, name, None))
                    for name in RULE_FIELDS
                }
                for _name, value in fields.items():
                    if value is None or Decimal(value) < 0:
                        raise StudyError(
                            "bad_rule",
                            _("Every value of the rules must be zero or more."),
                        )
                number = (
                    PointsRuleSet.objects.aggregate(top=Max("version"))["top"] or 0
                ) + 1
                return PointsRuleSet.objects.create(
                    version=number,
                    valid_from=valid_from,
                    note=note,
                    created_by=actor,
                    **fields,
                )
        except IntegrityError:
            # Two administrators saved at once: the other took this number.
            continue
    raise StudyError("busy", _("The rules could not be saved; try again."))


class RuleTimeline:
    """Which version of the rules applies on each day (as of a moment)."""

    def __init__(self, rule_sets):
        # Sorted by validity, then version: on a day the last one valid wins, and
        # a higher version with the same or an earlier start overrides a lower.
        self.rule_sets = sorted(rule_sets, key=lambda r: r.version)
        self._starts = []
        self._applying = []
        best = None
        for day in sorted({r.valid_from for r in self.rule_sets}):
            candidates = [r for r in self.rule_sets if r.valid_from <= day]
            best = max(candidates, key=lambda r: r.version)
            self._starts.append(day)
            self._applying.append(best)

    def for_day(self, day):
        """The rules in force on ``day``, or None before the first version."""
        index = bisect.bisect_right(self._starts, day) - 1
        return self._applying[index] if index >= 0 else None

    def current(self):
        return self.for_day(timezone.localdate())


def rule_timeline(*, as_of=None):
    """The rules as they stood at ``as_of`` (default: now)."""
    rule_sets = PointsRuleSet.objects.all()
    if as_of is not None:
        rule_sets = rule_sets.filter(created_at__lte=as_of)
    return RuleTimeline(list(rule_sets))
