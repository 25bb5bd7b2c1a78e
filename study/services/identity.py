"""Signing a cadre in to their study record.

A cadre is an ``org.Person`` (the same record as their exam candidacy). They sign in
with their identity number AND their mobile number: both are checked against the
keyed hashes on record and must belong to the same person; nothing is stored in
clear. Attempts are rate-limited per address and per identity number, so neither
a guessed phone number for a known ID nor a sweep of IDs gets far. The session
holds the person's id and a fingerprint of the two hashes: changing a number on
record signs the person out everywhere.
"""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import Person
from org.services import OrgError, id_number_fields, phone_fields
from pufa.ratelimit import RateLimit
from study.models import StudyProfile
from study.services.errors import StudyError

SESSION_PERSON = "study.person"
SESSION_FINGERPRINT = "study.fingerprint"

SIGN_IN_PER_ADDRESS = RateLimit("study-sign-in-address", limit=20, window=600)
SIGN_IN_PER_IDENTITY = RateLimit("study-sign-in-identity", limit=5, window=900)

NOT_RECOGNISED = _(
    "This identity number and mobile number do not match a cadre on record. Check "
    "both; if they are right, ask your unit's organiser to register you."
)


def _fingerprint(person):
    raw = f"{person.pk}:{person.id_number_hash}:{person.phone_hash}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), raw, hashlib.sha256).hexdigest()


def _limited(retry_after):
    minutes = max(1, (retry_after + 59) // 60)
    return StudyError(
        "rate_limited",
        _("Too many attempts. Please wait %(minutes)d minutes and try again.")
        % {"minutes": minutes},
    )


def authenticate_cadre(*, id_number, phone, address=""):
    """The Person whose identity number and phone number both match, or StudyError.

    Raises StudyError ``rate_limited``, ``invalid_id_number``, ``invalid_phone``
    (the number is malformed: said so, to help typing) or ``not_recognised`` (the
    same message whichever of the two did not match).
    """
    if not SIGN_IN_PER_ADDRESS.hit(address or "unknown"):
        raise _limited(SIGN_IN_PER_ADDRESS.retry_after())
    try:
        id_hash = id_number_fields(id_number)["id_number_hash"]
        phone_hash = phone_fields(phone)["phone_hash"]
    except OrgError as error:
        raise StudyError(error.code, error.message) from error
    if not SIGN_IN_PER_IDENTITY.hit(id_hash):
        raise _limited(SIGN_IN_PER_IDENTITY.retry_after())
    person = Person.objects.filter(
        id_number_hash=id_hash, phone_hash=phone_hash
    ).first()
    if person is None:
        raise StudyError("not_recognised", NOT_RECOGNISED)
    return person


def sign_in(request, *, id_number, phone):
    """Check the numbers and put the cadre in the session (a new session key, so a
    planted session id is useless). Returns the Person; raises as
    ``authenticate_cadre``."""
    from pufa.ratelimit import client_address

    person = authenticate_cadre(
        id_number=id_number, phone=phone, address=client_address(request)
    )
    with transaction.atomic():
        profile, _created = StudyProfile.objects.get_or_create(person=person)
        profile.last_sign_in_at = timezone.now()
        profile.save(update_fields=["last_sign_in_at", "updated_at"])
    request.session.cycle_key()
    request.session[SESSION_PERSON] = person.pk
    request.session[SESSION_FINGERPRINT] = _fingerprint(person)
    return person


def sign_out(request):
    request.session.pop(SESSION_PERSON, None)
    request.session.pop(SESSION_FINGERPRINT, None)
    request.session.cycle_key()


def signed_in_cadre(request):
    """The Person signed in to study in this session, or None."""
    cached = getattr(request, "_study_cadre", False)
    if cached is not False:
        return cached
    person = None
    session = getattr(request, "session", None)
    person_id = session.get(SESSION_PERSON) if session is not None else None
    if person_id:
        person = Person.objects.select_related("unit", "county").filter(pk=person_id)
        person = person.first()
        if person is None or not hmac.compare_digest(
            session.get(SESSION_FINGERPRINT, ""), _fingerprint(person)
        ):
            person = None
            sign_out(request)
    request._study_cadre = person
    return person
