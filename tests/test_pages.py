"""Pages: Chinese first, the language switch, sign-in, 404/500, the firm directory. (Every demo person signs
in through the login page: tests/cms/test_seed_demo.py.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.pages import ensure_home_page
from search import indexes
from search.client import get_client
from tests.accounts.factories import OrganisationFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(db):
    return ensure_home_page()


@pytest.fixture
def rebuild():
    """Build the search indexes from the test's rows (call once they exist); dropped after the test."""
    yield lambda: [indexes.rebuild(kind) for kind in indexes.KINDS]
    for kind in indexes.KINDS:
        get_client().indices.delete(index=f"{indexes.alias(kind)}-*", ignore_unavailable=True)


def test_home_is_chinese_by_default_even_for_an_english_browser(client, home):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "机构名录" in html and "质押融资" in html
    for href in ('href="/firms/"', 'href="/ip/"', 'href="/market/"', 'href="/financing/"'):
        assert href in html


def test_language_switch_turns_pages_english_and_back(client, home):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/firms/"})
    assert response.status_code == 302 and response["Location"] == "/firms/"
    html = client.get("/firms/").content.decode()
    assert '<html lang="en">' in html and "Firms and agencies" in html
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "机构" in client.get("/firms/").content.decode()


def test_wrong_password_shows_an_error_and_keeps_the_username(client, home):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and 'value="nobody"' in html


def test_friendly_404(client, home, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html and 'href="/firms/"' in html


def test_500_page_renders_without_the_database(rf):
    from ipmarket.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()


def test_area_pages_render(client, home):
    for path in ("/ip/", "/market/"):
        assert client.get(path).status_code == 200
    # the financing workspace is personal: sign in first
    response = client.get("/financing/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/financing/")


def test_firm_directory_filters_and_detail(client, rebuild):
    bank = OrganisationFactory(kind="bank", city="成都", name="成都测试银行")
    OrganisationFactory(kind="enterprise", city="成都", name="成都测试企业")
    hidden = OrganisationFactory(kind="bank", city="成都", name="隐藏银行", is_active=False)
    rebuild()
    html = client.get("/firms/", {"kind": "bank", "city": "成都"}).content.decode()
    assert "成都测试银行" in html and "成都测试企业" not in html and "隐藏银行" not in html
    assert client.get(f"/firms/{bank.pk}/").status_code == 200
    assert client.get(f"/firms/{hidden.pk}/").status_code == 404
    empty = client.get("/firms/", {"q": "不存在的名字"}).content.decode()
    assert "没有" in empty


def test_firm_directory_queries_are_constant(client, rebuild):
    service = ServiceFactory(code="legal_counsel")
    for org in OrganisationFactory.create_batch(45):
        org.services.add(service)
    rebuild()
    counts = []
    for page in ("1", "3"):  # 20 firms, then 5
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/firms/", {"page": page})
        assert response.status_code == 200 and response.content.decode().count('class="card firm-card"') == (
            20 if page == "1" else 5
        )
        counts.append(len(ctx))
    assert counts[0] == counts[1]
