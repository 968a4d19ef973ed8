"""Real servers for the message tests: an SMTP server (aiosmtpd) and a local HTTP server that keeps
GOV.UK Notify's documented API contract (https://docs.notifications.service.gov.uk/rest-api.html):
``POST /v2/notifications/email`` and ``/sms`` with a JSON body, ``GET /v2/notifications/{id}``, and an
``Authorization: Bearer <JWT>`` header whose token is signed HS256 with the API key's secret, names the
service in ``iss`` and was issued (``iat``) within 30 seconds."""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- SMTP ------------------------------------------------------------------------------------------


class SmtpHandler:
    """Keeps what it receives; ``failures`` is a queue of SMTP replies to give DATA before accepting."""

    def __init__(self) -> None:
        self.received: list[Any] = []
        self.failures: deque[str] = deque()
        self.refuse_always = ""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_always:
            return self.refuse_always
        if self.failures:
            return self.failures.popleft()
        self.received.append(
            {"to": list(envelope.rcpt_tos), "from": envelope.mail_from, "email": message_from_bytes(envelope.content)}
        )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.handler = SmtpHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# --- GOV.UK Notify ----------------------------------------------------------------------------------

SERVICE_ID = str(uuid.UUID("6a3c2b1e-0000-4000-8000-00000000cafe"))
SECRET = str(uuid.UUID("d00df00d-0000-4000-8000-0000000beef0"))
API_KEY = f"tide_test-{SERVICE_ID}-{SECRET}"


@dataclass
class NotifyState:
    sent: list[dict[str, Any]] = field(default_factory=list)
    refused_tokens: list[str] = field(default_factory=list)
    failures: deque[tuple[int, str, str]] = field(default_factory=deque)  # (status, error, message)
    statuses: dict[str, str] = field(default_factory=dict)


def _error(status: int, error: str, message: str) -> tuple[int, dict[str, Any]]:
    return status, {"status_code": status, "errors": [{"error": error, "message": message}]}


class NotifyHandler(BaseHTTPRequestHandler):
    state: NotifyState

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> tuple[int, dict[str, Any]] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return _error(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header[len("Bearer ") :]
        try:
            unverified = jwt.get_unverified_header(token)
            claims = jwt.decode(token, SECRET, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.PyJWTError:
            self.state.refused_tokens.append(token)
            return _error(403, "AuthError", "Invalid token: signature, api token not found")
        if unverified.get("typ") != "JWT" or claims.get("iss") != SERVICE_ID:
            return _error(403, "AuthError", "Invalid token: service not found")
        if abs(time.time() - int(claims.get("iat", 0))) > 30:
            return _error(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return None

    def do_POST(self) -> None:
        refused = self._authorised()
        if refused:
            return self._reply(*refused)
        kind = self.path.rsplit("/", 1)[-1]
        if self.path not in {"/v2/notifications/email", "/v2/notifications/sms"}:
            return self._reply(*_error(404, "NotFound", "Not found"))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        address_field = "email_address" if kind == "email" else "phone_number"
        problems = [f"{name} is a required property" for name in (address_field, "template_id") if name not in body]
        if "personalisation" in body and not isinstance(body["personalisation"], dict):
            problems.append("personalisation is not of type object")
        if problems:
            return self._reply(
                400, {"status_code": 400, "errors": [{"error": "ValidationError", "message": p} for p in problems]}
            )
        if self.state.failures:
            return self._reply(*_error(*self.state.failures.popleft()))
        notification_id = str(uuid.uuid4())
        self.state.sent.append({"id": notification_id, "type": kind, **body})
        content: dict[str, Any] = {"body": body.get("personalisation", {}).get("body", "")}
        if kind == "email":
            content |= {
                "subject": body.get("personalisation", {}).get("subject", ""),
                "from_email": "tide@notifications.service.gov.uk",
            }
        else:
            content |= {"from_number": "GOVUK"}
        self._reply(
            201,
            {
                "id": notification_id,
                "reference": body.get("reference"),
                "content": content,
                "uri": f"/v2/notifications/{notification_id}",
                "template": {"id": body["template_id"], "version": 1, "uri": f"/v2/template/{body['template_id']}"},
            },
        )

    def do_GET(self) -> None:
        refused = self._authorised()
        if refused:
            return self._reply(*refused)
        notification_id = self.path.rsplit("/", 1)[-1]
        match = [n for n in self.state.sent if n["id"] == notification_id]
        if not self.path.startswith("/v2/notifications/") or not match:
            return self._reply(*_error(404, "NoResultFound", "No result found"))
        self._reply(
            200,
            {
                "id": notification_id,
                "reference": match[0].get("reference"),
                "type": match[0]["type"],
                "status": self.state.statuses.get(notification_id, "delivered"),
            },
        )


class NotifyServer:
    def __init__(self) -> None:
        self.state = NotifyState()
        handler = type("BoundNotifyHandler", (NotifyHandler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> NotifyServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
