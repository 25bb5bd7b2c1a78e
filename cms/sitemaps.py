from django.contrib.sitemaps import Sitemap as DjangoSitemap
from wagtail.contrib.sitemaps import Sitemap as PageSitemap

from cms.models import Law


class LawSitemap(DjangoSitemap):
    changefreq = "monthly"

    def items(self):
        return Law.objects.order_by("pk")

    def lastmod(self, law):
        return law.updated_at


sitemaps = {"pages": PageSitemap, "laws": LawSitemap}
