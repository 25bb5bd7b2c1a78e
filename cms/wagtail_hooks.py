from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from cms.models import Law, LawArticle, MustKnowList


class LawViewSet(SnippetViewSet):
    model = Law
    icon = "doc-full"
    menu_label = _("Laws")
    list_display = ["title", "short_name", "kind", "effective_date", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "short_name"]
    search_backend_name = None


class LawArticleViewSet(SnippetViewSet):
    model = LawArticle
    icon = "doc-full-inverse"
    menu_label = _("Law articles")
    list_display = ["__str__", "heading", "status"]
    list_filter = ["law", "status"]
    list_per_page = 50
    search_fields = ["text", "number_label"]
    search_backend_name = None


class MustKnowListViewSet(SnippetViewSet):
    model = MustKnowList
    icon = "list-ol"
    menu_label = _("Must-know lists")
    list_display = ["title", "year"]


class LawGroup(SnippetViewSetGroup):
    menu_label = _("Laws")
    menu_icon = "doc-full"
    menu_order = 300
    items = (LawViewSet, LawArticleViewSet, MustKnowListViewSet)


register_snippet(LawGroup)
