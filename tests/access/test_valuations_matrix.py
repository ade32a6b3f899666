"""The access matrix of panel valuation reports (`/api/v1/financing/valuations/`): list, retrieve and create ×
the demo people, an anonymous caller and a member of another appraisal firm (`appraiser2`, not on the panel) ×
a report in three worlds, against the tables below — written from docs/financing.md "Valuation standard", not
from financing/valuations.py, on purpose.

Who sees a report: the members of the appraisal firm that made it (appraiser1) and platform people (platform1),
always; the borrower (enterprise1), the bank (bank_officer1, bank_approver1), the insurer (insurer1) and the
fund (fund1) of an application that uses it — also once that application is withdrawn. Everyone else (another
enterprise, another bank, another appraiser) gets 404 and does not find it in the list; an anonymous caller
gets 401.

Who records a report: a member of an appraisal firm on the programme's panel (201). Naming a firm one does not
belong to is refused (403); leaving the firm out is refused with `appraiser_required` (400) for a person of no
appraisal firm, and with `appraiser_not_on_panel` (400) for a member of a firm off the panel."""

from datetime import timedelta
from types import SimpleNamespace

import pytest

from financing import services
from tests.accounts.factories import OrganisationFactory, member_of
from tests.financing.factories import admit_to_panel, today

from .people import ANON, APPR, BA, BO, BO2, COURT, E1, E2, E3, FUND, INS, MED, PLAT, ROLES, request_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/financing/valuations/"
APPR2 = "appraiser2"  # a member of another appraisal firm, not on the programme's panel
CALLERS = [*ROLES, APPR2]

ALWAYS = {APPR, PLAT}
PARTIES = {E1, BO, BA, INS, FUND}  # of an application using the report
# world → who sees its report
SEE = {
    "unused": ALWAYS,  # recorded through the API's service, used by no application
    "valued": ALWAYS | PARTIES,  # recorded by the application's `value`
    "withdrawn": ALWAYS | PARTIES,  # its application withdrawn after the valuation
}
# create: body → caller → (status, code); anyone not named gets the default
CREATE = {
    "naming_the_firm": ({APPR: (201, None)}, (403, "permission_denied")),
    "own_firm": ({APPR: (201, None), APPR2: (400, "appraiser_not_on_panel")}, (400, "appraiser_required")),
}


def expected_read(role: str, world: str) -> int:
    if role == ANON:
        return 401
    return 200 if role in SEE[world] else 404


def expected_create(role: str, body: str) -> tuple[int, str | None]:
    if role == ANON:
        return 401, "not_authenticated"
    named, default = CREATE[body]
    return named.get(role, default)


def test_the_tables_name_every_caller_of_the_brief():
    """anonymous, the borrower, another enterprise (listed and unlisted), the application's bank (officer and
    approver), another bank, the insurer, the fund, the report's appraiser, another appraiser, the platform, a
    mediation organisation and a court."""
    assert set(CALLERS) == {ANON, E1, E2, E3, BO, BA, BO2, INS, FUND, APPR, APPR2, PLAT, MED, COURT}
    assert all(SEE[w] <= set(CALLERS) - {ANON, E2, E3, BO2, APPR2, MED, COURT} for w in SEE)


def _build(name: str) -> SimpleNamespace:
    from .worlds import build_application  # the financing worlds: the demo people and an application

    world = build_application("draft" if name == "unused" else "valued")
    app, users = world.app, dict(world.users)
    programme = app.programme
    admit_to_panel(programme, app.appraiser)
    other = OrganisationFactory(kind="appraiser", city="成都", name="蓉城知识产权评估有限公司")
    users[APPR2] = member_of(other, role="officer", username=APPR2)
    patent = app.assets.get().patent
    if name == "unused":
        report = services.valuation_create(
            by=users[APPR],
            programme=programme,
            assets=[(patent, None)],
            method="market",
            value="8000000",
            value_date=today() - timedelta(days=10),
        )
    else:
        report = app.valuation
        if name == "withdrawn":
            services.application_withdraw(application=app, by=users[E1], note="access matrix")
    assert report is not None and report.applications.exists() == (name != "unused")
    body = {
        "programme": programme.slug,
        "assets": [{"type": "patent", "id": patent.pk}],
        "method": "income",
        "value": "6000000",
        "value_date": str(today() - timedelta(days=5)),
        "parameters": {"discount_rate": "0.12"},
    }
    bodies = {"naming_the_firm": {**body, "appraiser": app.appraiser_id}, "own_firm": body}
    return SimpleNamespace(name=name, report=report, users=users, bodies=bodies)


@pytest.fixture(scope="module", params=list(SEE))
def world(request, kept_world):
    with kept_world():
        yield _build(request.param)


def test_retrieve(world):
    failed = []
    url = f"{URL}{world.report.pk}/"
    for role in CALLERS:
        got, expected = request_as(world, role, "get", url).status_code, expected_read(role, world.name)
        if got != expected:
            failed.append(f"{role} GET {url} [{world.name}]: expected {expected}, got {got}")
    assert not failed, "\n".join(failed)


def test_list(world):
    failed = []
    for role in CALLERS:
        response = request_as(world, role, "get", URL)
        if role == ANON:
            if response.status_code != 401:
                failed.append(f"{role} GET {URL} [{world.name}]: expected 401, got {response.status_code}")
            continue
        listed = response.status_code == 200 and world.report.pk in {r["id"] for r in response.json()["results"]}
        if response.status_code != 200 or listed != (role in SEE[world.name]):
            failed.append(
                f"{role} GET {URL} [{world.name}]: expected 200 {'with' if role in SEE[world.name] else 'without'}"
                f" the report, got {response.status_code} {'with' if listed else 'without'} it"
            )
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("body", list(CREATE))
def test_create(world, body):
    failed = []
    for role in CALLERS:
        response = request_as(world, role, "post", URL, world.bodies[body])
        expected = expected_create(role, body)
        got_body = response.json()
        got = (response.status_code, got_body.get("code") if response.status_code != 201 else None)
        if got != expected:
            failed.append(f"{role} POST {URL} {body} [{world.name}]: expected {expected}, got {got} {got_body}")
        elif response.status_code == 201 and got_body["appraiser"] != world.report.appraiser_id:
            failed.append(f"{role} POST {URL} {body} [{world.name}]: recorded for firm {got_body['appraiser']}")
    assert not failed, "\n".join(failed)
