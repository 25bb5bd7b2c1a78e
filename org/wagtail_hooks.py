from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from org.forms import PersonForm
from org.models import Person, Place, StaffScope, Unit
from org.viewsets import CountyScopedPermissionPolicy, CountyScopedSnippetViewSet

register_permission_policy(Person, CountyScopedPermissionPolicy(Person))


class PlaceViewSet(SnippetViewSet):
    model = Place
    icon = "site"
    menu_label = _("Places")
    list_display = ["name", "kind", "parent", "code", "is_demo_name"]
    list_filter = ["kind", "parent", "is_demo_name"]
    search_fields = ["name"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldPanel("name"),
        FieldPanel("kind"),
        FieldPanel("parent"),
        FieldPanel("code"),
        FieldPanel("is_demo_name"),
        FieldPanel("sort_order"),
    ]


class UnitViewSet(SnippetViewSet):
    model = Unit
    icon = "group"
    menu_label = _("Units")
    list_display = ["name", "short_name", "kind", "place", "is_active"]
    list_filter = ["kind", "place", "is_active"]
    search_fields = ["name", "short_name"]
    search_backend_name = None
    list_per_page = 50
    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("kind"),
        FieldPanel("place"),
        FieldPanel("is_active"),
        FieldPanel("sort_order"),
    ]


class PersonViewSet(CountyScopedSnippetViewSet):
    model = Person
    icon = "user"
    menu_label = _("People")
    list_display = [
        "full_name",
        "unit",
        "position",
        "county",
        "phone_masked",
        "id_number_masked",
    ]
    list_filter = ["county", "unit"]
    search_fields = ["full_name", "position"]
    search_backend_name = None
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_fields = [
        "full_name",
        "unit",
        "position",
        "county",
        "phone_masked",
        "id_number_masked",
        "created_at",
        "updated_at",
    ]
    edit_handler = ObjectList(
        [
            FieldPanel("full_name"),
            FieldPanel("id_number"),
            FieldPanel("phone"),
            FieldPanel("unit"),
            FieldPanel("position"),
            FieldPanel("county"),
        ],
        base_form_class=PersonForm,
    )


class StaffScopeViewSet(SnippetViewSet):
    model = StaffScope
    icon = "lock"
    menu_label = _("Staff scopes")
    list_display = ["user", "county"]
    panels = [FieldPanel("user"), FieldPanel("county")]


class OrganisationGroup(SnippetViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "group"
    menu_order = 800
    items = (PlaceViewSet, UnitViewSet, PersonViewSet, StaffScopeViewSet)


register_snippet(OrganisationGroup)
