"""Error pages in the site's style; JSON for clients that ask for it."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from expo.extensions import db
from expo.permissions import NotAllowed

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check the address or the form and try again.")),
    403: (_l("Not allowed"), _l("Your account does not have permission to see or do this.")),
    404: (_l("Page not found"), _l("There is no page at this address. It may have moved, or it was never published.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("Somebody changed this at the same time. Reload the page and try again.")),
    413: (_l("File too large"), _l("The upload is larger than the site accepts. Choose a smaller file.")),
    429: (_l("Too many attempts"), _l("You have tried this too many times. Wait a few minutes, then try again.")),
    500: (
        _l("Something went wrong"),
        _l("An error on our side stopped this page. It has been logged; please try again shortly."),
    ),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if _wants_json():
        return jsonify(error=str(title), message=str(detail or message)), code
    return render_template("errors/error.html", code=code, title=title, message=message, detail=detail), code


def register(app: Flask) -> None:
    from expo.api.core import ApiProblem, is_api_request, problem_for
    from expo.lib.rules import RuleBroken

    @app.errorhandler(ApiProblem)
    def _api_problem(error: ApiProblem):
        db.session.rollback()
        return problem_for(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if is_api_request():
            return problem_for(error)  # RFC 9457 problem details, whatever the status
        if error.code not in MESSAGES:
            return error
        detail = None
        if error.code in (400, 404, 409, 413) and error.description and error.description != type(error).description:
            detail = error.description
        return render_error(error.code, detail)

    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        if is_api_request():
            return problem_for(error)
        return render_error(
            400, str(_l("The form expired or was sent from another site. Reload the page and send it again."))
        )

    @app.errorhandler(NotAllowed)
    def _not_allowed(error: NotAllowed):
        db.session.rollback()
        if is_api_request():
            return problem_for(error)
        return render_error(403)

    @app.errorhandler(InternalServerError)
    def _server_error(error: InternalServerError):
        original = getattr(error, "original_exception", None)
        app.logger.error("unhandled error on %s %s", request.method, request.path, exc_info=original)
        db.session.rollback()
        if is_api_request():
            return problem_for(error)
        return render_error(500)

    @app.errorhandler(RuleBroken)
    def _rule_broken(error: RuleBroken):
        # Views catch the rules they expect; one that reaches here was raised under the API, whose
        # views let every refusal through to be answered as a problem.
        db.session.rollback()
        if is_api_request():
            return problem_for(error)
        return render_error(error.status if error.status in MESSAGES else 400, str(error))
