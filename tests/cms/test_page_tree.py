"""Where each page type may go: editors cannot put a news article under a guide, nor a guide at the root."""

from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms.models import FaqPage, GuidePage, HomePage, NewsIndexPage, NewsPage, PolicyPage
from cms.pages import ensure_home_page


class PageTreeRules(WagtailPageTestCase):
    def test_home_sits_at_the_root_and_holds_the_sections(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {NewsIndexPage, PolicyPage, GuidePage, FaqPage})

    def test_news_articles_only_under_the_news_index(self):
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(GuidePage, NewsPage)

    def test_leaf_pages_have_no_children(self):
        for leaf in (NewsPage, PolicyPage, GuidePage, FaqPage):
            self.assertAllowedSubpageTypes(leaf, set())
            self.assertAllowedParentPageTypes(leaf, {NewsIndexPage} if leaf is NewsPage else {HomePage})

    def test_one_news_index_and_one_faq_per_home(self):
        home = ensure_home_page()
        self.assertTrue(NewsIndexPage.can_create_at(home) and FaqPage.can_create_at(home))
        home.add_child(instance=NewsIndexPage(title="新闻", slug="news"))
        home.add_child(instance=FaqPage(title="常见问题", slug="faq"))
        self.assertFalse(NewsIndexPage.can_create_at(home))
        self.assertFalse(FaqPage.can_create_at(home))
        self.assertTrue(GuidePage.can_create_at(home) and PolicyPage.can_create_at(home))
