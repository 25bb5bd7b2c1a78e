"""The place tree: prefecture → county → township, and nothing else."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from org.models import Place
from tests.factories import CountyFactory, PrefectureFactory, TownshipFactory


@pytest.mark.django_db
def test_a_township_must_sit_in_a_county():
    prefecture = PrefectureFactory()
    township = Place(name="错位镇", kind=Place.Kind.TOWNSHIP, parent=prefecture)

    with pytest.raises(ValidationError) as error:
        township.full_clean()

    assert "parent" in error.value.message_dict


@pytest.mark.django_db
def test_only_a_prefecture_may_stand_alone():
    with pytest.raises(IntegrityError):
        Place.objects.create(name="孤县", kind=Place.Kind.COUNTY, parent=None)


@pytest.mark.django_db
def test_names_are_unique_within_a_parent_but_not_across():
    county_a, county_b = CountyFactory(), CountyFactory()
    TownshipFactory(name="团结乡", parent=county_a)
    TownshipFactory(name="团结乡", parent=county_b)

    with pytest.raises(IntegrityError):
        TownshipFactory(name="团结乡", parent=county_a)


@pytest.mark.django_db
def test_every_place_knows_its_county():
    township = TownshipFactory()

    assert township.county == township.parent
    assert township.parent.county == township.parent
    assert township.parent.parent.county is None
