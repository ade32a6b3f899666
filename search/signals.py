"""Receivers that only record which search documents changed (sync.mark); no business logic here."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from financing.registry.models import Demand, DemandAsset
from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Patent, Trademark
from ipmarket.disputes.models import Dispute
from ipmarket.market.models import Listing

from . import builders, decisions, demands, sync


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    sync.mark("organisations", [instance.pk])
    if not created:  # its patents and trademarks carry its name, city and location
        patents = Patent.objects.filter(owner=instance).values_list("pk", flat=True)
        marks = Trademark.objects.filter(owner=instance).values_list("pk", flat=True)
        sync.mark(
            "ip",
            [builders.ip_document_id("patent", pk) for pk in patents]
            + [builders.ip_document_id("trademark", pk) for pk in marks],
        )


@receiver(post_delete, sender=Organisation)
def organisation_deleted(sender, instance, **kwargs):
    sync.mark("organisations", [instance.pk])


@receiver(post_save, sender=Patent)
@receiver(post_delete, sender=Patent)
@receiver(post_save, sender=Trademark)
@receiver(post_delete, sender=Trademark)
def asset_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    sync.mark("ip", [builders.ip_document_id(instance.asset_type, instance.pk)])


@receiver(post_save, sender=Listing)
@receiver(post_delete, sender=Listing)
def listing_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    asset_type = "patent" if instance.patent_id else "trademark"
    sync.mark("ip", [builders.ip_document_id(asset_type, instance.patent_id or instance.trademark_id)])


# --- the financing-demand registry (search/demands.py) ---------------------------------------------


@receiver(post_save, sender=Demand)
@receiver(post_delete, sender=Demand)
def demand_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    sync.mark(demands.INDEX, [instance.pk])


@receiver(m2m_changed, sender=Demand.banks.through)
def demand_banks_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:
        if action.startswith("post_"):
            sync.mark(demands.INDEX, [instance.pk])
    elif action in ("post_add", "post_remove"):  # a bank's side of the link: the demands named
        sync.mark(demands.INDEX, list(pk_set))
    elif action == "pre_clear":  # all the bank's demands, read before the links go
        sync.mark(demands.INDEX, list(Demand.objects.filter(banks=instance).values_list("pk", flat=True)))


@receiver(post_save, sender=DemandAsset)
@receiver(post_delete, sender=DemandAsset)
def demand_asset_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    sync.mark(demands.INDEX, [instance.demand_id])


@receiver(post_save, sender=Organisation)
def enterprise_saved(sender, instance, created, raw=False, **kwargs):
    """An enterprise's demands carry its name and city."""
    if raw or created or instance.kind != Organisation.Kind.ENTERPRISE:
        return
    sync.mark(demands.INDEX, demands.enterprise_demand_ids(instance.pk))


# --- published enforcement decisions (search/decisions.py) -----------------------------------------


@receiver(post_save, sender=Dispute)
@receiver(post_delete, sender=Dispute)
def dispute_changed(sender, instance, raw=False, **kwargs):
    """A case with a decision (recorded, published or unpublished): its document is built again or removed."""
    if raw or not (instance.decision_number or instance.decision_public):
        return
    sync.mark(decisions.INDEX, [instance.pk])


@receiver(post_save, sender=Organisation)
def party_saved(sender, instance, created, raw=False, **kwargs):
    """A published decision carries its parties' names."""
    if raw or created:
        return
    sync.mark(decisions.INDEX, decisions.organisation_decision_ids(instance.pk))


@receiver(post_save, sender=Patent)
@receiver(post_save, sender=Trademark)
def decision_asset_saved(sender, instance, created, raw=False, **kwargs):
    """A published decision carries its assets' numbers and titles (a new asset is in no case yet)."""
    if raw or created:
        return
    sync.mark(decisions.INDEX, decisions.asset_decision_ids(instance.asset_type, instance.pk))
