"""The parts the project starts itself when no URL names a real one."""

from chargeback.embedded.broker import EmbeddedBroker
from chargeback.embedded.ports import free_port
from chargeback.embedded.process import ManagedProcess
from chargeback.embedded.redis import EmbeddedRedis

__all__ = ["EmbeddedBroker", "EmbeddedRedis", "ManagedProcess", "free_port"]
