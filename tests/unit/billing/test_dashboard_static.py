"""The dashboard's page files: everything local, no HTML built from strings, imports intact."""

from __future__ import annotations

import re

from billing.dashboard.static_files import STATIC_DIR

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
FILES = sorted(p for p in STATIC_DIR.rglob("*") if p.suffix in {".html", ".css", ".js"})
SCRIPTS = [p for p in FILES if p.suffix == ".js"]


def test_the_page_has_its_parts():
    names = {p.relative_to(STATIC_DIR).as_posix() for p in FILES}
    assert {"index.html", "dashboard.css", "js/main.js", "js/charts.js"} <= names


def test_nothing_is_loaded_from_another_origin():
    for path in FILES:
        text = path.read_text().replace(SVG_NAMESPACE, "")
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), path
        assert "@import" not in text and "fonts.googleapis" not in text, path


def test_data_never_goes_in_as_html():
    forbidden = re.compile(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(")
    for path in SCRIPTS:
        assert not forbidden.search(path.read_text()), path


def test_every_module_import_resolves():
    pattern = re.compile(r"""^import\s.*?from\s+["'](\.{1,2}/[^"']+)["'];""", re.M)
    for path in SCRIPTS:
        for target in pattern.findall(path.read_text()):
            assert (path.parent / target).resolve().is_file(), f"{path.name} imports {target}"
