"""Actual spend from billing's ledger: `GET /v1/actuals` at BUDGET_MONITOR_BILLING_URL,
read with the monitor's own key (BUDGET_MONITOR_BILLING_KEY, a finance key), so a
business unit's plan shows the whole scope's spend whichever key asks for it."""

from __future__ import annotations

from decimal import Decimal

import httpx

from budget_monitor.domain import Scope
from budget_monitor.service_layer.actuals import Actuals, ActualsUnavailable


class BillingActuals:
    def __init__(
        self,
        url: str,
        key: str,
        *,
        timeout_s: float,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url, self.key, self.timeout_s, self.transport = url, key, timeout_s, transport

    async def monthly(self, scope: Scope, first: str, last: str, currency: str) -> Actuals:
        if not self.key:
            raise ActualsUnavailable(
                "BUDGET_MONITOR_BILLING_KEY is not set: the monitor cannot read billing's actuals"
            )
        params = {"from": first, "to": last, "currency": currency, **scope.as_dict()}
        headers = {"Authorization": f"Bearer {self.key}"}
        async with httpx.AsyncClient(
            base_url=self.url, timeout=self.timeout_s, transport=self.transport
        ) as client:
            try:
                answer = await client.get("/v1/actuals", params=params, headers=headers)
            except httpx.HTTPError as exc:
                raise ActualsUnavailable(
                    f"billing does not answer at {self.url} ({type(exc).__name__})"
                ) from None
        if answer.status_code != 200:
            raise ActualsUnavailable(
                f"billing refused the actuals ({answer.status_code}): {answer.text[:200]}"
            )
        body = answer.json()
        return Actuals(
            months={m["period"]: Decimal(m["amount"]) for m in body["months"]},
            detail=tuple(
                (d["period"], d["customer"], d["service"], Decimal(d["amount"]))
                for d in body["detail"]
            ),
        )
