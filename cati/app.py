"""The application factory."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from cati import db, logs
from cati.config import Settings, flask_config


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app from ``CATI_*`` settings; ``config`` overrides Flask keys (tests)."""
    config = dict(config or {})
    settings: Settings = config.get("CATI_SETTINGS") or Settings.from_env()
    instance_path = settings.instance_path or os.environ.get("CATI_INSTANCE_PATH") or None
    app = Flask(
        __name__,
        instance_path=instance_path,
        template_folder="web/templates",
        static_folder="web/static",
    )
    app.config.update(flask_config(settings, Path(app.instance_path), config.get("SECRET_KEY")))
    app.config.update(config)
    logs.configure(settings.log_level, settings.log_format)

    if settings.proxy_hops:
        # Behind a reverse proxy the client's address, scheme and host come from its
        # X-Forwarded-* headers: log-in throttling counts per real address, and HTTPS is seen.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    from cati import web

    web.init_app(app)
    return app
