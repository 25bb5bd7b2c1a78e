"""Set up (or read back) an open sitting for tests and benchmarks that run a real
server. Run with the server's environment (``LiveSite.run_module``):

    python -m tests.support.exam_setup CANDIDATES [DURATION_MINUTES [CLOSES_IN_S]]
        prints JSON: the sitting's id, its candidates, their ticket codes, a logged-in
        session cookie per candidate (made as the ticket login makes it: the login
        page's rate limit would otherwise stop a crowd from one address), a proctor's
        username and password, and when the window closes (epoch seconds)
    python -m tests.support.exam_setup dump SITTING
        prints JSON: every attempt's saved answers, status and who submitted it
"""

import datetime as dt
import json
import os
import sys


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings.dev")
    from pufa import use_environment_settings

    use_environment_settings()
    import django

    django.setup()


def create(candidates, duration=60, closes_in=0):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from org import roles
    from org.models import Person
    from quizzes.exam_session import log_in
    from quizzes.models import Candidate, Ticket
    from quizzes.services.tickets import code_hash, format_code, new_code
    from tests.quizzes.exam_factories import SittingFactory

    extra = {}
    if closes_in:
        extra["closes_at"] = timezone.now() + dt.timedelta(seconds=closes_in)
    sitting = SittingFactory(duration_minutes=duration, **extra)
    people = Person.objects.bulk_create(
        Person(full_name=f"考生{n:04d}") for n in range(candidates)
    )
    roster = Candidate.objects.bulk_create(
        Candidate(sitting=sitting, person=person) for person in people
    )
    # Tickets and sessions in bulk, made as issue_ticket and the login make them
    # (a crowd of 2,000 one by one took minutes on a busy machine).
    codes = [new_code() for _ in roster]
    tickets = Ticket.objects.bulk_create(
        Ticket(candidate=candidate, code_hash=code_hash(code))
        for candidate, code in zip(roster, codes, strict=True)
    )
    store = SessionStore()
    expiry = timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions = []
    for ticket in tickets:
        data = {}
        log_in(_DictSession(data), ticket)
        sessions.append(
            Session(
                session_key=store._get_new_session_key(),
                session_data=store.encode(data),
                expire_date=expiry,
            )
        )
    Session.objects.bulk_create(sessions)
    cookies = [f"{settings.SESSION_COOKIE_NAME}={s.session_key}" for s in sessions]
    password = "proctor-pass-1"
    proctor = get_user_model().objects.create_user(
        f"proctor{sitting.pk}", password=password, is_staff=True
    )
    proctor.groups.add(roles.role_group(roles.PROCTOR))
    sitting.proctors.add(proctor)
    return {
        "sitting": sitting.pk,
        "candidates": [c.pk for c in roster],
        "codes": [format_code(code) for code in codes],
        "cookies": cookies,
        "proctor": [proctor.username, password],
        "closes_at": sitting.closes_at.timestamp(),
    }


class _DictSession(dict):
    """Enough of a session for ``log_in`` to write its keys into a dict."""

    def __init__(self, target):
        super().__init__()
        self.target = target

    def cycle_key(self):
        pass

    def __setitem__(self, key, value):
        self.target[key] = value


def dump(sitting_id):
    from quizzes.models import Attempt

    result = {"answers": {}, "status": {}, "submitted_by": {}}
    for attempt in Attempt.objects.filter(
        candidate__sitting_id=sitting_id
    ).prefetch_related("answers"):
        key = str(attempt.candidate_id)
        result["status"][key] = attempt.status
        result["submitted_by"][key] = attempt.submitted_by
        result["answers"][key] = {
            str(a.position): a.choice for a in attempt.answers.all() if a.client_seq
        }
    return result


if __name__ == "__main__":
    setup_django()
    if sys.argv[1] == "dump":
        print(json.dumps(dump(int(sys.argv[2]))))
    else:
        print(json.dumps(create(*(int(a) for a in sys.argv[1:]))))
