"""The smallest Flask app, the yardstick the site's pages are measured against."""

from flask import Flask


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/healthz")
    @app.get("/hello")
    def hello() -> str:
        return "Hello"

    return app
