from django.urls import path

from rostrum.live.consumers import RoomConsumer

websocket_urlpatterns = [path("ws/live/", RoomConsumer.as_asgi())]
