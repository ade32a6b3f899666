"""Pure rules about an asset's standing on a given day (docs/market.md). No database access."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

FEE_GRACE = relativedelta(months=6)
DUE_SOON_WINDOW = timedelta(days=30)
RENEWAL_WINDOW = relativedelta(months=12)
RENEWAL_GRACE = relativedelta(months=6)
TRADEMARK_TERM = relativedelta(years=10)

# Annual-fee states
FEE_NOT_APPLICABLE = "not_applicable"  # not granted (fees start with the grant)
FEE_PAID = "paid"
FEE_DUE_SOON = "due_soon"  # due within 30 days
FEE_OVERDUE = "overdue"  # past due, within the 6-month grace period (surcharge)
FEE_LAPSED = "lapsed"  # unpaid past the grace period

# Trademark renewal states
RENEWAL_NOT_DUE = "not_due"
RENEWAL_OPEN = "window_open"  # the 12 months before expiry
RENEWAL_GRACE_PERIOD = "grace"  # the 6 months after expiry
RENEWAL_TOO_LATE = "expired"


def annual_fee_lapse_date(paid_until: date | None) -> date | None:
    return paid_until + FEE_GRACE if paid_until else None


def annual_fee_state(legal_status: str, paid_until: date | None, today: date) -> str:
    if legal_status not in ("granted", "lapsed") or paid_until is None:
        return FEE_NOT_APPLICABLE
    if today > paid_until + FEE_GRACE:
        return FEE_LAPSED
    if today > paid_until:
        return FEE_OVERDUE
    if today >= paid_until - DUE_SOON_WINDOW:
        return FEE_DUE_SOON
    return FEE_PAID


def _earliest_within(today: date, grace: relativedelta) -> date:
    """The earliest date `d` with `today <= d + grace` (then every later date is too). Not simply
    `today - grace`: adding months clips to the month's end (31 August + 6 months is 28 February), so
    subtracting them is not its inverse."""
    day = timedelta(days=1)
    cutoff = today - grace
    while cutoff + grace < today:
        cutoff += day
    while cutoff - day + grace >= today:
        cutoff -= day
    return cutoff


def earliest_unlapsed_paid_until(today: date) -> date:
    """The fees of a granted patent are not FEE_LAPSED on `today` exactly when its "paid until" date is on or
    after this date (what the database queries compare with: `Patent.objects.in_force()`, the nightly lapse)."""
    return _earliest_within(today, FEE_GRACE)


def earliest_renewable_expiry(today: date) -> date:
    """A trademark's renewal is not RENEWAL_TOO_LATE on `today` exactly when it expires on or after this date."""
    return _earliest_within(today, RENEWAL_GRACE)


def fees_unpaid(patent, today: date) -> bool:
    return annual_fee_state(patent.legal_status, patent.annual_fee_paid_until, today) in (FEE_OVERDUE, FEE_LAPSED)


def patent_in_force(patent, today: date) -> bool:
    """Granted, not past its term, fees not lapsed."""
    return (
        patent.legal_status == "granted"
        and today < patent.expiry_date
        and annual_fee_state(patent.legal_status, patent.annual_fee_paid_until, today) != FEE_LAPSED
    )


def trademark_expiry(registration_date: date, renewals: int = 0) -> date:
    """The last day of the current registration: 10 years from registration, and 10 more per recorded renewal,
    each counted from the end of the previous term (Trademark Law Art. 40), not from the renewal. Chained term
    by term, so 29 February stays 28 February once clipped."""
    expiry = registration_date + TRADEMARK_TERM
    for _term in range(renewals):
        expiry += TRADEMARK_TERM
    return expiry


def trademark_renewable_on(expiry_date: date, day: date) -> bool:
    """A renewal filed or granted on `day` counts for the term ending on `expiry_date`: within the 12 months
    before it or the 6-month grace period after it (both ends included)."""
    return trademark_renewal_state(expiry_date, day) in (RENEWAL_OPEN, RENEWAL_GRACE_PERIOD)


def trademark_renewal_state(expiry_date: date, today: date) -> str:
    if today > expiry_date + RENEWAL_GRACE:
        return RENEWAL_TOO_LATE
    if today > expiry_date:
        return RENEWAL_GRACE_PERIOD
    if today >= expiry_date - RENEWAL_WINDOW:
        return RENEWAL_OPEN
    return RENEWAL_NOT_DUE


def trademark_in_force(trademark, today: date) -> bool:
    """Registered and not past its expiry date (the renewal grace period after it does not count)."""
    return trademark.status == "registered" and today <= trademark.expiry_date


def last_day_of_term(asset) -> date:
    """The last day the asset's term covers: a patent's `expiry_date` is the first day after its term (the
    anniversary of filing), a trademark's the last day of its registration."""
    return asset.expiry_date - timedelta(days=1) if asset.asset_type == "patent" else asset.expiry_date


def outlasts(asset, day: date) -> bool:
    """The asset's term still covers `day` (a pledge must be in force on the day its loan matures)."""
    return last_day_of_term(asset) >= day


def asset_in_force(asset, today: date) -> bool:
    return patent_in_force(asset, today) if asset.asset_type == "patent" else trademark_in_force(asset, today)
