"""The Wagtail admin of IP disputes: cases read through the selectors (everything for platform people, a
party's own cases only, nothing of others), and no add, edit or delete: cases change through the services."""

from django.contrib.auth.models import Permission

from tests.disputes.factories import dispute

CASES = "/admin/snippets/disputes/dispute/"


def with_admin(person):
    person.is_staff = True
    person.save()
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="disputes"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return person


def test_platform_staff_see_every_case_and_cannot_change_one(client, w):
    filed, mediating = dispute(w), dispute(w, "in_mediation")
    client.force_login(with_admin(w.platform))
    listing = client.get(CASES).content.decode()
    assert f"inspect/{filed.pk}/" in listing and f"inspect/{mediating.pk}/" in listing
    assert client.get(f"{CASES}inspect/{filed.pk}/").status_code == 200
    assert client.get(f"{CASES}add/").status_code in (302, 403)
    assert client.get(f"{CASES}edit/{filed.pk}/").status_code in (302, 403, 404)
    assert client.post(f"{CASES}delete/{filed.pk}/").status_code in (302, 403, 404)
    assert type(filed).objects.filter(pk=filed.pk).exists()


def test_the_respondent_sees_a_case_only_once_accepted_and_a_stranger_none(client, w):
    filed, mediating = dispute(w), dispute(w, "in_mediation")
    client.force_login(with_admin(w.respondent_person))
    listing = client.get(CASES).content.decode()
    assert f"inspect/{mediating.pk}/" in listing and f"inspect/{filed.pk}/" not in listing
    assert client.get(f"{CASES}inspect/{filed.pk}/").status_code == 404
    client.force_login(with_admin(w.stranger))
    assert client.get(f"{CASES}inspect/{mediating.pk}/").status_code == 404
