"""The API's documentation page, rendered here from the OpenAPI document the API serves: operations
grouped by area, their parameters, bodies, answers, scopes and examples, every schema, and the kinds
of problem. Plain HTML (no script, nothing vendored to audit), so it reads on a phone, in every
language the site's chrome speaks, and to a screen reader as any other page of the site."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, render_template, url_for
from flask_babel import lazy_gettext as _l

from expo.api import tokens
from expo.api.core import PREFIX

bp = Blueprint("api_docs", __name__)

METHODS = ("get", "post", "put", "patch", "delete")
# An enum longer than this (the country codes) is shown by its first values.
ENUM_SHOWN = 12
EXAMPLE_DEPTH = 4
# The areas' headings, in the order the document lists them.
AREAS = {
    "api_public": _l("Public reads"),
    "api_people": _l("Your registrations and agenda"),
    "api_inquiries": _l("Inquiries you send"),
    "api_meetings": _l("Meetings"),
    "api_leads": _l("A booth's leads and reports"),
    "api_organize": _l("Running an edition"),
}
# The kinds of problem (the ``type`` of a problem body ends in #problem-<kind>).
PROBLEMS = {
    "token-required": _l("No usable token was sent (missing, unknown, expired or revoked): 401."),
    "scope-missing": _l("The token lacks the scope the operation needs: 403."),
    "not-allowed": _l("The token's person may not do this (the same rule as on the site): 403."),
    "invalid-input": _l("Something sent is not valid; `errors` names each field at fault: 400."),
    "rule-broken": _l(
        "A rule of the platform said no (a full session, a closed registration, a taken slot); "
        "`detail` says which: 400, 409 or 413."
    ),
    "not-ready": _l("What was asked for is not ready yet (a report still compiling): 409."),
    "rate-limited": _l("Too many requests: wait for the seconds in Retry-After: 429."),
}


@dataclass
class Row:
    """One parameter or one field of a schema."""

    name: str
    kind: str
    required: bool
    description: str = ""
    values: list[str] = field(default_factory=list)
    more_values: int = 0
    link: str | None = None


@dataclass
class Body:
    content_types: list[str]
    schema: str | None  # a component's name, linked to its section
    kind: str  # for what is not a named schema
    example: str | None


@dataclass
class Answer:
    status: str
    description: str
    body: Body | None


@dataclass
class Operation:
    anchor: str
    method: str
    path: str
    summary: str
    description: str
    scopes: list[str]
    parameters: list[Row]
    request: Body | None
    answers: list[Answer]


@dataclass
class Area:
    anchor: str
    title: object  # a lazy string: the page is cached, its language is the reader's
    description: str
    operations: list[Operation]


@dataclass
class Reference:
    title: str
    version: str
    description: str
    areas: list[Area]
    schemas: list[tuple[str, str, list[Row]]]


def _anchor(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _text(value: str | None) -> str:
    """A docstring's lines as one paragraph."""
    return " ".join((value or "").split())


class Reader:
    def __init__(self, spec: dict):
        self.spec = spec
        self.components = spec.get("components", {})

    def resolve(self, node: dict) -> dict:
        while "$ref" in node:
            section, name = node["$ref"].split("/")[-2:]
            node = self.components[section][name]
        return node

    def kind(self, schema: dict) -> tuple[str, str | None]:
        """A schema's type in words, and the component it names (linked)."""
        if "$ref" in schema:
            name = _ref_name(schema["$ref"])
            return name, name
        kinds = schema.get("type", "object")
        kinds = [kinds] if isinstance(kinds, str) else list(kinds)
        nullable = "null" in kinds
        kinds = [kind for kind in kinds if kind != "null"] or ["null"]
        main = kinds[0]
        link = None
        if main == "array":
            inner, link = self.kind(schema.get("items", {}))
            words = f"array of {inner}"
        elif main == "object" and isinstance(schema.get("additionalProperties"), dict):
            inner, link = self.kind(schema["additionalProperties"])
            words = f"object of {inner}"
        else:
            words = main + (f" ({schema['format']})" if schema.get("format") else "")
        limits = []
        for key, label in (("minimum", "≥"), ("maximum", "≤"), ("minLength", "length ≥"), ("maxLength", "length ≤")):
            if key in schema and not (key == "minLength" and schema[key] <= 1 and "maxLength" not in schema):
                limits.append(f"{label} {schema[key]}")
        if limits:
            words += ", " + ", ".join(limits)
        if nullable:
            words += ", or null"
        return words, link

    def row(self, name: str, schema: dict, required: bool, description: str = "") -> Row:
        words, link = self.kind(schema)
        values = [str(value) for value in schema.get("enum", []) if value is not None]
        shown = values[:ENUM_SHOWN]
        default = schema.get("default")
        text = _text(description or schema.get("description"))
        if default not in (None, "", [], {}):
            text = (text + " " if text else "") + f"Default: {json.dumps(default, ensure_ascii=False)}."
        return Row(name, words, required, text, shown, len(values) - len(shown), link)

    def fields(self, schema: dict) -> list[Row]:
        schema = self.resolve(schema)
        required = set(schema.get("required", []))
        return [self.row(name, prop, name in required) for name, prop in schema.get("properties", {}).items()]

    def example(self, schema: dict, depth: int = 0) -> Any:
        schema = self.resolve(schema) if "$ref" in schema else schema
        if "example" in schema:
            return schema["example"]
        kinds = schema.get("type", "object")
        kind = next((k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null"), "null")
        enum = [value for value in schema.get("enum", []) if value is not None]
        if enum:
            return enum[0]
        if "default" in schema:
            return schema["default"]
        if kind == "array":
            return [self.example(schema.get("items", {}), depth + 1)] if depth < EXAMPLE_DEPTH else []
        if kind == "object":
            if depth >= EXAMPLE_DEPTH:
                return {}
            if isinstance(schema.get("additionalProperties"), dict) and not schema.get("properties"):
                return {"key": self.example(schema["additionalProperties"], depth + 1)}
            return {name: self.example(prop, depth + 1) for name, prop in schema.get("properties", {}).items()}
        return {
            "integer": 1,
            "number": 1.5,
            "boolean": True,
            "null": None,
        }.get(kind, self._string(schema))

    @staticmethod
    def _string(schema: dict) -> str:
        return {
            "date": "2027-09-10",
            "date-time": "2027-09-10T09:00:00+08:00",
            "binary": "…",
        }.get(schema.get("format", ""), "string")

    def body(self, node: dict) -> Body | None:
        node = self.resolve(node)
        content = node.get("content") or {}
        if not content:
            return None
        content_types = list(content)
        schema = content[content_types[0]].get("schema", {})
        words, link = self.kind(schema)
        example = None
        if content_types[0].endswith("json") and schema.get("format") != "binary":
            example = json.dumps(self.example(schema), ensure_ascii=False, indent=2)
        return Body(content_types, link if "$ref" in schema else None, words, example)

    def operation(self, path: str, method: str, operation: dict, shared: list[dict]) -> Operation:
        parameters = [self.resolve(p) for p in shared + operation.get("parameters", [])]
        rows = []
        for parameter in parameters:
            row = self.row(
                parameter["name"],
                parameter.get("schema", {}),
                parameter.get("required", False),
                parameter.get("description", ""),
            )
            row.kind = f"{parameter['in']}: {row.kind}"
            rows.append(row)
        answers = []
        for status, answer in sorted(
            operation.get("responses", {}).items(), key=lambda item: (item[0] == "default", item[0])
        ):
            resolved = self.resolve(answer)
            answers.append(Answer(status, resolved.get("description", ""), self.body(resolved)))
        scopes = [scope for requirement in operation.get("security", []) for scope in requirement.get("bearerAuth", [])]
        request = self.body(operation["requestBody"]) if "requestBody" in operation else None
        return Operation(
            anchor=_anchor("op", method, path.removeprefix(PREFIX)),
            method=method.upper(),
            path=path,
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            scopes=scopes,
            parameters=rows,
            request=request,
            answers=answers,
        )

    def reference(self) -> Reference:
        areas: dict[str, Area] = {}
        for tag in self.spec.get("tags", []):
            name = tag["name"]
            areas[name] = Area(_anchor("area", name), AREAS.get(name, name), tag.get("description", ""), [])
        for path, item in self.spec.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method in METHODS:
                if method in item:
                    operation = item[method]
                    tag = (operation.get("tags") or ["other"])[0]
                    area = areas.setdefault(tag, Area(_anchor("area", tag), tag, "", []))
                    area.operations.append(self.operation(path, method, operation, shared))
        schemas = [
            (name, _text(schema.get("description")), self.fields(schema))
            for name, schema in sorted(self.components.get("schemas", {}).items())
            if name != "PaginationMetadata"
        ]
        info = self.spec.get("info", {})
        return Reference(
            info.get("title", ""),
            info.get("version", ""),
            info.get("description", ""),
            [area for area in areas.values() if area.operations],
            schemas,
        )


@bp.route(f"{PREFIX}/docs")
def show_docs():
    # The document is fixed once the app has started: read it once.
    reference = current_app.extensions.get("expo.api.reference")
    if reference is None:
        reference = Reader(current_app.extensions["expo.api"].spec.to_dict()).reference()
        current_app.extensions["expo.api.reference"] = reference
    return render_template(
        "api/docs.html",
        spec_url=url_for("api-docs.openapi_json"),
        reference=reference,
        problems=PROBLEMS,
        scope_labels=tokens.SCOPES,
        token_kinds={
            scope: [kind.label for kind, scopes in tokens.SCOPES_BY_KIND.items() if scope in scopes]
            for scope in tokens.SCOPES
        },
    )
