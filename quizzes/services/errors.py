class QuizError(Exception):
    """A refused operation on the bank, blueprints or papers: ``code`` for
    machines, ``message`` (translatable) for people, ``details`` (a list of
    further messages, e.g. one per rule a blueprint cannot fill)."""

    def __init__(self, code, message, details=()):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.details = list(details)
