from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from events import admin_urls
from events.forms import EventForm
from events.models import Event, EventType, Target
from org.viewsets import CountyScopedPermissionPolicy, CountyScopedSnippetViewSet

register_permission_policy(Event, CountyScopedPermissionPolicy(Event))
register_permission_policy(Target, CountyScopedPermissionPolicy(Target))


class LedgerColumn(Column):
    """A link from the events list to an event's ledger (figures, QR, history)."""

    def get_value(self, instance):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("events_admin:event_ledger", args=[instance.pk]),
            _("Ledger and QR"),
        )


class EventViewSet(CountyScopedSnippetViewSet):
    model = Event
    icon = "date"
    menu_label = _("Events")
    add_to_admin_menu = False
    list_display = [
        "title",
        Column("pk", label=_("No.")),
        "event_type",
        "starts_at",
        "county",
        "township",
        "platform",
        LedgerColumn("ledger", label=_("Ledger")),
    ]
    list_filter = ["event_type", "county", "platform", "unit"]
    search_fields = ["title", "venue"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-starts_at"]
    edit_handler = ObjectList(
        [
            FieldPanel("event_type"),
            FieldPanel("title"),
            FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
            FieldRowPanel([FieldPanel("county"), FieldPanel("township")]),
            FieldPanel("venue"),
            FieldPanel("unit"),
            FieldPanel("platform"),
            FieldRowPanel([FieldPanel("headcount"), FieldPanel("headcount_reason")]),
            FieldRowPanel(
                [FieldPanel("checkin_opens_at"), FieldPanel("checkin_closes_at")]
            ),
            FieldPanel("notes"),
            InlinePanel("photos", label=_("Photos")),
        ],
        base_form_class=EventForm,
    )


class EventTypeViewSet(SnippetViewSet):
    model = EventType
    icon = "tag"
    menu_label = _("Event types")
    add_to_admin_menu = False
    list_display = ["name", "key", "sort_order", "is_active"]
    panels = [
        FieldPanel("name"),
        FieldPanel("key"),
        FieldPanel("sort_order"),
        FieldPanel("is_active"),
    ]


class TargetViewSet(CountyScopedSnippetViewSet):
    model = Target
    icon = "pick"
    menu_label = _("Targets")
    add_to_admin_menu = False
    list_display = ["year", "county", "event_type", "metric", "value"]
    list_filter = ["year", "county", "metric"]
    panels = [
        FieldPanel("year"),
        FieldPanel("county"),
        FieldPanel("event_type"),
        FieldPanel("metric"),
        FieldPanel("value"),
    ]


register_snippet(EventViewSet)
register_snippet(EventTypeViewSet)
register_snippet(TargetViewSet)


@hooks.register("register_admin_urls")
def register_events_admin_urls():
    return [path("reach/", include((admin_urls.urlpatterns, "events_admin")))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


class LedgerSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm("events.view_event")


@hooks.register("register_admin_menu_item")
def register_ledger_menu():
    items = [
        PermissionMenuItem(
            _("Dashboard"),
            reverse("events_admin:dashboard"),
            icon_name="view",
            order=100,
            permission="events.view_event",
        ),
        PermissionMenuItem(
            _("Events"),
            reverse("wagtailsnippets_events_event:list"),
            icon_name="date",
            order=200,
            permission="events.view_event",
        ),
        PermissionMenuItem(
            _("Imports"),
            reverse("events_admin:imports"),
            icon_name="upload",
            order=300,
            permission="events.add_importbatch",
        ),
        PermissionMenuItem(
            _("Annual report"),
            reverse("events_admin:report"),
            icon_name="doc-full",
            order=400,
            permission="events.view_event",
        ),
        PermissionMenuItem(
            _("Targets"),
            reverse("wagtailsnippets_events_target:list"),
            icon_name="pick",
            order=500,
            permission="events.view_target",
        ),
        PermissionMenuItem(
            _("Event types"),
            reverse("wagtailsnippets_events_eventtype:list"),
            icon_name="tag",
            order=600,
            permission="events.change_eventtype",
        ),
    ]
    return LedgerSubmenu(
        _("Reach ledger"),
        Menu(items=items),
        icon_name="table",
        name="reach-ledger",
        order=400,
    )
