"""The page types of the public site, split by purpose; snippets and site settings."""

from .base import SitePage
from .faq import FaqPage
from .guide import GuidePage
from .home import HomePage
from .news import NewsIndexPage, NewsPage, NewsPageTag
from .policy import PolicyPage
from .settings import SiteSettings
from .snippets import PartnerOrganisation

__all__ = [
    "FaqPage",
    "GuidePage",
    "HomePage",
    "NewsIndexPage",
    "NewsPage",
    "NewsPageTag",
    "PartnerOrganisation",
    "PolicyPage",
    "SitePage",
    "SiteSettings",
]
