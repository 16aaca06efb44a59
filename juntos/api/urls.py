"""The JSON API: one NinjaAPI, one router per app. OpenAPI schema at /api/openapi.json."""

from __future__ import annotations

from ninja import NinjaAPI

from juntos.insights.api import router as insights_router
from juntos.listening.api import router as listening_router
from juntos.messaging.api import router as messaging_router
from juntos.people.api import router as people_router

# Interactive docs would load Swagger UI from a CDN; the schema itself is served.
api = NinjaAPI(title="Juntos API", version="1", urls_namespace="api", docs_url=None)
api.add_router("/", people_router)
api.add_router("/", messaging_router)
api.add_router("/", insights_router)
api.add_router("/", listening_router)
