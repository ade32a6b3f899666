"""Wagtail's own search of CMS pages uses its database backend (docs/search.md says why)."""

import pytest
from django.conf import settings
from django.core.management import call_command
from wagtail.models import Page

from cms.models import HomePage
from cms.pages import ensure_home_page

pytestmark = pytest.mark.django_db


def test_the_backend_is_elasticsearch_with_its_own_prefix():
    backend = settings.WAGTAILSEARCH_BACKENDS["default"]
    assert backend["BACKEND"] == "wagtail.search.backends.elasticsearch7"
    assert backend["INDEX_PREFIX"] == f"{settings.ELASTICSEARCH_INDEX_PREFIX}-cms-"


def test_pages_are_found_by_their_words():
    home = ensure_home_page()
    HomePage.objects.filter(pk=home.pk).update(intro="<p>质押融资风险补偿资金池</p>")
    home.refresh_from_db()
    home.save_revision().publish()
    call_command("update_index", verbosity=0)
    found = Page.objects.live().search("风险补偿")
    assert home.pk in [p.pk for p in found]
    assert not list(Page.objects.live().search("不存在的词语组合"))
