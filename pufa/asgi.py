"""ASGI entry point: HTTP through Django, WebSockets through Channels.

Every WebSocket passes the Origin check (only this site's hosts may open one) and
the session/auth middleware, so consumers know who is asking.
"""

from pufa import use_environment_settings

use_environment_settings()

from django.core.asgi import get_asgi_application  # noqa: E402

# Django must be set up before anything imports models (the routing does).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from pufa.frames import FrameWriterMiddleware  # noqa: E402
from pufa.lifespan import LifespanApp  # noqa: E402
from pufa.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Starts the background loops (the exam deadline sweeper) with each worker.
        "lifespan": LifespanApp(),
        # The frame writer first, where ``send`` is still the server's (fan-out
        # broadcasts are written below the ASGI chain: pufa.frames).
        "websocket": FrameWriterMiddleware(
            AllowedHostsOriginValidator(
                AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
            )
        ),
    }
)
