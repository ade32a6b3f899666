from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """`{"count", "next", "previous", "results"}`, `page` and `page_size` (1 or more; above 100 counts as 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """DRF ignores a `page_size` it cannot read; here it is a 400, so what the schema says (a whole number of
        1 or more) is what the server takes. A larger number than 100 still counts as 100."""
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        digits = value.lstrip("0")
        if not (value.isascii() and value.isdigit() and digits):
            raise ValidationError({self.page_size_query_param: [_("Give a whole number of 1 or more.")]})
        return min(int(digits[:4]), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
                parameter["description"] = _("Results per page (default 20); above 100 counts as 100.")
            else:  # DRF reads an empty `page=` as the first page
                parameter["schema"] = {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "string", "enum": [""]}]}
        return parameters
