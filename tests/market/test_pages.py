"""Marketplace pages: /market/ (filters, prices, pagination), a listing (inquiry, publish, withdraw)
and a deal (thread, actions for each side, the pay step against stripe-mock)."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from djmoney.money import Money

from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent
from ipmarket.market import services
from ipmarket.market.models import Deal, Listing
from tests.accounts.factories import OrganisationFactory, member_of
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.market.factories import ListingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    """A client that chose English with the switch (assertions on English source strings)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def seller_org(db):
    return OrganisationFactory(name="资阳卖方科技有限公司", name_en="Ziyang Seller Tech", city="资阳")


@pytest.fixture
def seller(seller_org):
    return member_of(seller_org, username="seller_person")


@pytest.fixture
def buyer_org(db):
    return OrganisationFactory(name="成都买方有限公司", name_en="Chengdu Buyer Ltd", city="成都")


@pytest.fixture
def buyer(buyer_org):
    return member_of(buyer_org, username="buyer_person")


@pytest.fixture
def listing(seller_org):
    patent = PatentFactory(owner=seller_org, title="一种储能电池", ipc_codes=["H01M 10/05"])
    return ListingFactory(patent=patent, price=Money("1234567.00", "CNY"), description="高能量密度")


def get(client, path, params=None, status=200):
    response = client.get(path, params or {})
    assert response.status_code == status, response.content[:800]
    return response.content.decode()


def post(client, path, data, status=302):
    response = client.post(path, data)
    assert response.status_code == status, response.content.decode()[:3000]
    return response


def open_deal(listing, buyer, message="请问价格可以商量吗？", offer=None) -> Deal:
    return services.inquiry_create(listing=listing, by=buyer, message=message, offer=offer).deal


def fresh(obj):
    """The row as stored now (FSM-protected fields forbid refresh_from_db)."""
    return type(obj).objects.get(pk=obj.pk)


def button(html: str, value: str) -> str:
    """The <button> tag of an action."""
    match = re.search(rf'<button[^>]*value="{value}"[^>]*>', html)
    assert match, f"no {value} button"
    return match.group(0)


# --- the list ------------------------------------------------------------------------


def test_market_is_chinese_by_default_with_prices_in_cny(client, listing):
    html = get(client, "/market/")
    assert '<html lang="zh-hans">' in html
    assert 'href="/market/" aria-current="page"' in html
    assert "一种储能电池" in html and "¥1,234,567.00" in html


def test_list_filters(en, seller_org):
    chengdu = OrganisationFactory(city="成都")
    battery = ListingFactory(
        patent=PatentFactory(owner=seller_org, title="一种储能电池", ipc_codes=["H01M 10/05"]), price="500000"
    )
    machine = ListingFactory(
        patent=PatentFactory(owner=chengdu, title="一种数控机床", ipc_codes=["B23Q 1/00"]),
        deal_type="assignment",
        term_months=None,
        price="3000000",
    )
    ListingFactory(
        patent=None,
        trademark=TrademarkFactory(owner=chengdu, mark_name="蜀锦坊"),
        deal_type="exclusive_license",
        price="80000",
        description="川菜品牌授权",
    )
    ListingFactory(patent=PatentFactory(title="一种草稿装置"), status=Listing.Status.DRAFT)
    ListingFactory(patent=PatentFactory(title="一种撤回装置"), status=Listing.Status.WITHDRAWN)
    ListingFactory(  # closed: an exclusive licence granted (a non-exclusive one never closes)
        patent=PatentFactory(title="一种成交装置"), deal_type="exclusive_license", status=Listing.Status.CLOSED
    )
    names = ("储能电池", "数控机床", "蜀锦坊", "草稿装置", "撤回装置", "成交装置")

    def shown(**params):
        html = get(en, "/market/", params)
        return {n for n in names if n in html}

    assert shown() == {"储能电池", "数控机床", "蜀锦坊"}
    assert shown(closed="on") == {"储能电池", "数控机床", "蜀锦坊", "成交装置"}
    assert shown(deal_type="assignment") == {"数控机床"}
    assert shown(asset_type="trademark") == {"蜀锦坊"}
    assert shown(asset_type="patent") == {"储能电池", "数控机床"}
    assert shown(ipc="H") == {"储能电池"}
    assert shown(ipc="B") == {"数控机床"}
    assert shown(city="成都") == {"数控机床", "蜀锦坊"}
    assert shown(price_min="100000") == {"储能电池", "数控机床"}
    assert shown(price_max="500000") == {"储能电池", "蜀锦坊"}
    assert shown(price_min="100000", price_max="1000000.50") == {"储能电池"}
    assert shown(q="储能") == {"储能电池"}
    assert shown(q="川菜") == {"蜀锦坊"}
    assert shown(q="蜀锦") == {"蜀锦坊"}
    assert shown(city="成都", deal_type="assignment", ipc="B", price_max="3000000") == {"数控机床"}
    assert battery.pk and machine.pk


def test_drafts_are_not_listed_even_for_their_seller(en, seller, seller_org):
    ListingFactory(patent=PatentFactory(owner=seller_org, title="一种草稿装置"), status=Listing.Status.DRAFT)
    en.force_login(seller)
    assert "一种草稿装置" not in get(en, "/market/")


@pytest.mark.parametrize(
    "params, note",
    [
        ({"price_min": "abc"}, "Lowest price (CNY) “abc” was ignored"),
        ({"price_max": "-5"}, "Highest price (CNY) “-5” was ignored"),
        ({"price_min": "1e20"}, "Lowest price (CNY) “1e20” was ignored"),
        ({"price_min": "12.345"}, "Lowest price (CNY) “12.345” was ignored"),
        ({"price_min": "NaN"}, "Lowest price (CNY) “NaN” was ignored"),
        ({"price_min": "900", "price_max": "100"}, "The lowest price is above the highest price"),
        ({"deal_type": "gift", "ipc": "Z"}, "Deal type “gift” was ignored"),
    ],
)
def test_bad_filter_values_are_ignored_with_a_visible_note(en, listing, params, note):
    html = get(en, "/market/", params)
    assert note in html
    assert "一种储能电池" in html  # the bad value filtered nothing


def test_pagination_keeps_filters_and_queries_stay_constant(en, seller_org):
    for i in range(45):
        patent = PatentFactory(owner=seller_org, title=f"一种分页装置{i:02d}", ipc_codes=["H01L 21/02", "G06F 3/01"])
        ListingFactory(patent=patent, price="1000")
    for _ in range(3):
        ListingFactory(patent=None, trademark=TrademarkFactory(owner=seller_org), price="1000")
    html = get(en, "/market/", {"asset_type": "patent"})
    assert html.count("一种分页装置") == 20 and "45 listings" in html
    assert 'href="?asset_type=patent&amp;page=2"' in html
    assert "H01L 21/02" in html
    counts = []
    for page in ("1", "3"):  # 20 listings, then 5
        with CaptureQueriesContext(connection) as ctx:
            html = get(en, "/market/", {"asset_type": "patent", "page": page})
        counts.append(len(ctx))
    assert html.count("一种分页装置") == 5
    assert counts[0] == counts[1], counts


def test_empty_state(en, listing):
    assert "No listing matches these filters" in get(en, "/market/", {"q": "不存在的东西"})


# --- a listing -----------------------------------------------------------------------


def test_detail_for_an_anonymous_visitor(en, listing):
    html = get(en, f"/market/{listing.pk}/")
    for text in (
        "¥1,234,567.00",
        "Negotiable: you may make an offer.",
        "Non-exclusive licence: the licensee may use it",
        "中国大陆",
        "36 months",
        f'href="/firms/{listing.seller_id}/"',
        f'href="/ip/patents/{listing.patent_id}/"',
        listing.patent.application_number,
        "H01M 10/05",
        "高能量密度",
        "Sign in to inquire",
        f"/accounts/login/?next=/market/{listing.pk}/",
    ):
        assert text in html, text
    assert 'name="message"' not in html and 'value="publish"' not in html


def test_open_licence_shows_the_declaration(en, seller_org, buyer):
    patent = PatentFactory(owner=seller_org, title="一种开放许可专利")
    listing = ListingFactory(
        patent=patent,
        deal_type="open_license",
        negotiable=False,
        price="50000",
        term_months=24,
        payment_terms="签约后一次性支付",
    )
    html = get(en, f"/market/{listing.pk}/")
    assert "Open licence declaration" in html
    for text in (patent.application_number, "Ziyang Seller Tech", "¥50,000.00", "签约后一次性支付", "24 months"):
        assert text in html, text
    assert "obtained by written notice to the patentee plus payment of the posted fee" in html
    assert "Sign in to obtain this licence" in html
    en.force_login(buyer)
    html = get(en, f"/market/{listing.pk}/")
    assert "Give notice and obtain the licence" in html and 'name="offer"' not in html
    response = post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "我方依开放许可声明通知实施。"})
    deal = Deal.objects.get(listing=listing)
    assert response["Location"] == f"/market/deals/{deal.pk}/"
    assert deal.state == Deal.State.ACCEPTED and deal.price == Money("50000", "CNY")  # no negotiation


def test_hidden_listings_are_404_except_to_the_sellers_people(en, seller, buyer, seller_org):
    for status in (Listing.Status.DRAFT, Listing.Status.WITHDRAWN):
        listing = ListingFactory(patent=PatentFactory(owner=seller_org), status=status)
        assert en.get(f"/market/{listing.pk}/").status_code == 404
        en.force_login(buyer)
        assert en.get(f"/market/{listing.pk}/").status_code == 404
        en.force_login(seller)
        assert en.get(f"/market/{listing.pk}/").status_code == 200
        en.logout()
    response = en.get("/market/999999/")
    assert response.status_code == 404 and "页面不存在" in response.content.decode()  # logout dropped the cookie


def test_inquiry_opens_a_deal_and_goes_to_its_page(en, listing, buyer):
    en.force_login(buyer)
    html = get(en, f"/market/{listing.pk}/")
    assert "Send inquiry" in html and 'name="offer"' in html and 'name="buyer"' in html  # hidden: one enterprise
    response = post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "能否降价？", "offer": "1000000.00"})
    deal = Deal.objects.get(listing=listing)
    assert response["Location"] == f"/market/deals/{deal.pk}/"
    assert deal.price == Money("1000000.00", "CNY") and deal.buyer == buyer.memberships.get().organisation
    html = get(en, response["Location"])
    assert "Your inquiry was sent to the seller." in html and "能否降价？" in html and "Offer: ¥1,000,000.00" in html
    # Back on the listing, the buyer is pointed to the deal already open.
    assert f'href="/market/deals/{deal.pk}/"' in get(en, f"/market/{listing.pk}/")


def test_inquiry_on_ones_own_listing_is_refused(en, listing, seller):
    en.force_login(seller)
    assert 'name="message"' not in get(en, f"/market/{listing.pk}/")  # no inquiry form for the seller
    response = post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "自己问自己"}, status=400)
    assert "This is your own listing." in response.content.decode()
    assert not Deal.objects.exists()


def test_an_offer_on_a_fixed_price_is_refused(en, seller_org, buyer):
    listing = ListingFactory(patent=PatentFactory(owner=seller_org), negotiable=False, price="80000")
    en.force_login(buyer)
    html = get(en, f"/market/{listing.pk}/")
    assert 'name="offer"' not in html and "The price is fixed" in html
    response = post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "出价", "offer": "1"}, status=400)
    html = response.content.decode()
    assert "The price of this listing is fixed: no offers." in html and "出价" in html  # the message is kept
    assert not Deal.objects.exists()
    post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "按标价购买"})
    assert Deal.objects.get().price == Money("80000", "CNY")


def test_inquiry_form_errors_are_shown(en, listing, buyer):
    en.force_login(buyer)
    response = post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "", "offer": "abc"}, status=400)
    html = response.content.decode()
    assert html.count('class="errorlist') == 2
    assert not Deal.objects.exists()


def test_anonymous_inquiry_goes_to_sign_in(en, listing):
    response = post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "你好"})
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Deal.objects.exists()


def test_a_person_of_two_enterprises_chooses_which_buys(en, listing, buyer_org):
    person = member_of(buyer_org)
    other = OrganisationFactory(name_en="Second Buyer Co")
    person.memberships.create(organisation=other)
    en.force_login(person)
    html = get(en, f"/market/{listing.pk}/")
    assert "Buying as" in html and "Second Buyer Co" in html
    post(en, f"/market/{listing.pk}/", {"action": "inquire", "message": "你好", "buyer": other.pk})
    assert Deal.objects.get().buyer == other


def test_people_of_other_kinds_are_told_only_enterprises_buy(en, listing):
    en.force_login(member_of(OrganisationFactory(kind="bank")))
    html = get(en, f"/market/{listing.pk}/")
    assert "Only enterprises inquire and buy." in html and 'name="message"' not in html


def test_seller_publishes_a_draft(en, seller, seller_org):
    listing = ListingFactory(patent=PatentFactory(owner=seller_org), status=Listing.Status.DRAFT)
    en.force_login(seller)
    html = get(en, f"/market/{listing.pk}/")
    assert "disabled" not in button(html, "publish")
    post(en, f"/market/{listing.pk}/", {"action": "publish"})
    listing = fresh(listing)
    assert listing.status == Listing.Status.PUBLISHED
    html = get(en, f"/market/{listing.pk}/")
    assert "The listing is published." in html
    assert "disabled" in button(html, "publish") and "Only a draft is published" in html


def test_publishing_a_pledged_asset_without_consent_is_refused_with_the_reason(en, seller, seller_org):
    bank = OrganisationFactory(kind="bank")
    patent = PatentFactory(owner=seller_org)
    Patent.objects.filter(pk=patent.pk).update(pledged=True, pledged_to=bank, pledged_since=timezone.now())
    listing = ListingFactory(patent=patent, status=Listing.Status.DRAFT)
    en.force_login(seller)
    html = get(en, f"/market/{listing.pk}/")
    assert "disabled" in button(html, "publish")
    assert "pledgee bank&#x27;s recorded consent" in html  # the reason is visible text
    # A stale page that posts anyway gets the same reason, not a 500.
    post(en, f"/market/{listing.pk}/", {"action": "publish"})
    listing = fresh(listing)
    assert listing.status == Listing.Status.DRAFT
    assert "pledgee bank&#x27;s recorded consent" in get(en, f"/market/{listing.pk}/")


def test_seller_withdraws_with_confirmation_and_sees_the_deals(en, listing, seller, buyer):
    deal = open_deal(listing, buyer)
    en.force_login(seller)
    html = get(en, f"/market/{listing.pk}/")
    assert "disabled" not in button(html, "withdraw")
    assert re.search(r'<form method="post" data-confirm="Withdraw this listing\?', html)
    assert f'href="/market/deals/{deal.pk}/"' in html and "Chengdu Buyer Ltd" in html
    post(en, f"/market/{listing.pk}/", {"action": "withdraw"})
    listing = fresh(listing)
    deal = fresh(deal)
    assert listing.status == Listing.Status.WITHDRAWN and deal.state == Deal.State.CANCELLED
    assert "The listing is withdrawn." in get(en, f"/market/{listing.pk}/")


def test_withdraw_is_disabled_while_a_deal_is_agreed(en, listing, seller, buyer):
    deal = open_deal(listing, buyer)
    services.deal_accept(deal=deal, by=seller, price=deal.price)
    en.force_login(seller)
    html = get(en, f"/market/{listing.pk}/")
    assert "disabled" in button(html, "withdraw")
    assert "A deal on this listing is agreed or paid: finish or cancel it first." in html


def test_other_people_see_no_seller_buttons(en, listing, buyer):
    en.force_login(buyer)
    html = get(en, f"/market/{listing.pk}/")
    assert 'value="publish"' not in html and 'value="withdraw"' not in html
    post(en, f"/market/{listing.pk}/", {"action": "withdraw"})
    listing = fresh(listing)
    assert listing.status == Listing.Status.PUBLISHED
    assert "Only the seller&#x27;s people do this." in get(en, f"/market/{listing.pk}/")


# --- a deal ----------------------------------------------------------------------------


def test_a_deal_is_seen_only_by_its_parties(en, listing, buyer, seller):
    deal = open_deal(listing, buyer)
    assert en.get(f"/market/deals/{deal.pk}/")["Location"].startswith("/accounts/login/")
    en.force_login(member_of(OrganisationFactory()))
    response = en.get(f"/market/deals/{deal.pk}/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
    assert en.post(f"/market/deals/{deal.pk}/", {"action": "cancel"}).status_code == 404
    for person in (buyer, seller):
        en.force_login(person)
        assert en.get(f"/market/deals/{deal.pk}/").status_code == 200
    deal = fresh(deal)
    assert deal.state == Deal.State.NEGOTIATING


def test_deal_page_in_chinese_by_default(client, listing, buyer):
    deal = open_deal(listing, buyer)
    client.force_login(buyer)
    html = get(client, f"/market/deals/{deal.pk}/")
    assert '<html lang="zh-hans">' in html and "¥1,234,567.00" in html and "请问价格可以商量吗？" in html


def test_buyer_view_while_negotiating(en, listing, buyer):
    deal = open_deal(listing, buyer)
    en.force_login(buyer)
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "You are the buyer." in html
    assert re.search(r'aria-current="step">\s*<span class="step-label">Negotiating', html)
    assert "disabled" in button(html, "accept") and "Only the seller&#x27;s people do this." in html
    assert "disabled" in button(html, "pay") and "Possible once the seller has accepted." in html
    assert "disabled" in button(html, "release")
    assert "disabled" not in button(html, "cancel")
    assert 'data-confirm="Cancel this deal?' in html
    assert 'name="offer"' in html  # offers while negotiating


def test_messages_and_offers(en, listing, buyer, seller):
    deal = open_deal(listing, buyer)
    en.force_login(seller)
    post(en, f"/market/deals/{deal.pk}/", {"action": "message", "body": "最低一百一十万。", "offer": "1100000"})
    deal = fresh(deal)
    assert deal.price == Money("1100000", "CNY")
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "Message sent." in html and "最低一百一十万。" in html and "Offer: ¥1,100,000.00" in html
    assert "msg-seller" in html and "msg-buyer" in html
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "message", "body": ""}, status=400)
    assert "errorlist" in response.content.decode()


def test_seller_accepts_then_the_buyer_sees_the_pay_step(en, listing, buyer, seller):
    deal = open_deal(listing, buyer, offer="1200000")
    en.force_login(seller)
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "disabled" not in button(html, "accept")
    assert 'type="hidden" name="price" value="1200000.00"' in html  # the accept form sends the price it shows
    assert "You accept ¥1,200,000.00." in html
    assert "disabled" in button(html, "pay") and "Only the buyer&#x27;s people do this." in html
    # A page showing an older offer accepts nothing (compare-and-set).
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "accept", "price": "1150000"}, status=400)
    assert "The price of this deal is now ¥1,200,000.00, not ¥1,150,000.00" in response.content.decode()
    assert fresh(deal).state == Deal.State.NEGOTIATING
    post(en, f"/market/deals/{deal.pk}/", {"action": "accept", "price": "1200000.00"})
    deal = fresh(deal)
    listing = fresh(listing)
    assert deal.state == Deal.State.ACCEPTED and deal.price == Money("1200000", "CNY")
    assert listing.status == Listing.Status.PUBLISHED  # a non-exclusive licence stays open to others
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "Deal accepted." in html and 'value="accept"' not in html
    # A second accept from a stale page: the transition error, as a message.
    post(en, f"/market/deals/{deal.pk}/", {"action": "accept", "price": "1200000.00"}, status=400)
    en.force_login(buyer)
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "disabled" not in button(html, "pay") and "Pay ¥1,200,000.00" in html


def test_an_invalid_transition_is_a_message_not_a_500(en, listing, buyer):
    deal = open_deal(listing, buyer)
    en.force_login(buyer)
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "release"}, status=400)
    assert "This is not possible now" in response.content.decode()
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "explode"})
    assert "Unknown action." in get(en, response["Location"])


def test_seller_may_not_pay(en, listing, buyer, seller):
    deal = open_deal(listing, buyer)
    services.deal_accept(deal=deal, by=seller, price=deal.price)
    en.force_login(seller)
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "pay"}, status=400)
    assert "Only the buyer&#x27;s people do this." in response.content.decode()


def test_pay_shows_the_payment_panel_with_a_client_secret_from_stripe(en, listing, buyer, seller, settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_pages"
    deal = open_deal(listing, buyer)
    services.deal_accept(deal=deal, by=seller, price=deal.price)
    en.force_login(buyer)
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "pay"}, status=200)
    html = response.content.decode()
    secret = re.search(r'data-client-secret="([^"]+)"', html).group(1)
    assert "_secret_" in secret  # a PaymentIntent's client secret (stripe-mock)
    assert 'data-publishable-key="pk_test_pages"' in html
    assert f'data-return-url="http://testserver/market/deals/{deal.pk}/"' in html
    assert '<script src="https://js.stripe.com/v3/" defer></script>' in html
    assert '<script src="/static/js/deal-payment.js" defer></script>' in html
    assert "could not be loaded" in html  # the offline text, ready for the script
    deal = fresh(deal)
    assert deal.payment_intent_id.startswith("pi_") and deal.state == Deal.State.ACCEPTED
    # Back from Stripe while the confirmation is on its way: the page reloads itself.
    back = {"payment_intent": deal.payment_intent_id, "redirect_status": "succeeded"}
    html = get(en, f"/market/deals/{deal.pk}/", back)
    assert '<meta http-equiv="refresh" content="5">' in html and "Waiting for the payment confirmation" in html
    assert "js.stripe.com" not in html  # the external script only on the pay step
    assert '<meta http-equiv="refresh"' not in get(en, f"/market/deals/{deal.pk}/")


def test_pay_when_the_provider_is_down_is_a_message(en, listing, buyer, seller, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    deal = open_deal(listing, buyer)
    services.deal_accept(deal=deal, by=seller, price=deal.price)
    en.force_login(buyer)
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "pay"}, status=400)
    assert "cannot be reached" in response.content.decode()
    deal = fresh(deal)
    assert deal.state == Deal.State.ACCEPTED and not deal.payment_intent_id


def test_paid_deal_recordal_and_release(en, listing, buyer, seller):
    deal = open_deal(listing, buyer)
    services.deal_accept(deal=deal, by=seller, price=deal.price)
    Deal.objects.filter(pk=deal.pk).update(state="paid", payment_intent_id="pi_pages_test", paid_at=timezone.now())
    en.force_login(buyer)
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "Payment received, held by the platform until recordal." in html
    assert "disabled" in button(html, "confirm_recordal")
    assert "Cancel the deal and refund the buyer" in html
    en.force_login(seller)
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "disabled" not in button(html, "confirm_recordal") and 'name="recordal_number"' in html
    assert "disabled" in button(html, "release") and "The buyer or the platform confirms the recordal" in html
    post(en, f"/market/deals/{deal.pk}/", {"action": "confirm_recordal", "recordal_number": ""}, status=400)
    post(en, f"/market/deals/{deal.pk}/", {"action": "confirm_recordal", "recordal_number": "2024990000123"})
    deal = fresh(deal)
    assert deal.state == Deal.State.RECORDED and deal.recordal_number == "2024990000123"
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "Recorded under number 2024990000123" in html
    assert "disabled" in button(html, "release") and "The buyer or the platform confirms the recordal" in html
    assert 'value="cancel"' not in html  # no cancelling after recordal
    en.force_login(buyer)
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "disabled" not in button(html, "release") and 'data-confirm="Release the held payment' in html
    # The seller has no payout account: the gateway refuses, the page says why.
    response = post(en, f"/market/deals/{deal.pk}/", {"action": "release"}, status=400)
    assert "payout account" in response.content.decode()
    deal = fresh(deal)
    assert deal.state == Deal.State.RECORDED


def test_cancel_ends_the_deal(en, listing, buyer, seller):
    deal = open_deal(listing, buyer)
    en.force_login(seller)
    post(en, f"/market/deals/{deal.pk}/", {"action": "cancel"})
    deal = fresh(deal)
    assert deal.state == Deal.State.CANCELLED
    html = get(en, f"/market/deals/{deal.pk}/")
    assert "This deal was cancelled." in html and "nothing more to do" in html
    assert re.search(r'step-end" aria-current="step">\s*<span class="step-label">Cancelled', html)
    assert 'value="accept"' not in html


def test_assignment_makes_the_listing_busy(en, seller_org, buyer, seller):
    patent = PatentFactory(owner=seller_org, application_number=make_application_number(2017, "1", 4242))
    listing = ListingFactory(patent=patent, deal_type="assignment", term_months=None)
    first = open_deal(listing, buyer)
    second_buyer = member_of(OrganisationFactory())
    second = open_deal(listing, second_buyer)
    services.deal_accept(deal=first, by=seller, price=first.price)
    en.force_login(seller)
    html = get(en, f"/market/deals/{second.pk}/")
    assert "disabled" in button(html, "accept")
    assert "The listing is not open: another buyer" in html
