"""Site settings edited in the admin (Settings → Site settings): contact details and the footer."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from ipmarket.core import limits


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    address_en = models.CharField(_("address in English"), max_length=300, blank=True)
    footer_text = models.TextField(_("footer text"), blank=True, **limits.text_limit(limits.FOOTER))
    footer_text_en = models.TextField(_("footer text in English"), blank=True, **limits.text_limit(limits.FOOTER))
    icp_number = models.CharField(
        _("ICP filing number"), max_length=100, blank=True, help_text=_("e.g. 蜀ICP备12345678号-1")
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("contact_phone"), FieldPanel("contact_email"), FieldPanel("address"), FieldPanel("address_en")],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [FieldPanel("footer_text"), FieldPanel("footer_text_en"), FieldPanel("icp_number")], heading=_("Footer")
        ),
    ]

    class Meta:
        verbose_name = _("site settings")

    def _localised(self, field: str) -> str:
        english = getattr(self, f"{field}_en")
        return english if get_language() == "en" and english else getattr(self, field)

    @property
    def address_label(self) -> str:
        return self._localised("address")

    @property
    def footer_label(self) -> str:
        return self._localised("footer_text")
