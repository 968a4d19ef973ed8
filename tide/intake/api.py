"""Helpers of the agency JSON API: token check, request bodies, the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from tide.areas.models import Agency
from tide.intake.services import token_agency

MAX_BODY = 200 * 1024 * 1024


def agency_from(request: HttpRequest) -> Agency | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token_agency(secret.strip())


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def _rows_to_csv(rows: list[Any]) -> tuple[bytes, str | None]:
    if not rows or not all(isinstance(r, dict) for r in rows):
        return b"", "“rows” must be a non-empty list of objects, one per event."
    header = list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        if list(row) != header:
            return (
                b"",
                f"Row {number} has different fields from the first row: every row needs the same fields in the same order.",
            )
        writer.writerow(["" if v is None else str(v) for v in row.values()])
    return out.getvalue().encode(), None


def extract_from(request: HttpRequest) -> tuple[bytes, str, str | None]:
    """(content, filename, problem) from a text/csv body or a JSON body with ``rows``."""
    if len(request.body) > MAX_BODY:
        return b"", "", "The request is larger than 200 MB: split the extract."
    content_type = request.content_type or ""
    filename = request.headers.get("X-Filename", "") or "api-extract"
    if content_type == "text/csv":
        return request.body, filename if filename.endswith(".csv") else f"{filename}.csv", None
    if content_type == "application/json":
        try:
            body = json.loads(request.body or b"null")
        except json.JSONDecodeError as exc:
            return b"", "", f"The body is not valid JSON: {exc.msg} at character {exc.pos}."
        if not isinstance(body, dict):
            return b"", "", "The body must be a JSON object with “rows”."
        content, problem = _rows_to_csv(body.get("rows") or [])
        name = str(body.get("filename") or filename)
        return content, name if name.endswith(".csv") else f"{name}.csv", problem
    return b"", "", "Send Content-Type text/csv (the extract file) or application/json (an object with “rows”)."


def openapi(request: HttpRequest) -> dict[str, Any]:
    problem = {
        "type": "object",
        "properties": {
            "row": {"type": ["integer", "null"]},
            "column": {"type": "string"},
            "message": {"type": "string"},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tide agency intake API",
            "version": "1",
            "description": (
                "Agency systems send their extracts here. Each agency has its own bearer token, issued by the "
                "area's administrator. A file is accepted whole or refused whole; poll the job for the outcome."
            ),
        },
        "servers": [{"url": request.build_absolute_uri("/")}],
        "components": {"securitySchemes": {"agencyToken": {"type": "http", "scheme": "bearer"}}},
        "security": [{"agencyToken": []}],
        "paths": {
            reverse("intake:api-extracts"): {
                "post": {
                    "summary": "Send an extract",
                    "description": "The columns must be exactly those of the agency's declared format, in order.",
                    "parameters": [
                        {"name": "X-Filename", "in": "header", "required": False, "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["rows"],
                                    "properties": {
                                        "filename": {"type": "string"},
                                        "rows": {"type": "array", "items": {"type": "object"}},
                                    },
                                }
                            },
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "Queued for checking and import",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "job": {"type": "integer"},
                                            "status": {"type": "string"},
                                            "status_url": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": {"description": "The request body cannot be read"},
                        "401": {"description": "Missing, unknown or revoked token"},
                    },
                }
            },
            reverse("intake:api-job", args=[0]).replace("/0", "/{job}"): {
                "get": {
                    "summary": "The outcome of a sent extract",
                    "parameters": [{"name": "job", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {
                            "description": "Status; when finished, whether the file was accepted and every problem found",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {
                                            "status": {
                                                "type": "string",
                                                "enum": ["queued", "running", "succeeded", "failed", "cancelled"],
                                            },
                                            "accepted": {"type": "boolean"},
                                            "events": {"type": "integer"},
                                            "problems": {"type": "array", "items": problem},
                                        },
                                    }
                                }
                            },
                        },
                        "401": {"description": "Missing, unknown or revoked token"},
                        "404": {"description": "No such job for this agency"},
                    },
                }
            },
        },
    }
