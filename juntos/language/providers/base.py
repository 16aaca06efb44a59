"""What every machine translation provider offers, and the HTTP and placeholder plumbing.

A provider translates a list of texts from one language to another::

    provider.translate(["Good news about {student}"], "en", "es")

The texts may contain placeholders (``{student}``). They must never reach the engine as words
it could translate ("{estudiante}") or as the names they stand for: :meth:`Provider.translate`
replaces each one with a token the engine leaves alone, sends the protected texts, puts the
placeholders back, and raises :class:`ProviderError` when a token was lost or duplicated, so that
a damaged translation is never sent to a family.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from typing import Any, ClassVar

from juntos.language.templates_library import PLACEHOLDER

log = logging.getLogger(__name__)


class ProviderError(Exception):
    """A translation failed. ``transient`` errors (rate limit, timeout, server error) may work
    if tried later; permanent ones (bad key, unsupported language, quota spent, damaged
    placeholders) will not until someone changes something."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after

    @property
    def kind(self) -> str:
        return "transient" if self.transient else "permanent"


# HTTP statuses worth trying again: timeout, rate limit, server errors.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504, 529})


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    timeout: float,
    retries: int = 1,
    backoff: float = 0.5,
) -> Any:
    """POST ``payload`` as JSON and return the decoded JSON answer.

    Transient failures are retried ``retries`` times, waiting ``backoff`` seconds and doubling
    (a Retry-After of up to 5 seconds is honoured); then :class:`ProviderError` is raised.
    """
    body = json.dumps(payload).encode("utf-8")
    attempt = 0
    while True:
        request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, http(s) only
            url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": "Juntos/0.1",
                **(headers or {}),
            },
        )
        try:
            return _send(request, timeout)
        except ProviderError as error:
            if not error.transient or attempt >= retries:
                raise
            wait = backoff * (2**attempt)
            if error.retry_after is not None:
                wait = min(max(wait, error.retry_after), 5.0)
            log.info("translation provider busy (%s); retrying in %.1fs", error, wait)
            time.sleep(wait)
            attempt += 1


def get_json(url: str, *, headers: dict[str, str] | None = None, timeout: float) -> Any:
    request = urllib.request.Request(  # noqa: S310 - the URL comes from settings, http(s) only
        url, method="GET", headers={"Accept": "application/json", **(headers or {})}
    )
    return _send(request, timeout)


def _send(request: urllib.request.Request, timeout: float) -> Any:
    if not request.full_url.startswith(("http://", "https://")):
        raise ProviderError(f"not an http(s) URL: {request.full_url}", transient=False)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw = response.read()
    except urllib.error.HTTPError as error:
        detail = _error_detail(error)
        retry_after = error.headers.get("Retry-After") if error.headers else None
        raise ProviderError(
            f"HTTP {error.code}: {detail}",
            transient=error.code in TRANSIENT_STATUSES,
            status=error.code,
            retry_after=float(retry_after) if retry_after and retry_after.isdigit() else None,
        ) from error
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        raise ProviderError(f"cannot reach the provider: {error}", transient=True) from error
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProviderError(
            "the provider answered something that is not JSON", transient=True
        ) from error


def _error_detail(error: urllib.error.HTTPError) -> str:
    try:
        data = json.loads(error.read().decode("utf-8"))
    except (ValueError, OSError):
        return error.reason if isinstance(error.reason, str) else "error"
    if isinstance(data, dict):
        return str(data.get("error") or data.get("message") or data)[:200]
    return str(data)[:200]


class Provider(ABC):
    """A machine translation engine. Subclasses implement :meth:`_translate_protected`."""

    name: ClassVar[str]

    def __init__(self, *, timeout: float = 10.0, retries: int = 1, backoff: float = 0.5) -> None:
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    @abstractmethod
    def supports(self, source: str, target: str) -> bool:
        """Whether this engine translates from ``source`` to ``target`` (our BCP 47 tags)."""

    @abstractmethod
    def _translate_protected(self, texts: list[str], source: str, target: str) -> list[str]:
        """Send texts whose placeholders are already tokens; return the engine's answers."""

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        if not self.supports(source, target):
            raise ProviderError(
                f"{self.name} does not translate {source}→{target}", transient=False
            )
        protected = [self.protect(text) for text in texts]
        answers = self._translate_protected([p for p, _ in protected], source, target)
        if len(answers) != len(texts):
            raise ProviderError(
                f"{self.name} answered {len(answers)} texts for {len(texts)}", transient=False
            )
        return [
            self.restore(answer, names)
            for answer, (_, names) in zip(answers, protected, strict=True)
        ]

    # Placeholder protection. The default token is "[[N]]": engines copy bracketed numbers
    # through; a provider with a documented markup for untranslatable spans overrides these.
    def token(self, index: int) -> str:
        return f"[[{index}]]"

    def protect(self, text: str) -> tuple[str, list[str]]:
        names: list[str] = []

        def replace(match: Any) -> str:
            names.append(match.group(1))
            return self.token(len(names) - 1)

        return PLACEHOLDER.sub(replace, text), names

    def restore(self, text: str, names: list[str]) -> str:
        for index, name in enumerate(names):
            token = self.token(index)
            if text.count(token) != 1:
                raise ProviderError(
                    f"{self.name} damaged placeholder {{{name}}} in its translation",
                    transient=False,
                )
            text = text.replace(token, "{" + name + "}")
        return text
