"""StreamField blocks of the public pages: what news, policies, guides and FAQs are made of."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    """A section heading; level 2 or 3 keeps the page's outline in order under its h1."""

    text = blocks.CharBlock(label=_("text"), max_length=120)
    level = blocks.ChoiceBlock(label=_("level"), choices=[("h2", _("Section")), ("h3", _("Subsection"))], default="h2")

    class Meta:
        icon = "title"
        label = _("Heading")
        template = "cms/blocks/heading.html"


class ImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"), max_length=200, help_text=_("What the image shows, for people who cannot see it.")
    )
    caption = blocks.CharBlock(label=_("caption"), max_length=200, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class CalloutBlock(blocks.StructBlock):
    """A quotation from a regulation or an official, or a highlighted notice."""

    kind = blocks.ChoiceBlock(
        label=_("kind"), choices=[("quote", _("Quotation")), ("notice", _("Notice"))], default="notice"
    )
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "italic", "link"])
    source = blocks.CharBlock(label=_("source"), max_length=200, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote or notice")
        template = "cms/blocks/callout.html"


class KeyFigureBlock(blocks.StructBlock):
    value = blocks.CharBlock(label=_("figure"), max_length=40, help_text=_("e.g. 5,000万元 or 40%"))
    label = blocks.CharBlock(label=_("what it counts"), max_length=120)


class KeyFiguresBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120, required=False)
    figures = blocks.ListBlock(KeyFigureBlock(), label=_("figures"), min_num=1, max_num=8)

    class Meta:
        icon = "pick"
        label = _("Key figures")
        template = "cms/blocks/key_figures.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=120)
    text = blocks.RichTextBlock(label=_("what happens"), features=RICH_FEATURES)
    who = blocks.CharBlock(label=_("who acts"), max_length=120, required=False)


class StepsBlock(blocks.StructBlock):
    """A numbered procedure: the steps of a pledge loan or of taking an open licence."""

    title = blocks.CharBlock(label=_("title"), max_length=120, required=False)
    steps = blocks.ListBlock(StepBlock(), label=_("steps"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Steps")
        template = "cms/blocks/steps.html"


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=250)
    answer = blocks.RichTextBlock(label=_("answer"), features=RICH_FEATURES)

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "cms/blocks/faq_item.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), max_length=200, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "cms/blocks/document_link.html"


class LinkBlock(blocks.StructBlock):
    """A link to a page of this site (a page, or a path such as /financing/) or to another site."""

    text = blocks.CharBlock(label=_("link text"), max_length=120)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.CharBlock(
        label=_("address"), max_length=300, required=False, help_text=_("Used when no page is chosen.")
    )

    class Meta:
        icon = "link"
        label = _("Link")
        template = "cms/blocks/link.html"


def body_blocks():
    """The blocks every article-like page offers."""
    return [
        ("heading", HeadingBlock()),
        ("paragraph", blocks.RichTextBlock(label=_("Paragraph"), features=RICH_FEATURES, icon="pilcrow")),
        ("image", ImageBlock()),
        ("callout", CalloutBlock()),
        ("key_figures", KeyFiguresBlock()),
        ("steps", StepsBlock()),
        ("document", DocumentLinkBlock()),
        ("link", LinkBlock()),
    ]


def faq_blocks():
    return [("heading", HeadingBlock()), ("faq", FaqItemBlock())]
