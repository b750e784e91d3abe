"""Reading rendered HTML in tests: parse it and look at elements, attributes and text, never at how
the markup happens to be spelled (attribute order, quoting, entity style)."""

import lxml.html
from lxml.html import HtmlElement


def parse(html: str) -> HtmlElement:
    """A page or a fragment (rows, out-of-band swaps) under one parent element."""
    return lxml.html.fragment_fromstring(html, create_parent="div")


def one(root: HtmlElement, xpath: str) -> HtmlElement:
    """The only element matching ``xpath``; fails when there is none or more than one."""
    found = root.xpath(xpath)
    assert len(found) == 1, f"{xpath}: {len(found)} elements"
    return found[0]


def classes(element: HtmlElement) -> set[str]:
    """The element's classes."""
    return set((element.get("class") or "").split())
