"""Who reads what of a case through the API: the claimant, the respondent before and after the bureau accepted
the case, the mediation organisation, a court the case is shared with, platform people, a stranger and an
anonymous caller × the case's endpoints, against expectations written here by hand (docs/disputes.md)."""

import pytest

from ipmarket.disputes import services
from tests.disputes.factories import dispute

URL = "/api/v1/disputes/"
READS = ["", "events/", "documents/", "shares/", "outcomes/", "sessions/", "steps/", "packet/"]
PACKET_READERS = {"platform", "mediator", "judge"}
# world → who sees the case (anyone else signed in: 404; anonymous: 401)
SEES = {
    "filed": {"owner", "platform", "judge"},
    "in_mediation": {"owner", "respondent_person", "mediator", "platform", "judge"},
}
ROLES = ["owner", "respondent_person", "mediator", "judge", "platform", "stranger", "anonymous"]


def expected(world: str, role: str, read: str) -> int:
    if role == "anonymous":
        return 401
    if role not in SEES[world]:
        return 404
    if read == "packet/" and role not in PACKET_READERS:
        return 403
    return 200


def _world(w, name):
    d = dispute(w, name)
    services.dispute_share(dispute=d, by=w.platform, partner=w.court)
    return d


@pytest.mark.parametrize("world", list(SEES))
@pytest.mark.parametrize("role", ROLES)
def test_reads_of_a_case(api, w, world, role):
    d = _world(w, world)
    api.force_authenticate(None if role == "anonymous" else getattr(w, role))
    answers = {read: api.get(f"{URL}{d.pk}/{read}").status_code for read in READS}
    assert answers == {read: expected(world, role, read) for read in READS}
    listed = api.get(URL)
    if role == "anonymous":
        assert listed.status_code == 401
    else:
        assert [c["id"] for c in listed.json()["results"]] == ([d.pk] if role in SEES[world] else [])


# (world, action, body) × who may (anyone else who sees the case: 403; who does not: 404; anonymous: 401)
WRITES = [
    ("filed", "accept", {"route": "enforcement"}, {"platform"}),
    ("filed", "withdraw", {}, {"owner"}),
    ("in_mediation", "consent", {}, {"respondent_person"}),
    ("in_mediation", "extend", {}, {"platform", "mediator"}),
]


@pytest.mark.parametrize(("world", "name", "body", "may"), WRITES, ids=lambda v: str(v))
def test_actions_by_role(api, w, world, name, body, may):
    for role in ROLES:
        d = _world(w, world)
        api.force_authenticate(None if role == "anonymous" else getattr(w, role))
        status = api.post(f"{URL}{d.pk}/actions/{name}/", body, format="json").status_code
        if role == "anonymous":
            want = 401
        elif role not in SEES[world]:
            want = 404
        else:
            want = 200 if role in may else 403
        assert status == want, (role, status)
