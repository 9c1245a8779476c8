"""The three CloudEvents HTTP modes, read into raw events (decoded JSON, not yet validated)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from chargeback import codec
from metering.domain.parsing import binary_mode_event

STRUCTURED = "application/cloudevents+json"
BATCH = "application/cloudevents-batch+json"
BINARY = "application/json"  # binary mode: attributes in ce-* headers, `data` as the body


@dataclass(frozen=True)
class Limits:
    max_body_bytes: int
    max_batch_events: int


@dataclass
class Refused(Exception):
    """A request refused before anything was enqueued; `outcome` labels the metric."""

    status: int
    outcome: str
    detail: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    headers: dict[str, str] | None = None


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def read_raw_events(request: Request, limits: Limits) -> list[object]:
    """The request's events as decoded JSON values, whichever mode it used."""
    mode = media_type(request)
    if not mode and "ce-specversion" in request.headers:
        mode = BINARY  # binary mode without a Content-Type: the data is JSON (HTTP binding)
    if mode not in (STRUCTURED, BATCH, BINARY):
        raise Refused(
            415,
            "unsupported_media_type",
            f"Content-Type {mode or '(none)'!r} is not accepted: send "
            f"{STRUCTURED} (one event), {BATCH} (a JSON array of events) or "
            f"{BINARY} with ce-* headers (binary mode; no Content-Type means JSON)",
        )
    document = _decode(await _read_bounded(request, limits.max_body_bytes))
    if mode == STRUCTURED:
        if isinstance(document, list):
            raise Refused(
                400,
                "invalid_event",
                f"{STRUCTURED} carries one event object; send a JSON array as {BATCH}",
            )
        return [document]
    if mode == BATCH:
        if not isinstance(document, list):
            raise Refused(400, "invalid_event", f"{BATCH} must be a JSON array of events")
        if len(document) > limits.max_batch_events:
            raise Refused(
                413,
                "batch_too_large",
                f"batch of {len(document)} events exceeds the limit of "
                f"{limits.max_batch_events} events per request; split it",
            )
        return document
    return [binary_mode_event(request.headers, BINARY, document)]


async def _read_bounded(request: Request, limit: int) -> bytes:
    too_large = Refused(413, "body_too_large", f"request body exceeds {limit} bytes")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():  # also bounds bodies sent without a length
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes) -> Any:
    try:
        return codec.loads(body)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError too
        raise Refused(400, "malformed_json", f"malformed JSON: {str(exc)[:200]}") from None
