"""contracts/asyncapi.yaml names every topic the code knows, with its partitions, key and schema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from contract_files import CONTRACTS, SCHEMAS, refs, resolve_pointer

from chargeback.contracts import Topics

ASYNCAPI = CONTRACTS / "asyncapi.yaml"
# The schema file each topic's messages must use (billing.invoices has none yet).
TOPIC_SCHEMAS = {
    Topics.INGEST: "usage-event.schema.json",
    Topics.EVENTS: "usage-event.schema.json",
    Topics.REJECTED: "rejected-event.schema.json",
    Topics.RATED: "rated-charge.schema.json",
    Topics.ALERTS: "budget-alert.schema.json",
}
# What the key of each keyed topic is (its description must say so).
TOPIC_KEYS = {Topics.EVENTS: "customer", Topics.RATED: "customer", Topics.ALERTS: "budget id"}


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    loaded = yaml.safe_load(ASYNCAPI.read_text())
    assert isinstance(loaded, dict)
    return loaded


def channels_by_topic(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {channel["address"]: channel for channel in doc["channels"].values()}


def deref(doc: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and node["$ref"].startswith("#"):
        node = resolve_pointer(doc, node["$ref"])
    return node


def messages(doc: dict[str, Any], channel: dict[str, Any]) -> list[dict[str, Any]]:
    return [deref(doc, message) for message in channel["messages"].values()]


def test_is_asyncapi_3(doc: dict[str, Any]) -> None:
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["title"] and doc["info"]["version"]


def test_topics_are_exactly_the_codes_topics(doc: dict[str, Any]) -> None:
    assert set(channels_by_topic(doc)) == set(Topics.PARTITIONS)


def test_partitions_match_the_code(doc: dict[str, Any]) -> None:
    for topic, channel in channels_by_topic(doc).items():
        binding = channel["bindings"]["kafka"]
        assert binding["topic"] == topic
        assert binding["partitions"] == Topics.PARTITIONS[topic], topic


def test_every_ref_resolves(doc: dict[str, Any]) -> None:
    found = refs(doc)
    assert found
    for ref in found:
        target, _, fragment = ref.partition("#")
        if not target:
            resolve_pointer(doc, f"#{fragment}")  # KeyError fails the test
            continue
        path = (ASYNCAPI.parent / target).resolve()
        assert path.is_file(), f"{ref} names no file"
        if fragment:
            resolve_pointer(yaml.safe_load(path.read_text()), f"#{fragment}")


def test_each_topic_carries_its_schema(doc: dict[str, Any]) -> None:
    for topic, channel in channels_by_topic(doc).items():
        payload_files = set()
        for message in messages(doc, channel):
            payload = message["payload"]
            if "schema" in payload:
                assert payload["schemaFormat"] == "application/schema+json;version=2020-12"
                payload_files.add(Path(payload["schema"]["$ref"]).name)
        expected = {TOPIC_SCHEMAS[topic]} if topic in TOPIC_SCHEMAS else set()
        assert payload_files == expected, topic
    referenced = {Path(r).name for r in refs(doc) if not r.startswith("#")}
    model_schemas = {p.name for p in SCHEMAS.glob("*.schema.json")} - {"pricebook.schema.json"}
    assert referenced == model_schemas, "every message schema is used by some topic"


def test_every_message_states_its_key(doc: dict[str, Any]) -> None:
    for topic, channel in channels_by_topic(doc).items():
        for message in messages(doc, channel):
            key = message["bindings"]["kafka"]["key"]
            assert key["type"] == "string", topic
            if topic in TOPIC_KEYS:
                assert TOPIC_KEYS[topic] in key["description"].lower(), topic


def test_operations_name_existing_channels(doc: dict[str, Any]) -> None:
    used = set()
    for name, operation in doc["operations"].items():
        assert operation["action"] in ("send", "receive"), name
        channel = resolve_pointer(doc, operation["channel"]["$ref"])
        used.add(channel["address"])
    # Every topic is produced by someone; every topic but invoices is consumed in-platform.
    sends = {
        resolve_pointer(doc, o["channel"]["$ref"])["address"]
        for o in doc["operations"].values()
        if o["action"] == "send"
    }
    assert sends == set(Topics.PARTITIONS)
    assert used == set(Topics.PARTITIONS)
