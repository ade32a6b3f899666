"""Who may take which action on an application: the right role of the right organisation."""

from django.utils.translation import gettext_lazy as _

from ipmarket.accounts import policies

from .models import Application, Document

S = Application.State
K = Document.Kind

OFFICER_ROLES = ("officer", "admin")
APPROVER_ROLES = ("approver", "admin")


def _member(user, org_id, roles=None) -> bool:
    return org_id in policies.organisation_ids(user, roles=roles)


def is_party(user, application) -> bool:
    return policies.is_platform_staff(user) or bool(application.party_ids & policies.organisation_ids(user))


def _borrower(user, app):
    return _member(user, app.applicant_id)


def _platform(user, app):
    return policies.is_platform_staff(user)


def _bank_officer(user, app):
    return _member(user, app.lender_id, OFFICER_ROLES)


def _bank_approver(user, app):
    return _member(user, app.lender_id, APPROVER_ROLES)


def _bank(user, app):
    return _member(user, app.lender_id)


def _insurer(user, app):
    return _member(user, app.insurer_id)


def _appraiser(user, app):
    return _member(user, app.appraiser_id)


def _fund(user, app):
    return _member(user, app.programme.risk_fund_id)


def _rejecter(user, app):
    """Platform people reject at pre-screening; the bank while reviewing; the insurer by declining;
    the fund (or the platform) rejects a claim."""
    if app.state == "claim_submitted":
        return _fund(user, app) or _platform(user, app)
    if app.state in ("valued", "bank_approved") and _bank(user, app):
        return True
    if app.state == "bank_approved" and _insurer(user, app):
        return True
    return _platform(user, app)


# --- sides and documents -------------------------------------------------------------------------------------


def sides_of(user, app) -> set[str]:
    """The sides of the application the person is on: borrower, bank, insurer, appraiser, fund, platform."""
    ids = policies.organisation_ids(user)
    sides = {
        side
        for side, org_id in (
            ("borrower", app.applicant_id),
            ("bank", app.lender_id),
            ("insurer", app.insurer_id),
            ("appraiser", app.appraiser_id),
            ("fund", app.programme.risk_fund_id),
        )
        if org_id in ids
    }
    if policies.is_platform_staff(user):
        sides.add("platform")
    return sides


BEFORE_VERIFICATION = (S.DRAFT, S.RETURNED, S.SUBMITTED, S.PRESCREENED)
CONTRACTING = (S.FUND_FILED, S.CONTRACTED, S.PLEDGE_REGISTERED)
REGISTERING = (S.CONTRACTED, S.PLEDGE_REGISTERED)
CLOSED = (S.PLEDGE_RELEASED, S.CLOSED_LOSS, S.REJECTED, S.WITHDRAWN, S.CLAIM_REJECTED)
EVERY_SIDE = {"borrower", "bank", "insurer", "appraiser", "fund", "platform"}
# kind → (the sides that upload it, the states of the application in which it is uploaded, who in words)
DOCUMENTS = {
    K.VALUATION_REPORT: (
        {"appraiser"},
        (S.IP_VERIFIED,),
        _("The appraiser named on the application uploads its valuation report, while the IP waits to be valued."),
    ),
    K.INSURANCE_POLICY: (
        {"insurer"},
        (S.BANK_APPROVED, S.INSURED),
        _("The insurer uploads the insurance policy, around underwriting."),
    ),
    K.PLEDGE_CONTRACT: (
        {"bank", "borrower"},
        CONTRACTING,
        _("The bank or the borrower uploads the contracts, once the fund has filed the loan."),
    ),
    K.LOAN_CONTRACT: (
        {"bank", "borrower"},
        CONTRACTING,
        _("The bank or the borrower uploads the contracts, once the fund has filed the loan."),
    ),
    K.REGISTRATION_FORM: (
        {"bank", "borrower"},
        REGISTERING,
        _("The bank or the borrower uploads the pledge registration documents, once the contract is signed."),
    ),
    K.REGISTRATION_CERTIFICATE: (
        {"bank", "borrower"},
        REGISTERING,
        _("The bank or the borrower uploads the pledge registration documents, once the contract is signed."),
    ),
    K.IDENTITY: (
        {"borrower"},
        BEFORE_VERIFICATION,
        _("The borrower uploads identity documents before its IP is verified."),
    ),
    K.POWER_OF_ATTORNEY: (
        {"borrower"},
        BEFORE_VERIFICATION,
        _("The borrower uploads its agent's power of attorney before its IP is verified."),
    ),
    K.CO_OWNER_CONSENT: (
        {"borrower"},
        BEFORE_VERIFICATION,
        _("The borrower uploads the co-owners' consent before its IP is verified."),
    ),
    K.OTHER: (
        EVERY_SIDE,
        tuple(s for s in S.values if s not in CLOSED),
        _("Any party uploads other documents while the application is open."),
    ),
}


def document_kinds_for(user, app) -> list[str]:
    """The kinds of document this person may upload to the application now."""
    sides = sides_of(user, app)
    return [kind for kind, (who, states, _reason) in DOCUMENTS.items() if who & sides and app.state in states]
