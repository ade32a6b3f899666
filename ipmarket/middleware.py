class ChineseFirstMiddleware:
    """Pages open in Chinese unless the visitor chose English with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; the
    platform serves a Chinese city, so pages ignore it and follow only the
    language cookie set by the switch. The API keeps Accept-Language for clients.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
