"""Demo subsidies (used by `manage.py seed_demo`, after financing/demo.py `seed_applications`): the subsidies
the demo programme's disbursed loans have earned, some of them taken along the workflow so that each queue
shows something. Idempotent: computing creates nothing twice, and the workflow part runs only while no subsidy
of the programme has been claimed."""

from django.db import transaction
from django.utils import timezone

from financing.models import Application, Programme
from ipmarket.accounts.models import User

from . import services
from .models import Subsidy


@transaction.atomic
def seed_subsidies(programme: Programme, people: dict[str, User]) -> None:
    loans = Application.objects.filter(programme=programme, disbursed_on__isnull=False).order_by("pk")
    for app in loans:
        services.subsidies_compute(application=app)
    rows = list(Subsidy.objects.filter(application__programme=programme).order_by("year", "kind", "period", "pk"))
    if not rows or any(s.state != Subsidy.State.CLAIMABLE for s in rows):
        return
    borrower, platform, fund = people["enterprise1"], people["platform1"], people["fund1"]
    # With n subsidies: the first paid (n ≥ 3), the next approved (n ≥ 2), the next claimed, the rest claimable.
    plan = {1: ["claimed"], 2: ["approved", "claimed"]}.get(len(rows), ["paid", "approved", "claimed"])
    for subsidy, target in zip(rows, plan, strict=False):
        if subsidy.application.applicant_id not in {m.organisation_id for m in borrower.memberships.all()}:
            continue
        subsidy = services.subsidy_claim(subsidy=subsidy, by=borrower)
        if target in ("approved", "paid"):
            subsidy = services.subsidy_approve(subsidy=subsidy, by=platform, note="演示：核对无误")
        if target == "paid":
            services.subsidy_pay(
                subsidy=subsidy, by=fund, paid_on=timezone.localdate(), reference=f"ZYBT-{subsidy.pk:06d}"
            )
