"""WSGI entry point: gunicorn serves it (`make serve`, gunicorn mapping_portal.wsgi) and so does the development
server (runserver loads it through WSGI_APPLICATION)."""

import os

from django.core.servers import basehttp
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mapping_portal.settings")
application = get_wsgi_application()

# No response names the server software (gunicorn: see gunicorn.conf.py). The development server's handler writes
# `Server: WSGIServer/0.2 CPython/…` only when it has a software name: it has none here. (Only runserver and the
# live-server tests use this handler; gunicorn does not.)
basehttp.ServerHandler.server_software = None
