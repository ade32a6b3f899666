import pytest

pytestmark = pytest.mark.django_db


def test_sitemap_lists_the_pages_and_the_public_areas(client, site_pages):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    xml = response.content.decode()
    for path in (
        "/",
        "/news/",
        "/news/ziyang-ip-pledge-risk-compensation/",
        "/ziyang-ip-pledge/",
        "/pledge-financing-guide/",
        "/open-licensing-guide/",
        "/faq/",
        "/firms/",
        "/ip/",
        "/market/",
    ):
        assert f"{path}</loc>" in xml, path
    assert xml.count("/pledge-financing-guide/</loc>") == 1  # the English translation shares the URL
    assert "/financing/</loc>" not in xml


def test_sitemap_leaves_out_unpublished_pages(client, site_pages):
    site_pages.get_children().get(slug="faq").specific.unpublish()
    assert "/faq/</loc>" not in client.get("/sitemap.xml").content.decode()


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_private_areas(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "User-agent: *" in text and "Sitemap: http://testserver/sitemap.xml" in text
    for path in ("/admin/", "/accounts/", "/api/", "/financing/"):
        assert f"Disallow: {path}\n" in text
    assert client.post("/robots.txt").status_code == 405
