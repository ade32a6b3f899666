"""An IP dispute on the pages alone, in Chinese, on the demo data: enterprise1 files an infringement case about
one of its trademarks against enterprise2's enterprise with an evidence PDF; platform1 accepts it into mediation
with the demo mediation committee; enterprise2 consents; mediator1 records a session, then that mediation failed,
referring the case to the demo court; court1 opens the shared case and sees the evidence; platform1's list shows
it referred. Then an anonymous visitor finds the demo's published decision on the public decisions page and
through its search box."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ipmarket.accounts.demo import DEMO_PASSWORD
from ipmarket.accounts.models import Organisation
from ipmarket.assets.models import Trademark
from ipmarket.disputes.demo import decision_number
from ipmarket.disputes.models import Dispute
from search import indexes
from search.client import get_client

pytestmark = pytest.mark.django_db(transaction=True)

FACTS = "对方在其微信小程序商城销售的智能控制柜上使用了与我司注册商标相同的标识，已公证购买样品。"
REMEDY = "立即停止侵权，下架相关商品，赔偿经济损失30万元。"
EVIDENCE = "公证购买样品照片.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def site(live_server):
    call_command("seed_demo", "--with-users", verbosity=0)
    indexes.rebuild("decisions")  # the public decisions page searches this index
    yield live_server.url
    try:
        get_client().indices.delete(index=f"{indexes.alias('decisions')}-*", ignore_unavailable=True)
    except Exception:
        pass


def visitor(browser, site):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "zh-hans", "url": site}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("dialog", lambda dialog: dialog.accept())
    return context, page


def person(browser, site, username, next_path):
    context, page = visitor(browser, site)
    page.goto(f"{site}/accounts/login/?next={next_path}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    return context, page


def open_case(page, dispute):
    page.get_by_role("link", name=f"案件 {dispute.pk}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"案件 {dispute.pk}：侵权纠纷")


def state(page):
    return page.locator("[data-dispute-state]")


def test_an_infringement_case_from_filing_to_the_court(browser, site, tmp_path):
    claimant = Organisation.objects.get(name="资阳天府智能装备有限公司")
    mark = Trademark.objects.in_force().filter(owner=claimant, pledged=False).order_by("registration_number").first()
    assert mark is not None
    evidence = tmp_path / EVIDENCE
    evidence.write_bytes(PDF)

    # enterprise1 files the case with its evidence
    context, page = person(browser, site, "enterprise1", "/disputes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("知识产权保护")
    page.get_by_role("link", name="提交新案件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("提交新案件")
    page.get_by_label("纠纷类型").select_option("infringement")
    assets = page.get_by_role("group", name="涉及的本企业专利和商标")
    assets.get_by_label(f"商标 · {mark.registration_number} {mark.mark_name}").check()
    page.get_by_label("对方当事人（从机构名录中选择）").select_option(label="成都蜀锦新材料科技有限公司 · 成都")
    page.get_by_label("事实与理由").fill(FACTS)
    page.get_by_label("请求事项").fill(REMEDY)
    page.get_by_label("证据（选填）").set_input_files(evidence)
    page.get_by_role("button", name="提交案件").click()
    expect(page).to_have_url(re.compile(r"/disputes/\d+/$"))
    expect(page.get_by_text("您的案件已提交。知识产权局将进行审查并决定处理方式。")).to_be_visible()
    dispute = Dispute.objects.get(facts=FACTS)
    assert dispute.kind == "infringement" and dispute.respondent.name == "成都蜀锦新材料科技有限公司"
    expect(page.get_by_role("heading", level=1)).to_have_text(f"案件 {dispute.pk}：侵权纠纷")
    expect(state(page)).to_have_text("已备案")
    expect(state(page)).to_have_attribute("data-dispute-state", "filed")
    expect(page.get_by_role("link", name=EVIDENCE)).to_be_visible()
    expect(page.get_by_role("link", name=mark.mark_name, exact=True)).to_be_visible()
    context.close()

    # platform1 accepts it into mediation with the demo committee
    context, page = person(browser, site, "platform1", "/disputes/")
    expect(page.get_by_role("heading", name="全部案件")).to_be_visible()
    open_case(page, dispute)
    expect(state(page)).to_have_text("已备案")
    page.get_by_label("调解", exact=True).check()
    page.get_by_label("调解组织").select_option(label="资阳市知识产权纠纷人民调解委员会 · 资阳")
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.get_by_text("案件已受理。")).to_be_visible()
    expect(state(page)).to_have_text("调解中")
    context.close()

    # enterprise2, the respondent, consents to mediation
    context, page = person(browser, site, "enterprise2", "/disputes/")
    expect(page.get_by_role("heading", name="我的案件")).to_be_visible()
    open_case(page, dispute)
    expect(state(page)).to_have_text("调解中")
    page.get_by_role("button", name="同意调解", exact=True).click()
    expect(page.get_by_text("您已同意调解。")).to_be_visible()
    expect(page.get_by_role("definition").filter(has_text="已同意")).to_be_visible()
    context.close()

    # mediator1 records a session, then that mediation failed: referred to the demo court
    context, page = person(browser, site, "mediator1", "/disputes/")
    open_case(page, dispute)
    expect(page.get_by_label("调解日期")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("调解方式").select_option("online")
    page.get_by_label("概要").fill("线上调解一次，被请求人否认侵权，双方分歧较大。")
    page.get_by_role("button", name="保存调解记录").click()
    expect(page.get_by_text("调解记录已保存。")).to_be_visible()
    sessions = page.get_by_role("region", name="调解记录")
    session = sessions.get_by_role("listitem").filter(has_text="被请求人否认侵权")
    expect(session).to_contain_text(f"{timezone.localdate().isoformat()} · 线上调解")
    failure = page.locator('[data-action="record_failure"]')
    failure.get_by_text("记录调解不成", exact=True).click()
    failure.get_by_label("移交至").select_option(label="资阳市中级人民法院 · 资阳")
    failure.get_by_label("备注（选填）").fill("调解不成，告知申请人向法院起诉。")
    failure.get_by_role("button", name="确定：记录调解不成").click()
    expect(page.get_by_text("案件已连同案卷材料包移交。")).to_be_visible()
    expect(state(page)).to_have_text("已移交法院或仲裁机构")
    context.close()
    assert Dispute.objects.get(pk=dispute.pk).state == "referred"

    # court1 opens the case shared with its court and sees the evidence
    context, page = person(browser, site, "court1", "/disputes/")
    open_case(page, dispute)
    expect(state(page)).to_have_text("已移交法院或仲裁机构")
    record = page.get_by_role("region", name="案件信息")
    expect(record).to_contain_text("资阳天府智能装备有限公司")
    expect(record).to_contain_text("成都蜀锦新材料科技有限公司")
    expect(record).to_contain_text("资阳市中级人民法院")
    documents = page.get_by_role("region", name="文件")
    expect(documents.get_by_role("link", name=EVIDENCE)).to_be_visible()
    expect(documents).to_contain_text("证据")
    context.close()

    # platform1's list shows it referred
    context, page = person(browser, site, "platform1", "/disputes/")
    page.get_by_label("状态").select_option("referred")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"state=referred"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=f"案件 {dispute.pk}", exact=True))
    expect(row).to_contain_text("已移交法院或仲裁机构")
    expect(row).to_contain_text("成都蜀锦新材料科技有限公司")
    context.close()


def test_the_public_decisions_page_lists_and_finds_the_demo_decision(browser, site):
    number = decision_number(timezone.localdate().year)
    context, page = visitor(browser, site)
    page.goto(f"{site}/disputes/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("已公开的行政执法决定")
    expect(page.get_by_role("link", name=number)).to_be_visible()

    page.get_by_label("搜索处理决定").fill("伺服驱动器")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q="))
    expect(page.get_by_text("共 1 份处理决定")).to_be_visible()
    expect(page.get_by_role("link", name=number)).to_be_visible()

    page.get_by_label("搜索处理决定").fill("量子通信卫星")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(page.get_by_text("没有符合条件的已公开处理决定。")).to_be_visible()
    expect(page.get_by_role("link", name=number)).to_have_count(0)

    page.get_by_label("搜索处理决定").fill("伺服驱动器")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.get_by_role("link", name=number).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(number)
    expect(page.get_by_role("definition").filter(has_text="伺服驱动器")).to_be_visible()
    context.close()
