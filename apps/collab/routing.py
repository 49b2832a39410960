"""Websocket routes: the room name is the last path segment, as the y-websocket client builds it."""

from django.urls import URLPattern, re_path

from apps.collab.consumers import DiagramConsumer

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^ws/diagrams/(?P<diagram_id>[^/?]+)/?$", DiagramConsumer.as_asgi()),
]
