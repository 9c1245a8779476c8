"""`chargeback up`'s own parts: documented ports (never a silent move), restarts of dead
services, and the embedded broker's memory warning."""

from __future__ import annotations

import socket

import pytest

from chargeback_cli.embedded import free_port, port_free
from chargeback_cli.memory import BrokerMemory
from chargeback_cli.services import PortBusy, assign_port, process_names
from chargeback_cli.supervision import MIN_RESTART_INTERVAL_S, Supervisor


def test_a_port_left_in_time_wait_by_a_previous_run_is_free() -> None:
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end waits in TIME_WAIT
    server.close()
    client.close()
    naive = socket.socket()
    with pytest.raises(OSError):  # what the old probe did: the port looked busy
        naive.bind(("127.0.0.1", port))
    naive.close()
    assert port_free(port)


def test_a_documented_port_in_use_stops_the_start_naming_the_variable(monkeypatch) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        monkeypatch.setenv("BILLING_PORT", str(port))
        with pytest.raises(PortBusy, match=f"port {port} of billing.*BILLING_PORT"):
            assign_port("billing", fixed=True)
    free = free_port()
    monkeypatch.setenv("BILLING_PORT", str(free))
    assert assign_port("billing", fixed=True) == free
    assert assign_port("rating-2", fixed=True) != 8002  # extra workers: any free port


def test_rating_workers_are_extra_processes() -> None:
    assert process_names(3) == [
        "metering",
        "rating",
        "rating-2",
        "rating-3",
        "billing",
        "budget-monitor",
    ]


class FakeProcess:
    def __init__(self, alive: bool = True) -> None:
        self.up, self.stopped = alive, False
        self.returncode = None if alive else -9

    def alive(self) -> bool:
        return self.up

    def stop(self) -> None:
        self.stopped = True


class FakeStack:
    def __init__(self) -> None:
        self.processes = {"rating": FakeProcess(), "billing": FakeProcess(alive=False)}
        self.started: list[str] = []

    def start_service(self, name: str) -> FakeProcess:
        self.started.append(name)
        self.processes[name] = FakeProcess()
        return self.processes[name]


def test_a_dead_service_is_restarted_counted_and_summed_up() -> None:
    stack, now = FakeStack(), [100.0]
    supervisor = Supervisor(stack, clock=lambda: now[0])  # type: ignore[arg-type]
    assert supervisor.check() == ["billing exited (code -9); restarted it (1 restart)"]
    assert stack.started == ["billing"] and supervisor.restarts["billing"] == 1
    stack.processes["billing"] = FakeProcess(alive=False)  # dies again at once
    assert supervisor.check() == []  # not in a hot loop
    now[0] += MIN_RESTART_INTERVAL_S
    assert "2 restarts" in supervisor.check()[0]
    assert supervisor.summary().startswith("restarted: billing ×2")
    assert Supervisor(FakeStack()).summary() != ""  # type: ignore[arg-type]


def test_the_broker_memory_warning_comes_before_the_machine_runs_out() -> None:
    gib = 2**30
    memory = BrokerMemory()
    memory.record(0.0, 1 * gib)
    memory.record(60.0, 1 * gib + 60 * 2_300_000)  # 1,000 events/s of 2.3 KB
    assert memory.warning(gib, 20 * gib) is None  # ~2.5 h left, a small share held
    assert "min" in (memory.warning(gib, 5 * gib) or "")  # ~38 min left at this rate
    assert "holds" in (memory.warning(8 * gib, 16 * gib) or "")  # a third of what is left
