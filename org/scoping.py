"""Which counties a staff member may see: the whole prefecture, or one county."""

from dataclasses import dataclass

from django.db.models import Q


@dataclass(frozen=True)
class Scope:
    county_id: int | None  # None: the whole prefecture

    @property
    def is_whole_prefecture(self):
        return self.county_id is None

    def filter(self, queryset, county_field="county"):
        """Rows of the queryset inside this scope (by the county foreign key)."""
        if self.is_whole_prefecture:
            return queryset
        return queryset.filter(Q(**{f"{county_field}_id": self.county_id}))

    def allows(self, county_id):
        return self.is_whole_prefecture or county_id == self.county_id


WHOLE_PREFECTURE = Scope(county_id=None)


def scope_for(user):
    """The scope of a user: a StaffScope with a county limits them to it."""
    if not user.is_authenticated:
        return Scope(county_id=-1)  # sees nothing
    if user.is_superuser:
        return WHOLE_PREFECTURE
    cached = getattr(user, "_pufa_scope", None)
    if cached is None:
        from org.models import StaffScope

        county_id = (
            StaffScope.objects.filter(user=user)
            .values_list("county_id", flat=True)
            .first()
        )
        cached = Scope(county_id=county_id)
        user._pufa_scope = cached
    return cached
