"""Query-count baselines of the accounts lists (tests/querycount.py): the organisation directory of the API
and an organisation's history, each measured with 2 rows and with more, against tests/accounts/query_counts.json."""

import pytest

from ipmarket.accounts import services
from tests.accounts.factories import OrganisationFactory, ServiceFactory, member_of
from tests.querycount import Baselines, api_as, api_count, api_length

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
ORGANISATIONS = "/api/v1/organisations/"


def firms(n):
    """n listed enterprises offering two services each (the list serialises the service codes)."""
    offered = [ServiceFactory(code="patent_filing"), ServiceFactory(code="ip_valuation")]
    for org in OrganisationFactory.create_batch(n, kind="enterprise"):
        org.services.add(*offered)


@pytest.mark.parametrize(
    "who",
    ["anonymous", "enterprise member", "platform staff"],
)
def test_organisation_list(who):
    people = {
        "anonymous": None,
        "enterprise member": member_of(OrganisationFactory(kind="enterprise", is_active=False)),
        "platform staff": member_of(OrganisationFactory(kind="platform"), role="admin"),
    }
    client = api_as(people[who])
    firms(2)
    BASELINES.check(
        f"GET {ORGANISATIONS} as {who}",
        lambda: client.get(ORGANISATIONS),
        rows=api_count,
        grow=lambda: firms(4),
    )


def test_organisation_events_as_platform_staff():
    platform = member_of(OrganisationFactory(kind="platform"), role="admin")
    firm = OrganisationFactory(kind="enterprise")
    client = api_as(platform)
    counter = iter(range(100))

    def rename(n):
        for _ in range(n):
            services.organisation_update(organisation=firm, by=platform, name=f"改名科技{next(counter)}有限公司")
            people = member_of(OrganisationFactory(kind="enterprise"))
            services.membership_set(organisation=firm, user=people, role="member", by=platform)

    rename(1)
    url = f"{ORGANISATIONS}{firm.pk}/events/"
    BASELINES.check(
        f"GET {ORGANISATIONS}<id>/events/ as platform staff",
        lambda: client.get(url),
        rows=api_length,
        grow=lambda: rename(3),
    )
