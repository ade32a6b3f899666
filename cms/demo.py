"""Demo content of the public site (`seed_demo`, step "pages"). Idempotent: a page is found by its slug
under its parent and left alone when it exists (an editor's changes survive a second run)."""

# ruff: noqa: E501 (prose: Chinese characters count double and a sentence reads better unbroken)

import datetime as dt

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from financing.models import Programme

from .models import FaqPage, GuidePage, HomePage, NewsIndexPage, NewsPage, PartnerOrganisation, PolicyPage, SiteSettings
from .pages import ensure_home_page

PROGRAMME_SLUG = "ziyang-ip-pledge"
BUREAU = "资阳市市场监督管理局（资阳市知识产权局）"


# --- StreamField helpers (raw block data) --------------------------------------------------------


def h2(text):
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def h3(text):
    return {"type": "heading", "value": {"text": text, "level": "h3"}}


def para(html):
    return {"type": "paragraph", "value": html}


def notice(html, source=""):
    return {"type": "callout", "value": {"kind": "notice", "text": html, "source": source}}


def quote(html, source):
    return {"type": "callout", "value": {"kind": "quote", "text": html, "source": source}}


def figures(title, items):
    return {"type": "key_figures", "value": {"title": title, "figures": [{"value": v, "label": k} for v, k in items]}}


def steps(title, items):
    return {
        "type": "steps",
        "value": {"title": title, "steps": [{"title": t, "text": f"<p>{x}</p>", "who": w} for t, x, w in items]},
    }


def link(text, url):
    return {"type": "link", "value": {"text": text, "page": None, "url": url}}


def faq(question, answer_html):
    return {"type": "faq", "value": {"question": question, "answer": answer_html}}


# --- the content ----------------------------------------------------------------------------------

ANNOUNCEMENT = {
    "slug": "ziyang-ip-pledge-risk-compensation",
    "title": "资阳市建立知识产权质押融资风险补偿机制 “银行贷款+保险+财政风险补偿”支持企业以知识产权融资",
    "date": dt.date(2026, 3, 18),
    "source": BUREAU,
    "summary": "市财政设立500万元知识产权质押融资风险补偿资金池，按10倍放大撬动合作银行贷款，"
    "单户企业最高可获1000万元，贷款发生损失由风险补偿资金、保险机构和银行按4:4:2分担。",
    "tags": ["质押融资", "风险补偿", "政策解读"],
    "body": [
        para(
            "<p>为深入实施知识产权强市战略，破解科技型中小企业“轻资产、缺抵押、融资难”问题，"
            "近日，资阳市市场监督管理局（资阳市知识产权局）会同市财政局、国家金融监督管理总局资阳监管分局，"
            "联合印发《资阳市知识产权质押融资风险补偿资金管理办法（试行）》（以下简称《办法》），"
            "在全市推行“银行贷款+保险+财政风险补偿”的知识产权质押融资模式。</p>"
        ),
        figures(
            "政策要点",
            [
                ("500万元", "市级风险补偿资金池"),
                ("10倍", "资金池放大倍数"),
                ("1000万元", "单户企业贷款上限"),
                ("4:4:2", "资金、保险、银行损失分担比例"),
            ],
        ),
        h2("一、谁可以申请"),
        para(
            "<p>在资阳市注册、依法经营、信用状况良好的中小微企业，拥有已授权且处于有效状态的发明专利、"
            "实用新型、外观设计专利或有效注册商标，知识产权权属清晰、无质押、无权属纠纷的，"
            "均可通过知识产权运营与质押融资服务平台向合作银行提出贷款申请。</p>"
        ),
        h2("二、贷款额度、期限和利率"),
        para(
            "<p>单户企业贷款额度最高1000万元，期限原则上不超过1年，执行利率不超过同期一年期贷款市场报价利率（LPR）"
            "加150个基点。发明专利、实用新型和外观设计专利、注册商标分别按评估价值的25%、15%、15%和50%确定质押率上限。"
            "对按期还本付息的企业，市财政按1.5个百分点给予贴息，并对企业缴纳的保证保险保费给予50%补贴，"
            "保险费率不超过2%/年。</p>"
        ),
        h2("三、风险怎么分担"),
        para(
            "<p>贷款发生逾期且逾期达到90天、经认定形成损失的，以贷款本金余额乘以知识产权在押品中所占比例为损失基数，"
            "由风险补偿资金承担40%（单笔最高100万元）、保险机构承担40%、合作银行承担20%。"
            "银行处置质押知识产权所得的净回收款，按各方实际承担比例返还。</p>"
        ),
        quote(
            "<p>知识产权是企业最有价值的无形资产。通过财政资金增信、保险分险、银行放贷，"
            "让企业手中的专利和商标真正变成可以融资的“真金白银”。</p>",
            "市知识产权局有关负责人",
        ),
        h2("四、怎么办理"),
        steps(
            "",
            [
                ("线上申请", "企业登录服务平台，选择合作银行、保险机构和评估机构，提交拟质押的知识产权清单。", "企业"),
                ("预审与权属核验", "平台预审申请材料，核验专利、商标的法律状态、权属和质押情况。", "服务中心"),
                ("价值评估", "评估机构出具评估报告，报告日期距申请不超过12个月。", "评估机构"),
                ("银行审批与保险承保", "银行客户经理提出授信方案、审批人审批；保险机构承保保证保险。", "银行、保险"),
                ("资金池备案", "风险补偿资金核定资金池余量后予以备案。", "风险补偿资金"),
                ("签约、登记与放款", "签订借款和质押合同，在国家知识产权局办理质押登记后放款。", "银行、企业"),
            ],
        ),
        notice("<p>咨询电话：028-26000000（市知识产权运营服务中心）。企业可在平台“质押融资”栏目在线试算还款计划。</p>"),
        link("查看《资阳市知识产权质押融资风险补偿资金管理办法（试行）》", "/ziyang-ip-pledge/"),
    ],
}

MORE_NEWS = [
    {
        "slug": "first-ip-pledge-loan-disbursed",
        "title": "我市首笔“银保担”知识产权质押贷款落地 企业凭3件发明专利获贷500万元",
        "date": dt.date(2026, 5, 9),
        "source": BUREAU,
        "summary": "资阳天府智能装备有限公司以3件发明专利作质押，获得蜀商银行资阳分行500万元贷款，"
        "保险机构提供保证保险，风险补偿资金完成备案。",
        "tags": ["质押融资", "企业服务"],
        "body": [
            para(
                "<p>5月8日，资阳天府智能装备有限公司与蜀商银行股份有限公司资阳分行签订知识产权质押借款合同，"
                "以3件发明专利作质押获得贷款500万元，期限12个月。这是我市风险补偿机制建立以来落地的首笔贷款。</p>"
            ),
            para(
                "<p>从提交申请到放款用时21个工作日。企业在服务平台在线提交材料，评估、审批、承保和资金池备案"
                "均在平台上流转，各方可随时查看办理进度。</p>"
            ),
        ],
    },
    {
        "slug": "patent-open-licensing-pilot",
        "title": "专利开放许可试点启动 首批56项专利向中小企业开放许可",
        "date": dt.date(2026, 6, 16),
        "source": BUREAU,
        "summary": "高校、科研院所和企业首批发布56项专利开放许可声明，中小企业书面通知并支付许可使用费即可获得许可。",
        "tags": ["开放许可", "专利转化"],
        "body": [
            para(
                "<p>根据《专利法》第五十条至第五十二条，专利权人自愿声明愿意许可任何单位或者个人实施其专利，"
                "并明确许可使用费支付方式、标准的，由国务院专利行政部门予以公告，实行开放许可。"
                "首批参与试点的56项专利涵盖智能装备、新材料、食品加工等领域。</p>"
            ),
            para(
                "<p>企业在平台“交易市场”中按“开放许可”筛选即可查看许可费和许可期限，"
                "以书面方式通知专利权人并支付许可使用费后即获得专利实施许可，无需另行谈判。</p>"
            ),
        ],
    },
    {
        "slug": "ip-service-platform-launched",
        "title": "资阳市知识产权运营与质押融资服务平台上线试运行",
        "date": dt.date(2026, 8, 28),
        "source": "资阳市知识产权运营服务中心",
        "summary": "平台提供专利商标检索、许可转让交易、质押融资全流程办理和知识产权服务机构名录。",
        "tags": ["平台动态"],
        "body": [
            para(
                "<p>平台汇集全市企业的有效专利和注册商标，企业可发布许可、转让信息；"
                "买方付款由平台托管，待国家知识产权局登记或备案完成后再向卖方结算。</p>"
            ),
            para("<p>平台同时收录专利代理、商标代理、律师事务所、评估机构、银行和保险机构，支持按城市和服务筛选。</p>"),
        ],
    },
    {
        "slug": "ip-week-enters-industrial-parks",
        "title": "知识产权宣传周活动走进园区 面对面讲解质押融资政策",
        "date": dt.date(2026, 4, 26),
        "source": BUREAU,
        "summary": "宣传周期间，市知识产权局联合合作银行、保险机构走进临空经济区和安岳县产业园，服务企业80余家。",
        "tags": ["宣传周", "企业服务"],
        "body": [
            para(
                "<p>活动现场，合作银行和保险机构逐一讲解质押率、利率上限和保费补贴政策，"
                "评估机构介绍了专利价值评估的方法和所需材料。</p>"
            ),
        ],
    },
]

POLICY = {
    "slug": "ziyang-ip-pledge",
    "title": "资阳市知识产权质押融资风险补偿资金管理办法（试行）",
    "issued_by": "资阳市市场监督管理局 资阳市财政局",
    "document_number": "资市监发〔2026〕12号",
    "effective_from": dt.date(2026, 4, 1),
    "summary": "风险补偿资金的来源、合作机构、补偿条件、损失分担、申请流程和资金监管。右侧为平台上该项目的现行参数。",
    "body": [
        h2("第一章 总则"),
        para(
            "<p><strong>第一条</strong> 为缓解我市科技型中小企业融资难题，促进知识产权价值实现，"
            "设立资阳市知识产权质押融资风险补偿资金（以下简称风险补偿资金）。</p>"
            "<p><strong>第二条</strong> 风险补偿资金由市财政预算安排，初始规模500万元，实行专户管理、封闭运行，"
            "按资金余额的10倍确定合作银行可发放的风险补偿贷款总规模。</p>"
        ),
        h2("第二章 合作机构和贷款条件"),
        para(
            "<p><strong>第三条</strong> 合作银行、保险机构和评估机构通过公开征集确定，在服务平台公示。</p>"
            "<p><strong>第四条</strong> 贷款对象为在本市注册的中小微企业；质押物为已授权有效的专利或有效注册商标，"
            "质押登记期间不得转让或者许可他人使用，但经质权人同意的除外。</p>"
            "<p><strong>第五条</strong> 贷款额度、期限、利率上限、质押率上限、保费上限和贴息标准按本项目现行参数执行。</p>"
        ),
        h2("第三章 风险补偿"),
        para(
            "<p><strong>第六条</strong> 贷款逾期达到90天的，合作银行应在认定违约后10个工作日内通过平台提出补偿申请。</p>"
            "<p><strong>第七条</strong> 损失基数为违约时贷款本金余额乘以知识产权在押品中所占比例；"
            "风险补偿资金、保险机构、合作银行分别按40%、40%、20%分担，风险补偿资金单笔补偿不超过100万元。</p>"
            "<p><strong>第八条</strong> 合作银行应依法处置质押知识产权，可通过服务平台转让或者许可；"
            "处置净收入按各方实际承担损失的比例返还。不得约定债务人不履行到期债务时质押财产归债权人所有。</p>"
        ),
        h2("第四章 附则"),
        para("<p><strong>第九条</strong> 本办法自2026年4月1日起施行，有效期3年。</p>"),
    ],
}

PLEDGE_GUIDE = {
    "slug": "pledge-financing-guide",
    "title": "知识产权质押融资指南",
    "summary": "用专利、商标向银行贷款：谁参与、能贷多少、要准备什么、出现逾期怎么办。",
    "body": [
        h2("“银行贷款+保险+财政风险补偿”是什么"),
        para(
            "<p>企业以专利权或注册商标专用权作质押向合作银行借款；保险机构为贷款提供保证保险；"
            "市风险补偿资金为贷款备案增信。一旦贷款形成损失，由资金、保险和银行按比例分担，"
            "银行因此愿意接受知识产权作为主要担保。</p>"
        ),
        figures(
            "",
            [("25%", "发明专利质押率上限"), ("15%", "实用新型、外观设计"), ("50%", "注册商标"), ("12个月", "最长期限")],
        ),
        h2("可以质押的知识产权"),
        para(
            "<ul><li>已授权、处于有效状态、年费已缴纳的专利；</li><li>处于有效期内的注册商标；</li>"
            "<li>未被质押、无权属纠纷、未被宣告无效；共有的须全体共有人同意；</li>"
            "<li>专利或商标的到期日应晚于贷款到期日。</li></ul>"
        ),
        h2("办理步骤"),
        steps(
            "",
            [
                ("提交申请", "在“质押融资”中新建申请，选择质押的专利或商标、合作银行、保险和评估机构。", "企业"),
                ("预审和核验", "平台核对材料，核验知识产权的法律状态和权属。", "服务中心"),
                ("评估", "评估机构出具评估报告，确定评估价值。", "评估机构"),
                ("审批", "银行客户经理提出金额和利率，另一位审批人审批。", "银行"),
                ("承保和备案", "保险机构承保，风险补偿资金确认资金池余量并备案。", "保险、资金"),
                ("签约、质押登记、放款", "签订合同，到国家知识产权局办理质押登记，登记后放款。", "银行、企业"),
            ],
        ),
        h2("还款和逾期"),
        para(
            "<p>还款方式有等额本息、等额本金和按月付息到期还本三种，可在申请时在线试算。"
            "逾期3天以上记为逾期，逾期达到90天认定违约；违约后银行提出补偿申请，"
            "风险补偿资金和保险机构按比例代偿，银行再依法处置质押的知识产权。</p>"
        ),
        link("去质押融资工作台", "/financing/"),
    ],
}

LICENSING_GUIDE = {
    "slug": "open-licensing-guide",
    "title": "专利开放许可指南",
    "summary": "专利权人如何声明开放许可，企业如何通过书面通知和付费直接获得许可。",
    "body": [
        h2("什么是开放许可"),
        para(
            "<p>开放许可是《专利法》第五十条至第五十二条规定的许可方式：专利权人向国务院专利行政部门声明"
            "愿意许可任何单位或个人实施其专利，并写明许可使用费及支付方式、许可期限。"
            "任何人以书面方式通知专利权人并支付许可使用费，即获得专利实施许可，无需谈判。</p>"
        ),
        h2("声明须写明"),
        para("<ul><li>专利号和专利权人；</li><li>许可使用费和支付方式；</li><li>许可期限。</li></ul>"),
        h2("哪些专利不能开放许可"),
        para(
            "<ul><li>已经独占许可或排他许可的专利；</li><li>未按规定缴纳年费的专利；</li>"
            "<li>已质押但未取得质权人同意的专利。</li></ul>"
            "<p>撤回开放许可声明的，不影响在先给予的开放许可的效力。</p>"
        ),
        h2("在平台上获得开放许可"),
        steps(
            "",
            [
                ("查找", "在交易市场中按“开放许可”筛选，查看许可费、期限和支付方式。", "企业"),
                ("书面通知", "在专利页面向专利权人发出开放许可通知。", "企业"),
                ("付费", "通过平台支付许可使用费，款项由平台托管。", "企业"),
                ("备案", "许可合同生效后3个月内办理备案，平台确认备案号后向专利权人结算。", "专利权人"),
            ],
        ),
        link("查看开放许可的专利", "/market/?deal_type=open_license"),
    ],
}

FAQ = {
    "slug": "faq",
    "title": "常见问题",
    "intro": "<p>关于质押融资、交易市场和平台使用的常见问题。</p>",
    "body": [
        {"type": "heading", "value": {"text": "质押融资", "level": "h2"}},
        faq(
            "没有房产抵押，能用专利贷款吗？",
            "<p>可以。已授权有效的专利和有效注册商标都可以质押，保险和风险补偿资金为贷款分担风险。</p>",
        ),
        faq("最多能贷多少？", "<p>单户最高1000万元，且不超过各项知识产权评估价值乘以质押率之和。</p>"),
        faq(
            "贷款利率和费用是多少？",
            "<p>利率不超过一年期LPR加1.5个百分点；按期还款可获1.5个百分点贴息，保费补贴50%。</p>",
        ),
        faq("质押期间还能转让或许可专利吗？", "<p>须取得质权人（银行）同意并在平台记录后方可转让或许可。</p>"),
        {"type": "heading", "value": {"text": "交易市场", "level": "h2"}},
        faq(
            "买方的钱什么时候付给卖方？",
            "<p>买方付款由平台托管，卖方录入国家知识产权局登记或备案号并经确认后再结算；登记前取消的全额退款。</p>",
        ),
        faq(
            "转让什么时候生效？",
            "<p>专利权、商标权转让自国家知识产权局登记之日起生效；许可合同应在生效之日起3个月内备案。</p>",
        ),
        {"type": "heading", "value": {"text": "平台使用", "level": "h2"}},
        faq("怎样切换到英文？", "<p>点击页面右上角的“English”按钮；再点“中文”切换回来。</p>"),
    ],
}

HOME_EN = {
    "title": "Home",
    "seo_title": "IP Services and Pledge Financing Platform",
    "intro": "<p>Ziyang's platform for intellectual property: license or buy patents and trademarks, borrow against "
    "them with “bank loan + insurance + fiscal risk compensation”, and find IP service firms.</p>",
    "search_description": "License and transfer patents and trademarks, IP pledge loans and a directory of IP "
    "service firms in Ziyang and Sichuan.",
}

PLEDGE_GUIDE_EN = {
    "title": "Guide to IP pledge financing",
    "summary": "Borrowing against patents and trademarks: who takes part, how much, what to prepare, what if a loan "
    "falls overdue.",
    "body": [
        h2("Bank loan + insurance + fiscal risk compensation"),
        para(
            "<p>An enterprise pledges its patents or registered trademarks to a partner bank for a loan. An insurer "
            "guarantees the loan with credit insurance and the city's risk-compensation fund files it against its "
            "pool. If the loan ends in a loss, the fund, the insurer and the bank share it, which is why banks "
            "accept IP as the main collateral.</p>"
        ),
        figures(
            "",
            [
                ("25%", "Loan-to-value cap, invention patents"),
                ("15%", "Utility models and designs"),
                ("50%", "Registered trademarks"),
                ("12 months", "Longest term"),
            ],
        ),
        h2("What can be pledged"),
        para(
            "<ul><li>Granted patents in force with their annual fees paid;</li><li>registered trademarks in force;</li>"
            "<li>not already pledged, not disputed, not invalidated; co-owned rights need every owner's consent;</li>"
            "<li>the right must not expire before the loan matures.</li></ul>"
        ),
        h2("Steps"),
        steps(
            "",
            [
                (
                    "Apply",
                    "Start an application under Financing: choose the IP, the bank, the insurer and the appraiser.",
                    "Enterprise",
                ),
                (
                    "Pre-screening and IP check",
                    "The platform checks the file and the legal status and ownership of the IP.",
                    "Service centre",
                ),
                ("Valuation", "The appraiser issues a valuation report.", "Appraiser"),
                ("Approval", "A bank officer proposes the amount and rate; a different approver decides.", "Bank"),
                (
                    "Insurance and filing",
                    "The insurer underwrites; the fund checks its pool and files the loan.",
                    "Insurer, fund",
                ),
                (
                    "Contract, pledge registration, disbursement",
                    "Contracts are signed, the pledge is registered with CNIPA and the loan is paid out.",
                    "Bank, enterprise",
                ),
            ],
        ),
        h2("Repayment and arrears"),
        para(
            "<p>Repay in equal instalments, equal principal, or interest monthly with the principal at maturity; try "
            "each in the online quote. A payment more than 3 days late is overdue; after 90 days the loan is in "
            "default, the bank claims, the fund and the insurer pay their shares, and the bank sells or licenses the "
            "pledged IP.</p>"
        ),
        link("Go to the financing workspace", "/financing/"),
    ],
}

LICENSING_GUIDE_EN = {
    "title": "Guide to open licensing of patents",
    "summary": "How a patent owner declares an open licence, and how anyone obtains it by written notice and payment.",
    "body": [
        h2("What an open licence is"),
        para(
            "<p>Under Articles 50–52 of the Patent Law a patent owner may declare to CNIPA that anyone may work the "
            "patent, stating the fee, how it is paid and the licence term. Whoever notifies the owner in writing and "
            "pays the fee obtains the licence, with no negotiation.</p>"
        ),
        h2("The declaration states"),
        para(
            "<ul><li>the patent number and owner;</li><li>the fee and how it is paid;</li><li>the licence term.</li></ul>"
        ),
        h2("When a patent cannot be openly licensed"),
        para(
            "<ul><li>it is under an exclusive or sole licence;</li><li>its annual fees are unpaid;</li>"
            "<li>it is pledged without the pledgee's consent.</li></ul>"
            "<p>Withdrawing the declaration does not affect licences already granted.</p>"
        ),
        h2("Taking an open licence on this platform"),
        steps(
            "",
            [
                ("Find", "Filter the marketplace by “Open licence” to see fees, terms and payment.", "Enterprise"),
                ("Notify", "Send the open-licence notice from the listing.", "Enterprise"),
                ("Pay", "Pay the fee through the platform, which holds it.", "Enterprise"),
                (
                    "File",
                    "File the licence within 3 months; the owner is paid once the filing number is confirmed.",
                    "Patent owner",
                ),
            ],
        ),
        link("Patents offered under open licence", "/market/?deal_type=open_license"),
    ],
}

PARTNERS = [
    (
        "资阳市市场监督管理局（资阳市知识产权局）",
        "Ziyang Administration for Market Regulation (IP Office)",
        "government",
    ),
    ("资阳市财政局", "Ziyang Finance Bureau", "government"),
    ("蜀商银行股份有限公司资阳分行", "Shushang Bank Co., Ltd. Ziyang Branch", "bank"),
    ("蜀安财产保险股份有限公司资阳中心支公司", "Shu'an Property Insurance Co., Ltd. Ziyang Branch", "insurer"),
    ("资阳市知识产权质押融资风险补偿资金", "Ziyang IP Pledge Financing Risk Compensation Fund", "risk_fund"),
    ("资阳市知识产权运营服务中心", "Ziyang IP Operation Service Centre", "service"),
]

SETTINGS = {
    "contact_phone": "028-26000000",
    "contact_email": "service@ipmarket.example.cn",
    "address": "四川省资阳市雁江区建设北路二段8号 资阳市知识产权运营服务中心",
    "address_en": "Ziyang IP Operation Service Centre, 8 Jianshe North Road Section 2, Yanjiang District, Ziyang, Sichuan",
    "footer_text": "资阳市知识产权运营与质押融资服务平台 · 主办：资阳市市场监督管理局（资阳市知识产权局）",
    "footer_text_en": "Ziyang IP Services and Pledge Financing Platform · run by the Ziyang Administration for Market "
    "Regulation (IP Office)",
    "icp_number": "蜀ICP备00000000号-1",
}


# --- seeding --------------------------------------------------------------------------------------


def ensure_locales() -> tuple[Locale, Locale]:
    """The default locale (zh-hans) and English."""
    default, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    english, _ = Locale.objects.get_or_create(language_code="en")
    return default, english


def _child(parent: Page, model, slug: str, *, tags=(), **fields):
    """The live child page with this slug, created and published when missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific
    page = model(slug=slug, **fields)
    if tags:
        page.tags.add(*tags)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _translate(page: Page, locale: Locale, **fields):
    """The page's live translation in `locale`, copied (Wagtail's copy for translation) when missing."""
    existing = page.get_translation_or_none(locale)
    if existing is not None:
        return existing.specific
    translated = page.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save()
    translated.save_revision().publish()
    return translated


@transaction.atomic
def seed_pages() -> HomePage:
    """The whole page tree with its English translations, the partners and the site settings."""
    _default, english = ensure_locales()
    home = ensure_home_page()
    if not home.search_description:
        home.search_description = (
            "资阳市知识产权运营与质押融资服务平台：专利商标许可转让、知识产权质押融资、知识产权服务机构名录。"
        )
        home.save_revision().publish()

    news = _child(
        home,
        NewsIndexPage,
        "news",
        title="新闻动态",
        show_in_menus=True,
        intro="<p>知识产权质押融资、运营交易和平台动态。</p>",
    )
    for item in [ANNOUNCEMENT, *MORE_NEWS]:
        _child(news, NewsPage, **item)
    programme = Programme.objects.filter(slug=PROGRAMME_SLUG).first()
    _child(home, PolicyPage, programme=programme, **POLICY)
    pledge_guide = _child(home, GuidePage, **PLEDGE_GUIDE)
    licensing_guide = _child(home, GuidePage, **LICENSING_GUIDE)
    _child(home, FaqPage, show_in_menus=True, **FAQ)

    _translate(home, english, **HOME_EN)
    _translate(pledge_guide, english, **PLEDGE_GUIDE_EN)
    _translate(licensing_guide, english, **LICENSING_GUIDE_EN)

    seed_partners()
    seed_site_settings()
    return home


def seed_partners() -> None:
    for order, (name, name_en, kind) in enumerate(PARTNERS):
        PartnerOrganisation.objects.get_or_create(
            name=name, defaults={"name_en": name_en, "kind": kind, "sort_order": (order + 1) * 10}
        )


def seed_site_settings() -> None:
    site = Site.objects.get(is_default_site=True)
    row = SiteSettings.for_site(site)
    changed = False
    for field, value in SETTINGS.items():
        if not getattr(row, field):
            setattr(row, field, value)
            changed = True
    if changed:
        row.save()
