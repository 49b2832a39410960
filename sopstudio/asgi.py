"""ASGI entry point: HTTP through Django, websockets through Channels (served by uvicorn)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopstudio.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apps.collab.middleware import collab_middleware_stack  # noqa: E402
from apps.collab.routing import websocket_urlpatterns  # noqa: E402
from apps.common.asgi import BodyLimitMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Bodies without Content-Length are read and size-limited here; Django reads them as empty.
        "http": BodyLimitMiddleware(django_asgi_app),
        # Origin check, then the session or `?token=` user; refusals close with 4403.
        "websocket": collab_middleware_stack(URLRouter(websocket_urlpatterns)),
    }
)
