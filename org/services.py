"""People: matching a returning person by keyed hashes, never storing raw numbers."""

import hashlib
import hmac
import re
import unicodedata

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from org.models import Person


class OrgError(Exception):
    """A refused operation on places, units or people: ``code`` for machines,
    ``message`` (translatable) for people."""

    def __init__(self, code, message):
        super().__init__(str(message))
        self.code = code
        self.message = message


# GB 11643-1999: weights and check characters of the 18-character identity number.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
IDENTITY_MISSING = _(
    "Enter an identity number or a phone number so the person can be recognised."
)
_SEPARATORS = re.compile(r"[\s\-‐－—_.·]")


def _squash(raw):
    # NFKC folds full-width digits and letters (１２３Ｘ) into ASCII.
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or "")))


def id_number_check_character(first17):
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(raw):
    """Canonical 18-character identity number, or OrgError ``invalid_id_number``."""
    value = _squash(raw).upper()
    if not _ID_PATTERN.match(value):
        raise OrgError(
            "invalid_id_number",
            _(
                "The identity number must have 18 characters: "
                "17 digits, then a digit or X."
            ),
        )
    if id_number_check_character(value[:17]) != value[17]:
        raise OrgError(
            "invalid_id_number",
            _("The identity number's last character does not match; please check it."),
        )
    return value


def normalise_phone(raw):
    """Canonical 11-digit mainland mobile number, or OrgError ``invalid_phone``."""
    value = _squash(raw)
    value = re.sub(r"^(\+86|0086|86)(?=1\d{10}$)", "", value)
    if not _PHONE_PATTERN.match(value):
        raise OrgError(
            "invalid_phone",
            _("The phone number must be an 11-digit mobile number starting with 1."),
        )
    return value


def identity_hash(kind, value):
    """Keyed hash (HMAC-SHA256) of a normalised number; ``kind`` keeps ID and phone
    hashes apart."""
    message = f"{kind}:{value}".encode()
    key = settings.IDENTITY_HASH_KEY.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def mask_id_number(value):
    return f"{value[:3]}{'*' * 11}{value[-4:]}"


def mask_phone(value):
    return f"{value[:3]}****{value[-4:]}"


def id_number_fields(raw):
    value = normalise_id_number(raw)
    return {
        "id_number_hash": identity_hash("id", value),
        "id_number_masked": mask_id_number(value),
    }


def phone_fields(raw):
    value = normalise_phone(raw)
    return {
        "phone_hash": identity_hash("phone", value),
        "phone_masked": mask_phone(value),
    }


def find_person(*, id_number=None, phone=None):
    """The Person with this identity number, else with this phone, else None.

    Raises OrgError ``identity_conflict`` when the two numbers belong to two people.
    """
    by_id = by_phone = None
    if id_number:
        by_id = Person.objects.filter(
            id_number_hash=id_number_fields(id_number)["id_number_hash"]
        ).first()
    if phone:
        by_phone = Person.objects.filter(
            phone_hash=phone_fields(phone)["phone_hash"]
        ).first()
    if by_id and by_phone and by_id.pk != by_phone.pk:
        raise OrgError(
            "identity_conflict",
            _(
                "This identity number and this phone number belong to two different "
                "people on record; please check both."
            ),
        )
    return by_id or by_phone


def find_or_create_person(
    *, full_name, id_number=None, phone=None, unit=None, position="", county=None
):
    """Match a returning person by identity number or phone, or create one.

    A match keeps its stored name and fills in a number it did not have yet. At least
    one of the two numbers is required: without one, nobody can be recognised again.
    Returns ``(person, created)``. Raises OrgError (``invalid_id_number``,
    ``invalid_phone``, ``identity_missing``, ``identity_conflict``, ``name_missing``).
    """
    if not id_number and not phone:
        raise OrgError("identity_missing", IDENTITY_MISSING)
    full_name = (full_name or "").strip()
    if not full_name:
        raise OrgError("name_missing", _("Enter the person's name."))
    fields = {}
    if id_number:
        fields.update(id_number_fields(id_number))
    if phone:
        fields.update(phone_fields(phone))

    for _attempt in range(2):
        try:
            with transaction.atomic():
                person = find_person(id_number=id_number, phone=phone)
                if person is None:
                    person = Person.objects.create(
                        full_name=full_name,
                        unit=unit,
                        position=position,
                        county=county,
                        **fields,
                    )
                    return person, True
                missing = {k: v for k, v in fields.items() if not getattr(person, k)}
                if missing:
                    Person.objects.filter(pk=person.pk).update(**missing)
                    for key, value in missing.items():
                        setattr(person, key, value)
                return person, False
        except IntegrityError:
            # Someone registered the same number between our lookup and our insert:
            # look again, and the second pass finds their row.
            continue
    raise OrgError("identity_conflict", _("This person could not be saved; try again."))


def set_person_numbers(person, *, id_number=None, phone=None):
    """Replace a person's identity or phone number (keyed hash and mask only).

    Raises OrgError when the number is invalid or already belongs to someone else.
    """
    updates = {}
    if id_number:
        updates.update(id_number_fields(id_number))
    if phone:
        updates.update(phone_fields(phone))
    for field in ("id_number_hash", "phone_hash"):
        if field in updates and (
            Person.objects.filter(**{field: updates[field]})
            .exclude(pk=person.pk)
            .exists()
        ):
            raise OrgError(
                "number_taken",
                _("This number already belongs to another person on record."),
            )
    for key, value in updates.items():
        setattr(person, key, value)
    return person
