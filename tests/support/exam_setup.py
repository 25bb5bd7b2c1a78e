"""Set up an open sitting for tests and benchmarks that run a real server.

    python -m tests.support.exam_setup CANDIDATES [DURATION_MINUTES]

run with the server's environment (``LiveSite.run_module``). Prints JSON: the
sitting's id, one ticket code per candidate, and a proctor's username and password.
"""

import json
import os
import sys


def main(candidates, duration=60):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pufa.settings.dev")
    from pufa import use_environment_settings

    use_environment_settings()
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from org import roles
    from org.models import Person
    from quizzes.models import Candidate
    from quizzes.services.tickets import issue_ticket
    from tests.quizzes.exam_factories import SittingFactory

    sitting = SittingFactory(duration_minutes=duration)
    people = Person.objects.bulk_create(
        Person(full_name=f"考生{n:04d}") for n in range(candidates)
    )
    roster = Candidate.objects.bulk_create(
        Candidate(sitting=sitting, person=person) for person in people
    )
    codes = [issue_ticket(candidate=c)[1] for c in roster]
    password = "proctor-pass-1"
    proctor = get_user_model().objects.create_user(
        f"proctor{sitting.pk}", password=password, is_staff=True
    )
    proctor.groups.add(roles.role_group(roles.PROCTOR))
    sitting.proctors.add(proctor)
    return {
        "sitting": sitting.pk,
        "codes": codes,
        "candidates": [c.pk for c in roster],
        "proctor": [proctor.username, password],
    }


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    print(json.dumps(main(*arguments)))
