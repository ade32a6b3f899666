"""Changing a draft or a returned application from its page: only the borrower, only while editable;
the borrower and the programme stay; refusals come back in the form with 400; a returned application
can be changed and submitted again."""

from decimal import Decimal

import pytest
from django.conf import settings

from financing import services
from tests.assets.factories import PatentFactory

from .conftest import fresh

pytestmark = pytest.mark.django_db


def edit_url(app) -> str:
    return f"/financing/applications/{app.pk}/edit/"


def form_data(app, **changes) -> dict:
    data = {
        "applicant": app.applicant_id,
        "programme": app.programme_id,
        "assets": [f"patent:{item.patent_id}" for item in app.assets.all()],
        "principal": "3000000",
        "annual_rate": "4.5",
        "term_months": "12",
        "method": "equal_principal",
        "purpose": "",
        "lender": app.lender_id,
        "insurer": app.insurer_id,
        "appraiser": app.appraiser_id,
    }
    data.update(changes)
    return data


@pytest.fixture
def en(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_borrower_changes_a_draft(en, parties, make_app):
    app = make_app()
    second = PatentFactory(owner=parties.borrower)
    en.force_login(parties.owner)
    page = en.get(f"/financing/applications/{app.pk}/").content.decode()
    assert f'href="{edit_url(app)}"' in page

    form = en.get(edit_url(app)).content.decode()
    assert "Change the application" in form
    assert 'name="principal" value="3000000.00"' in form and 'name="annual_rate" value="4.5"' in form
    assert f'value="patent:{second.pk}"' in form  # the borrower's other pledgeable patents are offered

    data = form_data(app, principal="2500000", annual_rate="4.2", term_months="10", purpose="采购设备")
    data["assets"] = data["assets"] + [f"patent:{second.pk}"]
    response = en.post(edit_url(app), data)
    assert response.status_code == 302 and response["Location"] == f"/financing/applications/{app.pk}/"
    app = fresh(app)
    assert (app.principal.amount, app.annual_rate, app.term_months, app.purpose) == (
        Decimal("2500000.00"),
        Decimal("0.042"),
        10,
        "采购设备",
    )
    assert {item.patent_id for item in app.assets.all()} == {second.pk} | {
        int(key.split(":")[1]) for key in form_data(app)["assets"]
    }
    assert app.events.filter(action="edit").count() == 1


def test_the_programme_and_borrower_cannot_be_switched(en, parties, make_app, programme):
    app = make_app()
    other = type(programme).objects.create(slug="other", name="另一个项目", risk_fund=parties.fund)
    en.force_login(parties.owner)
    response = en.post(edit_url(app), form_data(app, programme=other.pk, principal="2000000"))
    assert response.status_code == 302
    app = fresh(app)
    assert app.programme_id == programme.pk and app.principal.amount == Decimal("2000000.00")


def test_a_change_beyond_the_programme_comes_back_in_the_form(en, parties, make_app):
    app = make_app()
    en.force_login(parties.owner)
    response = en.post(edit_url(app), form_data(app, principal="10000000.01"))
    assert response.status_code == 400
    assert "The programme lends at most" in response.content.decode()
    assert fresh(app).principal.amount == Decimal("3000000.00")


def test_a_returned_application_is_changed_and_submitted_again(en, parties, make_app):
    app = make_app("submitted")
    services.application_return(application=app, by=parties.platform, note="请补充用途")
    en.force_login(parties.owner)
    assert en.post(edit_url(app), form_data(app, purpose="扩大生产线")).status_code == 302
    assert fresh(app).state == "returned" and fresh(app).purpose == "扩大生产线"
    services.application_submit(application=app, by=parties.owner)
    assert fresh(app).state == "submitted"


def test_only_the_borrower_and_only_while_editable(en, parties, make_app, outsiders):
    app = make_app()
    en.force_login(outsiders.enterprise)
    assert en.get(edit_url(app)).status_code == 404  # a draft is hidden from others
    submitted = make_app("submitted")
    en.force_login(parties.officer)  # a party who sees it, but not the borrower
    assert en.get(edit_url(submitted)).status_code == 404
    en.force_login(parties.owner)
    response = en.get(edit_url(submitted))
    assert response.status_code == 302 and response["Location"] == f"/financing/applications/{submitted.pk}/"
    page = en.get(response["Location"]).content.decode()
    assert "Only a draft or a returned application can be changed." in page
    assert f'href="{edit_url(submitted)}"' not in page
    assert en.post(edit_url(submitted), form_data(submitted, principal="1000000")).status_code == 302
    assert fresh(submitted).principal.amount == Decimal("3000000.00")
