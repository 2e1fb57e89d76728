"""The API's documentation page: Swagger UI (vendored under static/vendor/swagger-ui) reading the
OpenAPI document, under the site's content security policy (no inline script)."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from expo.api.core import PREFIX

bp = Blueprint("api_docs", __name__)


@bp.route(f"{PREFIX}/docs")
def show_docs():
    return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))
