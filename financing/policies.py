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


# action → (who may act, the sentence shown when someone else tries)
ACTORS = {
    "submit": (_borrower, _("The borrowing enterprise submits its application.")),
    "withdraw": (_borrower, _("The borrowing enterprise withdraws its application.")),
    "sign_contract": (_borrower, _("The borrowing enterprise signs the contract.")),
    "prescreen": (_platform, _("Platform people pre-screen applications.")),
    "verify_ip": (_platform, _("Platform people verify the pledged IP with CNIPA's register.")),
    "return": (lambda u, a: _platform(u, a) or _bank(u, a), _("The platform or the bank returns an application.")),
    "reject": (_rejecter, _("You may not reject this application at this stage.")),
    "value": (_appraiser, _("The appraiser named on the application values the IP.")),
    "bank_propose": (_bank_officer, _("An officer of the bank named on the application proposes the loan.")),
    "bank_approve": (_bank_approver, _("An approver of the bank named on the application decides.")),
    "underwrite": (_insurer, _("The insurer named on the application underwrites it.")),
    "fund_file": (_fund, _("The programme's risk-compensation fund files the loan.")),
    "register_pledge": (_bank_officer, _("The bank's officer registers the pledge.")),
    "disburse": (_bank_officer, _("The bank's officer disburses the loan.")),
    "record_repayment": (_bank_officer, _("The bank's officer records repayments.")),
    "mark_default": (_bank_officer, _("The bank's officer records a default.")),
    "submit_claim": (_bank_officer, _("The bank's officer submits the claim.")),
    "settle_claim": (lambda u, a: _fund(u, a) or _platform(u, a), _("The fund settles claims.")),
    "record_recovery": (_bank_officer, _("The bank's officer records recoveries.")),
    "close": (lambda u, a: _bank_officer(u, a) or _platform(u, a), _("The bank or the platform closes the case.")),
    "release_pledge": (_bank_officer, _("The bank's officer releases the pledge.")),
}


def actor_refusal(user, application, action: str) -> str | None:
    """Why this person may not take the action (a readable reason), or None."""
    allowed, reason = ACTORS[action]
    return None if allowed(user, application) else str(reason)


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
