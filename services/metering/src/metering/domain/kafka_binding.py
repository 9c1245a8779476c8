"""The CloudEvents Kafka protocol binding: which mode a record of `usage.ingest` is in.

Structured mode: the value is the whole event (`content-type: application/cloudevents+json`,
or no CloudEvents headers at all). Binary mode: the attributes are `ce_*` headers (UTF-8)
and the value is the event's `data`; its `content-type` header is the `datacontenttype`,
JSON when absent.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

CE_PREFIX = "ce_"
JSON = "application/json"
Headers = Sequence[tuple[str, bytes | None]]


def _text(value: bytes | None) -> str:
    return (value or b"").decode("utf-8", "replace")


def is_binary(headers: Headers) -> bool:
    names = {name.lower(): value for name, value in headers}
    content_type = _text(names.get("content-type")).lower()
    return "ce_specversion" in names and not content_type.startswith("application/cloudevents")


def event_document(value: object, headers: Headers) -> object:
    """The event as a structured-mode document, whichever mode the record used."""
    if not is_binary(headers):
        return value
    document: dict[str, Any] = {
        name.lower().removeprefix(CE_PREFIX): _text(raw)
        for name, raw in headers
        if name.lower().startswith(CE_PREFIX)
    }
    content_type = next((_text(v) for n, v in headers if n.lower() == "content-type"), "")
    document["datacontenttype"] = content_type.split(";")[0].strip().lower() or JSON
    document["data"] = value
    return document
