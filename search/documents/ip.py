from elasticsearch_dsl import Boolean, Date, Document, GeoPoint, Integer, Keyword, ScaledFloat, Text

from .common import chinese_text, suggest


class IPDocument(Document):
    """A patent or trademark of the IP directory, with the deal types it is offered for."""

    type = Keyword()  # patent | trademark
    object_id = Integer()
    title = chinese_text()  # patent title or trademark mark
    abstract = Text(analyzer="cjk")  # patent abstract or trademark goods/services
    number = Keyword()  # application or registration number
    kind = Keyword()  # patent type, or "trademark"
    status = Keyword()  # legal status / trademark status
    ipc = Keyword()
    ipc_section = Keyword()
    nice_classes = Integer()
    owner_id = Integer()
    owner_name = chinese_text()
    city = Keyword()
    location = GeoPoint()
    pledged = Boolean()
    deal_types = Keyword()
    listing_ids = Integer()
    min_price = ScaledFloat(scaling_factor=100)  # CNY, for ranges and sorting only (display reads the database)
    expiry_date = Date()
    updated_at = Date()
    suggest = suggest()
