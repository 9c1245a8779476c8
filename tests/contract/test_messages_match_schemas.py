"""Messages the models write pass the schemas; what the models refuse, the schemas refuse.

Instances are built with the pydantic models and serialized with `chargeback.codec.encode`,
exactly as the services put them on Kafka. Bad inputs go through `chargeback.codec.decode`,
exactly as the services read them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from contract_files import validator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from chargeback import codec
from chargeback.contracts import (
    BudgetAlert,
    RatedCharge,
    RejectedEvent,
    RuleEffect,
    UsageData,
    UsageEvent,
)
from chargeback.contracts.rejections import FieldError, Origin
from chargeback.money import MINOR_UNITS

MODELS: dict[str, type[BaseModel]] = {
    "usage-event": UsageEvent,
    "rated-charge": RatedCharge,
    "budget-alert": BudgetAlert,
    "rejected-event": RejectedEvent,
}
VALIDATORS = {name: validator(name) for name in MODELS}
EXAMPLES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def wire(model: BaseModel) -> Any:
    """The message as another language reads it: plain JSON of the codec's bytes."""
    return json.loads(codec.encode(model))


def schema_errors(name: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in VALIDATORS[name].iter_errors(instance)
    ]


# --- valid instances -----------------------------------------------------------------------

identifiers = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}", fullmatch=True)
times = st.datetimes(
    min_value=datetime(1971, 1, 1),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from(
        [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8))]
    ),
)


# Decimals at the limits: 38 significant digits, 64 characters written out (`99…9`, `0.000…1`).
EDGE_DECIMALS = [
    Decimal(10**38 - 1),
    Decimal("0." + "9" * 38),
    Decimal("1E-62"),
    Decimal("0E-62"),
    Decimal("9" * 31 + "E+7"),
]


def decimals(*, signed: bool) -> st.SearchStrategy[Decimal]:
    """Exact decimals of up to 26 digits with small and large exponents (`1E-9`, `5E+3`, which
    the codec writes out as `0.000000001`, `5000`), and the largest and longest there may be."""
    sign = st.sampled_from([1, -1]) if signed else st.just(1)
    return st.builds(
        lambda magnitude, negative: magnitude.copy_sign(Decimal(negative)),
        st.builds(
            lambda digits, exponent: Decimal(digits).scaleb(exponent),
            st.integers(0, 10**25),
            st.integers(-20, 8),
        )
        | st.sampled_from(EDGE_DECIMALS),
        sign,
    ).filter(fits_written_out)


def fits_written_out(value: Decimal) -> bool:
    """Within the limits also as the codec writes it (see test_exponent_form_round_trips)."""
    written = format(value, "f")
    return len(written) <= 64 and len(Decimal(written).as_tuple().digits) <= 38


def text(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(min_size=low, max_size=high)


dimension_maps = st.dictionaries(
    st.from_regex(r"[a-z][a-z0-9_]{0,63}", fullmatch=True), text(0, 256), max_size=32
)
usage_events = st.builds(
    UsageEvent,
    specversion=st.just("1.0"),
    id=text(1, 256),
    source=st.from_regex(r"\S{1,512}", fullmatch=True),
    type=st.just("dev.chargeback.usage.v1"),
    subject=identifiers,
    time=times,
    datacontenttype=st.sampled_from([None, "application/json"]),
    dataschema=st.none() | text(0, 512),
    data=st.builds(
        UsageData,
        service=identifiers,
        meter=identifiers,
        quantity=decimals(signed=False),
        dimensions=dimension_maps,
    ),
    ingesttime=st.none() | times,
)
rated_charges = st.builds(
    RatedCharge,
    event_id=text(1, 256),
    event_source=text(1, 512),
    customer=identifiers,
    service=identifiers,
    meter=identifiers,
    unit=text(1, 64),
    quantity=decimals(signed=False),
    unit_price=decimals(signed=True),
    amount=decimals(signed=True),
    currency=st.sampled_from(sorted(MINOR_UNITS)),
    price_book_version=text(1, 64),
    period=st.builds(lambda y, m: f"{y:04d}-{m:02d}", st.integers(0, 9999), st.integers(1, 12)),
    time_zone=st.sampled_from(
        ["UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5"]
    ),
    cost_center=st.none() | text(1, 128),
    cost_center_path=st.lists(text(1, 128), max_size=16),
    committed_quantity=st.none() | decimals(signed=False),
    event_time=times,
    ingested_at=st.none() | times,
    rated_at=times,
    dimensions=dimension_maps,
    breakdown=st.lists(
        st.builds(
            RuleEffect, rule=text(1, 128), detail=text(0, 512), amount_delta=decimals(signed=True)
        ),
        max_size=32,
    ),
)
budget_alerts = st.builds(
    BudgetAlert,
    alert_id=text(1, 128),
    budget_id=identifiers,
    period=text(1, 32),
    basis=st.sampled_from(["actual", "forecast"]),
    threshold_percent=decimals(signed=False),
    budget_amount=decimals(signed=False),
    spent=decimals(signed=True),
    currency=st.sampled_from(sorted(MINOR_UNITS)),
    scope=st.dictionaries(text(1, 16), text(0, 256), max_size=8),
    triggered_by_event_id=st.none() | text(0, 256),
    raised_at=times,
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
rejected_events = st.builds(
    RejectedEvent,
    stage=st.sampled_from(["metering", "rating", "billing", "budget-monitor"]),
    reason=text(1, 64),
    errors=st.lists(st.builds(FieldError, field=text(0, 40), reason=text(0, 80)), max_size=3),
    event_id=st.none() | text(0, 256),
    event_source=st.none() | text(0, 512),
    rejected_at=times,
    payload=json_values,
    exception=st.none() | text(1, 128),
    origin=st.none()
    | st.builds(
        Origin,
        topic=text(1, 249),
        partition=st.integers(0, 2**31 - 1),
        offset=st.integers(0, 2**63 - 1),
    ),
)


@EXAMPLES
@given(usage_events)
def test_usage_events_validate(event: UsageEvent) -> None:
    assert schema_errors("usage-event", wire(event)) == []
    assert codec.decode(UsageEvent, codec.encode(event)) == event


@EXAMPLES
@given(rated_charges)
def test_rated_charges_validate(charge: RatedCharge) -> None:
    assert schema_errors("rated-charge", wire(charge)) == []
    assert codec.decode(RatedCharge, codec.encode(charge)) == charge


@EXAMPLES
@given(budget_alerts)
def test_budget_alerts_validate(alert: BudgetAlert) -> None:
    assert schema_errors("budget-alert", wire(alert)) == []
    assert codec.decode(BudgetAlert, codec.encode(alert)) == alert


@EXAMPLES
@given(rejected_events)
def test_rejected_events_validate(rejected: RejectedEvent) -> None:
    assert schema_errors("rejected-event", wire(rejected)) == []


# --- one realistic valid message per schema, the base of the bad inputs below -------------

GOOD: dict[str, dict[str, Any]] = {
    "usage-event": {
        "specversion": "1.0",
        "id": "evt-0001",
        "source": "//k8s/cluster-eu-1",
        "type": "dev.chargeback.usage.v1",
        "subject": "acme",
        "time": "2025-03-01T12:00:00Z",
        "datacontenttype": "application/json",
        "data": {
            "service": "compute",
            "meter": "vcpu-hours",
            "quantity": "12.5",
            "dimensions": {"region": "eu-west-1", "priority": "batch"},
        },
    },
    "rated-charge": {
        "event_id": "evt-0001",
        "event_source": "//k8s/cluster-eu-1",
        "customer": "acme",
        "service": "compute",
        "meter": "vcpu-hours",
        "unit": "vCPU-hour",
        "quantity": "12.5",
        "unit_price": "0.042",
        "amount": "0.4725",
        "currency": "EUR",
        "price_book_version": "2025-03",
        "period": "2025-03",
        "time_zone": "Europe/Berlin",
        "cost_center": "CC-1001",
        "cost_center_path": ["CC-1001", "DIV-PLATFORM", "HOLDING"],
        "committed_quantity": "1000",
        "event_time": "2025-03-01T12:00:00Z",
        "rated_at": "2025-03-01T12:00:01.250000Z",
        "dimensions": {"region": "eu-west-1"},
        "breakdown": [
            {"rule": "base", "detail": "12.5 x 0.042", "amount_delta": "0.525"},
            {"rule": "off-peak", "detail": "-10 %", "amount_delta": "-0.0525"},
        ],
    },
    "budget-alert": {
        "alert_id": "b-acme:2025-03:actual:80",
        "budget_id": "b-acme",
        "period": "2025-03",
        "basis": "actual",
        "threshold_percent": "80",
        "budget_amount": "1000.00",
        "spent": "812.40",
        "currency": "EUR",
        "scope": {"customer": "acme"},
        "triggered_by_event_id": "evt-0001",
        "raised_at": "2025-03-20T08:00:00Z",
    },
    "rejected-event": {
        "stage": "metering",
        "reason": "invalid",
        "errors": [{"field": "data.quantity", "reason": "must not be negative"}],
        "event_id": "evt-0002",
        "event_source": "//k8s/cluster-eu-1",
        "rejected_at": "2025-03-01T12:00:00Z",
        "payload": {"id": "evt-0002", "data": {"quantity": "-1"}},
    },
}


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_examples_pass_model_and_schema(name: str) -> None:
    message = MODELS[name].model_validate(codec.loads(json.dumps(GOOD[name])))
    assert schema_errors(name, GOOD[name]) == []
    assert schema_errors(name, wire(message)) == []


def test_quantity_may_be_a_json_number() -> None:
    """Emitters may send `"quantity": 2.5`; the codec reads it as Decimal("2.5"), never a float."""
    raw = json.dumps(GOOD["usage-event"]).replace('"12.5"', "2.5")
    assert codec.decode(UsageEvent, raw).data.quantity == Decimal("2.5")
    assert schema_errors("usage-event", json.loads(raw)) == []


# --- bad inputs: the model and the schema both refuse each one ----------------------------

Edit = Callable[[dict[str, Any]], None]


def put(path: str, value: Any) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[last] = value

    return edit


def drop(path: str) -> Edit:
    def edit(doc: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return edit


def many_dimensions(count: int) -> dict[str, str]:
    return {f"d{i}": "x" for i in range(count)}


FLOATISH_GARBAGE = ["1.2.3", "NaN", "Infinity", "-Infinity", "1e", "abc", "", "0x1F", "1,5"]
# What Python's Decimal() would read but the wire form refuses.
NOT_THE_WIRE_FORM = [" 1.5 ", "1_000", "١٢", "１２", "+1", ".5", "1.", "1.5\t"]
# Limits of every decimal: 38 significant digits, 64 characters written out.
TOO_MANY_DIGITS = "1" + "0" * 38  # 39 significant digits
TOO_LONG = "0." + "0" * 62 + "1"  # 65 characters
# Times the models refused once they required RFC 3339 with an offset.
NOT_RFC3339 = [
    ("without offset", "2025-03-01T12:00:00"),
    ("as epoch seconds", 1740830400),
    ("as epoch seconds in a string", "1740830400"),
    ("date only", "2025-03-01"),
    ("with a space", "2025-03-01 12:00:00Z"),
    ("without seconds", "2025-03-01T12:00Z"),
]

BAD: list[tuple[str, str, Edit]] = [
    # usage events: missing required fields
    *[
        ("usage-event", f"missing {f}", drop(f))
        for f in (
            "specversion",
            "id",
            "source",
            "type",
            "subject",
            "time",
            "data",
            "data.service",
            "data.meter",
            "data.quantity",
        )
    ],
    # usage events: constants, patterns and lengths
    ("usage-event", "specversion 0.3", put("specversion", "0.3")),
    ("usage-event", "other type", put("type", "dev.chargeback.usage.v2")),
    ("usage-event", "empty id", put("id", "")),
    ("usage-event", "id too long", put("id", "x" * 257)),
    ("usage-event", "source with a space", put("source", "my emitter")),
    ("usage-event", "source too long", put("source", "s" * 513)),
    ("usage-event", "subject with a space", put("subject", "acme corp")),
    ("usage-event", "subject starts with a dash", put("subject", "-acme")),
    ("usage-event", "subject too long", put("subject", "a" * 129)),
    ("usage-event", "service with a slash", put("data.service", "compute/eu")),
    ("usage-event", "time not a time", put("time", "yesterday")),
    ("usage-event", "time month 13", put("time", "2025-13-01T00:00:00Z")),
    *[("usage-event", f"time {what}", put("time", value)) for what, value in NOT_RFC3339],
    ("usage-event", "ingesttime not a time", put("ingesttime", "soon")),
    ("usage-event", "content type text", put("datacontenttype", "text/plain")),
    ("usage-event", "dataschema too long", put("dataschema", "u" * 513)),
    # usage events: the quantity
    *[
        ("usage-event", f"quantity {q!r}", put("data.quantity", q))
        for q in FLOATISH_GARBAGE + NOT_THE_WIRE_FORM
    ],
    ("usage-event", "quantity 39 significant digits", put("data.quantity", TOO_MANY_DIGITS)),
    ("usage-event", "quantity 65 characters", put("data.quantity", TOO_LONG)),
    ("usage-event", "quantity negative string", put("data.quantity", "-1")),
    ("usage-event", "quantity negative number", put("data.quantity", -1)),
    ("usage-event", "quantity boolean", put("data.quantity", True)),
    ("usage-event", "quantity null", put("data.quantity", None)),
    ("usage-event", "quantity list", put("data.quantity", [1])),
    # usage events: dimensions
    ("usage-event", "33 dimensions", put("data.dimensions", many_dimensions(33))),
    ("usage-event", "dimension key uppercase", put("data.dimensions", {"Region": "eu"})),
    ("usage-event", "dimension key digit first", put("data.dimensions", {"9zone": "eu"})),
    ("usage-event", "dimension key too long", put("data.dimensions", {"k" * 65: "eu"})),
    ("usage-event", "dimension value too long", put("data.dimensions", {"region": "e" * 257})),
    ("usage-event", "dimension value a number", put("data.dimensions", {"region": 5})),
    # usage events: extra properties
    ("usage-event", "extra attribute", put("traceparent", "00-abc")),
    ("usage-event", "extra data field", put("data.unit", "hours")),
    # rated charges
    *[
        ("rated-charge", f"missing {f}", drop(f))
        for f in (
            "event_id",
            "customer",
            "amount",
            "unit_price",
            "currency",
            "price_book_version",
            "period",
            "time_zone",
            "event_time",
            "rated_at",
        )
    ],
    ("rated-charge", "period not a month", put("period", "2025-13")),
    ("rated-charge", "period with a day", put("period", "2025-03-01")),
    ("rated-charge", "time zone with a space", put("time_zone", "New York")),
    ("rated-charge", "empty cost center", put("cost_center", "")),
    *[
        ("rated-charge", f"amount {a!r}", put("amount", a))
        for a in FLOATISH_GARBAGE + NOT_THE_WIRE_FORM
    ],
    ("rated-charge", "amount boolean", put("amount", True)),
    ("rated-charge", "amount 39 significant digits", put("amount", TOO_MANY_DIGITS)),
    ("rated-charge", "amount 39 digits in the fraction", put("amount", "-0." + "1" * 39)),
    ("rated-charge", "amount 65 characters", put("amount", TOO_LONG)),
    ("rated-charge", "amount 1E+70 (71 digits written out)", put("amount", "1E+70")),
    ("rated-charge", "unit price 39 significant digits", put("unit_price", TOO_MANY_DIGITS)),
    ("rated-charge", "currency lowercase", put("currency", "eur")),
    ("rated-charge", "currency four letters", put("currency", "EURO")),
    ("rated-charge", "currency unsupported", put("currency", "XXX")),
    ("rated-charge", "customer with a space", put("customer", "acme corp")),
    ("rated-charge", "empty unit", put("unit", "")),
    ("rated-charge", "price book version too long", put("price_book_version", "v" * 65)),
    ("rated-charge", "period not a month", put("period", "2025-13")),
    ("rated-charge", "period a date", put("period", "2025-03-01")),
    ("rated-charge", "time zone with a space", put("time_zone", "Europe/ Berlin")),
    ("rated-charge", "empty cost centre", put("cost_center", "")),
    ("rated-charge", "cost centre path not a list", put("cost_center_path", "CC-1001")),
    ("rated-charge", "empty node in the path", put("cost_center_path", ["CC-1001", ""])),
    ("rated-charge", "path of 17 nodes", put("cost_center_path", ["n"] * 17)),
    ("rated-charge", "node of 129 characters", put("cost_center_path", ["n" * 129])),
    ("rated-charge", "event time not a time", put("event_time", "1 March 2025")),
    *[("rated-charge", f"event time {w}", put("event_time", v)) for w, v in NOT_RFC3339],
    ("rated-charge", "ingested at epoch seconds", put("ingested_at", 1740830400)),
    ("rated-charge", "rated at without offset", put("rated_at", "2025-03-01T12:00:01")),
    ("rated-charge", "dimension value a number", put("dimensions", {"region": 1})),
    ("rated-charge", "33 dimensions", put("dimensions", many_dimensions(33))),
    ("rated-charge", "dimension value too long", put("dimensions", {"region": "e" * 257})),
    (
        "rated-charge",
        "33 breakdown items",
        put("breakdown", [{"rule": "r", "amount_delta": "0"}] * 33),
    ),
    ("rated-charge", "rule empty", put("breakdown.0.rule", "")),
    ("rated-charge", "rule delta garbage", put("breakdown.0.amount_delta", "1.2.3")),
    ("rated-charge", "rule delta with a plus", put("breakdown.0.amount_delta", "+0.5")),
    ("rated-charge", "rule missing delta", drop("breakdown.0.amount_delta")),
    ("rated-charge", "rule extra field", put("breakdown.0.weight", "1")),
    ("rated-charge", "extra field", put("invoice_id", "inv-1")),
    # budget alerts
    *[
        ("budget-alert", f"missing {f}", drop(f))
        for f in (
            "alert_id",
            "budget_id",
            "period",
            "basis",
            "threshold_percent",
            "budget_amount",
            "spent",
            "currency",
            "raised_at",
        )
    ],
    ("budget-alert", "basis budget", put("basis", "budget")),
    ("budget-alert", "empty period", put("period", "")),
    ("budget-alert", "period too long", put("period", "p" * 33)),
    ("budget-alert", "alert id too long", put("alert_id", "a" * 129)),
    ("budget-alert", "budget id with a space", put("budget_id", "b acme")),
    *[
        ("budget-alert", f"spent {s!r}", put("spent", s))
        for s in FLOATISH_GARBAGE + NOT_THE_WIRE_FORM
    ],
    ("budget-alert", "spent 39 significant digits", put("spent", TOO_MANY_DIGITS)),
    ("budget-alert", "budget amount 65 characters", put("budget_amount", TOO_LONG)),
    ("budget-alert", "threshold with a leading dot", put("threshold_percent", ".8")),
    ("budget-alert", "currency two letters", put("currency", "EU")),
    ("budget-alert", "currency unsupported", put("currency", "XXX")),
    ("budget-alert", "currency lowercase", put("currency", "eur")),
    ("budget-alert", "scope value a number", put("scope", {"customer": 1})),
    ("budget-alert", "9 scope entries", put("scope", many_dimensions(9))),
    ("budget-alert", "scope value too long", put("scope", {"customer": "c" * 257})),
    ("budget-alert", "triggering event id too long", put("triggered_by_event_id", "e" * 257)),
    ("budget-alert", "triggering event id a number", put("triggered_by_event_id", 5)),
    ("budget-alert", "raised at not a time", put("raised_at", "now")),
    *[("budget-alert", f"raised at {w}", put("raised_at", v)) for w, v in NOT_RFC3339],
    ("budget-alert", "extra field", put("severity", "high")),
    # rejected events
    *[("rejected-event", f"missing {f}", drop(f)) for f in ("stage", "reason", "rejected_at")],
    ("rejected-event", "stage unknown", put("stage", "shipping")),
    ("rejected-event", "origin without an offset", put("origin", {"topic": "t", "partition": 0})),
    (
        "rejected-event",
        "origin offset negative",
        put("origin", {"topic": "t", "partition": 0, "offset": -1}),
    ),
    ("rejected-event", "stage capitalised", put("stage", "Metering")),
    ("rejected-event", "empty reason", put("reason", "")),
    ("rejected-event", "reason too long", put("reason", "r" * 65)),
    ("rejected-event", "error without reason", put("errors", [{"field": "id"}])),
    ("rejected-event", "error extra field", put("errors", [{"field": "i", "reason": "r", "x": 1}])),
    ("rejected-event", "event id a number", put("event_id", 5)),
    ("rejected-event", "event id too long", put("event_id", "e" * 257)),
    ("rejected-event", "event source too long", put("event_source", "s" * 513)),
    *[("rejected-event", f"rejected at {w}", put("rejected_at", v)) for w, v in NOT_RFC3339],
    ("rejected-event", "extra field", put("retry", True)),
]


@pytest.mark.parametrize(
    ("name", "edit"), [(n, e) for n, _, e in BAD], ids=[f"{n}: {what}" for n, what, _ in BAD]
)
def test_model_and_schema_both_refuse(name: str, edit: Edit) -> None:
    doc = copy.deepcopy(GOOD[name])
    edit(doc)
    raw = json.dumps(doc)
    with pytest.raises(ValidationError):
        codec.decode(MODELS[name], raw)
    assert schema_errors(name, json.loads(raw)), f"the schema accepted {raw}"


# --- at the limits: the model and the schema both accept ---------------------------------

AT_THE_LIMITS: list[tuple[str, str, Edit]] = [
    ("usage-event", "quantity 38 significant digits", put("data.quantity", "9" * 38)),
    ("usage-event", "quantity 64 characters", put("data.quantity", "0." + "0" * 61 + "1")),
    ("usage-event", "quantity with exponent", put("data.quantity", "1.5E+3")),
    ("usage-event", "32 dimensions", put("data.dimensions", many_dimensions(32))),
    ("usage-event", "dimension value of 256", put("data.dimensions", {"region": "e" * 256})),
    ("rated-charge", "amount 38 significant digits", put("amount", "-0." + "9" * 38)),
    ("rated-charge", "amount 64 characters", put("amount", "-0." + "0" * 60 + "1")),
    ("rated-charge", "amount zero with 62 decimals", put("amount", "0." + "0" * 62)),
    ("rated-charge", "amount with leading zeros", put("amount", "0007.50")),
    ("rated-charge", "32 dimensions", put("dimensions", many_dimensions(32))),
    ("rated-charge", "dimension value of 256", put("dimensions", {"region": "e" * 256})),
    (
        "rated-charge",
        "32 breakdown items",
        put("breakdown", [{"rule": "r", "amount_delta": "0"}] * 32),
    ),
    ("rated-charge", "time with an offset", put("event_time", "2025-03-01T13:00:00.5+01:00")),
    ("rated-charge", "currency without minor unit", put("currency", "JPY")),
    ("budget-alert", "currency BHD", put("currency", "BHD")),
    ("budget-alert", "8 scope entries", put("scope", many_dimensions(8))),
    ("budget-alert", "scope value of 256", put("scope", {"customer": "c" * 256})),
    ("budget-alert", "triggering event id of 256", put("triggered_by_event_id", "e" * 256)),
    ("budget-alert", "no triggering event", put("triggered_by_event_id", None)),
    ("rejected-event", "event id of 256", put("event_id", "e" * 256)),
    ("rejected-event", "event source of 512", put("event_source", "s" * 512)),
    (
        "rejected-event",
        "no event id or source",
        lambda doc: doc.update(event_id=None, event_source=None),
    ),
]


@pytest.mark.parametrize(
    ("name", "edit"),
    [(n, e) for n, _, e in AT_THE_LIMITS],
    ids=[f"{n}: {what}" for n, what, _ in AT_THE_LIMITS],
)
def test_model_and_schema_both_accept_the_limits(name: str, edit: Edit) -> None:
    doc = copy.deepcopy(GOOD[name])
    edit(doc)
    message = codec.decode(MODELS[name], json.dumps(doc))
    assert schema_errors(name, doc) == []
    assert schema_errors(name, wire(message)) == []


# --- the wire format is stricter than the models' lenient parsing ---------------------------

# The models accept these (and write them in canonical form); the schema, the contract other
# languages code against, does not. Producers of this platform never write them: the codec
# writes plain decimals (no exponent, no negative zero) and UTC RFC 3339 times.
LENIENT_IN_MODEL: list[tuple[str, str, Edit]] = [
    ("usage-event", "quantity negative zero", put("data.quantity", "-0")),
    ("usage-event", "quantity padded past 64 characters", put("data.quantity", "0" * 64 + "1")),
    ("usage-event", "time with lowercase t and z", put("time", "2025-03-01t12:00:00z")),
    ("rated-charge", "amount as a JSON number", put("amount", 1)),
    ("rated-charge", "committed quantity as a JSON number", put("committed_quantity", 1)),
    ("rated-charge", "amount with an exponent", put("amount", "1E-9")),
    ("rated-charge", "unit price with an exponent", put("unit_price", "4.2e-2")),
    ("budget-alert", "threshold as a JSON number", put("threshold_percent", 80)),
    ("budget-alert", "spent with an exponent", put("spent", "8.124E+2")),
]


@pytest.mark.parametrize(
    ("name", "edit"),
    [(n, e) for n, _, e in LENIENT_IN_MODEL],
    ids=[f"{n}: {what}" for n, what, _ in LENIENT_IN_MODEL],
)
def test_schema_refuses_what_only_lenient_parsing_accepts(name: str, edit: Edit) -> None:
    doc = copy.deepcopy(GOOD[name])
    edit(doc)
    message = codec.decode(MODELS[name], json.dumps(doc))  # the model does accept it
    assert schema_errors(name, doc), "the schema accepts it too: drop it from LENIENT_IN_MODEL"
    assert schema_errors(name, wire(message)) == [], "the model writes it back in the wire form"


# --- rules the model enforces that the schema cannot state --------------------------------

# A JSON Schema cannot tell how long `1E+70` is written out, nor how many digits a JSON number
# has. The models refuse these; a consumer validating with the schema alone would not.
STRICTER_IN_MODEL: list[tuple[str, str, Edit]] = [
    ("usage-event", "quantity 1E+70 (71 digits written out)", put("data.quantity", "1E+70")),
    ("usage-event", "quantity 1E-70 (72 characters written out)", put("data.quantity", "1E-70")),
    ("usage-event", "quantity JSON number 1e70", put("data.quantity", 10**70)),
    (
        "usage-event",
        "quantity JSON number of 39 digits",
        put("data.quantity", 10**38),
    ),
]


@pytest.mark.parametrize(
    ("name", "edit"),
    [(n, e) for n, _, e in STRICTER_IN_MODEL],
    ids=[f"{n}: {what}" for n, what, _ in STRICTER_IN_MODEL],
)
def test_model_refuses_what_the_schema_cannot_state(name: str, edit: Edit) -> None:
    doc = copy.deepcopy(GOOD[name])
    edit(doc)
    raw = json.dumps(doc)
    with pytest.raises(ValidationError):
        codec.decode(MODELS[name], raw)
    assert schema_errors(name, json.loads(raw)) == [], "now the schema refuses it: move it to BAD"


def test_exponent_form_round_trips_or_is_refused_up_front() -> None:
    """The digit limit holds for the written-out form: what is accepted reads back the same."""
    data = UsageData(service="compute", meter="vcpu-hours", quantity="1E+37")
    assert codec.decode(UsageData, codec.encode(data)) == data
    with pytest.raises(ValidationError, match="significant digits"):
        UsageData(service="compute", meter="vcpu-hours", quantity="1E+38")
