"""Snippets: the partner organisations shown on the home page."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index
from wagtail.snippets.models import register_snippet


class PartnerOrganisation(index.Indexed, models.Model):
    """A bank, insurer, fund or public body taking part in the programme."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government department")
        BANK = "bank", _("Bank")
        INSURER = "insurer", _("Insurer")
        RISK_FUND = "risk_fund", _("Risk-compensation fund")
        SERVICE = "service", _("IP service firm")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo"),
    )
    url = models.URLField(_("website"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("kind"),
        FieldPanel("logo"),
        FieldPanel("url"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("name_en"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name


register_snippet(PartnerOrganisation)
