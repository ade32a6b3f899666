import factory
from factory.django import DjangoModelFactory

from ipmarket.accounts.models import Membership, Organisation, Service, User
from ipmarket.accounts.validators import uscc_check_char


def valid_credit_code(n: int) -> str:
    first17 = f"91512000{n:09d}"
    return first17 + uscc_check_char(first17)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-12345-test")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service_{n}")
    name = factory.Sequence(lambda n: f"服务{n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Organisation {n}")
    kind = Organisation.Kind.ENTERPRISE
    unified_social_credit_code = factory.Sequence(valid_credit_code)
    city = "资阳"
    district = "雁江区"
    latitude = factory.Faker("pydecimal", left_digits=2, right_digits=6, min_value=30, max_value=31)
    longitude = factory.Faker("pydecimal", left_digits=3, right_digits=6, min_value=104, max_value=105)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


def member_of(organisation: Organisation, role: str = Membership.Role.MEMBER, **user_fields) -> User:
    """A new person who belongs to the organisation with the role."""
    return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user_fields)).user


# --- patents, trademarks, listings -------------------------------------------------

import datetime as _dt  # noqa: E402

from django.utils import timezone  # noqa: E402
from djmoney.money import Money  # noqa: E402

from ipmarket.assets.identifiers import make_application_number  # noqa: E402
from ipmarket.assets.models import Patent, PatentClassification, Trademark  # noqa: E402
from ipmarket.market.models import Listing  # noqa: E402


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
    filing_date = _dt.date(2018, 3, 15)
    grant_date = _dt.date(2020, 6, 1)
    legal_status = Patent.LegalStatus.GRANTED
    annual_fee_paid_until = factory.LazyFunction(lambda: _today() + _dt.timedelta(days=200))

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
    registration_date = factory.LazyFunction(lambda: _today() - _dt.timedelta(days=3 * 365))
    status = Trademark.Status.REGISTERED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        trademark = model_class(*args, **kwargs)
        trademark.full_clean()
        trademark.save()
        return trademark


class ListingFactory(DjangoModelFactory):
    """A published listing of a patent (status set directly: use services in tests of transitions)."""

    class Meta:
        model = Listing

    patent = factory.SubFactory(PatentFactory)
    seller = factory.LazyAttribute(lambda o: (o.patent or o.trademark).owner)
    deal_type = Listing.DealType.NON_EXCLUSIVE_LICENSE
    price = Money("200000.00", "CNY")
    term_months = 36
    created_by = factory.SubFactory(UserFactory)
    status = Listing.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
