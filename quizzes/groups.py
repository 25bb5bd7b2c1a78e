"""Names of the broadcast groups, built from ids only (see ``pufa.fanout``)."""


def sitting_group(sitting_id):
    """Every candidate socket of a sitting (notices, closing)."""
    return f"exam.sitting.{sitting_id}"


def proctor_group(sitting_id):
    """The proctor boards watching a sitting."""
    return f"exam.proctor.{sitting_id}"


def attempt_group(attempt_id):
    """The sockets of one attempt (takeover by another device, forced submit)."""
    return f"exam.attempt.{attempt_id}"


def contest_group(contest_id):
    """Every player socket of a contest."""
    return f"contest.players.{contest_id}"


def contest_host_group(contest_id):
    """The host screens of a contest."""
    return f"contest.host.{contest_id}"
