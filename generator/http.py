"""The one HTTP layer every source uses: GET only, retries, rate limits, redaction.

Sources never build their own retry loops: they call `HttpClient.get_json` and receive either a
parsed `Response` or an `HttpError` whose message is already safe to print (no token in it).
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from . import __version__
from .errors import HttpError
from .snapshot import write_atomic

log = logging.getLogger(__name__)
# httpx and httpcore log full URLs (query tokens included) at INFO/DEBUG; this module logs
# redacted ones instead, so theirs are kept quiet whatever the root logger's level.
for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)
T = TypeVar("T")
R = TypeVar("R")

USER_AGENT = f"careers-site-generator/{__version__} (+static careers site build; read-only)"
# Query parameters that carry credentials in some APIs (Comeet's `token`, Welcome Kit's `access_token`).
SECRET_PARAMS = {"token", "access_token", "api_key", "apikey", "key", "secret", "jwt"}
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_WAIT = 120.0  # never sleep longer than this on one Retry-After


class TransientError(Exception):
    """A failure worth retrying; carries the delay the server asked for, if any."""

    def __init__(self, message: str, retry_after: float | None = None, status: int | None = None, body: Any = None):
        super().__init__(message)
        self.retry_after = retry_after
        self.status = status
        self.body = body


class SkippedError(Exception):
    """A call `HttpClient.map` did not make because an earlier one failed."""


@dataclass
class Stats:
    """Counters for the build summary."""

    requests: int = 0
    retries: int = 0
    not_modified: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, status: int) -> None:
        with self.lock:
            self.requests += 1
            self.statuses[status] = self.statuses.get(status, 0) + 1


@dataclass(frozen=True)
class Response:
    """A successful answer."""

    status: int
    headers: Mapping[str, str]
    content: bytes
    data: Any = None  # parsed JSON when asked for
    path: str = ""  # redacted path, for messages


class ConditionalCache:
    """Validators (ETag, Last-Modified) and bodies of earlier JSON answers, for conditional GETs.

    No ATS documents them, but servers that send an ETag usually answer `If-None-Match` with
    304 Not Modified: the body then comes from here. Files are named by a hash of the full URL
    (so no token appears in a name) and rewritten only when the answer changed.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def _path(self, url: str) -> Path:
        return self.folder / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"

    def get(self, url: str) -> dict[str, Any] | None:
        try:
            entry = json.loads(self._path(url).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) and "body" in entry else None

    def put(self, url: str, headers: Mapping[str, str], body: bytes) -> None:
        etag, modified = headers.get("ETag"), headers.get("Last-Modified")
        if not etag and not modified:
            return
        write_atomic(self._path(url), json.dumps({"etag": etag, "last_modified": modified, "body": body.decode("utf-8")}, sort_keys=True))


class TokenBucket:
    """A thread-safe token bucket: `rate` requests per second, `burst` at once."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.rate = rate
        self.capacity = max(1, burst)
        self.tokens = float(self.capacity)
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.paused_until = 0.0
        self.lock = threading.Lock()

    def acquire(self) -> None:
        """Block until one request may be sent."""
        while True:
            with self.lock:
                now = self.clock()
                self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
                self.updated = now
                if now < self.paused_until:
                    wait = self.paused_until - now
                elif self.tokens >= 1 - 1e-9:  # float rounding must not stall the loop
                    self.tokens = max(0.0, self.tokens - 1)
                    return
                else:
                    wait = (1 - self.tokens) / self.rate
            self.sleep(wait)

    def pause(self, seconds: float) -> None:
        """Send nothing for `seconds` (the server said its window is spent)."""
        with self.lock:
            self.paused_until = max(self.paused_until, self.clock() + seconds)
            self.tokens = 0


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret, and every credential-like query value, in `text`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return re.sub(
        r"(?i)([?&](?:" + "|".join(SECRET_PARAMS) + r")=)[^&\s#\"']+",
        r"\1***",
        text,
    )


def parse_delay(value: str | None, now: float | None = None) -> float | None:
    """Read a Retry-After or X-RateLimit-Reset value as seconds from now.

    Accepts delta seconds, epoch seconds, epoch milliseconds, HTTP dates and ISO dates
    (the JusRecruit docs leave the reset format open: ../shared/api/jusrecruit.md).
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    now = time.time() if now is None else now
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None:
        if number > 1e12:
            return max(0.0, number / 1000 - now)
        if number > 1e9:
            return max(0.0, number - now)
        return max(0.0, number)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None:
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, moment.timestamp() - now)


class HttpClient:
    """GET-only JSON client for one source."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        secrets: Iterable[str] = (),
        rate: float | None = None,
        burst: int | None = None,
        concurrency: int = 4,
        timeout: float = 20.0,
        retries: int = 5,
        backoff: float = 0.5,
        transport: httpx.BaseTransport | None = None,
        stats: Stats | None = None,
        sleep: Callable[[float], None] = time.sleep,
        on_request: Callable[[], None] = lambda: None,
        conditional: ConditionalCache | None = None,
    ):
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.secrets = tuple(s for s in secrets if s)
        self.default_params = dict(params or {})
        self.concurrency = max(1, concurrency)
        self.retries = max(0, retries)
        self.backoff = backoff
        self.stats = stats or Stats()
        self.sleep = sleep
        self.on_request = on_request
        self.conditional = conditional
        self.bucket = TokenBucket(rate, burst or max(1, int(rate))) if rate else None
        self._client = httpx.Client(
            headers={"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            follow_redirects=True,
        )
        self.auth_refresh: Callable[[], Mapping[str, str]] | None = None

    # -- public API -------------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, Any] | None = None, *, headers: Mapping[str, str] | None = None) -> Response:
        """GET `path` (relative to the base URL, or absolute) and parse its JSON body."""
        return self._get(path, params, headers, parse_json=True)

    def get_bytes(self, url: str, *, headers: Mapping[str, str] | None = None) -> Response:
        """GET a binary resource (an image)."""
        return self._get(url, None, headers, parse_json=False)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """Run `fn` over `items` with this source's concurrency; results keep the input order."""
        items = list(items)
        if self.concurrency == 1 or len(items) <= 1:
            return [fn(item) for item in items]
        # After a failure (a 401, a missing permission) the calls not yet started are skipped
        # rather than each sent to fail the same way; the first failure in input order is raised
        # (the queue is first in, first out, so a skipped call always comes after it).
        failed = threading.Event()

        def run(item: T) -> R:
            if failed.is_set():
                raise SkippedError
            try:
                return fn(item)
            except BaseException:
                failed.set()
                raise

        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return list(pool.map(run, items))

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def redact(self, text: str) -> str:
        return redact(text, self.secrets)

    # -- internals --------------------------------------------------------------------------

    def _url(self, path: str, params: Mapping[str, Any] | None) -> str:
        url = path if re.match(r"^https?://", path) else f"{self.base_url}/{path.lstrip('/')}"
        merged = {**self.default_params, **{k: v for k, v in (params or {}).items() if v is not None}}
        if not merged:
            return url
        parts = urlsplit(url)
        query = parse_qsl(parts.query, keep_blank_values=True) + [(k, str(v)) for k, v in merged.items()]
        return urlunsplit(parts._replace(query=urlencode(query)))

    def _display(self, url: str) -> str:
        """Return the URL's path and query, redacted, for messages."""
        parts = urlsplit(url)
        shown = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.redact(shown)

    def _get(self, path: str, params: Mapping[str, Any] | None, headers: Mapping[str, str] | None, parse_json: bool) -> Response:
        url = self._url(path, params)
        shown = self._display(url)

        def before_sleep(state: RetryCallState) -> None:
            with self.stats.lock:
                self.stats.retries += 1
            exc = state.outcome.exception() if state.outcome else None
            delay = state.upcoming_sleep
            log.info("%s: GET %s failed (%s); retry %d in %.1fs", self.source, shown, self.redact(str(exc)), state.attempt_number, delay)

        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1),
            wait=self._wait,
            retry=retry_if_exception_type(TransientError),
            before_sleep=before_sleep,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(self._attempt, url, shown, headers, parse_json)
        except TransientError as exc:
            raise HttpError(
                self.source,
                f"GET {shown} failed after {self.retries + 1} attempts: {self.redact(str(exc))}",
                status=exc.status,
                path=shown,
            ) from None

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, TransientError) and exc.retry_after is not None:
            return min(MAX_WAIT, exc.retry_after + random.uniform(0, 0.1))
        base = self.backoff * (2 ** (state.attempt_number - 1))
        return min(MAX_WAIT, base + random.uniform(0, base / 2))

    def _attempt(self, url: str, shown: str, headers: Mapping[str, str] | None, parse_json: bool) -> Response:
        if self.bucket:
            self.bucket.acquire()
        request_headers = dict(headers or {})
        if self.auth_refresh:
            request_headers.update(self.auth_refresh())
        cached = self.conditional.get(url) if self.conditional and parse_json else None
        if cached:
            if cached.get("etag"):
                request_headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                request_headers["If-Modified-Since"] = cached["last_modified"]
        try:
            # The only request this program ever sends to an ATS is a GET.
            reply = self._client.get(url, headers=request_headers)
        except httpx.TimeoutException:
            raise TransientError("timed out") from None
        except httpx.TransportError as exc:
            raise TransientError(f"connection failed ({type(exc).__name__})") from None
        self.stats.count(reply.status_code)
        self.on_request()
        self._note_rate_headers(reply)
        status = reply.status_code
        if status == 304 and cached:
            with self.stats.lock:
                self.stats.not_modified += 1
            content = cached["body"].encode("utf-8")
            return Response(200, reply.headers, content, json.loads(content), shown)
        if status in RETRY_STATUSES:
            delay = parse_delay(reply.headers.get("Retry-After"))
            if delay is None and status == 429:
                delay = parse_delay(reply.headers.get("X-RateLimit-Reset"))
            raise TransientError(f"HTTP {status}", retry_after=delay, status=status, body=_body(reply))
        if status >= 400:
            body = _body(reply)
            raise HttpError(self.source, f"GET {shown} answered HTTP {status}{_summary(body, self.redact)}", status=status, path=shown, body=body)
        if not parse_json:
            return Response(status, reply.headers, reply.content, None, shown)
        try:
            data = json.loads(reply.content) if reply.content.strip() else None
        except ValueError:
            raise TransientError("the body is not valid JSON", status=status) from None
        if data is None:
            raise TransientError("the body is empty", status=status)
        if self.conditional:
            self.conditional.put(url, reply.headers, reply.content)
        return Response(status, reply.headers, reply.content, data, shown)

    def _note_rate_headers(self, reply: httpx.Response) -> None:
        remaining = reply.headers.get("X-RateLimit-Remaining")
        if remaining is None or self.bucket is None:
            return
        try:
            left = float(remaining)
        except ValueError:
            return
        if left <= 0:
            delay = parse_delay(reply.headers.get("X-RateLimit-Reset"))
            self.bucket.pause(min(MAX_WAIT, delay if delay is not None else 1.0))


def _body(reply: httpx.Response) -> Any:
    try:
        return reply.json()
    except ValueError:
        return reply.text[:500]


def _summary(body: Any, clean: Callable[[str], str]) -> str:
    """Return ': <message>' from a typical JSON error body."""
    if isinstance(body, dict):
        for key in ("error_description", "message", "error", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return f": {' '.join(clean(value).split())[:200]}"  # one line, whatever the server wrote
    if isinstance(body, str) and body.strip() and len(body) < 200 and "<" not in body:
        return f": {' '.join(clean(body).split())}"
    return ""
