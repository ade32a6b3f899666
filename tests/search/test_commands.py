"""`search_rebuild` and `search_reconcile` as the README names them."""

import io

import pytest
from django.core.management import call_command

from ipmarket.accounts.models import Organisation
from search import indexes
from search.client import get_client
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory

pytestmark = pytest.mark.django_db


def test_rebuild_loads_every_document_and_reports(capsys):
    OrganisationFactory.create_batch(4)
    PatentFactory.create_batch(3)  # each with its own owner organisation
    out, err = io.StringIO(), io.StringIO()
    call_command("search_rebuild", stdout=out, stderr=err)
    assert f"{indexes.alias('organisations')}: 7 documents" in out.getvalue()
    assert f"{indexes.alias('ip')}: 3 documents" in out.getvalue()
    assert get_client().count(index=indexes.alias("ip"))["count"] == 3


def test_reconcile_prints_the_counts():
    OrganisationFactory.create_batch(2)
    call_command("search_rebuild", stdout=io.StringIO(), stderr=io.StringIO())
    Organisation.objects.filter(pk=Organisation.objects.first().pk).update(is_active=False)
    out = io.StringIO()
    call_command("search_reconcile", "--dry-run", stdout=out)
    assert out.getvalue().strip() == "checked=1 missing=0 stale=0 extra=1"
    out = io.StringIO()
    call_command("search_reconcile", stdout=out)
    assert out.getvalue().strip() == "checked=1 missing=0 stale=0 extra=1"
    out = io.StringIO()
    call_command("search_reconcile", stdout=out)
    assert out.getvalue().strip() == "checked=1 missing=0 stale=0 extra=0"
