from elasticsearch_dsl import Date, Document, Integer, Keyword, Text

from .common import chinese_text


class DecisionDocument(Document):
    """A published administrative enforcement decision of the bureau (ipmarket/disputes): what the public
    decisions page searches. Only what is public is here: the case's facts and documents are not."""

    object_id = Integer()
    number = Keyword(fields={"std": Text(analyzer="standard")})  # exact, or every word of a part of it
    decided_on = Date()
    kind = Keyword()  # infringement, ownership, licence, counterfeit
    claimant_name = chinese_text()
    respondent_name = chinese_text()
    decision = Text(analyzer="cjk", fields={"std": Text(analyzer="standard")})  # the penalty or order
    asset_numbers = Keyword()
    asset_titles = Text(analyzer="cjk", fields={"std": Text(analyzer="standard")})
    updated_at = Date()
