"""The Wagtail admin of pledge financing: the application screens show a person what the API shows them (no
other enterprise's draft), and the programme screens save through `programme_create`/`programme_update`."""

import json

import pytest
from django.contrib.auth.models import Permission
from djmoney.money import Money

from financing.models import Programme
from tests.accounts.factories import OrganisationFactory, member_of

pytestmark = pytest.mark.django_db
APPLICATIONS, PROGRAMMES = "/admin/snippets/financing/application/", "/admin/snippets/financing/programme/"


def admin_person(organisation, **kw):
    """A person of the organisation with the Wagtail admin and every financing permission (what the platform
    group gives): the screens must still show and do only what the services allow them."""
    person = member_of(organisation, role="admin", **kw)
    person.is_staff = True
    person.save()
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="financing"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return person


@pytest.fixture
def platform_admin(db):
    return admin_person(OrganisationFactory(kind="platform"))


def test_platform_staff_see_applications_past_submission_but_no_enterprises_draft(client, platform_admin, make_app):
    draft, submitted = make_app("draft"), make_app("submitted")
    client.force_login(platform_admin)
    listing = client.get(APPLICATIONS).content.decode()
    assert f"inspect/{submitted.pk}/" in listing and f"inspect/{draft.pk}/" not in listing
    assert client.get(f"{APPLICATIONS}inspect/{submitted.pk}/").status_code == 200
    assert client.get(f"{APPLICATIONS}inspect/{draft.pk}/").status_code == 404
    chooser = client.get("/admin/snippets/choose/financing/application/").content.decode()
    assert f"/chosen/{submitted.pk}/" in chooser and f"/chosen/{draft.pk}/" not in chooser
    assert client.get(f"/admin/snippets/choose/financing/application/chosen/{draft.pk}/").status_code == 404


def test_another_bank_with_admin_access_sees_none_of_these_applications(client, make_app):
    submitted = make_app("submitted")
    stranger = admin_person(OrganisationFactory(kind="bank"))
    client.force_login(stranger)
    assert f"inspect/{submitted.pk}/" not in client.get(APPLICATIONS).content.decode()
    assert client.get(f"{APPLICATIONS}inspect/{submitted.pk}/").status_code == 404


def programme_form(programme, **changes):
    form = {}
    for field in Programme._meta.concrete_fields:
        name = field.name
        if name in ("id", "created_at", "updated_at") or name.endswith("_currency"):
            continue
        value = getattr(programme, name)
        if isinstance(value, Money):
            form[f"{name}_0"], form[f"{name}_1"] = str(value.amount), value.currency.code
        elif name == "insurer_policy_limit":
            form[f"{name}_0"], form[f"{name}_1"] = "", "CNY"
        elif name == "eligible_cities":
            form[name] = json.dumps(value, ensure_ascii=False)
        elif name == "risk_fund":
            form[name] = programme.risk_fund_id
        elif name == "is_active":
            if value:
                form[name] = "on"
        else:
            form[name] = str(value)
    form.update(changes)
    return form


def test_the_programme_edit_screen_refuses_settings_outside_the_rules(client, platform_admin, programme):
    client.force_login(platform_admin)
    url = f"{PROGRAMMES}edit/{programme.pk}/"
    assert client.get(url).status_code == 200
    cases = [  # the admin speaks Chinese
        ({"fund_ratio": "0.5", "insurer_ratio": "0.4"}, "银行至少承担损失的 20%"),
        ({"pool_leverage": "0"}, "放大倍数须为正数。"),
        ({"insurer_policy_limit_0": "0"}, "请填写大于零的金额。"),
        ({"fund_cap_per_loan_0": "0"}, "请填写大于零的金额。"),
    ]
    for changes, error in cases:
        response = client.post(url, programme_form(programme, **changes))
        assert response.status_code == 200, changes  # the form again, with the error
        assert error in response.content.decode(), changes
    stored = Programme.objects.get(pk=programme.pk)
    assert (str(stored.fund_ratio), str(stored.pool_leverage), stored.insurer_policy_limit) == (
        "0.40000",
        "10.00",
        None,
    )
    response = client.post(url, programme_form(programme, pool_leverage="8", insurer_policy_limit_0="600000"))
    assert response.status_code == 302
    stored = Programme.objects.get(pk=programme.pk)
    assert str(stored.pool_leverage) == "8.00" and stored.insurer_policy_limit == Money("600000", "CNY")


def test_only_platform_people_change_a_programme_even_with_the_admin_permission(client, programme):
    fund_admin = admin_person(programme.risk_fund)  # the fund itself may not raise its own leverage
    client.force_login(fund_admin)
    response = client.post(f"{PROGRAMMES}edit/{programme.pk}/", programme_form(programme, pool_leverage="100"))
    assert response.status_code == 200
    assert "只有平台人员可以设立和修改项目。" in response.content.decode()
    assert str(Programme.objects.get(pk=programme.pk).pool_leverage) == "10.00"
