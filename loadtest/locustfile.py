"""The mix of `make loadtest` (loadtest/run.py drives it; LOADTEST_FIXTURES names the JSON of ids and paths
written by loadtest/fixtures.py).

- Visitors (weight 14): the home page, the firm directory with text, facets and distance, the IP search, the
  market, a listing, the statistics, a news article.
- Enterprises (weight 4): list an asset (a draft listing of one of enterprise1's patents, then withdrawn),
  inquire about another seller's listing (enterprise2), apply for a pledge loan (a draft application, then
  withdrawn), read the inbox.
- Banks (weight 2): bank_officer1's queue (the financing workspace), an application's page, and an action
  (a loan proposal on a valued application, which records the proposal and leaves the state).

Every request is named by its class (the `name=`), so Locust reports one line per class. A failure is a
5xx, a timeout, a refused connection, or any 4xx other than a rule's refusal of a write (400 or 409 with a
`code`, which is the correct answer when two simulated people race for the same thing).
"""

import json
import os
import random
import re

import requests
from locust import FastHttpUser, between, task
from locust.exception import StopUser

FIXTURES = json.loads(open(os.environ["LOADTEST_FIXTURES"]).read()) if "LOADTEST_FIXTURES" in os.environ else {}
PASSWORD = "demo12345"
WORDS = ["专利", "商标", "律师事务所", "资产评估", "银行", "知识产权", "代理", "Patent", "Law"]
KINDS = ["patent_agency", "trademark_agency", "law_firm", "appraiser", "bank", "insurer", "enterprise"]
IP_WORDS = ["电池", "材料", "装置", "方法", "系统", "茶", "食品", "设备"]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def check(response, *, refusals_allowed: bool = False) -> None:
    """Mark the response: a rule's 400/409 refusal of a write is an answer, not a failure."""
    status = response.status_code
    if 200 <= status < 400:
        response.success()
    elif refusals_allowed and status in (400, 409) and '"code"' in (response.text or ""):
        response.success()
    else:
        response.failure(f"HTTP {status}: {(response.text or '')[:200]}")


class SignedIn(FastHttpUser):
    """A demo person signed in twice: a session for the pages, a token for the API.

    The production settings mark the session cookie Secure; the load runs over plain HTTP on the loopback
    (nginx would terminate TLS), so the cookies are sent as an explicit header rather than by a jar."""

    abstract = True
    username = ""

    def on_start(self):
        # Signing in is the set-up of a simulated person, outside the measured mix: plain `requests` (made
        # cooperative by Locust's gevent), not Locust's client, so that it is not timed. A failure is counted.
        try:
            self.cookies, self.api = self._sign_in()
        except Exception as error:
            self.environment.events.request.fire(
                request_type="POST", name="sign in", response_time=0, response_length=0, exception=error, context={}
            )
            raise StopUser() from error

    def _sign_in(self) -> tuple[str, dict]:
        session = requests.Session()

        def insecure():  # the Secure cookies, sent over the loopback's plain HTTP all the same
            for cookie in session.cookies:
                cookie.secure = False

        page = session.get(f"{self.host}/accounts/login/", timeout=60)
        insecure()
        signed = session.post(
            f"{self.host}/accounts/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": CSRF.search(page.text).group(1),
            },
            headers={"Referer": f"{self.host}/accounts/login/"},
            allow_redirects=False,
            timeout=60,
        )
        if signed.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in (HTTP {signed.status_code})")
        insecure()
        answer = session.post(
            f"{self.host}/api/v1/auth/token/", json={"username": self.username, "password": PASSWORD}, timeout=60
        )
        answer.raise_for_status()
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in session.cookies)
        return cookies, {"Authorization": f"Token {answer.json()['token']}"}

    def page(self, path: str, name: str):
        with self.client.get(path, headers={"Cookie": self.cookies}, name=name, catch_response=True) as response:
            check(response)

    def write(self, path: str, body: dict | None, name: str):
        with self.client.post(path, json=body or {}, headers=self.api, name=name, catch_response=True) as response:
            check(response, refusals_allowed=True)
            return response.json() if response.status_code in (200, 201) else None


class Visitor(FastHttpUser):
    weight = 14
    wait_time = between(1, 3)

    def get(self, path: str, name: str, **params):
        with self.client.get(path, params=params or None, name=name, catch_response=True) as response:
            check(response)

    @task(3)
    def home(self):
        self.get("/", "visitor: home")

    @task(3)
    def firm_search(self):
        city = random.choice(FIXTURES["cities"])
        self.get(
            "/firms/", "visitor: firm search", q=random.choice(WORDS), kind=random.choice(KINDS), city=city["name"]
        )

    @task(2)
    def firm_search_near(self):
        city = random.choice(FIXTURES["cities"])
        self.get(
            "/api/v1/search/firms/",
            "visitor: firm search by distance",
            q=random.choice(WORDS),
            near=f"{city['lat']},{city['lon']}",
            radius_km=random.choice([5, 20, 50]),
            sort="distance",
        )

    @task(2)
    def ip_search(self):
        self.get("/ip/", "visitor: IP search", q=random.choice(IP_WORDS))

    @task(2)
    def market(self):
        self.get("/market/", "visitor: market")

    @task(3)
    def listing(self):
        self.get(f"/market/{random.choice(FIXTURES['listings'])}/", "visitor: listing")

    @task(1)
    def firm(self):
        self.get(f"/firms/{random.choice(FIXTURES['firms'])}/", "visitor: firm page")

    @task(1)
    def statistics(self):
        self.get("/statistics/", "visitor: statistics")

    @task(1)
    def news(self):
        if FIXTURES["news"]:
            self.get(random.choice(FIXTURES["news"]), "visitor: news")


class Enterprise(SignedIn):
    weight = 4
    wait_time = between(2, 5)

    def on_start(self):
        self.username = random.choice(["enterprise1", "enterprise2"])
        super().on_start()

    @task(2)
    def list_an_asset(self):
        if self.username != "enterprise1":
            return self.inbox()
        body = {
            "asset": {"type": "patent", "id": random.choice(FIXTURES["enterprise1_patents"])},
            "deal_type": random.choice(["assignment", "exclusive_license", "non_exclusive_license"]),
            "price": {"amount": f"{random.randint(10, 500) * 10000}.00", "currency": "CNY"},
        }
        if body["deal_type"] != "assignment":  # a licence has a term and a territory, an assignment neither
            body.update(term_months=36, territory="四川省")
        listing = self.write("/api/v1/listings/", body, "enterprise: list an asset")
        if listing:
            self.write(f"/api/v1/listings/{listing['id']}/actions/withdraw/", {}, "enterprise: list an asset")

    @task(2)
    def inquire(self):
        if self.username != "enterprise2":
            return self.apply()
        listing = random.choice(FIXTURES["inquiry_listings"])
        self.write(
            f"/api/v1/listings/{listing}/inquiries/",
            {"message": "我们对该专利有兴趣，请联系。"},
            "enterprise: inquire",
        )

    @task(1)
    def apply(self):
        if self.username != "enterprise1":
            return self.inbox()
        application = self.write(
            "/api/v1/financing/applications/",
            {
                "programme": FIXTURES["programme"],
                "principal": {"amount": "3000000.00", "currency": "CNY"},
                "annual_rate": "0.0450",
                "term_months": 12,
                "method": "equal_instalment",
                "purpose": "流动资金",
                "assets": [{"type": "patent", "id": random.choice(FIXTURES["enterprise1_patents"])}],
                "lender": FIXTURES["lender"],
                "insurer": FIXTURES["insurer"],
                "appraiser": FIXTURES["appraiser"],
            },
            "enterprise: apply",
        )
        if application:
            self.write(f"/api/v1/financing/applications/{application['id']}/actions/withdraw/", {}, "enterprise: apply")

    @task(2)
    def inbox(self):
        self.page("/inbox/", "enterprise: inbox")


class Bank(SignedIn):
    weight = 2
    wait_time = between(2, 5)
    username = "bank_officer1"

    @task(3)
    def queue(self):
        self.page("/financing/", "bank: queue")

    @task(3)
    def application(self):
        self.page(f"/financing/applications/{random.choice(FIXTURES['bank_applications'])}/", "bank: application")

    @task(1)
    def propose(self):
        if not FIXTURES["bank_valued"]:
            return self.queue()
        self.write(
            f"/api/v1/financing/applications/{random.choice(FIXTURES['bank_valued'])}/actions/bank_propose/",
            {"principal": {"amount": "2000000.00", "currency": "CNY"}, "annual_rate": "0.0420"},
            "bank: propose",
        )
