"""Local HTTP servers that speak the LibreTranslate and DeepL protocols, for tests.

Each runs ``http.server`` in a thread on 127.0.0.1 and a free port, implements exactly the
endpoints Juntos calls, and checks requests the way the real services do (JSON fields, language
codes, the API key or the ``Authorization: DeepL-Auth-Key`` header). The "translation" is
deterministic: ``[es] `` followed by the text with its ASCII words in capitals — so a
placeholder sent unprotected comes back damaged (``{student}`` → ``{STUDENT}``), as a real
engine would translate it, while the protection tokens pass through. ``fail_next`` makes the
next answers errors (429, 500, 456…) to test what happens when the provider is down.

    with LibreTranslateServer(api_key="k") as server:
        server.url            # http://127.0.0.1:PORT
        server.requests       # every JSON body received, in order
        server.fail_next(429, times=2)
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar

_WORD = re.compile(r"[A-Za-z]+")
_MARKUP = re.compile(r"(<[^>]*>|&[a-zA-Z]+;|&#\d+;)")


def fake_translation(text: str, target: str, *, keep_markup: bool = False) -> str:
    """What the fake servers answer for ``text``: ``[target] `` + text with ASCII words upper.

    ``keep_markup`` leaves XML tags and entities alone, as DeepL does with tag_handling=xml.
    """
    if keep_markup:
        pieces = _MARKUP.split(text)
        body = "".join(
            piece if _MARKUP.fullmatch(piece) else _WORD.sub(lambda m: m.group().upper(), piece)
            for piece in pieces
        )
    else:
        body = _WORD.sub(lambda m: m.group().upper(), text)
    return f"[{target}] {body}"


class _Server:
    """A threaded HTTP server with a record of requests and a queue of forced failures."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -----------------------------------------------------------------------------

    def __enter__(self) -> _Server:
        handler = self._handler_class()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        # A short poll interval makes shutdown (at the end of each test) quick.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start the server with `with`"  # noqa: S101
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def fail_next(self, status: int, *, times: int = 1) -> None:
        """Answer the next ``times`` translation requests with HTTP ``status``."""
        with self._lock:
            self._failures.extend([status] * times)

    def _take_failure(self) -> int | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    # -- protocol ------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        raise NotImplementedError

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _dispatch(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                status, payload, extra = server.handle(method, self.path, headers, body)
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                self._dispatch("GET")

            def do_POST(self) -> None:
                self._dispatch("POST")

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output quiet

        return Handler

    def _record(self, headers: dict[str, str], payload: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(payload)
            self.headers.append(headers)

    @staticmethod
    def _json_body(headers: dict[str, str], body: bytes) -> dict[str, Any] | None:
        if not headers.get("content-type", "").startswith("application/json"):
            return None
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return None
        return data if isinstance(data, dict) else None


# LibreTranslate language codes of a stock install that matter to us (no so, ht, ps, hmn, prs).
LIBRE_LANGUAGES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "ar": "Arabic",
    "zh-Hans": "Chinese",
    "pt": "Portuguese",
    "ru": "Russian",
    "uk": "Ukrainian",
    "ko": "Korean",
    "fr": "French",
    "fa": "Persian",
    "tl": "Tagalog",
    "vi": "Vietnamese",
}


class LibreTranslateServer(_Server):
    """``POST /translate`` and ``GET /languages`` as LibreTranslate implements them."""

    def __init__(self, *, api_key: str | None = None, languages: Iterable[str] | None = None):
        super().__init__()
        self.api_key = api_key
        self.languages = list(languages) if languages is not None else list(LIBRE_LANGUAGES)

    def __enter__(self) -> LibreTranslateServer:
        super().__enter__()
        return self

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if method == "GET" and path == "/languages":
            return (
                200,
                [
                    {
                        "code": code,
                        "name": LIBRE_LANGUAGES.get(code, code),
                        "targets": [t for t in self.languages if t != code],
                    }
                    for code in self.languages
                ],
                {},
            )
        if method != "POST" or path != "/translate":
            return 404, {"error": "Not Found"}, {}
        payload = self._json_body(headers, body)
        if payload is None:
            return 400, {"error": "Invalid JSON format"}, {}
        self._record(headers, payload)
        if self.api_key is not None:
            given = payload.get("api_key")
            if given and given != self.api_key:
                return 403, {"error": "Invalid API key"}, {}
            if not given:
                return 400, {"error": "Please contact the server operator to get an API key"}, {}
        failure = self._take_failure()
        if failure is not None:
            return failure, {"error": "Slowdown: too many requests"}, {}
        q, source, target = payload.get("q"), payload.get("source"), payload.get("target")
        for name, value in (("q", q), ("source", source), ("target", target)):
            if not value:
                return 400, {"error": f"Invalid request: missing {name} parameter"}, {}
        if not (isinstance(q, str) or (isinstance(q, list) and all(isinstance(t, str) for t in q))):
            return 400, {"error": "Invalid request: q must be a string or a list of strings"}, {}
        if source not in self.languages:
            return 400, {"error": f"{source} is not supported"}, {}
        if target not in self.languages:
            return 400, {"error": f"{target} is not supported"}, {}
        text_format = payload.get("format") or "text"
        if text_format not in ("text", "html"):
            return 400, {"error": f"{text_format} format is not supported"}, {}
        if isinstance(q, list):
            return 200, {"translatedText": [fake_translation(t, str(target)) for t in q]}, {}
        return 200, {"translatedText": fake_translation(q, str(target))}, {}


# DeepL's generally available codes (a subset is enough to exercise the mapping).
DEEPL_SOURCES = frozenset(
    {"AR", "DE", "EN", "ES", "FR", "IT", "JA", "KO", "PT", "RU", "UK", "VI", "ZH"}
)
DEEPL_TARGETS = frozenset(
    {
        "AR", "DE", "EN-GB", "EN-US", "ES", "FR", "IT", "JA", "KO", "PT-BR", "PT-PT", "RU",
        "UK", "VI", "ZH-HANS", "ZH-HANT",
    }
)  # fmt: skip


class DeepLServer(_Server):
    """``POST /v2/translate`` as the DeepL API implements it."""

    TAG_HANDLING: ClassVar[frozenset[str]] = frozenset({"xml", "html"})

    def __init__(self, *, auth_key: str = "test-key:fx") -> None:
        super().__init__()
        self.auth_key = auth_key

    def __enter__(self) -> DeepLServer:
        super().__enter__()
        return self

    def handle(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any, dict[str, str]]:
        if path != "/v2/translate":
            return 404, {"message": "Not found"}, {}
        if method != "POST":
            return 405, {"message": "Method not allowed"}, {}
        if headers.get("authorization") != f"DeepL-Auth-Key {self.auth_key}":
            return 403, {"message": "Authorization failed"}, {}
        payload = self._json_body(headers, body)
        if payload is None:
            return 400, {"message": "Bad request"}, {}
        self._record(headers, payload)
        failure = self._take_failure()
        if failure is not None:
            extra = {"Retry-After": "0"} if failure == 429 else {}
            return failure, {"message": "Too many requests" if failure == 429 else "Error"}, extra
        texts, target = payload.get("text"), payload.get("target_lang")
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            return 400, {"message": "Value for 'text' not supported."}, {}
        if not isinstance(target, str) or target not in DEEPL_TARGETS:
            return 400, {"message": "Value for 'target_lang' not supported."}, {}
        source = payload.get("source_lang")
        if source is not None and source not in DEEPL_SOURCES:
            return 400, {"message": "Value for 'source_lang' not supported."}, {}
        tag_handling = payload.get("tag_handling")
        if tag_handling is not None and tag_handling not in self.TAG_HANDLING:
            return 400, {"message": "Value for 'tag_handling' not supported."}, {}
        keep = tag_handling is not None
        return (
            200,
            {
                "translations": [
                    {
                        "detected_source_language": source or "EN",
                        "text": fake_translation(t, target.split("-")[0].lower(), keep_markup=keep),
                    }
                    for t in texts
                ]
            },
            {},
        )
