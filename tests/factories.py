"""Factories holding defaults only; tests say what matters to them explicitly."""

import factory
from django.contrib.auth import get_user_model

from org import roles
from org.models import Person, Place, StaffScope, Unit
from org.services import id_number_check_character, id_number_fields, phone_fields


def valid_id_number(sequence, county_code="652701", birth="19800101"):
    first17 = f"{county_code}{birth}{sequence % 1000:03d}"
    return first17 + id_number_check_character(first17)


class PrefectureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("name",)

    name = "博尔塔拉蒙古自治州"
    kind = Place.Kind.PREFECTURE


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place
        django_get_or_create = ("parent", "name")

    name = factory.Sequence(lambda n: f"测试县{n}")
    kind = Place.Kind.COUNTY
    parent = factory.SubFactory(PrefectureFactory)


class TownshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"测试镇{n}")
    kind = Place.Kind.TOWNSHIP
    parent = factory.SubFactory(CountyFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Unit.Kind.PREFECTURE_DEPARTMENT
    place = factory.SubFactory(PrefectureFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person with an identity number (kept as hash and mask, as the service does)."""

    class Meta:
        model = Person
        exclude = ("id_number", "phone")

    full_name = factory.Sequence(lambda n: f"测试人{n}")
    id_number = factory.Sequence(valid_id_number)
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    id_number_hash = factory.LazyAttribute(
        lambda o: id_number_fields(o.id_number)["id_number_hash"]
    )
    id_number_masked = factory.LazyAttribute(
        lambda o: id_number_fields(o.id_number)["id_number_masked"]
    )
    phone_hash = factory.LazyAttribute(lambda o: phone_fields(o.phone)["phone_hash"])
    phone_masked = factory.LazyAttribute(
        lambda o: phone_fields(o.phone)["phone_masked"]
    )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.cn")
    password = factory.django.Password("pw-for-tests")


def staff_user(role_key, *, county=None, username=None):
    """A user holding one role, scoped to a county if given."""
    user = UserFactory(
        username=username or f"{role_key}-{county.pk if county else 'all'}"
    )
    user.groups.add(roles.role_group(role_key))
    if county is not None:
        StaffScope.objects.update_or_create(user=user, defaults={"county": county})
    return user
