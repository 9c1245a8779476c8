import json

import pytest

from chargeback.auth import KeyStore, hash_key


def test_keys_are_stored_hashed_and_authenticate(tmp_path):
    store = KeyStore(tmp_path / "keys.json")
    plain, key = store.create("emitter", name="ci", sources=("ci://runner",))
    stored = (tmp_path / "keys.json").read_text()
    assert plain not in stored
    assert hash_key(plain) in stored
    assert store.authenticate(plain) == key
    assert store.authenticate(plain + "x") is None


def test_revoked_key_is_refused_by_another_reader(tmp_path):
    writer = KeyStore(tmp_path / "keys.json")
    reader = KeyStore(tmp_path / "keys.json")
    plain, key = writer.create("finance")
    assert reader.authenticate(plain) is not None
    assert writer.revoke(key.key_id)
    assert reader.authenticate(plain) is None
    assert json.loads((tmp_path / "keys.json").read_text())[0]["revoked"] is True


def test_roles_carry_their_scope(tmp_path):
    store = KeyStore(tmp_path / "keys.json")
    _, emitter = store.create("emitter", sources=("a",))
    _, customer = store.create("customer", customer="acme")
    _, finance = store.create("finance")
    assert emitter.may_emit_for("a") and not emitter.may_emit_for("b")
    assert not customer.may_emit_for("a")
    assert customer.may_read_customer("acme") and not customer.may_read_customer("globex")
    assert finance.may_read_customer("globex") and finance.may_emit_for("anything")


@pytest.mark.parametrize(
    ("role", "kwargs", "message"),
    [
        ("admin", {}, "unknown role"),
        ("customer", {}, "names its customer"),
        ("emitter", {}, "names the sources"),
    ],
)
def test_incomplete_keys_are_refused(tmp_path, role, kwargs, message):
    with pytest.raises(ValueError, match=message):
        KeyStore(tmp_path / "keys.json").create(role, **kwargs)
