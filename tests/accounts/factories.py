"""Factories of accounts: people, services, organisations and memberships (all in their initial state).

The other apps' factories (tests/assets, tests/market, tests/financing) build on these; this module imports
none of them."""

import factory
from factory.django import DjangoModelFactory

from ipmarket.accounts.models import Membership, Organisation, Service, User
from ipmarket.accounts.validators import uscc_check_char

PASSWORD = "pw-12345-test"  # every UserFactory person's


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
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

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


def platform_operator(organisation: Organisation | None = None, **user_fields) -> User:
    """A platform person as the platform's people are set up (see `ipmarket.accounts.demo.seed_people`): an
    admin of a platform organisation, staff, in the platform operators' group with its admin permissions."""
    from ipmarket.accounts.demo import _platform_group

    organisation = organisation or OrganisationFactory(kind=Organisation.Kind.PLATFORM)
    person = member_of(organisation, role=Membership.Role.ADMIN, is_staff=True, **user_fields)
    person.groups.add(_platform_group())
    return person
