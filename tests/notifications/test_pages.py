"""The inbox: the list (newest first, unread marked), the unread count in the header, opening one (marks
it read, goes to its object), mark all read, someone else's notification is a 404, email preferences."""

import pytest
from django.utils import timezone

from ipmarket.notifications.models import Kind, Notification, NotificationPreference
from tests.accounts.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(db):
    return member_of(OrganisationFactory(kind="enterprise"), username="reader")


def note(user, n, **fields):
    fields.setdefault("kind", Kind.ANNUAL_FEE_DUE)
    fields.setdefault(
        "params", {"patent": n, "number": f"20191000000{n}.X", "title": f"专利{n}", "due_date": "2026-12-01"}
    )
    fields.setdefault("link", f"/ip/patents/{n}/")
    return Notification.objects.create(recipient=user, key=f"test:{n}", **fields)


def test_the_inbox_needs_a_sign_in(client):
    for url in ["/inbox/", "/inbox/preferences/", "/inbox/1/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.post("/inbox/read-all/").status_code == 302


def test_the_list_is_newest_first_with_unread_marked_and_the_count_in_the_header(client, person):
    old = note(person, 1, read_at=timezone.now())
    note(person, 2)
    new = note(person, 3)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=2))
    note(member_of(OrganisationFactory()), 4)  # someone else's
    client.force_login(person)

    html = client.get("/inbox/").content.decode()

    assert html.index("专利3") < html.index("专利2") < html.index("专利1")
    assert "专利4" not in html
    assert html.count('class="badge badge-bad">未读</span>') == 2  # the two unread ones are marked
    assert 'href="/inbox/"' in html and "消息 (<strong>2</strong>" in html  # the header's count
    assert f'href="/inbox/{new.pk}/"' in html
    assert "年费" in html  # the Chinese text of the reminder


def test_the_header_count_shows_on_other_pages_only_for_signed_in_people(client, person):
    note(person, 1)
    assert "消息 (" not in client.get("/market/").content.decode()
    client.force_login(person)
    assert "消息 (<strong>1</strong>" in client.get("/market/").content.decode()


def test_the_inbox_reads_in_english_after_the_switch(client, person):
    note(person, 1)
    client.force_login(person)
    client.post("/i18n/setlang/", {"language": "en", "next": "/inbox/"})
    html = client.get("/inbox/").content.decode()
    assert "Annual fee due on 2026-12-01: patent 201910000001.X" in html
    assert "Inbox (<strong>1</strong>" in html


def test_opening_a_notification_marks_it_read_and_goes_to_its_object(client, person):
    n = note(person, 7)
    client.force_login(person)
    response = client.get(f"/inbox/{n.pk}/")
    assert response.status_code == 302 and response["Location"] == "/ip/patents/7/"
    assert Notification.objects.get(pk=n.pk).read_at is not None
    assert "消息 (" not in client.get("/inbox/").content.decode()  # nothing unread: no count


def test_someone_elses_notification_is_not_found(client, person):
    other = note(member_of(OrganisationFactory()), 1)
    client.force_login(person)
    assert client.get(f"/inbox/{other.pk}/").status_code == 404
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_an_unsafe_link_is_not_followed(client, person):
    n = note(person, 1, link="https://evil.example/")
    client.force_login(person)
    assert client.get(f"/inbox/{n.pk}/")["Location"] == "/inbox/"


def test_mark_all_read_is_a_post_and_touches_only_ones_own(client, person):
    for i in range(3):
        note(person, i)
    other = note(member_of(OrganisationFactory()), 9)
    client.force_login(person)
    assert client.get("/inbox/read-all/").status_code == 405
    response = client.post("/inbox/read-all/", follow=True)
    assert "3" in response.content.decode()
    assert not Notification.objects.filter(recipient=person, read_at=None).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None


def test_the_inbox_pages_through_many(client, person, django_assert_max_num_queries):
    for i in range(45):
        note(person, i)
    client.force_login(person)
    with django_assert_max_num_queries(12):
        page = client.get("/inbox/")
    assert page.content.decode().count('href="/inbox/') >= 20
    assert 'rel="next" href="?page=2"' in page.content.decode()
    assert client.get("/inbox/?page=3").content.decode().count('<li class="card') == 5


def test_preferences_are_saved_and_shown(client, person):
    client.force_login(person)
    form = client.get("/inbox/preferences/").content.decode()
    assert "<fieldset" in form and "<legend>" in form
    assert form.count("checked") == len(Kind.values)  # every email on by default
    assert 'for="id_email_kinds_0"' in form

    wanted = [Kind.INQUIRY_RECEIVED, Kind.OVERDUE]
    response = client.post("/inbox/preferences/", {"email_kinds": wanted})
    assert response.status_code == 302

    prefs = dict(NotificationPreference.objects.filter(user=person).values_list("kind", "email"))
    assert prefs == {kind: kind in wanted for kind in Kind.values}
    assert client.get("/inbox/preferences/").content.decode().count("checked") == 2

    assert client.post("/inbox/preferences/", {"email_kinds": []}).status_code == 302
    assert not NotificationPreference.objects.filter(user=person, email=True).exists()


def test_an_unknown_kind_is_a_400_not_a_500(client, person):
    client.force_login(person)
    response = client.post("/inbox/preferences/", {"email_kinds": ["bogus"]})
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_opting_out_cancels_emails_not_yet_sent(person):
    from ipmarket.notifications.services import preferences_update

    pending = note(person, 1)
    assert pending.email == Notification.Email.PENDING
    preferences_update(by=person, email_kinds=[])
    assert Notification.objects.get(pk=pending.pk).email == Notification.Email.OFF


def test_the_wagtail_admin_lists_notifications_read_only(client, person):
    from tests.accounts.factories import UserFactory

    note(person, 1)
    admin = UserFactory(username="site_admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get("/admin/snippets/notifications/notification/")
    assert listing.status_code == 200
    assert "test:1" in listing.content.decode()
    assert client.get("/admin/snippets/notifications/notification/add/").status_code in (302, 403)
