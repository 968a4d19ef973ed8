"""Helpers of the agency JSON API: token check, request bodies, the OpenAPI document.

Every refusal is ``{"error": "<message>"}`` with a JSON content type (``tide.core.api.json_error``).
Bodies are streamed to a file in the intake's incoming folder, never read with ``request.body``;
the one size limit is ``settings.TIDE_API_MAX_BYTES`` (ADR 0068).
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse

from tide.areas.models import Agency
from tide.core.api import BodyTooLargeError, body_to_file, json_error
from tide.intake.jobs import incoming_dir
from tide.intake.services import token_agency

CONTENT_TYPES = ("text/csv", "application/json")
SCALARS = (str, int, float, bool, type(None))


class ApiRefusalError(Exception):
    """A request the API refuses; ``response()`` is its JSON error."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> JsonResponse:
        response = json_error(self.status, self.message)
        if self.status == 401:
            response["WWW-Authenticate"] = 'Bearer realm="tide"'
        return response


def max_bytes() -> int:
    return int(settings.TIDE_API_MAX_BYTES)


def agency_from(request: HttpRequest) -> Agency | None:
    header = request.headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token_agency(secret.strip())


def agency_required(request: HttpRequest) -> Agency:
    agency = agency_from(request)
    if agency is None:
        raise ApiRefusalError(401, "Send a valid agency token: Authorization: Bearer <token>.")
    return agency


def error(status: int, message: str) -> JsonResponse:
    return ApiRefusalError(status, message).response()


def _csv_name(name: str) -> str:
    name = name.strip()[:200] or "api-extract"
    return name if name.lower().endswith(".csv") else f"{name}.csv"


def _rows_checked(body: Any) -> tuple[list[dict[str, Any]], str | None]:
    """The rows of a JSON body, checked for shape, and its filename; raises :class:`ApiRefusalError`."""
    if not isinstance(body, dict) or "rows" not in body:
        raise ApiRefusalError(400, "The body must be a JSON object with “rows”: a list of objects, one per event.")
    rows, filename = body["rows"], body.get("filename")
    if filename is not None and not isinstance(filename, str):
        raise ApiRefusalError(400, "“filename” must be a string.")
    if filename is not None and "\x00" in filename:
        raise ApiRefusalError(400, "“filename” contains a NUL character.")
    if not isinstance(rows, list) or not rows:
        raise ApiRefusalError(400, "“rows” must be a non-empty list of objects, one per event.")
    header: list[str] | None = None
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ApiRefusalError(400, f"Row {number} is not an object: each row is an object of field: value.")
        if header is None:
            header = list(row)
        elif list(row) != header:
            raise ApiRefusalError(
                400,
                f"Row {number} has different fields from the first row: every row needs the same fields in the same order.",
            )
        for field, value in row.items():
            if not isinstance(value, SCALARS):
                raise ApiRefusalError(
                    400, f"Row {number}, field “{field[:100]}”: a value must be a string, a number, true/false or null."
                )
            if "\x00" in field or (isinstance(value, str) and "\x00" in value):
                raise ApiRefusalError(400, f"Row {number} contains a NUL character.")
    return rows, filename


def _parse_json(path: Path) -> Any:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiRefusalError(400, f"The body is not UTF-8 text (byte {exc.start} cannot be read).") from None
    del raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiRefusalError(400, f"The body is not valid JSON: {exc.msg} at character {exc.pos}.") from None
    except RecursionError:
        raise ApiRefusalError(400, "The body is not valid here: its values are nested too deeply.") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise ApiRefusalError(400, f"The body cannot be read: {exc}.") from None


def _write_csv(rows: list[dict[str, Any]], directory: Path) -> Path:
    handle, name = tempfile.mkstemp(dir=directory, suffix=".bin")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(rows[0])
            for row in rows:
                writer.writerow(["" if v is None else str(v) for v in row.values()])
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


def extract_receive(request: HttpRequest) -> tuple[str, str]:
    """Stream the body of a ``text/csv`` or JSON-``rows`` request into the incoming folder.

    Returns (incoming file name for the job, extract filename); raises :class:`ApiRefusalError`.
    """
    content_type = request.content_type or ""
    if content_type not in CONTENT_TYPES:
        raise ApiRefusalError(
            415, "Send Content-Type text/csv (the extract file) or application/json (an object with “rows”)."
        )
    directory = incoming_dir()
    try:
        path = body_to_file(request, max_bytes=max_bytes(), directory=directory)
    except BodyTooLargeError as exc:
        raise ApiRefusalError(
            413, f"The request body is larger than {exc.limit:,} bytes, the most the API takes: split the extract."
        ) from None
    filename = request.headers.get("X-Filename", "")
    try:
        if path.stat().st_size == 0:
            raise ApiRefusalError(400, "The body is empty: send the extract.")
        if content_type == "text/csv":
            return path.name, _csv_name(filename)
        rows, name = _rows_checked(_parse_json(path))
        converted = _write_csv(rows, directory)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    return converted.name, _csv_name(name or filename)


def openapi(request: HttpRequest) -> dict[str, Any]:
    error_body = {"$ref": "#/components/schemas/Error"}

    def refusal(description: str) -> dict[str, Any]:
        return {"description": description, "content": {"application/json": {"schema": error_body}}}

    scalar = {"type": ["string", "number", "integer", "boolean", "null"]}
    problem = {
        "type": "object",
        "required": ["row", "column", "message"],
        "properties": {
            "row": {"type": ["integer", "null"]},
            "column": {"type": "string"},
            "message": {"type": "string"},
        },
    }
    limit = max_bytes()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Tide agency intake API",
            "version": "1",
            "description": (
                "Agency systems send their extracts here. Each agency has its own bearer token, issued by the "
                "area's administrator. A file is accepted whole or refused whole; poll the job for the outcome. "
                f"A request body may be at most {limit:,} bytes. Every error is a JSON object "
                '{"error": "<message>"}; a method an operation does not take gets 405 with an Allow header, '
                "and a request with a NUL character anywhere gets 400."
            ),
        },
        "servers": [{"url": request.build_absolute_uri("/")}],
        "components": {
            "securitySchemes": {"agencyToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "string", "description": "What is wrong, in plain English"}},
                }
            },
        },
        "security": [{"agencyToken": []}],
        "paths": {
            reverse("intake:api-extracts"): {
                "post": {
                    "operationId": "extractSend",
                    "summary": "Send an extract",
                    "description": (
                        "The columns must be exactly those of the agency's declared format, in order. "
                        f"At most {limit:,} bytes; CSV is the better choice for large extracts."
                    ),
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
                                        "filename": {"type": ["string", "null"]},
                                        "rows": {
                                            "type": "array",
                                            "minItems": 1,
                                            "items": {"type": "object", "additionalProperties": scalar},
                                            "description": "One object per event, every one with the same fields "
                                            "in the same order",
                                        },
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
                                        "required": ["job", "status", "status_url"],
                                        "properties": {
                                            "job": {"type": "integer"},
                                            "status": {"type": "string"},
                                            "status_url": {"type": "string"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": refusal("The body cannot be read: empty, not UTF-8, not JSON, or not of this shape"),
                        "401": refusal("Missing, unknown or revoked token"),
                        "413": refusal(f"The body is larger than {limit:,} bytes"),
                        "415": refusal("The content type is neither text/csv nor application/json"),
                    },
                }
            },
            reverse("intake:api-job", args=[0]).replace("/0", "/{job}"): {
                "get": {
                    "operationId": "jobGet",
                    "summary": "The outcome of a sent extract",
                    "parameters": [{"name": "job", "in": "path", "required": True, "schema": {"type": "integer"}}],
                    "responses": {
                        "200": {
                            "description": "Status; when finished, whether the file was accepted and every problem found",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "required": ["job", "status"],
                                        "properties": {
                                            "job": {"type": "integer"},
                                            "status": {
                                                "type": "string",
                                                "enum": ["queued", "running", "succeeded", "failed", "cancelled"],
                                            },
                                            "progress": {"type": "number"},
                                            "message": {"type": "string"},
                                            "accepted": {"type": "boolean"},
                                            "file": {"type": "integer"},
                                            "rows": {"type": "integer"},
                                            "records": {"type": "integer"},
                                            "new_records": {"type": "integer"},
                                            "events": {"type": "integer"},
                                            "problems": {"type": "array", "items": problem},
                                            "truncated": {"type": "boolean"},
                                        },
                                    }
                                }
                            },
                        },
                        "400": refusal("The request carries a NUL character"),
                        "401": refusal("Missing, unknown or revoked token"),
                        "404": refusal("No such job for this agency"),
                    },
                }
            },
        },
    }
