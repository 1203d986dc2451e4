"""The legal pages (legal notice, terms of use, privacy), written by the platform's administrators.

Their text is Markdown, rendered and sanitised like every other text of the site. Default texts
are created by a data migration (see defaults.py) with placeholders the operator must fill in.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from creative.core.markdown import render_markdown

# Every placeholder of the default texts starts with this: "[à compléter : nom de l'association]".
PLACEHOLDER_MARK = "[à compléter"


class LegalPage(models.Model):
    """One legal page, at /<slug>/ (the slugs are fixed: see urls.py)."""

    slug = models.SlugField(_("adresse"), max_length=60, unique=True)
    title = models.CharField(_("titre"), max_length=200)
    body = models.TextField(
        _("texte"), help_text=_("Markdown. Remplacez chaque « [à compléter …] » par l'information demandée."),
    )
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("mise à jour par"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("page légale")
        verbose_name_plural = _("pages légales")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("legal:page", args=[self.slug])

    @property
    def body_html(self):
        return render_markdown(self.body)

    @property
    def needs_completion(self):
        """The text still holds a placeholder of the default texts."""
        return PLACEHOLDER_MARK in self.body
