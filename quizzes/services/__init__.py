"""The exam bank's rules. Views, admin hooks and commands call these; none holds a
rule of its own. Every refusal is a ``QuizError`` with a ``code`` and a message."""

from quizzes.services.errors import QuizError

__all__ = ["QuizError"]
