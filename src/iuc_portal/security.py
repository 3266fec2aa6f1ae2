"""Protections that apply to every request."""

from __future__ import annotations

from flask import Flask, abort, current_app, request


def refuse_large_bodies() -> None:
    """Refuse an oversized body at once, before any view would start reading it."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit and request.content_length and request.content_length > limit:
        abort(413)


def init_app(app: Flask) -> None:
    app.before_request(refuse_large_bodies)
