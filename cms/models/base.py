"""What every public page of pufa shares: share metadata and the anonymous cache."""

from django.utils.html import strip_tags
from django.utils.text import Truncator


class PublicPageMixin:
    """Mixed into the page models the public reads.

    ``serve`` marks the response as the same for every anonymous visitor, so the
    anonymous page cache (cms.middleware) may keep it; previews are never marked.
    """

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            response.pufa_public_cache = True
        return response

    # Share metadata for WeChat and other apps (og:, itemprop).
    def share_title(self):
        return self.seo_title or self.title

    def share_description(self):
        text = self.search_description or strip_tags(getattr(self, "summary", "") or "")
        return Truncator(text.strip()).chars(120)

    def share_image(self):
        return getattr(self, "cover_image", None)
