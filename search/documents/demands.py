from elasticsearch_dsl import Boolean, Date, Document, Integer, Keyword, ScaledFloat, Text

from .common import chinese_text


class DemandDocument(Document):
    """A financing demand of the registry while it is listed (admitted, matched, financed): what a bank searches
    and filters by. Who may see it is in the document (`all_banks`, `bank_ids`); display reads the database."""

    object_id = Integer()
    state = Keyword()
    enterprise_id = Integer()
    enterprise_name = chinese_text()
    enterprise_name_en = Text(analyzer="english")
    city = Keyword()
    industry = Keyword()
    ip_kinds = Keyword()  # invention, utility_model, design, trademark
    asset_names = Text(analyzer="cjk", fields={"std": Text(analyzer="standard")})
    asset_numbers = Keyword()
    amount = ScaledFloat(scaling_factor=100)  # CNY, for ranges and sorting only
    amount_band = Keyword()
    term_months = Integer()
    purpose = Text(analyzer="cjk")
    all_banks = Boolean()
    bank_ids = Integer()
    programme_id = Integer()
    batch_id = Integer()
    admitted_on = Date()
    updated_at = Date()
