from django.conf import settings
from django.utils import translation

from . import chrome


def site_chrome(request):
    """The CMS menu and contact details from the cache (no query; CMS pages put fresh ones in their context)."""
    return {"cms_chrome": chrome.cached(translation.get_language() or settings.LANGUAGE_CODE)}
