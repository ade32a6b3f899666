"""What the search API answers (`search.queries`), as serializers for the OpenAPI schema only.

Both backends answer in this shape (`"backend": "elasticsearch"` or `"database"`); `highlight` comes from
Elasticsearch only, `distance_km` only with `near`.
"""

from rest_framework import serializers


class Point(serializers.Serializer):
    lat = serializers.FloatField()
    lon = serializers.FloatField()


class Bucket(serializers.Serializer):
    key = serializers.CharField()
    count = serializers.IntegerField()


class Highlights(serializers.DictField):
    """Field name → fragments with the matches in `<mark>`."""

    child = serializers.ListField(child=serializers.CharField())


BACKENDS = ["elasticsearch", "database"]


class Firm(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()
    city = serializers.CharField()
    location = Point(allow_null=True)
    services = serializers.ListField(child=serializers.CharField())
    distance_km = serializers.FloatField(required=False)
    highlight = Highlights(required=False)


class FirmFacets(serializers.Serializer):
    kind = Bucket(many=True)
    city = Bucket(many=True)
    service = Bucket(many=True)


class FirmResults(serializers.Serializer):
    backend = serializers.ChoiceField(choices=BACKENDS)
    count = serializers.IntegerField()
    results = Firm(many=True)
    facets = FirmFacets()


class IPItem(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=["patent", "trademark"])
    name = serializers.CharField()
    title = serializers.CharField()
    number = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    owner = serializers.IntegerField()
    owner_name = serializers.CharField()
    city = serializers.CharField()
    location = Point(allow_null=True)
    pledged = serializers.BooleanField()
    deal_types = serializers.ListField(child=serializers.CharField())
    min_price = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    highlight = Highlights(required=False)


class IPFacets(serializers.Serializer):
    type = Bucket(many=True)
    deal_type = Bucket(many=True)
    city = Bucket(many=True)
    kind = Bucket(many=True)
    status = Bucket(many=True)


class IPResults(serializers.Serializer):
    backend = serializers.ChoiceField(choices=BACKENDS)
    count = serializers.IntegerField()
    results = IPItem(many=True)
    facets = IPFacets()


class Suggestion(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.CharField()
    id = serializers.IntegerField()


class Suggestions(serializers.Serializer):
    backend = serializers.ChoiceField(choices=BACKENDS)
    suggestions = Suggestion(many=True)
