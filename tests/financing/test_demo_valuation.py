"""`seed_demo` leaves a reused valuation: enterprise1's lemon-processing loan was first applied for, valued
under the panel standard and withdrawn; the later application for it reuses that panel report (the appraiser
confirms it still stands) — and a second run changes nothing."""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext

from financing.demo import REUSE_FIRST_PURPOSE
from financing.models import Application, Event, ValuationReport
from financing.valuations import application_keys, report_keys

pytestmark = pytest.mark.django_db
# The confirmation the reusing appraiser's `value` event notes (financing/services/applications.py).
CONFIRMATION = "The appraiser confirms that panel valuation report #%(id)s still stands and reuses it."


@pytest.fixture
def seeded(db):
    call_command("seed_demo", "--with-users", verbosity=0)


def shared_reports():
    return ValuationReport.objects.annotate(n=Count("applications")).filter(n__gte=2)


def test_one_panel_report_is_used_by_two_applications_and_the_later_one_reused_it(seeded):
    report = shared_reports().get()
    first, later = Application.objects.filter(valuation=report).order_by("pk")
    assert first.purpose == REUSE_FIRST_PURPOSE
    assert first.state == Application.State.WITHDRAWN
    assert later.state == Application.State.VALUED
    assert first.applicant_id == later.applicant_id
    assert report_keys(report) == application_keys(first) == application_keys(later)
    assert later.appraised_value == report.value and later.valuation_report_date == report.value_date
    first_value = Event.objects.get(application=first, action="value")
    later_value = Event.objects.get(application=later, action="value")
    confirmations = set()
    for language in ("en", settings.LANGUAGE_CODE):
        with translation.override(language):
            confirmations.add(gettext(CONFIRMATION) % {"id": report.pk})
    assert any(later_value.note.startswith(c) for c in confirmations), later_value.note
    assert not any(first_value.note.startswith(c) for c in confirmations)
    assert first_value.at < later_value.at
    assert not later.documents.filter(kind="valuation_report").exists()  # no new upload for a reused report


def test_a_second_run_adds_no_application_report_or_event(seeded):
    before = (Application.objects.count(), ValuationReport.objects.count(), Event.objects.count())
    call_command("seed_demo", "--with-users", verbosity=0)
    assert (Application.objects.count(), ValuationReport.objects.count(), Event.objects.count()) == before
    assert shared_reports().count() == 1
