"""The application factory."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from cati import db
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
    logging.basicConfig(level=settings.log_level)

    db.init_app(app)
    from cati import web

    web.init_app(app)
    return app
