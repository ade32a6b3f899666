"""The financing workspace pages: /financing/ (a section per organisation of the person), a new application
(with the schedule shown without JavaScript), and an application's page for each party, with its actions
(enabled, or disabled with the reason), documents, schedule, claim and audit trail.

Built on the demo's financing cast, made with the factories as `seed_demo --with-users` makes it (its
organisations, people and programme; enterprise1's draft, submitted, valued (proposed by bank_officer1,
awaiting an approver) and active applications, driven through the services).
"""

import re
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from financing import services
from financing.demo import DEMO_PDF
from financing.models import Application, Document, Programme
from ipmarket.accounts.demo import FIXED, PEOPLE
from ipmarket.accounts.models import Membership, Organisation
from ipmarket.assets.models import Patent
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of, platform_operator
from tests.assets.factories import PatentFactory
from tests.financing.factories import ProgrammeFactory, application

pytestmark = pytest.mark.django_db

S = Application.State
DEMO_PROPOSAL = {"principal": Decimal("3000000"), "annual_rate": Decimal("0.0435")}  # bank_officer1's, in the demo


@pytest.fixture
def demo(db):
    """The demo's organisations (names of ipmarket/accounts/demo.py), people (its usernames and roles) and
    programme; a patent free to pledge of each enterprise; enterprise1's four applications with the demo's
    terms (financing/demo.py), each driven through the services by the demo people."""
    orgs = {
        o.key: OrganisationFactory(kind=o.kind, name=o.name, name_en=o.name_en, city=o.city, district=o.district)
        for o in FIXED
    }
    people = {"admin": UserFactory(username="admin", is_superuser=True, is_staff=True)}
    for username, (key, role, _name) in PEOPLE.items():
        if orgs[key].kind == Organisation.Kind.PLATFORM:
            people[username] = platform_operator(orgs[key], username=username)
        else:
            people[username] = member_of(orgs[key], role=role, username=username)
    programme = ProgrammeFactory(
        slug="ziyang-ip-pledge",
        name="资阳市知识产权质押融资风险补偿",
        name_en="Ziyang IP Pledge Financing Risk Compensation",
        risk_fund=orgs["fund"],
    )
    borrower = orgs["enterprise_a"]
    PatentFactory(owner=borrower)  # the first of its patents: in no application
    PatentFactory(owner=orgs["enterprise_b"])
    cast = SimpleNamespace(
        borrower=borrower,
        owner=people["enterprise1"],
        bank=orgs["bank_a"],
        officer=people["bank_officer1"],
        approver=people["bank_approver1"],
        insurer=orgs["insurer"],
        underwriter=people["insurer1"],
        appraiser=orgs["appraiser"],
        valuer=people["appraiser1"],
        fund_person=people["fund1"],
        platform=people["platform1"],
    )
    terms = {"cast": cast, "programme": programme, "annual_rate": "0.0435"}
    report_date = timezone.localdate() - timedelta(days=20)
    application(S.DRAFT, principal="1500000", purpose="采购智能装备生产线原材料（草稿）", **terms)
    application(S.SUBMITTED, principal="2000000", purpose="研发中心建设", **terms)
    valued = application(S.VALUED, principal="3000000", appraised_value="16000000", report_date=report_date, **terms)
    services.application_bank_propose(application=valued, by=people["bank_officer1"], **DEMO_PROPOSAL)
    application(
        S.ACTIVE,
        principal="5000000",
        purpose="流动资金周转",
        appraised_value="24000000",
        report_date=report_date,
        proposed_principal="5000000",
        proposed_rate="0.045",
        premium_rate="0.015",
        registration_number="Y2026510000123",
        **terms,
    )
    apps = {a.state: a for a in Application.objects.filter(applicant=borrower)}
    assert set(apps) == {S.DRAFT, S.SUBMITTED, S.VALUED, S.ACTIVE}
    return {"people": people, "apps": apps, "borrower": borrower, "programme": Programme.objects.get()}


@pytest.fixture
def en(client):
    """A client that chose English with the switch (assertions on the English source strings)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_user(client, demo, username):
    client.force_login(demo["people"][username])
    return client


def get(client, path, status=200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def post(client, path, data, status=302):
    response = client.post(path, data)
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def page_of(app) -> str:
    return f"/financing/applications/{app.pk}/"


def button(html: str, action: str) -> str:
    """The <button> that posts `action` (fails when there is none)."""
    match = re.search(rf'<button[^>]*value="{action}"[^>]*>', html)
    assert match, f"no button for {action}"
    return match.group(0)


def reason(html: str, action: str) -> str:
    match = re.search(rf'<div class="reason" id="reason-{action}">(.*?)</div>', html, re.S)
    return match.group(1) if match else ""


def fresh(app) -> Application:
    return Application.objects.get(pk=app.pk)


def section(html: str, heading_id_prefix: str) -> str:
    """The HTML of the workspace section whose heading id starts with the prefix."""
    match = re.search(rf'<section class="fin-section" aria-labelledby="{heading_id_prefix}.*?</section>', html, re.S)
    return match.group(0) if match else ""


# --- the workspace --------------------------------------------------------------------------------


def test_workspace_pages_need_a_signed_in_person(client, demo):
    for path in ("/financing/", "/financing/applications/new/", page_of(demo["apps"][S.VALUED])):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(f"{settings.LOGIN_URL}?next=")


def test_enterprise_sees_its_applications_with_the_next_step(en, demo):
    html = get(as_user(en, demo, "enterprise1"), "/financing/")
    mine = section(html, "enterprise-")
    for app in demo["apps"].values():
        assert f'href="{page_of(app)}"' in mine
    assert "Draft" in mine and "Submitted" in mine and "Valued" in mine and "Active" in mine
    assert "The borrower submits it." in mine and "The platform pre-screens it." in mine
    assert "¥1,500,000.00" in mine and "Shushang Bank Co., Ltd. Ziyang Branch" in mine
    assert 'href="/financing/applications/new/?applicant=' in mine
    assert "review queue" not in html  # not a bank person


def test_bank_queue_groups_what_waits_with_the_ltv_computation(en, demo):
    html = get(as_user(en, demo, "bank_officer1"), "/financing/")
    queue = section(html, "bank-")
    assert "Shushang Bank Co., Ltd. Ziyang Branch: review queue" in queue
    decide = queue.split("To propose or approve")[1].split("Repayments")[0]
    assert f'href="{page_of(demo["apps"][S.VALUED])}"' in decide
    # Σ cap × appraised value, the programme maximum, the resulting limit
    assert "25% × ¥16,000,000.00 = ¥4,000,000.00" in decide
    assert "Programme maximum ¥10,000,000.00" in decide
    assert "Limit <strong>¥4,000,000.00</strong>" in decide
    assert "¥3,000,000.00 · 4.35%" in decide and "proposed" in decide
    assert "A bank approver (not the proposer) decides." in decide
    repayments = queue.split("Repayments")[1]
    assert f'href="{page_of(demo["apps"][S.ACTIVE])}"' in repayments
    # not yet the bank's turn: submitted and draft are not in its queue
    assert f'href="{page_of(demo["apps"][S.SUBMITTED])}"' not in queue
    assert f'href="{page_of(demo["apps"][S.DRAFT])}"' not in queue


def test_another_banks_officer_does_not_see_bank_as_queue(en, demo):
    html = get(as_user(en, demo, "bank_officer2"), "/financing/")
    assert "Jincheng Bank Co., Ltd. Chengdu Branch: review queue" in html
    assert "Nothing waits for your bank now." in html
    for app in demo["apps"].values():
        assert page_of(app) not in html
    assert "Shushang Bank" not in html


def test_loans_at_risk_reach_the_bank_the_insurer_and_the_fund(en, demo):
    loan = demo["apps"][S.ACTIVE]
    patent = loan.assets.get().patent
    Patent.objects.filter(pk=patent.pk).update(legal_status=Patent.LegalStatus.LAPSED)
    assert services.collateral_check() == 1
    for username in ("bank_officer1", "insurer1", "fund1"):
        html = get(as_user(en, demo, username), "/financing/")
        assert "Loans at risk" in html, username
        assert "Lapsed (annual fees unpaid)" in html and page_of(loan) in html, username
    page = get(en, page_of(loan))
    assert "Collateral at risk" in page and "Lapsed (annual fees unpaid)" in page
    assert "Loans at risk" not in get(as_user(en, demo, "bank_officer2"), "/financing/")


def test_insurer_appraiser_and_platform_tasks(en, demo):
    people, apps = demo["people"], demo["apps"]
    html = get(as_user(en, demo, "platform1"), "/financing/")
    platform = section(html, "platform-heading")
    assert "Submitted: to pre-screen" in platform and page_of(apps[S.SUBMITTED]) in platform
    assert page_of(apps[S.DRAFT]) not in html  # drafts stay with the borrower

    services.application_prescreen(application=apps[S.SUBMITTED], by=people["platform1"])
    html = get(en, "/financing/")
    assert page_of(apps[S.SUBMITTED]) in html.split("Pre-screened: to verify the IP")[1]
    services.application_verify_ip(application=apps[S.SUBMITTED], by=people["platform1"])
    html = get(as_user(en, demo, "appraiser1"), "/financing/")
    assert "Sichuan Tianping Asset Appraisal Co., Ltd.: valuations" in html
    assert page_of(apps[S.SUBMITTED]) in html and "The appraiser values the IP." in html

    html = get(as_user(en, demo, "insurer1"), "/financing/")
    assert "No approved loan waits for your guarantee." in html
    services.application_bank_approve(application=apps[S.VALUED], by=people["bank_approver1"], **DEMO_PROPOSAL)
    html = get(en, "/financing/")
    underwrite = html.split("To underwrite")[1].split("Claims")[0]
    assert page_of(apps[S.VALUED]) in underwrite and "The insurer underwrites the loan." in underwrite


def test_fund_dashboard_shows_the_pool_and_its_tasks(en, demo):
    html = get(as_user(en, demo, "fund1"), "/financing/")
    pool = section(html, "fund-")
    assert "Ziyang IP Pledge Financing Risk Compensation" in pool
    assert re.search(
        r'data-pool="capacity">¥50,000,000.00 <span class="meta">money left ¥5,000,000.00 × leverage 10', pool
    )
    assert 'data-pool="exposure">¥5,000,000.00' in pool
    assert 'data-pool="headroom">¥45,000,000.00' in pool
    assert 'data-pool="available">¥5,000,000.00' in pool
    assert 'data-pool="claims_paid">¥0.00' in pool
    assert 'data-pool="live_loans">1' in pool
    assert re.search(r'<meter id="pool-meter-\d+" min="0" max="50000000.00" value="5000000.00">10.0%</meter>', pool)
    assert "¥5,000,000.00 of ¥50,000,000.00 used (10.0%)" in pool
    assert "No insured loan waits to be filed." in pool

    people, valued = demo["people"], demo["apps"][S.VALUED]
    services.application_bank_approve(application=valued, by=people["bank_approver1"], **DEMO_PROPOSAL)
    services.application_underwrite(application=valued, by=people["insurer1"], premium_rate=Decimal("0.015"))
    html = get(en, "/financing/")
    assert page_of(valued) in html.split("Loans to file against the pool")[1].split("Claims to settle")[0]


def test_a_person_without_organisation_is_told_what_to_do(en, demo):
    en.force_login(UserFactory(username="newcomer"))
    html = get(en, "/financing/")
    assert "You do not belong to an organisation yet" in html
    assert 'href="/firms/"' in html


def test_a_person_in_several_organisations_sees_a_section_for_each(en, demo):
    person = demo["people"]["enterprise1"]
    Membership.objects.create(user=person, organisation=demo["apps"][S.ACTIVE].lender)
    html = get(as_user(en, demo, "enterprise1"), "/financing/")
    assert "Ziyang Tianfu Intelligent Equipment Co., Ltd.: loan applications" in html
    assert "Shushang Bank Co., Ltd. Ziyang Branch: review queue" in html


def _add_applications(demo, states):
    """More applications of enterprise1 driven through the services to each of `states`."""
    people, borrower = demo["people"], demo["borrower"]
    common = {
        "programme": demo["programme"],
        "lender": demo["apps"][S.ACTIVE].lender,
        "insurer": demo["apps"][S.ACTIVE].insurer,
        "appraiser": demo["apps"][S.ACTIVE].appraiser,
        "term_months": 12,
        "method": "equal_principal",
        "annual_rate": Decimal("0.04"),
    }
    today = timezone.localdate()
    for state in states:
        app = services.application_create(
            by=people["enterprise1"], assets=[PatentFactory(owner=borrower)], principal=Decimal("1000000"), **common
        )
        if state == S.DRAFT:
            continue
        services.application_submit(application=app, by=people["enterprise1"])
        if state == S.SUBMITTED:
            continue
        services.application_prescreen(application=app, by=people["platform1"])
        services.application_verify_ip(application=app, by=people["platform1"])
        services.document_upload(
            application=app,
            by=people["appraiser1"],
            kind="valuation_report",
            report_date=today,
            upload=SimpleUploadedFile("report.pdf", DEMO_PDF),
        )
        services.application_value(application=app, by=people["appraiser1"], appraised_value=Decimal("8000000"))
        services.application_bank_propose(
            application=app, by=people["bank_officer1"], principal=Decimal("1000000"), annual_rate=Decimal("0.04")
        )
        if state == S.VALUED:
            continue
        services.application_bank_approve(
            application=app, by=people["bank_approver1"], principal=Decimal("1000000"), annual_rate=Decimal("0.04")
        )
        services.application_underwrite(application=app, by=people["insurer1"], premium_rate=Decimal("0.01"))
        services.application_fund_file(application=app, by=people["fund1"])
        services.application_sign_contract(application=app, by=people["enterprise1"])
        services.application_register_pledge(application=app, by=people["bank_officer1"], registration_number="Y1")
        services.application_disburse(application=app, by=people["bank_officer1"])


def test_workspace_home_queries_do_not_grow_with_the_applications(client, demo):
    """One person in every kind of organisation: every section renders, at a constant number of queries."""
    person = demo["people"]["enterprise1"]
    for name in ("bank_officer1", "insurer1", "appraiser1", "fund1", "platform1"):
        other = demo["people"][name].memberships.get()
        Membership.objects.create(user=person, organisation=other.organisation, role=other.role)
    client.force_login(person)
    counts = []
    for extra in ([], [S.DRAFT, S.SUBMITTED, S.VALUED, S.ACTIVE]):  # 4 applications, then 8
        _add_applications(demo, extra)
        assert Application.objects.filter(applicant=demo["borrower"]).count() == 4 + len(extra)
        with CaptureQueriesContext(connection) as ctx:
            html = get(client, "/financing/")
        counts.append(len(ctx))
        assert html.count("/financing/applications/") >= 4 + len(extra)
    assert counts[0] == counts[1], counts


# --- a new application ----------------------------------------------------------------------------


def test_new_application_form_shows_the_limits_and_the_pledgeable_ip(en, demo):
    html = get(as_user(en, demo, "enterprise1"), "/financing/applications/new/")
    assert "Ziyang IP Pledge Financing Risk Compensation" in html
    assert "¥10,000,000.00" in html and "4.5%" in html and "Invention patents 25%" in html
    assert "The programme caps the rate at 4.5% a year." in html and "At most 12 months." in html
    pledged = demo["apps"][S.ACTIVE].assets.get().patent
    free = Patent.objects.filter(owner=demo["borrower"], legal_status="granted", pledged=False).first()
    assert f'value="patent:{free.pk}"' in html and free.application_number in html
    assert f'value="patent:{pledged.pk}"' not in html
    for label in (
        "Principal (CNY)",
        "Annual rate (%)",
        "Term (months)",
        "Repayment method",
        "Bank",
        "Insurer",
        "Appraiser",
        "Purpose of the loan",
    ):
        assert re.search(rf'<label for="id_\w+">{re.escape(label)}</label>', html), label
    assert 'src="/static/js/financing-quote.js"' in html and 'data-url="/api/v1/financing/quote/"' in html


def _new_application_data(demo, **changes):
    loan = demo["apps"][S.ACTIVE]
    free = Patent.objects.filter(owner=demo["borrower"], legal_status="granted", pledged=False).first()
    data = {
        "applicant": demo["borrower"].pk,
        "programme": demo["programme"].pk,
        "assets": [f"patent:{free.pk}"],
        "principal": "5000000",
        "annual_rate": "4.5",
        "term_months": "12",
        "method": "equal_principal",
        "purpose": "购买检测设备",
        "lender": loan.lender_id,
        "insurer": loan.insurer_id,
        "appraiser": loan.appraiser_id,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_new_application_creates_a_draft(en, demo):
    as_user(en, demo, "enterprise1")
    before = set(Application.objects.values_list("pk", flat=True))
    response = post(en, "/financing/applications/new/", _new_application_data(demo))
    (new_pk,) = set(Application.objects.values_list("pk", flat=True)) - before
    assert response["Location"] == f"/financing/applications/{new_pk}/"
    app = Application.objects.get(pk=new_pk)
    assert app.state == S.DRAFT and app.annual_rate == Decimal("0.045") and app.principal.amount == 5000000
    assert app.method == "equal_principal" and app.applicant == demo["borrower"] and app.assets.count() == 1
    html = get(en, response["Location"])
    assert "Your draft application is saved." in html
    assert "enabled" not in button(html, "submit") and "disabled" not in button(html, "submit")


def test_new_application_errors_are_shown_in_the_form(en, demo):
    as_user(en, demo, "enterprise1")
    count = Application.objects.count()
    html = post(en, "/financing/applications/new/", _new_application_data(demo, assets=None), status=400)
    assert "Choose at least one patent or trademark to pledge." in html.content.decode()
    html = post(en, "/financing/applications/new/", _new_application_data(demo, principal="12000000"), status=400)
    assert "The programme lends at most ¥10,000,000.00 per borrower." in html.content.decode()
    html = post(en, "/financing/applications/new/", _new_application_data(demo, annual_rate="6"), status=400)
    assert "The programme caps the annual rate at 4.5%." in html.content.decode()  # as the field's help
    html = post(en, "/financing/applications/new/", _new_application_data(demo, term_months="24"), status=400)
    assert "The programme&#x27;s longest term is 12 months." in html.content.decode()
    html = post(en, "/financing/applications/new/", _new_application_data(demo, principal="-5"), status=400)
    assert "Ensure this value is greater than or equal to 0.01." in html.content.decode()
    other = Patent.objects.filter(pledged=False, legal_status="granted").exclude(owner=demo["borrower"]).first()
    html = post(en, "/financing/applications/new/", _new_application_data(demo, assets=[f"patent:{other.pk}"]), 400)
    assert "is not one of the available choices" in html.content.decode()  # another enterprise's IP is not offered
    assert Application.objects.count() == count
    # what was typed comes back
    assert (
        'value="-5"'
        in post(
            en, "/financing/applications/new/", _new_application_data(demo, principal="-5"), status=400
        ).content.decode()
    )


def test_show_the_schedule_without_javascript(en, demo):
    as_user(en, demo, "enterprise1")
    count = Application.objects.count()
    data = _new_application_data(demo, preview="1", lender="", insurer="")
    response = en.post("/financing/applications/new/", data)
    assert response.status_code == 200
    html = response.content.decode().split("<template")[0]  # the table shown, not the empty one for JavaScript
    assert html.count('<td data-label="Period">') == 13  # 12 periods and the total
    assert "¥435,416.67" in html  # docs/financing.md's example: first payment
    assert "¥121,875.00" in html and "¥5,121,875.00" in html  # total interest, total payment
    assert 'value="5000000"' in html and 'value="4.5"' in html  # the form comes back as typed
    assert "This field is required" not in html  # no complaint about fields not filled in yet
    assert Application.objects.count() == count
    html = en.post("/financing/applications/new/", {"preview": "1", "principal": "abc"}).content.decode()
    assert "Principal (CNY): Enter a number." in html


def test_only_enterprise_members_apply(en, demo):
    as_user(en, demo, "bank_officer1")
    for method in (en.get, en.post):
        response = method("/financing/applications/new/")
        assert response.status_code == 403
        assert "Only members of an enterprise apply for pledge loans" in response.content.decode()
    assert "New application" not in get(en, "/financing/")


# --- one application ------------------------------------------------------------------------------


def test_each_party_sees_the_application_and_strangers_get_404(client, demo):
    valued, draft = demo["apps"][S.VALUED], demo["apps"][S.DRAFT]
    for username in (
        "enterprise1",
        "bank_officer1",
        "bank_approver1",
        "insurer1",
        "appraiser1",
        "fund1",
        "platform1",
        "admin",
    ):
        html = get(as_user(client, demo, username), page_of(valued))
        assert "申请 " in html or "Application" in html
    for username in ("enterprise2", "bank_officer2"):
        get(as_user(client, demo, username), page_of(valued), status=404)
    get(as_user(client, demo, "bank_officer1"), page_of(draft), status=404)  # a draft stays with the borrower
    get(as_user(client, demo, "enterprise1"), page_of(draft))
    get(client, "/financing/applications/999999/", status=404)


def test_application_page_shows_the_facts_assets_documents_and_trail(en, demo):
    valued = demo["apps"][S.VALUED]
    html = get(as_user(en, demo, "insurer1"), page_of(valued))
    assert '<li class="step step-current" aria-current="step">' in html
    assert re.search(r'aria-current="step">\s*<span class="step-label">Valued</span>', html)
    assert "¥3,000,000.00 · 4.35% · 12 months" in html  # requested
    assert "¥16,000,000.00" in html and "25% × ¥16,000,000.00 = ¥4,000,000.00" in html
    assert "Limit <strong>¥4,000,000.00</strong>" in html
    patent = valued.assets.get().patent
    assert f'href="/ip/patents/{patent.pk}/"' in html
    doc = valued.documents.get()
    assert f'href="/api/v1/financing/applications/{valued.pk}/documents/{doc.pk}/"' in html
    assert "Record the valuation" in html  # the audit trail
    assert "IP verified → Valued" in html
    # the insurer's step is ahead: shown, disabled, with why
    assert "disabled" in button(html, "underwrite")
    assert "Possible once the bank has approved the loan." in reason(html, "underwrite")
    assert 'value="bank_approve"' not in html  # not the insurer's side


def test_the_proposer_cannot_approve_and_a_different_approver_can(en, demo):
    valued = demo["apps"][S.VALUED]
    html = get(as_user(en, demo, "bank_officer1"), page_of(valued))
    assert "disabled" in button(html, "bank_approve")
    assert "The approver must be a different person from the proposer." in reason(html, "bank_approve")
    assert "disabled" not in button(html, "bank_propose")  # the officer may revise the proposal
    html = get(as_user(en, demo, "bank_approver1"), page_of(valued))
    assert "disabled" not in button(html, "bank_approve") and reason(html, "bank_approve") == ""
    assert "disabled" in button(html, "bank_propose")
    assert "An officer of the bank named on the application proposes the loan." in reason(html, "bank_propose")


def hidden_inputs(html: str, action: str) -> dict[str, str]:
    """The hidden inputs the page's form of `action` sends (the terms an approver saw)."""
    return dict(re.findall(rf'<input type="hidden" name="({action}-[a-z_]+)" value="([^"]*)"', html))


def test_approving_from_the_page(en, demo):
    valued = demo["apps"][S.VALUED]
    as_user(en, demo, "bank_approver1")
    html = get(en, page_of(valued))
    shown = hidden_inputs(html, "bank_approve")
    assert shown == {
        "bank_approve-principal": "3000000.00",
        "bank_approve-annual_rate": "4.35",
        "bank_approve-ip_share": "100",
    }
    assert "You approve ¥3,000,000.00 at 4.35%, IP share of the collateral 100%." in html
    response = post(en, page_of(valued), {"action": "bank_approve", "bank_approve-note": "同意", **shown})
    assert response["Location"] == page_of(valued)
    app = fresh(valued)
    assert app.state == S.BANK_APPROVED and app.approved_by == demo["people"]["bank_approver1"]
    assert app.events.last().note == "同意"
    html = get(en, page_of(valued))
    assert "The loan is approved: the insurer underwrites it next." in html
    assert "¥3,000,000.00 · 4.35%" in html.split("Approved</dt>")[1]


def test_a_stale_approval_page_gets_proposal_changed_not_an_approval(en, client, demo):
    """The approver opened the page on 3,000,000 at 4.35 %; meanwhile the officer proposed 4,000,000 at
    4.5 %. The click sends what the page showed: nothing is approved, the page now shows the new terms."""
    valued, people = demo["apps"][S.VALUED], demo["people"]
    as_user(en, demo, "bank_approver1")
    stale = hidden_inputs(get(en, page_of(valued)), "bank_approve")
    services.application_bank_propose(
        application=valued, by=people["bank_officer1"], principal=Decimal("4000000"), annual_rate=Decimal("0.045")
    )
    html = post(en, page_of(valued), {"action": "bank_approve", **stale}, status=400).content.decode()
    assert "The proposal changed since you saw it: it is now ¥4,000,000.00 at 4.5%, IP share 100%." in html
    app = fresh(valued)
    assert app.state == S.VALUED and app.approved_by is None
    assert not app.events.filter(action="bank_approve").exists()
    assert hidden_inputs(html, "bank_approve")["bank_approve-principal"] == "4000000.00"  # now shown, now sent
    post(en, page_of(valued), {"action": "bank_approve", **hidden_inputs(html, "bank_approve")})
    app = fresh(valued)
    assert app.state == S.BANK_APPROVED and app.approved_principal.amount == Decimal("4000000")


def test_refusals_are_messages_with_400_never_500(en, demo):
    valued, submitted = demo["apps"][S.VALUED], demo["apps"][S.SUBMITTED]
    as_user(en, demo, "bank_officer1")
    html = post(en, page_of(valued), {"action": "bank_approve"}, status=400).content.decode()
    assert 'class="message message-error"' in html
    assert "The approver must be a different person from the proposer." in html
    assert fresh(valued).state == S.VALUED
    html = post(
        en,
        page_of(valued),
        {"action": "bank_propose", "bank_propose-principal": "5000000", "bank_propose-annual_rate": "4"},
        status=400,
    ).content.decode()
    assert "The principal may be at most ¥4,000,000.00" in html
    html = post(en, page_of(valued), {"action": "bank_propose", "bank_propose-annual_rate": "4"}, 400).content.decode()
    assert "This field is required." in html and "needs the fields shown below" in html
    html = post(en, page_of(valued), {"action": "no_such_thing"}, status=400).content.decode()
    assert "Unknown action." in html
    html = post(en, page_of(valued), {"action": "disburse"}, status=400).content.decode()
    assert "This is not possible now: the state is “Valued”." in html
    as_user(en, demo, "enterprise1")
    html = post(
        en,
        page_of(valued),
        {"action": "bank_propose", "bank_propose-principal": "1000", "bank_propose-annual_rate": "4"},
        status=400,
    ).content.decode()
    assert "An officer of the bank named on the application proposes the loan." in html
    html = post(en, page_of(submitted), {"action": "submit"}, status=400).content.decode()
    assert "This is not possible now: the state is “Submitted”." in html


def test_destructive_actions_ask_for_confirmation(en, demo):
    html = get(as_user(en, demo, "enterprise1"), page_of(demo["apps"][S.DRAFT]))
    assert re.search(
        r'<form method="post" class="deal-action fin-action" data-confirm="Withdraw this application\?', html
    )
    assert "button-secondary" in button(html, "withdraw")
    post(en, page_of(demo["apps"][S.DRAFT]), {"action": "withdraw"})
    html = get(en, page_of(demo["apps"][S.DRAFT]))
    assert re.search(r'step-end" aria-current="step">\s*<span class="step-label">Withdrawn</span>', html)
    assert "This case is finished." in html


def test_uploading_a_document_and_refusing_a_text_file(en, demo):
    draft = demo["apps"][S.DRAFT]
    as_user(en, demo, "enterprise1")
    upload = SimpleUploadedFile("营业执照.pdf", DEMO_PDF, content_type="application/pdf")
    response = post(en, page_of(draft), {"action": "upload", "kind": "identity", "file": upload})
    document = Document.objects.get(application=draft)
    assert document.kind == "identity" and document.content_type == "application/pdf"
    html = get(en, response["Location"])
    assert "“营业执照.pdf” is uploaded." in html
    link = f"/api/v1/financing/applications/{draft.pk}/documents/{document.pk}/"
    assert f'href="{link}"' in html
    assert en.get(link).status_code == 200

    text = SimpleUploadedFile("notes.pdf", b"just some text", content_type="application/pdf")
    html = post(en, page_of(draft), {"action": "upload", "kind": "other", "file": text}, status=400).content.decode()
    assert "The document was not uploaded: Upload a PDF, JPEG or PNG file." in html
    html = post(en, page_of(draft), {"action": "upload", "kind": "other"}, status=400).content.decode()
    assert "check the fields of the upload form" in html
    assert Document.objects.filter(application=draft).count() == 1


def test_the_appraiser_values_once_the_report_is_uploaded(en, demo):
    people, app = demo["people"], demo["apps"][S.SUBMITTED]
    services.application_prescreen(application=app, by=people["platform1"])
    services.application_verify_ip(application=app, by=people["platform1"])
    as_user(en, demo, "appraiser1")
    html = get(en, page_of(app))
    assert "disabled" in button(html, "value") and "Upload the valuation report first." in reason(html, "value")
    report = SimpleUploadedFile("评估报告.pdf", DEMO_PDF)
    post(
        en,
        page_of(app),
        {
            "action": "upload",
            "kind": "valuation_report",
            "file": report,
            "report_date": (timezone.localdate() - timedelta(days=3)).isoformat(),
        },
    )
    html = get(en, page_of(app))
    assert "disabled" not in button(html, "value")
    assert '<label for="id_value-appraised_value">Appraised value (CNY)</label>' in html
    post(en, page_of(app), {"action": "value", "value-appraised_value": "9000000"})
    app = fresh(app)
    assert app.state == S.VALUED and app.appraised_value.amount == 9000000
    html = get(as_user(en, demo, "bank_officer1"), page_of(app))
    assert "Limit <strong>¥2,250,000.00</strong>" in html  # 25 % of 9,000,000
    assert "At most ¥2,250,000.00 (programme maximum and loan-to-value)." in html


def test_the_loan_page_shows_the_schedule_and_records_repayments(en, demo):
    loan = demo["apps"][S.ACTIVE]
    html = get(as_user(en, demo, "bank_officer1"), page_of(loan))
    assert "Repayment schedule" in html and html.count('<td data-label="Due">') == 13
    assert "¥435,416.67" in html and "Outstanding principal" in html
    assert "Y2026510000123" in html
    assert 'value="435416.67"' in html  # the next instalment as the default amount
    response = post(
        en,
        page_of(loan),
        {
            "action": "record_repayment",
            "record_repayment-amount": "435416.67",
            "record_repayment-paid_on": timezone.localdate().isoformat(),
        },
    )
    html = get(en, response["Location"])
    assert "The repayment is recorded." in html and "Repayments recorded" in html
    html = get(as_user(en, demo, "enterprise1"), page_of(loan))
    assert 'value="record_repayment"' not in html  # the bank's action, not the borrower's
    html = post(
        en,
        page_of(loan),
        {
            "action": "record_repayment",
            "record_repayment-amount": "1",
            "record_repayment-paid_on": timezone.localdate().isoformat(),
        },
        400,
    )
    assert "The bank&#x27;s officer records repayments." in html.content.decode()


def test_default_claim_settlement_and_recovery_from_the_pages(en, demo):
    loan = demo["apps"][S.ACTIVE]
    services.loans_check_overdue(today=timezone.localdate() + timedelta(days=130))
    loan = fresh(loan)
    assert loan.state == S.DEFAULTED
    as_user(en, demo, "bank_officer1")
    html = get(en, page_of(loan))
    assert "Claim deadline" in html and "disabled" not in button(html, "submit_claim")
    post(en, page_of(loan), {"action": "submit_claim"})
    html = get(as_user(en, demo, "fund1"), "/financing/")
    assert page_of(loan) in html.split("<h3>Claims to settle</h3>")[1]
    post(en, page_of(loan), {"action": "settle_claim"})
    html = get(as_user(en, demo, "bank_officer1"), page_of(loan))
    assert fresh(loan).state == S.COMPENSATED
    assert "Claim and loss sharing" in html and "Paid by the fund" in html and "Borne by the bank" in html
    assert re.search(r'data-confirm="Close this case with a loss\?', html)
    post(en, page_of(loan), {"action": "record_recovery", "record_recovery-amount": "300000"})
    html = get(en, page_of(loan))
    assert "The recovery is recorded and shared back." in html and "¥300,000.00" in html
    html = get(as_user(en, demo, "insurer1"), "/financing/")
    assert page_of(loan) in html.split("<h3>Claims</h3>")[1]
