"""WSGI entry point used by `yakusho serve` (gunicorn) and `yakusho demo`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yakusho.settings")

application = get_wsgi_application()
