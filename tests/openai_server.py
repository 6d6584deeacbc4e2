"""A local OpenAI-compatible HTTP server for tests: scripted replies and injected faults.

Real HTTP over loopback (``http.server`` in a thread). Each request to ``/v1/chat/completions``
or ``/v1/completions`` takes the next scripted item, or asks ``responder(body)`` when the
script is empty. Items:

- ``"text"``: a normal reply with that content;
- ``{"status": 500, "body": "..."}``: an error status (``"retry_after": "1"`` adds the header);
- ``{"delay": 2.0}`` or ``{"delay": 2.0, "reply": "text"}``: answer late (client timeouts);
- ``{"malformed": True}``: a 200 whose body is not JSON;
- ``{"missing_choices": True}``: a 200 JSON body without ``choices``;
- ``{"reset": True}``: close the connection with a TCP reset, no response.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def last_user_message(body: dict[str, Any]) -> str:
    """The content of the last user message of a chat request (or the completion prompt)."""
    if "prompt" in body:
        return body["prompt"]
    return next(m["content"] for m in reversed(body["messages"]) if m["role"] == "user")


class OpenAITestServer:
    """The server; use as a context manager or call ``start``/``stop``."""

    def __init__(self, responder: Callable[[dict[str, Any]], str] | None = None) -> None:
        """Create the server (not started); ``responder`` answers when the script is empty."""
        self.responder = responder or (lambda body: "ok")
        self.script: deque[Any] = deque()
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1``."""
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def push(self, *items: Any) -> None:
        """Queue scripted items (see the module docstring)."""
        with self._lock:
            self.script.extend(items)

    def _next(self, body: dict[str, Any]) -> Any:
        with self._lock:
            self.requests.append(body)
            if self.script:
                return self.script.popleft()
        return self.responder(body)

    def start(self) -> OpenAITestServer:
        """Start serving on a free loopback port."""
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # else Nagle + delayed ACKs add ~40 ms per response

            def log_message(self, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                server.headers.append(dict(self.headers))
                if not self.path.endswith(("/chat/completions", "/completions")):
                    self._send(404, b'{"error": {"message": "not found"}}')
                    return
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    self._send(400, b'{"error": {"message": "bad json"}}')
                    return
                self._answer(body, server._next(body))

            def _answer(self, body: dict[str, Any], item: Any) -> None:
                if isinstance(item, str):
                    item = {"reply": item}
                if item.get("delay"):
                    time.sleep(item["delay"])
                if item.get("reset"):
                    # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    self.close_connection = True
                    return
                if "status" in item:
                    extra = {"Retry-After": str(item["retry_after"])} if "retry_after" in item else {}
                    text = item.get("body", json.dumps({"error": {"message": "scripted error"}}))
                    self._send(item["status"], text.encode(), extra)
                elif item.get("malformed"):
                    self._send(200, b'{"choices": [{"message": {"content": "trunc')
                elif item.get("missing_choices"):
                    self._send(200, b'{"id": "x", "object": "chat.completion"}')
                else:
                    self._send(200, json.dumps(_completion(body, item.get("reply", "ok"))).encode())

            def _send(self, status: int, payload: bytes, extra: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for key, value in (extra or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    self.close_connection = True

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # many clients connect at once in the async tests

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> OpenAITestServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    usage = {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}
    if "prompt" in body:
        return {"id": "cmpl-test", "object": "text_completion", "created": 0, "model": body.get("model"),
                "choices": [{"index": 0, "text": text, "finish_reason": "stop"}], "usage": usage}
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": body.get("model"),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                         "finish_reason": "stop"}], "usage": usage}
