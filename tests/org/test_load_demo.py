"""Acceptance 4: load_demo twice leaves the same row counts."""

import io

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from org.models import Place

pytestmark = pytest.mark.django_db


def row_counts():
    return {
        model._meta.label: model._default_manager.count() for model in apps.get_models()
    }


def test_loading_the_demo_twice_changes_nothing(demo_data):
    first = row_counts()
    passwords = dict(get_user_model().objects.values_list("username", "password"))

    call_command("load_demo", stdout=io.StringIO())

    assert row_counts() == first
    assert (
        dict(get_user_model().objects.values_list("username", "password")) == passwords
    )


def test_the_demo_has_the_prefectures_real_places(demo_data):
    counties = set(Place.objects.counties().values_list("name", flat=True))

    assert counties == {"博乐市", "阿拉山口市", "精河县", "温泉县"}
    assert Place.objects.townships().count() == 30
    assert Place.objects.filter(kind=Place.Kind.PREFECTURE).count() == 1


def test_the_demo_prints_one_login_per_role(demo_data):
    for username in (
        "admin",
        "editor",
        "reviewer",
        "proctor",
        "organiser",
        "organiser_bole",
    ):
        assert f"  {username} " in demo_data
