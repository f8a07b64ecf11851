"""A JusRecruit Integration API v1 emulator: auth, permissions, a per-key token bucket, shape variants.

The vendor documents auth, permissions and the rate limit but no response shape
(../../../shared/api/jusrecruit.md), so each unknown is a knob here:

    emu = JusRecruit(jobs=[make_job(1), make_job(2, status="Draft")], list_shape="data.jobs", paging="next")
    with emu:
        emu.api_url          # "http://127.0.0.1:<port>/api/v1/integration"
        emu.count(429)       # responses refused by the token bucket

The bucket is enforced when a request arrives (before `delay`), like a real gateway: `rate`
tokens per second, `burst` at most, one bucket per key. Every answer carries X-RateLimit-Limit,
-Remaining and -Reset; a refusal is a 429 with Retry-After.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from .base import Emulator, Reply, Request

BASE = "/api/v1/integration"
KEY = "jc_" + "5f3a9c0e7b2d4e6f" * 4  # the documented shape: jc_ + 64 hex characters
PERMISSIONS = frozenset({"LIST_JOBS", "FETCH_JOBS", "FETCH_TAGS", "FETCH_COMPANY_DETAILS"})
# A 2x2 PNG, served as the company logo.
LOGO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000002000000020802000000fdd49a73"
    "0000001649444154789c633c2127c7c0c0c0c4c0c0c0c0c000000d0401087d71ca66"
    "0000000049454e44ae426082"
)


def make_job(n: int, **fields: Any) -> dict[str, Any]:
    """Return a full job record (what the detail endpoint serves); `fields` override, None removes."""
    job: dict[str, Any] = {
        "id": f"job-{n}",
        "title": f"Engineer {n}",
        "status": "published",
        "description": f"<p>Build things, part {n}.</p><ul><li>Python</li></ul>",
        "employmentType": "Full time",
        "department": "Engineering",
        "location": {"city": "Bengaluru", "state": "Karnataka", "postalCode": "560001", "country": "India"},
        "isRemote": False,
        "salary": {"min": 1800000, "max": 2400000, "currency": "INR", "period": "yearly"},
        "publishedAt": "2026-10-01T09:00:00Z",
        "createdAt": "2026-09-28T12:00:00Z",
        "updatedAt": "2026-10-02T10:00:00Z",
        "expiresAt": "2026-12-31",
        "tags": ["backend", {"id": "t2", "name": "Python"}],
    }
    job.update(fields)
    return {k: v for k, v in job.items() if v is not None}


@dataclass
class Bucket:
    tokens: float
    updated: float


@dataclass
class JusRecruit(Emulator):
    jobs: list[dict[str, Any]] = field(default_factory=list)
    company: dict[str, Any] | None = None  # None: a default company whose logo this emulator serves
    keys: dict[str, frozenset[str]] = field(default_factory=lambda: {KEY: PERMISSIONS})
    rate: float | None = 10.0  # None: no limit
    burst: int = 20
    reset_format: str = "delta"  # X-RateLimit-Reset as "delta" seconds, "epoch" seconds or "epoch_ms"
    delay: float = 0.0  # seconds before each answer, after the bucket decided
    list_shape: str = "data"  # bare | data | jobs | items | results | records | data.jobs | data.items | data.data
    detail_shape: str = "data"  # data | bare
    company_shape: str = "data"  # data | bare
    tags_shape: str = "data"  # bare | data | tags
    id_key: str = "id"  # id | _id | jobId
    paging: str = "totalPages"  # totalPages | hasMore | next | next-relative | next-foreign | total | short | ignore | reject | endless
    meta_at: str = "meta"  # top | meta | pagination
    summary_keys: tuple[str, ...] = ("title", "status", "jobStatus", "updatedAt")
    embed_tags: bool = False  # the detail carries `tags`
    default_limit: int = 20  # page size when the request names none
    deleted: set[str] = field(default_factory=set)  # ids whose detail answers 404
    statuses: list[tuple[str, int]] = field(default_factory=list)  # (path, status) of every answer
    buckets: dict[str, Bucket] = field(default_factory=dict)
    lowest_remaining: float = float("inf")  # 0 once a client has spent the whole bucket

    def __post_init__(self) -> None:
        self.bucket_lock = threading.Lock()
        self.route(f"{BASE}/jobs")(self._api(self._list, "LIST_JOBS"))
        self.route(f"{BASE}/jobs/(?P<job>[^/]+)")(self._api(self._detail, "FETCH_JOBS"))
        self.route(f"{BASE}/jobs/(?P<job>[^/]+)/tags")(self._api(self._tags, "FETCH_TAGS"))
        self.route(f"{BASE}/company/info")(self._api(self._company, "FETCH_COMPANY_DETAILS"))
        self.route("/media/logo.png")(lambda request: (200, {"Content-Type": "image/png"}, LOGO))

    @property
    def api_url(self) -> str:
        return self.url + BASE

    def count(self, status: int) -> int:
        """Return how many answers had `status`."""
        return sum(1 for _, s in self.statuses if s == status)

    def paths(self, method: str = "GET") -> list[str]:
        """Return the path of every API request, in order."""
        return [r.path[len(BASE) :] for r in self.requests if r.method == method and r.path.startswith(BASE)]

    # -- gateway: auth, rate limit, permission ------------------------------------------------

    def _take(self, key: str) -> tuple[bool, int, float]:
        """Spend one of `key`'s tokens; return (allowed, tokens left, seconds until the next one)."""
        assert self.rate is not None
        with self.bucket_lock:
            now = time.monotonic()
            bucket = self.buckets.setdefault(key, Bucket(float(self.burst), now))
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            allowed = bucket.tokens >= 1
            if allowed:
                bucket.tokens -= 1
                self.lowest_remaining = min(self.lowest_remaining, int(bucket.tokens))
            return allowed, int(bucket.tokens), max(0.0, (1 - bucket.tokens) / self.rate)

    def _reset(self, wait: float) -> str:
        if self.reset_format == "epoch":
            return str(math.ceil(time.time() + wait))
        if self.reset_format == "epoch_ms":
            return str(math.ceil((time.time() + wait) * 1000))
        return f"{math.ceil(wait * 1000) / 1000:.3f}"

    def _api(self, handler: Any, permission: str) -> Any:
        def serve(request: Request, **groups: str) -> Reply:
            status, headers, body = self._gate(request, handler, permission, groups)
            with self.lock:
                self.statuses.append((request.path, status))
            return status, headers, body

        return serve

    def _gate(self, request: Request, handler: Any, permission: str, groups: dict[str, str]) -> Reply:
        if request.method != "GET" and not (request.method in ("POST", "DELETE") and handler == self._tags):
            return 405, {}, {"message": "method not allowed"}
        auth = request.headers.get("authorization", "")
        key = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        if key not in self.keys:
            return 401, {}, {"message": "Invalid or expired API key"}
        headers: dict[str, str] = {}
        if self.rate is not None:
            allowed, left, wait = self._take(key)
            headers = {"X-RateLimit-Limit": f"{self.rate:g}", "X-RateLimit-Remaining": str(left), "X-RateLimit-Reset": self._reset(wait)}
            if not allowed:
                return 429, {**headers, "Retry-After": str(max(1, math.ceil(wait)))}, {"message": "Too many requests"}
        if self.delay:
            time.sleep(self.delay)
        if permission not in self.keys[key]:
            return 403, headers, {"message": f"API key lacks permission {permission}"}
        status, extra, body = handler(request, **groups)
        return status, {**headers, **extra}, body

    # -- endpoints ------------------------------------------------------------------------------

    def _record(self, job: dict[str, Any], keys: tuple[str, ...] | None = None) -> dict[str, Any]:
        chosen = {k: v for k, v in job.items() if k != "id" and (keys is None or k in keys)}
        return {self.id_key: job["id"], **chosen}

    def _find(self, job_id: str) -> dict[str, Any] | None:
        job_id = unquote(job_id)
        return next((j for j in self.jobs if str(j["id"]) == job_id and job_id not in self.deleted), None)

    def _list(self, request: Request) -> Reply:
        paged = "page" in request.query or "limit" in request.query
        if self.paging == "reject" and paged:
            return 400, {}, {"message": "unknown query parameter: page"}
        page = int(request.query.get("page", 1))
        limit = int(request.query.get("limit", self.default_limit))
        every = [self._record(j, self.summary_keys) for j in self.jobs]
        if self.paging in ("ignore", "reject"):
            items = every
        elif self.paging == "endless":  # a server that always says there is more, with new jobs
            items = [{self.id_key: f"endless-{page}-{i}", "title": "Endless"} for i in range(limit)]
        else:
            items = every[(page - 1) * limit : page * limit]
        pages = max(1, math.ceil(len(every) / limit))
        meta: dict[str, Any] = {}
        if self.paging == "totalPages":
            meta = {"page": page, "limit": limit, "totalPages": pages}
        elif self.paging in ("hasMore", "endless"):
            meta = {"page": page, "hasMore": self.paging == "endless" or page < pages}
        elif self.paging == "total":
            meta = {"total": len(every)}
        elif self.paging.startswith("next"):
            host = {"next": self.url, "next-relative": "", "next-foreign": "http://collector.invalid"}[self.paging]
            meta = {"next": f"{host}{BASE}/jobs?page={page + 1}&limit={limit}" if page < pages else None}
        return 200, {}, self._envelope(items, meta)

    def _envelope(self, items: list[Any], meta: dict[str, Any]) -> Any:
        if self.list_shape == "bare":
            assert not meta, "a bare array cannot carry paging metadata"
            return items
        outer, _, inner = self.list_shape.partition(".")
        body: dict[str, Any] = {outer: {inner: items}} if inner else {outer: items}
        if self.meta_at == "top":
            body.update(meta)
        elif meta:
            body[self.meta_at] = meta
        return body

    def _detail(self, request: Request, job: str) -> Reply:
        found = self._find(job)
        if found is None:
            return 404, {}, {"message": "Job not found"}
        record = self._record(found)
        if not self.embed_tags:
            record.pop("tags", None)
        return 200, {}, {"data": record} if self.detail_shape == "data" else record

    def _tags(self, request: Request, job: str) -> Reply:
        found = self._find(job)
        if found is None:
            return 404, {}, {"message": "Job not found"}
        tags = found.get("tags", [])
        return 200, {}, {"bare": tags, "data": {"data": tags}, "tags": {"tags": tags}}[self.tags_shape]

    def _company(self, request: Request) -> Reply:
        company = self.company if self.company is not None else {
            "name": "Acme Recruiting",
            "logoUrl": f"{self.url}/media/logo.png",
            "website": "https://acme.example",
            "description": "We **build** careers.",
            "address": "1 MG Road, Bengaluru",
        }  # fmt: skip
        return 200, {}, {"data": company} if self.company_shape == "data" else company
