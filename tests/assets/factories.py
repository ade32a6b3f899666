"""Factories of assets: patents and trademarks as the register shows them (register facts, validated by
the model; no workflow state). Builds on tests/accounts/factories.py."""

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent, PatentClassification, Trademark
from tests.accounts.factories import OrganisationFactory


def _today():
    return timezone.localdate()


class PatentFactory(DjangoModelFactory):
    """A granted invention patent in force, fees paid for the coming year."""

    class Meta:
        model = Patent
        skip_postgeneration_save = True

    owner = factory.SubFactory(OrganisationFactory)
    application_number = factory.Sequence(lambda n: make_application_number(2018, "1", 100000 + n))
    patent_type = Patent.Type.INVENTION
    title = factory.Sequence(lambda n: f"一种测试装置{n}")
    abstract = "本发明公开了一种测试装置。"
    filing_date = dt.date(2018, 3, 15)
    grant_date = dt.date(2020, 6, 1)
    legal_status = Patent.LegalStatus.GRANTED
    annual_fee_paid_until = factory.LazyFunction(lambda: _today() + dt.timedelta(days=200))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        patent = model_class(*args, **kwargs)
        patent.full_clean()
        patent.save()
        return patent

    @factory.post_generation
    def ipc_codes(obj, create, extracted, **kwargs):
        if create:
            for i, code in enumerate(extracted if extracted is not None else ["H01L 21/02"]):
                PatentClassification.objects.create(patent=obj, code=code, position=i)


class TrademarkFactory(DjangoModelFactory):
    """A registered trademark in force."""

    class Meta:
        model = Trademark

    owner = factory.SubFactory(OrganisationFactory)
    registration_number = factory.Sequence(lambda n: f"{30000000 + n}")
    mark_name = factory.Sequence(lambda n: f"蜀锦{n}")
    nice_classes = [9, 42]
    goods_services = "计算机软件；技术研究"
    registration_date = factory.LazyFunction(lambda: _today() - dt.timedelta(days=3 * 365))
    status = Trademark.Status.REGISTERED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        trademark = model_class(*args, **kwargs)
        trademark.full_clean()
        trademark.save()
        return trademark
