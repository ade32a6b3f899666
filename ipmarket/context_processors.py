from django.utils.translation import gettext as _


def site(request):
    """Values every page template uses."""
    return {"SITE_NAME": _("IP Services and Pledge Financing Platform")}
