"""The OpenAPI schema page (/api/schema/), made once per process, language and API version.

The schema follows from the code alone (no serializer depends on who asks), and making it costs the server one
to two seconds of Python: asked in a loop by anyone, anonymous included, it would keep a worker busy. It is
kept for the life of the process; a deployment restarts the processes."""

from typing import Any, ClassVar

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    _made: ClassVar[dict[tuple, Any]] = {}

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        if key not in self._made:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._made[key] = generator.get_schema(request=request, public=self.serve_public)
        # The file's name follows the format negotiated for this request (YAML or JSON).
        filename = self._get_filename(request, version)
        return Response(data=self._made[key], headers={"Content-Disposition": f'inline; filename="{filename}"'})
