"""A programme's rules, with the programme's live settings next to the text."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from cms.blocks import body_blocks

from .base import PageSummaryMixin, SitePage


class PolicyPage(PageSummaryMixin, SitePage):
    programme = models.ForeignKey(
        "financing.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("programme"),
        help_text=_("Its current settings (limits, rates, loss shares, pool) are shown with the text."),
    )
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    body = StreamField(body_blocks(), verbose_name=_("body"), blank=True)

    content_panels = SitePage.content_panels + [
        FieldPanel("programme"),
        FieldPanel("issued_by"),
        FieldPanel("document_number"),
        FieldPanel("effective_from"),
        FieldPanel("summary"),
        FieldPanel("body"),
    ]
    search_fields = SitePage.search_fields + [index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def get_context(self, request, *args, **kwargs):
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["programme_terms"] = selectors.programme_terms(self.programme_id, request.user)
        return context
