"""Two languages on the same URLs: the switch leads to a CMS page's translation, keeps a non-CMS page,
and a page not yet translated is still reachable in English."""

import pytest
from django.conf import settings
from wagtail.models import Locale

from cms.models import GuidePage, HomePage

pytestmark = pytest.mark.django_db


def switch_next(html):
    return html.split('name="next" value="')[1].split('"')[0]


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_locales_and_translations_are_seeded(site_pages):
    assert set(Locale.objects.values_list("language_code", flat=True)) == {"zh-hans", "en"}
    assert Locale.get_default().language_code == "zh-hans"
    home_en = site_pages.get_translation(Locale.objects.get(language_code="en"))
    assert home_en.live and home_en.title == "Home"
    guides = GuidePage.objects.filter(locale__language_code="en").live()
    assert sorted(g.title for g in guides) == ["Guide to IP pledge financing", "Guide to open licensing of patents"]
    assert HomePage.objects.count() == 2


def test_switch_on_a_guide_leads_to_its_english_translation_and_back(client, site_pages):
    html = client.get("/pledge-financing-guide/").content.decode()
    assert "知识产权质押融资指南" in html and switch_next(html) == "/pledge-financing-guide/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": switch_next(html)})
    assert response.status_code == 302 and response["Location"] == "/pledge-financing-guide/"
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="en">' in html and "<h1>Guide to IP pledge financing</h1>" in html
    assert "<title>Guide to IP pledge financing ·" in html
    assert "本页尚未翻译" not in html and "This page has not been translated" not in html
    response = client.post("/i18n/setlang/", {"language": "zh-hans", "next": switch_next(html)})
    html = client.get(response["Location"]).content.decode()
    assert '<html lang="zh-hans">' in html and "<h1>知识产权质押融资指南</h1>" in html


def test_english_home_is_the_translated_home(client, site_pages):
    english(client)
    html = client.get("/").content.decode()
    assert "Ziyang&#x27;s platform for intellectual property" in html or "Ziyang's platform" in html
    assert "Guide to open licensing of patents" in html  # the English guides on the English home
    assert "知识产权运营与质押融资服务平台上线试运行" in html  # news not translated yet: the Chinese articles
    assert switch_next(html) == "/"


def test_a_page_without_translation_switches_to_the_other_home_and_stays_reachable(client, site_pages):
    html = client.get("/news/ziyang-ip-pledge-risk-compensation/").content.decode()
    assert switch_next(html) == "/"  # no English translation: the English home
    english(client)
    response = client.get("/news/ziyang-ip-pledge-risk-compensation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html and 'lang="zh-hans"' in html
    assert "This page has not been translated yet" in html and "银行贷款+保险+财政风险补偿" in html
    assert client.get("/news/no-such-article/").status_code == 404


def test_switch_on_a_non_cms_page_keeps_the_page(client, site_pages):
    html = client.get("/market/").content.decode()
    assert switch_next(html) == "/market/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": switch_next(html)})
    assert response["Location"] == "/market/"
    html = client.get("/market/").content.decode()
    assert '<html lang="en">' in html and switch_next(html) == "/market/"
    assert switch_next(client.get("/market/?deal_type=open_license").content.decode()) == (
        "/market/?deal_type=open_license"
    )
