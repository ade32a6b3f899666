"""Editors can open every page type, the partners and the site settings in the Wagtail admin, and copy a
page for translation."""

import pytest
from wagtail.models import Locale, Page

from cms.models import PartnerOrganisation
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(username="editor", is_superuser=True, is_staff=True))
    return client


def test_every_page_type_opens_in_the_editor(editor, site_pages):
    pages = Page.objects.descendant_of(site_pages, inclusive=True).specific()
    kinds = set()
    for page in pages:
        if type(page).__name__ in kinds:
            continue
        kinds.add(type(page).__name__)
        response = editor.get(f"/admin/pages/{page.pk}/edit/")
        assert response.status_code == 200, (type(page).__name__, response.status_code)
    assert kinds == {"HomePage", "NewsIndexPage", "NewsPage", "PolicyPage", "GuidePage", "FaqPage"}


def test_partners_and_settings_open_in_the_admin(editor, site_pages):
    partner = PartnerOrganisation.objects.first()
    assert editor.get(f"/admin/snippets/cms/partnerorganisation/edit/{partner.pk}/").status_code == 200
    response = editor.get("/admin/settings/cms/sitesettings/")
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert editor.get(response["Location"]).status_code == 200


def test_an_editor_copies_a_page_for_translation(editor, site_pages):
    faq = site_pages.get_children().get(slug="faq")
    english = Locale.objects.get(language_code="en")
    response = editor.post(f"/admin/translation/submit/page/{faq.pk}/", {"locales": [english.pk]})
    assert response.status_code == 302
    translated = faq.get_translation(english)
    assert translated.slug == "faq" and not translated.live  # a draft for the editor to rewrite
