"""Keep the cached header/footer chrome (cms/chrome.py) and the cached pages (ipmarket/core/pagecache.py) in
step with the pages, the partners and the site settings."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from ipmarket.core import pagecache

from . import chrome


def _refresh_after_commit(**kwargs):
    transaction.on_commit(chrome.refresh)
    # Every cached page shows the menu and the footer; the home page also the news, guides and its intro.
    # Registered after the chrome's refresh: on commit, the pages are dropped once the new chrome is in.
    pagecache.invalidate(pagecache.SITE)


def connect():
    from wagtail.models import Page

    from .models import PartnerOrganisation, SiteSettings

    page_published.connect(_refresh_after_commit, dispatch_uid="cms-chrome-published")
    page_unpublished.connect(_refresh_after_commit, dispatch_uid="cms-chrome-unpublished")
    post_page_move.connect(_refresh_after_commit, dispatch_uid="cms-chrome-moved")
    post_delete.connect(_refresh_after_commit, sender=Page, dispatch_uid="cms-chrome-deleted")
    post_save.connect(_refresh_after_commit, sender=SiteSettings, dispatch_uid="cms-chrome-settings")
    pagecache.watch(pagecache.SITE, PartnerOrganisation)  # the home page's partners
