"""Keep the cached header/footer chrome (cms/chrome.py) in step with the pages and the site settings."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import chrome


def _refresh_after_commit(**kwargs):
    transaction.on_commit(chrome.refresh)


def connect():
    from wagtail.models import Page

    from .models import SiteSettings

    page_published.connect(_refresh_after_commit, dispatch_uid="cms-chrome-published")
    page_unpublished.connect(_refresh_after_commit, dispatch_uid="cms-chrome-unpublished")
    post_page_move.connect(_refresh_after_commit, dispatch_uid="cms-chrome-moved")
    post_delete.connect(_refresh_after_commit, sender=Page, dispatch_uid="cms-chrome-deleted")
    post_save.connect(_refresh_after_commit, sender=SiteSettings, dispatch_uid="cms-chrome-settings")
