"""/api/docs/: Swagger UI without inline script or style (the Content-Security-Policy allows neither).

drf-spectacular's split view serves the initialising script at `/api/docs/?script`; the template here
replaces the page's inline <style> with a stylesheet.
"""

from drf_spectacular.views import SpectacularSwaggerSplitView


class SwaggerView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
