"""Price books from YAML, validated against the schema shipped with this package.

`terms/pricebook.schema.json` is package data (an installed service finds it without a
source tree); `contracts/schemas/pricebook.schema.json` is the same file for readers of
the contracts, and a contract test holds the two equal.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError

from terms.adapters.yaml_documents import load_yaml
from terms.domain import PriceBook, PriceBookCatalog, PriceBookInvalid, Problem
from terms.domain.building import build_price_book
from terms.domain.documents import child, semantic_problems

PRICE_BOOK_SUFFIXES = (".yaml", ".yml")


def schema_text() -> str:
    return resources.files("terms").joinpath("pricebook.schema.json").read_text("utf-8")


@lru_cache
def validator() -> Draft202012Validator:
    schema = json.loads(schema_text())
    Draft202012Validator.check_schema(schema)
    # `format` stays an annotation; calendar checks are the domain's (`semantic_problems`).
    return Draft202012Validator(schema)


def _problems(error: ValidationError) -> list[Problem]:
    """One problem per field: a missing or unexpected field is named in its own path."""
    if error.validator == "required":
        missing = [n for n in error.validator_value if error.message.startswith(f"{n!r} ")]
        return [Problem(child(error.json_path, n), "required field is missing") for n in missing]
    if error.validator == "additionalProperties" and error.validator_value is False:
        allowed = sorted(error.schema.get("properties", {}))
        return [
            Problem(
                child(error.json_path, name), f"unexpected field; allowed: {', '.join(allowed)}"
            )
            for name in error.instance
            if name not in allowed
        ]
    if error.validator in ("oneOf", "not"):
        message = error.schema.get(f"x-{error.validator}-message")
        if message:
            return [Problem(error.json_path, message)]
    is_number = isinstance(error.instance, int | float) and not isinstance(error.instance, bool)
    if error.validator == "type" and is_number and "string" in str(error.validator_value):
        reason = f'{error.instance!r} is a number; quote it ("{error.instance}") so it is exact'
        return [Problem(error.json_path, reason)]
    return [Problem(error.json_path, error.message)]


def document_problems(document: Any) -> list[Problem]:
    """Every problem of a parsed document: schema violations, then semantic ones."""
    found = [problem for error in validator().iter_errors(document) for problem in _problems(error)]
    found.sort(key=lambda problem: problem.path)
    # One reason per field is enough: semantic checks only speak where the schema did not.
    flagged = {problem.path for problem in found}
    return found + [p for p in semantic_problems(document) if p.path not in flagged]


def parse_price_book(text: str, *, source: str = "<text>") -> PriceBook:
    """A price book from YAML text, or `PriceBookInvalid` listing every problem."""
    try:
        document = load_yaml(text)
    except yaml.YAMLError as error:
        raise PriceBookInvalid(source, [Problem("$", f"not valid YAML: {error}")]) from None
    problems = document_problems(document)
    if problems:
        raise PriceBookInvalid(source, problems)
    return build_price_book(document)


def parse(text: str, source: str) -> PriceBook:
    """`parse_price_book` in the shape the registry takes."""
    return parse_price_book(text, source=source)


def read_versions(path: Path) -> list[tuple[PriceBook, str]]:
    """Each version of one file, or of a directory's `*.yaml`/`*.yml` files, with its text."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in PRICE_BOOK_SUFFIXES)
        if not files:
            raise PriceBookInvalid(str(path), [Problem("$", "no *.yaml price-book files here")])
    elif path.is_file():
        files = [path]
    else:
        raise FileNotFoundError(f"price book {path} does not exist")
    versions: list[tuple[PriceBook, str]] = []
    problems: list[Problem] = []
    for file in files:
        text = file.read_text(encoding="utf-8")
        try:
            versions.append((parse_price_book(text, source=str(file)), text))
        except PriceBookInvalid as invalid:
            prefix = f"{file.name}: " if len(files) > 1 else ""
            problems.extend(Problem(prefix + p.path, p.reason) for p in invalid.problems)
    if problems:
        raise PriceBookInvalid(str(path), problems)
    PriceBookCatalog(book for book, _ in versions)  # clashes between the files
    return versions


def load_catalog(path: Path) -> PriceBookCatalog:
    """The versions of one file or a directory of files, as a catalog (offline tools)."""
    return PriceBookCatalog(book for book, _ in read_versions(path))
