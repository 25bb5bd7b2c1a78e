"""The quizzes app's models: the bank (questions, blueprints, papers), the live exam
(sittings, candidates, attempts) and the contests played at events."""

from quizzes.models.bank import *  # noqa: F403
from quizzes.models.bank import __all__ as _bank_all
from quizzes.models.contests import *  # noqa: F403
from quizzes.models.contests import __all__ as _contests_all
from quizzes.models.exams import *  # noqa: F403
from quizzes.models.exams import __all__ as _exams_all

__all__ = [*_bank_all, *_exams_all, *_contests_all]
