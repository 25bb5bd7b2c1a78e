from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Timestamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PlaceQuerySet(models.QuerySet):
    def counties(self):
        return self.filter(kind=Place.Kind.COUNTY)

    def townships(self):
        return self.filter(kind=Place.Kind.TOWNSHIP)


class Place(Timestamped):
    """The prefecture, its counties/cities (县市) and their townships (乡镇/街道)."""

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("Prefecture")
        COUNTY = "county", _("County or county-level city")
        TOWNSHIP = "township", _("Township or sub-district")

    # Which kind of place each kind's parent must be.
    PARENT_KIND = {
        Kind.PREFECTURE: None,
        Kind.COUNTY: Kind.PREFECTURE,
        Kind.TOWNSHIP: Kind.COUNTY,
    }

    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division code, where known."),
    )
    is_demo_name = models.BooleanField(
        _("demo name"),
        default=False,
        help_text=_("Set when the name is a placeholder rather than a verified name."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    objects = PlaceQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="org_place_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="org_place_unique_top_level_name",
            ),
            models.CheckConstraint(
                condition=(Q(kind="prefecture") & Q(parent__isnull=True))
                | (~Q(kind="prefecture") & Q(parent__isnull=False)),
                name="org_place_only_prefecture_is_top_level",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        expected = self.PARENT_KIND.get(self.kind)
        if expected is None and self.parent_id:
            raise ValidationError(
                {"parent": _("A prefecture is not part of any place.")}
            )
        if expected is not None and (not self.parent or self.parent.kind != expected):
            raise ValidationError(
                {
                    "parent": _("A %(kind)s must be part of a %(parent_kind)s.")
                    % {
                        "kind": self.get_kind_display(),
                        "parent_kind": self.Kind(expected).label,
                    }
                }
            )

    @property
    def county(self):
        """The county this place lies in: itself for a county, None at the top."""
        if self.kind == self.Kind.COUNTY:
            return self
        if self.kind == self.Kind.TOWNSHIP:
            return self.parent
        return None


class Unit(Timestamped):
    """A department or other organisation (e.g. the 45 co-producing units)."""

    class Kind(models.TextChoices):
        PREFECTURE_DEPARTMENT = "prefecture_department", _("Prefecture department")
        COUNTY_DEPARTMENT = "county_department", _("County department")
        JUDICIAL = "judicial", _("Court or procuratorate")
        TOWNSHIP_OFFICE = "township_office", _("Township office")
        PUBLIC_INSTITUTION = "public_institution", _("Public institution")
        ENTERPRISE = "enterprise", _("Enterprise")
        SOCIAL_ORGANISATION = "social_organisation", _("Social organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=128, unique=True)
    short_name = models.CharField(_("short name"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.PROTECT,
        related_name="units",
        help_text=_("The prefecture for prefecture-level units, else the county."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.short_name or self.name

    @property
    def county(self):
        return self.place.county


class Person(Timestamped):
    """One human the platform meets: a candidate, an attendee, a player.

    Identity and phone numbers are kept only as keyed hashes (for matching a returning
    person) and a masked form (for display); the raw numbers are never stored. Use
    ``org.services.find_or_create_person`` to create or match people.
    """

    full_name = models.CharField(_("full name"), max_length=64)
    id_number_hash = models.CharField(
        _("identity number hash"), max_length=64, blank=True, editable=False
    )
    id_number_masked = models.CharField(
        _("identity number"), max_length=24, blank=True, editable=False
    )
    phone_hash = models.CharField(
        _("phone hash"), max_length=64, blank=True, editable=False
    )
    phone_masked = models.CharField(
        _("phone"), max_length=16, blank=True, editable=False
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    position = models.CharField(_("position"), max_length=64, blank=True)
    county = models.ForeignKey(
        Place,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        limit_choices_to={"kind": Place.Kind.COUNTY},
        help_text=_("Leave empty for prefecture-level people."),
    )

    # County organisers see only people of their county (org.viewsets).
    county_scope_field = "county"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                condition=~Q(id_number_hash=""),
                name="org_person_unique_id_number",
            ),
            models.UniqueConstraint(
                fields=["phone_hash"],
                condition=~Q(phone_hash=""),
                name="org_person_unique_phone",
            ),
        ]

    def __str__(self):
        return self.full_name


class Role(models.Model):
    """Ties a role pufa knows (editor, reviewer, …) to the Wagtail group that holds it.

    The link survives an administrator renaming the group.
    """

    class Key(models.TextChoices):
        EDITOR = "editor", _("Editor")
        REVIEWER = "reviewer", _("Reviewer")
        PROCTOR = "proctor", _("Proctor")
        ORGANISER = "organiser", _("Organiser")
        ADMINISTRATOR = "administrator", _("Administrator")

    key = models.CharField(_("role"), max_length=32, choices=Key.choices, unique=True)
    group = models.OneToOneField(
        "auth.Group",
        verbose_name=_("group"),
        on_delete=models.CASCADE,
        related_name="pufa_role",
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return self.get_key_display()


class StaffScope(Timestamped):
    """Which part of the prefecture a staff member works on.

    No scope, or a scope without a county, means the whole prefecture. A county
    organiser sees and edits only that county's people and records.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_scope",
    )
    county = models.ForeignKey(
        Place,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_scopes",
        limit_choices_to={"kind": Place.Kind.COUNTY},
        help_text=_("Leave empty for the whole prefecture."),
    )

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")

    def __str__(self):
        return f"{self.user} · {self.county or _('whole prefecture')}"
