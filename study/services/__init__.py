"""The study record's rules. Other apps reach them only through the hooks study
registers (the exam start gate); views and commands call these modules."""

from study.services.errors import StudyError

__all__ = ["StudyError"]
