"""The Wagtail admin of the registry: demands and batches read through the selectors (no enterprise's draft,
nothing for a bank), and no add, edit or delete."""

from django.contrib.auth.models import Permission

from tests.registry.factories import demand

DEMANDS, BATCHES = "/admin/snippets/registry/demand/", "/admin/snippets/registry/demandbatch/"


def with_admin(person):
    person.is_staff = True
    person.save()
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registry"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return person


def test_platform_staff_see_submitted_demands_but_no_draft(client, w):
    draft, submitted = demand(w), demand(w, "submitted")
    client.force_login(with_admin(w.platform))
    listing = client.get(DEMANDS).content.decode()
    assert f"inspect/{submitted.pk}/" in listing and f"inspect/{draft.pk}/" not in listing
    assert client.get(f"{DEMANDS}inspect/{submitted.pk}/").status_code == 200
    assert client.get(f"{DEMANDS}inspect/{draft.pk}/").status_code == 404
    assert client.get(f"{DEMANDS}add/").status_code in (302, 403)
    assert w.batch.name in client.get(BATCHES).content.decode()


def test_a_bank_with_admin_access_sees_no_batch_and_only_listed_demands(client, w):
    submitted, admitted = demand(w, "submitted"), demand(w, "admitted")
    client.force_login(with_admin(w.officer))
    listing = client.get(DEMANDS).content.decode()
    assert f"inspect/{admitted.pk}/" in listing and f"inspect/{submitted.pk}/" not in listing
    assert w.batch.name not in client.get(BATCHES).content.decode()
    assert client.get(f"{BATCHES}inspect/{w.batch.pk}/").status_code == 404
