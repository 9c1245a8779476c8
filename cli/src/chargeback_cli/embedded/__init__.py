"""The parts the project starts itself when no URL names a real one."""

from chargeback_cli.embedded.broker import EmbeddedBroker
from chargeback_cli.embedded.ports import free_port, port_free
from chargeback_cli.embedded.process import ManagedProcess
from chargeback_cli.embedded.redis import EmbeddedRedis

__all__ = ["EmbeddedBroker", "EmbeddedRedis", "ManagedProcess", "free_port", "port_free"]
