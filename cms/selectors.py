"""Reads for the public pages. Everything shown is public; market and financing data is read through
their own selectors."""

import logging

from django.utils import timezone
from wagtail.models import Locale, Page

from financing.selectors import programmes_visible_to
from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Patent, Trademark
from ipmarket.core.money import cny, percent
from ipmarket.market.models import Listing
from ipmarket.market.selectors import listings_visible_to

logger = logging.getLogger(__name__)


def home_figures() -> dict | None:
    """The headline figures: the statistics job's latest snapshot, or a few cheap live counts before
    the job has ever run (or when the statistics app is absent)."""
    try:
        from cms.statistics.selectors import latest_figures
    except ImportError:  # pragma: no cover - the statistics app is optional for the home page
        latest_figures = None
    if latest_figures is not None:
        figures = latest_figures()
        if figures:
            return {**figures, "live": False}
    return {**live_counts(), "live": True}


def live_counts() -> dict:
    """The statistics totals of the same name, counted now (cms/statistics/compute.py counts them alike)."""

    today = timezone.localdate()
    return {
        "organisations": Organisation.objects.filter(is_active=True).count(),
        "invention_patents": Patent.objects.in_force(today).filter(patent_type=Patent.Type.INVENTION).count(),
        "valid_trademarks": Trademark.objects.in_force(today).count(),
        # On offer: published or under negotiation.
        "published_listings": Listing.objects.filter(
            status__in=[Listing.Status.PUBLISHED, Listing.Status.UNDER_NEGOTIATION]
        ).count(),
    }


def latest_news(home: Page, *, limit: int = 3):
    """The newest live articles under this home page; those of the other language's tree while this
    language has none (an English home before any article is translated)."""
    from .models import NewsPage

    news = NewsPage.objects.live().public().descendant_of(home).order_by("-date", "-pk")[:limit]
    if news:
        return news
    default = home.get_translations().filter(locale=Locale.get_default()).first()
    if default is None:
        return news
    return NewsPage.objects.live().public().descendant_of(default).order_by("-date", "-pk")[:limit]


def featured_listings(user, *, limit: int = 4) -> list:
    """A few published listings, newest first (the page formats their price with `|cny`)."""

    return list(listings_visible_to(user).filter(status=Listing.Status.PUBLISHED)[:limit])


def partners():
    from .models import PartnerOrganisation

    return PartnerOrganisation.objects.select_related("logo")


def children_of_type(page: Page, model_name: str):
    return page.get_children().live().public().filter(content_type__model=model_name).specific()


def programme_terms(programme_id, user) -> dict | None:
    """A programme's current settings, formatted for the policy page (None when no programme is linked)."""
    if programme_id is None:
        return None

    programme = programmes_visible_to(user).filter(pk=programme_id).first()
    if programme is None:
        return None

    return {
        "programme": programme,
        "max_principal": cny(programme.max_principal),
        "max_term_months": programme.max_term_months,
        "max_annual_rate": percent(programme.max_annual_rate),
        "premium_rate_cap": percent(programme.premium_rate_cap),
        "interest_subsidy_rate": percent(programme.interest_subsidy_rate),
        "premium_subsidy_ratio": percent(programme.premium_subsidy_ratio),
        "ltv": [
            ("invention", percent(programme.ltv_invention)),
            ("utility_model", percent(programme.ltv_utility_model)),
            ("design", percent(programme.ltv_design)),
            ("trademark", percent(programme.ltv_trademark)),
        ],
        "fund_ratio": percent(programme.fund_ratio),
        "insurer_ratio": percent(programme.insurer_ratio),
        "bank_ratio": percent(programme.bank_ratio),
        "fund_cap_per_loan": cny(programme.fund_cap_per_loan),
        "pool_balance": cny(programme.pool_balance),
        "pool_leverage": f"{programme.pool_leverage.normalize():f}",
        "pool_capacity": cny(programme.pool_capacity),
        "overdue_grace_days": programme.overdue_grace_days,
        "default_after_days": programme.default_after_days,
        "claim_deadline_working_days": programme.claim_deadline_working_days,
    }
