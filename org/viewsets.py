"""Admin views that show a county-scoped staff member only their county's rows.

Every view that loads one object refuses (404) an object outside the user's scope,
and the listing and bulk actions see only rows inside it. The jobs' own county-scoped
models (events, for instance) reuse ``CountyScopedSnippetViewSet``.
"""

from django.http import Http404
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from org.scoping import scope_for


class CountyScopedPermissionPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed to the user's county for each instance."""

    def __init__(self, model, county_field="county", **kwargs):
        super().__init__(model, **kwargs)
        self.county_field = county_field

    def _in_scope(self, user, instance):
        return scope_for(user).allows(getattr(instance, f"{self.county_field}_id"))

    def user_has_permission_for_instance(self, user, action, instance):
        return super().user_has_permission_for_instance(
            user, action, instance
        ) and self._in_scope(user, instance)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return super().user_has_any_permission_for_instance(
            user, actions, instance
        ) and self._in_scope(user, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        return scope_for(user).filter(instances, self.county_field)


class CountyScopedObjectMixin:
    """Refuse, as if missing, any object outside the requesting user's county."""

    def get_object(self, *args, **kwargs):
        obj = super().get_object(*args, **kwargs)
        county_field = self.model.county_scope_field
        if not scope_for(self.request.user).allows(getattr(obj, f"{county_field}_id")):
            raise Http404
        return obj


class ScopedEditView(CountyScopedObjectMixin, snippet_views.EditView):
    pass


class ScopedDeleteView(CountyScopedObjectMixin, snippet_views.DeleteView):
    pass


class ScopedInspectView(CountyScopedObjectMixin, snippet_views.InspectView):
    pass


class ScopedHistoryView(CountyScopedObjectMixin, snippet_views.HistoryView):
    pass


class ScopedUsageView(CountyScopedObjectMixin, snippet_views.UsageView):
    pass


class CountyScopedSnippetViewSet(SnippetViewSet):
    """A snippet viewset for a model with a ``county_scope_field`` attribute."""

    copy_view_enabled = False
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView

    def get_queryset(self, request):
        queryset = self.model._default_manager.all()
        return scope_for(request.user).filter(queryset, self.model.county_scope_field)
