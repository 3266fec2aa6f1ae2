"""What lives outside the locale tree: ``/``, robots.txt, the sitemap, the favicon, health."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from iuc_portal.i18n import LANG_COOKIE, locales
from iuc_portal.paths import STATIC_DIR
from iuc_portal.routing import all_pages, counterparts, x_default_url
from iuc_portal.store import Store, StoreUnavailable

# Below this, a submission may fail to be written: say so before it happens.
MIN_FREE_BYTES = 50 * 2**20

bp = Blueprint("meta", __name__)


@bp.get("/")
def choose_language() -> Response:
    code = locales().negotiate(request.cookies.get(LANG_COOKIE), request.accept_languages)
    target = url_for("pages.home", locale=code)
    if request.query_string:  # keep campaign parameters and the like
        target += "?" + request.query_string.decode("latin-1")
    response = redirect(target, code=302)
    response.headers["Vary"] = "Accept-Language, Cookie"
    return response


@bp.get("/robots.txt")
def robots() -> Response:
    body = render_template("meta/robots.txt")
    return Response(body, mimetype="text/plain")


@bp.get("/sitemap.xml")
def sitemap_xml() -> Response:
    entries = [
        (counterparts(endpoint, args, external=True, indexed=True), x_default_url(endpoint, args))
        for endpoint, args in all_pages()
    ]
    body = render_template("meta/sitemap.xml", entries=entries)
    return Response(body, mimetype="application/xml")


@bp.get("/favicon.ico")
def favicon() -> Response:
    return send_from_directory(STATIC_DIR / "img", "favicon.ico", max_age=86400)


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the site can serve and record; 503, naming what is wrong, when it cannot."""
    problems = []
    if "iuc_content" not in current_app.extensions:
        problems.append("content not loaded")
    data_dir = Path(current_app.config["DATA_DIR"])
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".health-"):
            pass
    except OSError:
        problems.append("data directory is not writable")
    store: Store = current_app.extensions["iuc_store"]
    try:
        if store.schema_is_current():
            store.check_writable()
        else:
            problems.append("database schema is not up to date: run `flask db upgrade`")
    except StoreUnavailable as error:
        problems.append(f"database cannot be written ({error})")
    for path in {data_dir, *store.local_paths()}:
        with contextlib.suppress(OSError):
            free = shutil.disk_usage(path).free
            if free < MIN_FREE_BYTES:
                problems.append(f"less than {MIN_FREE_BYTES // 2**20} MB free for {path.name}")
    body = {"status": "unavailable", "problems": problems} if problems else {"status": "ok"}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 503 if problems else 200
