class EventsError(Exception):
    """A refused operation on the reach ledger: ``code`` for machines, ``message``
    (translatable, says what to fix) for people, ``when`` for already-done answers."""

    def __init__(self, code, message, *, field=None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
