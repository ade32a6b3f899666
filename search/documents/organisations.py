from elasticsearch_dsl import Boolean, Date, Document, GeoPoint, Keyword, Text

from .common import chinese_text, suggest


class OrganisationDocument(Document):
    """A firm or agency of the public directory."""

    name = chinese_text()
    name_en = Text(analyzer="english", fields={"raw": Keyword(ignore_above=256)})
    kind = Keyword()
    city = Keyword()
    district = Keyword()
    address = Text(analyzer="cjk")
    location = GeoPoint()
    services = Keyword()
    service_names = Text(analyzer="cjk", fields={"std": Text(analyzer="standard")})
    description = Text(analyzer="cjk")
    phone = Keyword(index=False)
    is_active = Boolean()
    updated_at = Date()
    suggest = suggest()
