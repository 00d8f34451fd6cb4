import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rostrum.settings")

from channels.routing import ProtocolTypeRouter
from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

# The live room's WebSocket routes join this router in the live-room work.
application = ProtocolTypeRouter({"http": django_asgi_app})
