"""Price books and customer terms: the one owner.

`terms.domain` is the pure model (prices, customers, demand rules, tier state,
commitments, billing periods); `terms.adapters` reads versions from YAML (checked
against the schema shipped with this package) and keeps published versions in Redis;
`terms.service_layer.registry` is the registry every service reads them through.
"""
