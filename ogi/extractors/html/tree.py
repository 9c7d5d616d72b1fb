"""The parsed tree of an HTML page (lxml's, read as BeautifulSoup read it) and the helpers that read text off it."""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree

from ogi.utils.text import strip_controls

# Word's conditional comments and style sheets when a CMS escaped them into the text.
_LEAKED_BLOCK = re.compile(
    r"<!--\[if[^\]]*\]>(?:(?!<!\[endif\]).)*?<(?:xml|w:|o:|m:|style)(?:.|\n)*?<!\[endif\]-->", re.S
)


_LEAKED_MARK = re.compile(r"<!(?:--)?\[(?:if[^\]]*|endif)\](?:--)?>")


_LEAKED_STYLE = re.compile(
    r"(?:/\*\s*Style Definitions\s*\*/\s*)?(?:[A-Za-z0-9_.#:\-\s,]+\{[^{}]*mso-[^{}]*\}\s*)+"
)


#: Elements whose text BeautifulSoup keeps in string classes of their own (Script, Stylesheet, RubyText …):
#: ``get_text()`` leaves it out, except on the element itself.
_STRING_CONTAINERS = ("rt", "rp", "style", "script", "template")


#: BeautifulSoup reads text of ASCII whitespace only (outside these) as one newline or one space.
_PRESERVE_WHITESPACE = ("pre", "textarea")


_ASCII_SPACES = " \t\n\r\f"


#: The element that stands for the document: the page's top-level nodes are its children.
DOCUMENT = "ogi-document"


_DOCTYPE = re.compile(r"<!doctype", re.IGNORECASE)


#: The text nodes below an element: BeautifulSoup's strings (``strings_of``).
_TEXT = etree.XPath("descendant::text()", smart_strings=False)


#: Text nodes right after another text node (libxml2 may split a long text): one string for BeautifulSoup.
_SPLIT_TEXT = etree.XPath("//text()[preceding-sibling::node()[1]/self::text()]")


#: Text of blanks only but for one space or newline (XPath's blanks; ``parse`` made form feeds spaces).
_BLANK_TEXT = etree.XPath("//text()[normalize-space() = ''][. != ' '][. != '\n']")


def parse(text: str) -> etree._Element:
    """The page as lxml's tree, under one ``ogi-document`` element, reading as BeautifulSoup's tree does.

    BeautifulSoup's ``"lxml"`` builder drives this same parser (libxml2's, fed the whole text) and builds
    its tree from the parser's events; lxml's own tree comes from the same events. Where the two differ
    the tree is made to read like BeautifulSoup's, because cell and paragraph text depend on it:

    - text of ASCII whitespace only becomes one newline (if it has one) or one space, outside ``<pre>``;
    - a ``<!DOCTYPE>`` inside the page ends a string for BeautifulSoup (``get_text(strip=True)`` strips
      each string): it becomes an empty comment here, as does every element the extractor removes;
    - text outside ``<html>`` (only read when the page has no ``<body>``) is kept.

    The last two need the parser's events, so only pages with a misplaced doctype or no ``<body>`` are
    parsed twice. C0 control characters are taken out first (``strip_controls``): lxml refuses them in
    the text it is given, and a page pasted from Word has them (a manual line break is a vertical tab).
    """
    text = strip_controls(text)
    document = etree.Element(DOCUMENT)
    parser = etree.HTMLParser()
    parser.feed(text)
    try:
        root = parser.close()
    except etree.XMLSyntaxError:
        root = None
    if root is not None:
        for node in [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]:
            document.append(node)
    doctypes = [m.start() for m in _DOCTYPE.finditer(text)]
    misplaced = len(doctypes) > 1 or (len(doctypes) == 1 and bool(text[: doctypes[0]].strip()))
    if root is None or misplaced or next(document.iter("body"), None) is None:
        _replay(text, document)
    _collapse_whitespace(document)
    return document


class _Events:
    """A parser target that notes what lxml's tree drops: where ``<!DOCTYPE>`` declarations came, and
    the text between top-level nodes. Elements are numbered in the order they start (the tree's
    document order)."""

    def __init__(self) -> None:
        self.n = 0
        self.open: list[int] = []
        #: Nodes begun so far in each open element; [0] is the top level.
        self.nodes = [0]
        #: Characters of text since the last node boundary.
        self.chars = 0
        self.doctypes: list[tuple[int, int, int]] = []
        self.top: list[tuple[int, str]] = []
        self._top: list[str] = []

    def _boundary(self) -> None:
        if self._top:
            self.top.append((self.nodes[0], "".join(self._top)))
            self._top = []
        self.chars = 0

    def start(self, tag: str, attrib: object, nsmap: object = None) -> None:
        self._boundary()
        self.nodes[-1] += 1
        self.open.append(self.n)
        self.nodes.append(0)
        self.n += 1

    def end(self, tag: str) -> None:
        self._boundary()
        if self.open:
            self.open.pop()
            self.nodes.pop()

    def data(self, data: str) -> None:
        self.chars += len(data)
        if not self.open:
            self._top.append(data)

    def comment(self, text: str) -> None:
        self._boundary()
        self.nodes[-1] += 1

    def pi(self, target: str, data: str | None = None) -> None:
        self._boundary()
        self.nodes[-1] += 1

    def doctype(self, name: str, pubid: str, system: str) -> None:
        self.doctypes.append((self.open[-1] if self.open else -1, self.nodes[-1], self.chars))
        self._boundary()
        self.nodes[-1] += 1

    def close(self) -> None:
        self._boundary()


def _replay(text: str, document: etree._Element) -> None:
    """Mark each ``<!DOCTYPE>`` with an empty comment where the parser reported it, splitting the text
    there, and put back the text between top-level nodes."""
    events = _Events()
    parser = etree.HTMLParser(target=events)
    parser.feed(text)
    parser.close()
    elements = list(document.iter(etree.Element))  # elements[0] is the document
    for index, position, chars in events.doctypes:
        if index + 1 >= len(elements) or position > len(elements[index + 1]):
            continue  # (never seen: the tree and the events always agreed)
        parent = elements[index + 1]
        holder, slot = (parent, "text") if position == 0 else (parent[position - 1], "tail")
        before = getattr(holder, slot) or ""
        marker = etree.Comment()
        marker.tail = before[chars:] or None
        setattr(holder, slot, before[:chars] or None)
        parent.insert(position, marker)
    for position, string in events.top:
        if position == 0:
            document.text = string
        elif position <= len(document):
            document[position - 1].tail = string


def _collapse_whitespace(document: etree._Element) -> None:
    for piece in _SPLIT_TEXT(document):
        holder = piece.getparent()
        if piece.is_tail:
            holder.tail = holder.tail  # lxml joins the nodes it reads and writes one
        else:
            holder.text = holder.text
    # Elements whose text keeps its whitespace: <pre>, <textarea> and everything in them.
    kept = {e for p in document.iter(*_PRESERVE_WHITESPACE) for e in p.iter()}
    for piece in _BLANK_TEXT(document):
        if piece.strip(_ASCII_SPACES):
            continue
        holder = piece.getparent()
        string = holder.tail if piece.is_tail else holder.text
        if string in ("\n", " ") or string.strip(_ASCII_SPACES):
            continue
        if kept and (holder.getparent() if piece.is_tail else holder) in kept:
            continue
        collapsed = "\n" if "\n" in string else " "
        if piece.is_tail:
            holder.tail = collapsed
        else:
            holder.text = collapsed


def is_plain_page(root: etree._Element) -> bool:
    """Whether no text in or around ``root`` belongs to a string container (then every text node under
    an element is one of ``get_text()``'s strings)."""
    return (
        next(root.iter(*_STRING_CONTAINERS), None) is None
        and next(root.iterancestors(*_STRING_CONTAINERS), None) is None
    )


def strings_of(el: etree._Element, plain: bool = False) -> list[str]:
    """The strings ``get_text()`` joins: each text node below ``el`` (not its tail), leaving out the text
    of string containers unless ``el`` is one. ``plain``: the caller knows there are none (``is_plain_page``)."""
    if plain:
        return _TEXT(el)
    if el.tag in _STRING_CONTAINERS:
        return _own_strings(el)
    if next(el.iterancestors(*_STRING_CONTAINERS), None) is not None:
        return []  # all of it is a container's text
    if next(el.iterdescendants(*_STRING_CONTAINERS), None) is None:
        return _TEXT(el)
    copy = deepcopy(el)
    for container in list(copy.iterdescendants(*_STRING_CONTAINERS)):
        remove_element(container)
    return _TEXT(copy)


def _own_strings(container: etree._Element) -> list[str]:
    """``get_text()`` of a string container itself: the text whose innermost container is of its kind."""
    out: list[str] = []
    kind = container.tag

    def visit(node: etree._Element, inside: str) -> None:
        if node.text and inside == kind:
            out.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                visit(child, child.tag if child.tag in _STRING_CONTAINERS else inside)
            if child.tail and inside == kind:
                out.append(child.tail)

    visit(container, kind)
    return out


def text_of(el: etree._Element, separator: str = "", strip: bool = False, plain: bool = False) -> str:
    """BeautifulSoup's ``get_text(separator, strip)``: with ``strip``, each string is stripped and empty
    ones are left out."""
    strings = strings_of(el, plain)
    if strip:
        strings = [s for s in (s.strip() for s in strings) if s]
    return separator.join(strings)


def remove_element(el: etree._Element) -> None:
    """Take ``el`` and its content out of the tree; the text after it stays a string of its own."""
    parent = el.getparent()
    if parent is None:
        return
    marker = etree.Comment()
    marker.tail = el.tail
    parent.replace(el, marker)


def clear_element(el: etree._Element) -> None:
    """Empty ``el``, keeping the element."""
    for child in list(el):
        el.remove(child)
    el.text = None


def nearest_table(el: etree._Element) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def clean_text(text: str) -> str:
    """Remove Word debris a CMS escaped into visible text (conditional comments, mso style sheets)."""
    if "<!" in text:
        text = _LEAKED_BLOCK.sub("", text)
        text = _LEAKED_MARK.sub("", text)
    if "mso-" in text:
        text = _LEAKED_STYLE.sub("", text)
    return text
