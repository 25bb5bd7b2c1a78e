class StudyError(Exception):
    """A refused study operation: ``code`` for machines, ``message`` (translatable)
    for people."""

    def __init__(self, code, message):
        super().__init__(str(message))
        self.code = code
        self.message = message
