"""The one exception type of the publishing app."""


class CmsError(Exception):
    """A refused publishing operation: ``code`` for machines, ``message``
    (translatable, in Chinese for the office) for people, and where it applies the
    ``field`` of a form the message belongs to."""

    def __init__(self, code, message, field=None):
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
