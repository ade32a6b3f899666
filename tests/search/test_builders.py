"""Model → document builders: plain dicts, no Elasticsearch."""

import pytest

from search import builders
from tests.accounts.factories import OrganisationFactory, ServiceFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


def test_organisation_document():
    org = OrganisationFactory(
        name="资阳天府专利代理事务所",
        name_en="Ziyang Tianfu Patent Agency",
        kind="patent_agency",
        latitude="30.1",
        longitude="104.6",
    )
    org.services.add(ServiceFactory(code="patent_filing", name="专利申请代理", name_en="Patent filing"))
    doc = builders.organisation_document(org)
    assert doc["_id"] == str(org.pk)
    assert doc["location"] == {"lat": 30.1, "lon": 104.6}
    assert doc["services"] == ["patent_filing"] and "专利申请代理" in doc["service_names"]
    # Typing the name after the city finds it too.
    assert {"资阳天府专利代理事务所", "天府专利代理事务所", "Ziyang Tianfu Patent Agency"} <= set(
        doc["suggest"]["input"]
    )


def test_patent_document_carries_public_listings_only():
    patent = PatentFactory(ipc_codes=["H01M 4/04", "B05C 5/02"])
    public = ListingFactory(patent=patent, deal_type="assignment", price="900000")
    draft = ListingFactory(patent=patent, deal_type="sole_license", status="draft", price="1")
    doc = builders.ip_document(patent, list(patent.listings.all()))
    assert doc["_id"] == f"patent-{patent.pk}"
    assert doc["deal_types"] == ["assignment"] and doc["listing_ids"] == [public.pk]
    assert doc["min_price"] == "900000.00"
    assert doc["ipc"] == ["H01M 4/04", "B05C 5/02"] and doc["ipc_section"] == ["B", "H"]
    assert doc["owner_name"] == patent.owner.name and doc["city"] == patent.owner.city
    # Its version is the latest change of the patent, its owner or any of its listings.
    assert (
        doc["updated_at"]
        == max(patent.updated_at, patent.owner.updated_at, public.updated_at, draft.updated_at).isoformat()
    )


def test_trademark_document():
    mark = TrademarkFactory(mark_name="蜀锦坊", nice_classes=[24, 25])
    doc = builders.ip_document(mark, [])
    assert (doc["type"], doc["kind"], doc["title"], doc["nice_classes"]) == (
        "trademark",
        "trademark",
        "蜀锦坊",
        [24, 25],
    )
    assert doc["ipc"] == [] and doc["deal_types"] == [] and doc["min_price"] is None
