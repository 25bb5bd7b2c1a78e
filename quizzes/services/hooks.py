"""What other apps do when the exam's state changes (e.g. the ledger counts sitters).

Kept as a list of callables registered in AppConfig.ready(), so that quizzes does
not import the apps that listen to it.
"""

import logging

logger = logging.getLogger(__name__)

_on_sitting_closed = []


def on_sitting_closed(callback):
    if callback not in _on_sitting_closed:
        _on_sitting_closed.append(callback)
    return callback


def sitting_closed(sitting):
    for callback in _on_sitting_closed:
        callback(sitting)
