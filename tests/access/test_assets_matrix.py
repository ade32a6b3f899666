"""The access matrix of patents and organisations: read, edit, register history and the pledgee's consent of
enterprise1's free patent, its patent pledged to bank A and a patent of enterprise3's unlisted enterprise; read,
edit and history of enterprise1's (listed) and enterprise3's (unlisted) organisations; read and renewal of the
same three trademarks; each × the demo people and an anonymous caller, against tests/access/expect.py."""

import pytest
from django.utils import timezone

from . import expect
from .people import ROLES, mismatches
from .worlds import build_assets

pytestmark = pytest.mark.django_db

PATENT_REQUESTS = {
    "read": ("get", "", None),
    "edit": ("patch", "", {"abstract": "访问矩阵：仅修改摘要。"}),
    "events": ("get", "events/", None),
    "consent": ("post", "actions/record_pledge_consent/", {"note": "access matrix"}),
}
ORGANISATION_REQUESTS = {
    "read": ("get", "", None),
    "edit": ("patch", "", {"description": "访问矩阵：仅修改简介。"}),
    "events": ("get", "events/", None),
}


@pytest.fixture(scope="module")
def world(kept_world):
    with kept_world():
        world = build_assets()
        world.name = "assets"
        yield world


@pytest.mark.parametrize("request_name", list(PATENT_REQUESTS))
@pytest.mark.parametrize("patent", list(expect.PATENT_OWNER_SIDE))
def test_patent(world, patent, request_name):
    method, tail, body = PATENT_REQUESTS[request_name]
    url = f"/api/v1/patents/{world.patents[patent].pk}/{tail}"
    cases = [(role, method, url, body, expect.patent_request(role, request_name, patent)) for role in ROLES]
    failed = mismatches(world, cases)
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("request_name", ["read", "renew"])
@pytest.mark.parametrize("trademark", list(expect.PATENT_OWNER_SIDE))
def test_trademark(world, trademark, request_name):
    mark = world.trademarks[trademark]
    if request_name == "read":
        method, url, body = "get", f"/api/v1/trademarks/{mark.pk}/", None
    else:
        body = {
            "renewed_on": timezone.localdate().isoformat(),
            "reference": "访问矩阵续展",
            "expected_expiry": mark.expiry_date.isoformat(),
        }
        method, url = "post", f"/api/v1/trademarks/{mark.pk}/actions/renew/"
    cases = [(role, method, url, body, expect.trademark_request(role, request_name, trademark)) for role in ROLES]
    failed = mismatches(world, cases)
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("request_name", list(ORGANISATION_REQUESTS))
@pytest.mark.parametrize("organisation", list(expect.ORG_ADMINS))
def test_organisation(world, organisation, request_name):
    method, tail, body = ORGANISATION_REQUESTS[request_name]
    org = world.orgs.enterprise_a if organisation == "listed" else world.orgs.enterprise_c
    url = f"/api/v1/organisations/{org.pk}/{tail}"
    cases = [(role, method, url, body, expect.organisation_request(role, request_name, organisation)) for role in ROLES]
    failed = mismatches(world, cases)
    assert not failed, "\n".join(failed)
