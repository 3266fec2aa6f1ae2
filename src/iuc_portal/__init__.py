"""The public website of the Institut Universitaire de Cancérologie AP-HP. Sorbonne Université."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from flask import Flask

from . import (
    abbreviations,
    assets,
    caching,
    catalogs,
    cli,
    errors,
    i18n,
    logs,
    outbox,
    payments,
    preview,
    receipts,
    routing,
    security,
    store,
    views,
)
from . import config as settings
from .content import ContentError, load_content
from .content.url_words import with_url_words
from .extensions import limiter
from .paths import CONTENT_DIR, TEMPLATES_DIR, TRANSLATIONS_DIR
from .payments import cli as payments_cli
from .receipts import cli as receipts_cli
from .views import contacts, departments, donate, meta, pages
from .views import payments as payments_views
from .views import receipts as receipts_views


def stop(reason: str) -> NoReturn:
    """A site that cannot run says why in one line, not a traceback, and stops: the exit
    status is gunicorn's "the app failed to load", so its master stops too."""
    print(f"iuc_portal: {reason}", file=sys.stderr)
    raise SystemExit(settings.APP_LOAD_ERROR)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the site. ``config`` wins over the environment (tests use it)."""
    try:
        return _build(config)
    except (settings.ConfigError, ContentError) as error:  # the operator's or web team's
        stop(str(error))


def _build(config: Mapping[str, Any] | None) -> Flask:
    # Static files are served by WhiteNoise (assets.py), not by a Flask route.
    app = errors.Site(__name__, template_folder=str(TEMPLATES_DIR), static_folder=None)
    app.config.from_mapping(settings.from_environ(), CONTENT_DIR=str(CONTENT_DIR))
    app.config["TRANSLATIONS_DIR"] = app.config["TRANSLATIONS_DIR"] or str(TRANSLATIONS_DIR)
    app.config.update(config or {})
    settings.check({**app.config, "DEBUG": app.debug})
    app.config.update(settings.site_address(app.config))
    app.config.update(settings.preview_settings(app.config))
    data_dir = settings.prepare_data_dir(app.config["DATA_DIR"])
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.ensure_secret_key(data_dir)

    # First: every request gets its id, its headers and its cache policy,
    # whatever stops it later (after_request functions run in reverse order,
    # so the page store, registered first, sees the final headers).
    pages_rendered = caching.init_app(app)
    # A payment page is where the donation form leads: the CSP must let it.
    security.init_app(app, form_origins=payments.form_action_origins(app.config))
    logs.init_app(app)
    if not app.config["SITE_URL"] and not app.testing:
        app.logger.warning("IUC_SITE_URL is not set: links use the host each request names")

    publisher_file = app.config["PUBLISHER_FILE"]
    content = load_content(
        Path(app.config["CONTENT_DIR"]), Path(publisher_file) if publisher_file else None
    )
    preview.init_app(app)  # before the languages are looked for: it compiles catalogs
    offered = i18n.init_app(app)
    # Each language's URL words, from its catalog: /fr/services/, /es/servicios/.
    content = with_url_words(content, Path(app.config["TRANSLATIONS_DIR"]), offered.codes)
    app.extensions["iuc_content"] = content
    payments.init_app(app)
    store.init_app(app)
    outbox.init_app(app)
    routing.init_app(app, content)
    limiter.init_app(app)

    # What must answer without a language in the URL: / (which picks one),
    # robots.txt, the sitemap, the favicon and the load balancer's health check.
    app.register_blueprint(meta.bp)
    # Home, and the pages French law requires on every public site.
    app.register_blueprint(pages.bp)
    # How patients find the team that treats their cancer.
    app.register_blueprint(departments.bp)
    # How to reach a team by phone, post or the contact form.
    app.register_blueprint(contacts.bp)
    # Giving, with the tax reduction shown before the visitor commits.
    app.register_blueprint(donate.bp)
    # A donor's tax receipts: downloaded again, and mailed.
    app.register_blueprint(receipts_views.bp)
    if app.config["PAYMENT_PROVIDER"] == "stripe":
        # What the payment provider says happened to a gift (signed webhooks).
        app.register_blueprint(payments_views.bp)
    views.init_app(app)
    outbox.register(app, donate.ACKNOWLEDGEMENT, donate.compose_acknowledgement)
    outbox.register(app, contacts.MESSAGE, contacts.compose_message)
    outbox.register(app, receipts.MAIL, receipts_views.compose_receipt)
    donations = cli.submissions_group(
        "donations",
        donate.KIND,
        donate.FIELDS,
        extras=[
            (payments_cli.PAYMENT_COLUMNS, payments_cli.payment_columns),
            (("receipt_number",), receipts.receipt_column),
        ],
        retained=receipts.retained,
    )
    payments_cli.add_commands(
        donations, donate.KIND, donate.ACKNOWLEDGEMENT, settle=receipts.settle
    )
    app.cli.add_command(donations)
    app.cli.add_command(cli.submissions_group("messages", contacts.KIND, contacts.FIELDS))
    app.cli.add_command(
        cli.db_group({donate.KIND: donate.ACKNOWLEDGEMENT, contacts.KIND: contacts.MESSAGE})
    )
    app.cli.add_command(cli.outbox_group)
    app.cli.add_command(cli.publish_group)
    app.cli.add_command(receipts_cli.group)
    app.cli.add_command(catalogs.i18n)

    errors.init_app(app)
    assets.init_app(app)
    abbreviations.init_app(app)
    app.jinja_env.globals.update(site=content.site, content=content)

    # The WSGI stack, outside in: trusted proxy headers, HSTS over https,
    # static files, pages already rendered, then Flask.
    app.wsgi_app = caching.PageCache(app.wsgi_app, pages_rendered)  # type: ignore[method-assign]
    app.wsgi_app = assets.static_files(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = security.transport_security(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = security.behind_proxies(app.wsgi_app, app.config["PROXY_COUNT"])  # type: ignore[method-assign]
    return app
