"""Plays of episodes: one row per playback, anonymous, read by the reach ledger."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class EpisodePlay(models.Model):
    """A listener pressed play. No person, address or device is stored.

    Append-only: the daily figures are counted from these rows. ``nonce`` is made by
    the player once per page view, so a retried request counts once.
    """

    episode = models.ForeignKey(
        "cms.EpisodePage",
        verbose_name=_("episode"),
        # The figures outlive a deleted episode; its label stays on the row.
        on_delete=models.SET_NULL,
        null=True,
        related_name="plays",
    )
    episode_label = models.CharField(_("episode"), max_length=255)
    day = models.DateField(_("day (China Standard Time)"))
    played_at = models.DateTimeField(_("played at"))
    nonce = models.UUIDField(_("nonce"), default=uuid.uuid4, unique=True)

    class Meta:
        verbose_name = _("episode play")
        verbose_name_plural = _("episode plays")
        indexes = [models.Index(fields=["day", "episode"], name="cms_play_day_episode")]

    def __str__(self):
        return f"{self.episode_label} · {self.day}"
