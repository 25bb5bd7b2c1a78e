"""Admin forms of the publishing pages: the rules they apply live in services."""

from wagtail.admin.forms import WagtailAdminPageForm

from cms.errors import CmsError


class EpisodePageForm(WagtailAdminPageForm):
    """Refuses an episode number the column already has, naming the episode."""

    def clean(self):
        cleaned_data = super().clean()
        from cms.services.episodes import check_episode_number

        number = cleaned_data.get("number")
        column = self._column()
        if number and column is not None:
            try:
                check_episode_number(
                    column=column, number=number, exclude_page_id=self.instance.pk
                )
            except CmsError as error:
                self.add_error("number", error.message)
        return cleaned_data

    def _column(self):
        if self.instance.pk:
            return self.instance.get_parent()
        return getattr(self, "parent_page", None)
