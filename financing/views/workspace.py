"""The signed-in person's workspace: one section per organisation they belong to."""

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from ipmarket.accounts import policies as people
from ipmarket.accounts.models import Organisation
from ipmarket.accounts.selectors import organisations_of

from .. import selectors
from .common import S, list_row, pool_figures

BANK_GROUPS = [  # what waits for the bank, in the order of the path
    ("decide", gettext_lazy("To propose or approve"), [S.VALUED]),
    ("register", gettext_lazy("To register the pledge"), [S.FUND_FILED, S.CONTRACTED]),
    ("disburse", gettext_lazy("To disburse"), [S.PLEDGE_REGISTERED]),
    ("repayments", gettext_lazy("Repayments"), [S.ACTIVE, S.OVERDUE]),
    (
        "claims",
        gettext_lazy("Defaults, claims and recoveries"),
        [S.DEFAULTED, S.CLAIM_SUBMITTED, S.COMPENSATED, S.IN_RECOVERY],
    ),
    ("release", gettext_lazy("Repaid: to release the pledge"), [S.CLOSED_REPAID]),
]
AT_RISK_STATES = [S.PLEDGE_REGISTERED, S.ACTIVE, S.OVERDUE, S.DEFAULTED, S.CLAIM_SUBMITTED]
CLAIM_STATES = [S.CLAIM_SUBMITTED, S.COMPENSATED, S.IN_RECOVERY, S.CLOSED_LOSS, S.CLAIM_REJECTED]


def _at_risk(visible, **where) -> list:
    """Live loans with a collateral alert (lapsed, invalidated, expiring before maturity)."""
    qs = visible.filter(state__in=AT_RISK_STATES, alerts__isnull=False, **where).distinct()
    return [list_row(app) for app in qs]


def _by_org(apps, field: str, orgs) -> dict:
    grouped = defaultdict(list)
    for app in apps:
        grouped[getattr(app, field)].append(app)
    return {org.pk: grouped.get(org.pk, []) for org in orgs}


def _workspace(user) -> dict:
    """The sections of the person's workspace, one per organisation (a person may be in several). The
    number of queries depends on the kinds of organisations, never on the number of applications."""
    orgs = defaultdict(list)
    for org in organisations_of(user).order_by("name"):
        orgs[org.kind].append(org)
    visible = selectors.applications_visible_to(user).prefetch_related("alerts")
    sections = {}

    if enterprises := orgs[Organisation.Kind.ENTERPRISE]:
        apps = [list_row(a) for a in visible.filter(applicant__in=enterprises)]
        by_org = _by_org(apps, "applicant_id", enterprises)
        sections["enterprises"] = [{"org": org, "applications": by_org[org.pk]} for org in enterprises]

    if banks := orgs[Organisation.Kind.BANK]:
        states = [s for _key, _title, group in BANK_GROUPS for s in group]
        apps = [list_row(a, ltv=True) for a in visible.filter(lender__in=banks, state__in=states)]
        risky = _by_org(_at_risk(visible, lender__in=banks), "lender_id", banks)
        by_org = _by_org(apps, "lender_id", banks)
        sections["banks"] = [
            {
                "org": org,
                "groups": [
                    {"key": key, "title": title, "rows": [a for a in by_org[org.pk] if a.state in group]}
                    for key, title, group in BANK_GROUPS
                ],
                "at_risk": risky[org.pk],
                "empty": not by_org[org.pk],
            }
            for org in banks
        ]

    if insurers := orgs[Organisation.Kind.INSURER]:
        apps = [list_row(a) for a in visible.filter(insurer__in=insurers, state__in=[S.BANK_APPROVED, *CLAIM_STATES])]
        by_org = _by_org(apps, "insurer_id", insurers)
        risky = _by_org(_at_risk(visible, insurer__in=insurers), "insurer_id", insurers)
        sections["insurers"] = [
            {
                "org": org,
                "underwrite": [a for a in by_org[org.pk] if a.state == S.BANK_APPROVED],
                "claims": [a for a in by_org[org.pk] if a.state in CLAIM_STATES],
                "at_risk": risky[org.pk],
            }
            for org in insurers
        ]

    if appraisers := orgs[Organisation.Kind.APPRAISER]:
        apps = [list_row(a) for a in visible.filter(appraiser__in=appraisers, state=S.IP_VERIFIED)]
        by_org = _by_org(apps, "appraiser_id", appraisers)
        sections["appraisers"] = [{"org": org, "to_value": by_org[org.pk]} for org in appraisers]

    if funds := orgs[Organisation.Kind.RISK_FUND]:
        programmes = list(selectors.programmes_visible_to(user).filter(risk_fund__in=funds))
        apps = [
            list_row(a)
            for a in visible.filter(programme__risk_fund__in=funds, state__in=[S.INSURED, S.CLAIM_SUBMITTED])
        ]
        risky = _at_risk(visible, programme__risk_fund__in=funds)
        sections["funds"] = [
            {
                "org": org,
                "pools": [pool_figures(p) for p in programmes if p.risk_fund_id == org.pk],
                "to_file": [a for a in apps if a.programme.risk_fund_id == org.pk and a.state == S.INSURED],
                "to_settle": [a for a in apps if a.programme.risk_fund_id == org.pk and a.state == S.CLAIM_SUBMITTED],
                "at_risk": [a for a in risky if a.programme.risk_fund_id == org.pk],
            }
            for org in funds
        ]

    if people.is_platform_staff(user):
        apps = [list_row(a) for a in visible.filter(state__in=[S.SUBMITTED, S.PRESCREENED])]
        sections["platform"] = {
            "prescreen": [a for a in apps if a.state == S.SUBMITTED],
            "verify": [a for a in apps if a.state == S.PRESCREENED],
        }
    return sections


@login_required
def home(request):
    sections = _workspace(request.user)
    return render(request, "financing/home.html", {"sections": sections, "nothing": not sections})
