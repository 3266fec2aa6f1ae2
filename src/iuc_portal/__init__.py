"""The public website of the Institut Universitaire de Cancérologie AP-HP. Sorbonne Université."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import assets, errors, i18n, routing, security
from . import config as settings
from .content import load_content
from .paths import CONTENT_DIR, STATIC_DIR, TEMPLATES_DIR, TRANSLATIONS_DIR
from .views import contacts, departments, donate, meta, pages


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the site. ``config`` wins over the environment (tests use it)."""
    app = Flask(
        __name__,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
        static_url_path="/static",
    )
    app.config.from_mapping(
        settings.from_environ(),
        CONTENT_DIR=str(CONTENT_DIR),
        TRANSLATIONS_DIR=str(TRANSLATIONS_DIR),
    )
    app.config.update(config or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.ensure_secret_key(Path(app.config["DATA_DIR"]))

    content = load_content(Path(app.config["CONTENT_DIR"]))
    app.extensions["iuc_content"] = content
    i18n.init_app(app)
    routing.init_app(app, content)

    # Outside the locale tree: language choice at /, robots, sitemap, health.
    app.register_blueprint(meta.bp)
    # Home and the pages the law asks for (accessibility, legal notice, privacy).
    app.register_blueprint(pages.bp)
    # The medical departments, listed and one page each.
    app.register_blueprint(departments.bp)
    # The directory of contacts.
    app.register_blueprint(contacts.bp)
    # Giving to the institute.
    app.register_blueprint(donate.bp)

    errors.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    app.jinja_env.globals.update(site=content.site, content=content)
    return app
