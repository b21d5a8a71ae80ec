"""Small helpers every reader uses to walk an lxml tree by local element names.

The dialects differ in whether children are namespace-qualified (variant C: only the root is), so readers match
on local names. Texts are returned as found: HTML-escaped markup stays escaped-once as the file meant it (the
loader sanitises rich text when it stores it, see ucmr.richtext).
"""

from lxml import etree

from usecases.xml.document import Condition
from usecases.xml.parsing import local_name


def elements(parent: etree._Element) -> list[etree._Element]:
    """Element children only (no comments or processing instructions)."""
    return [child for child in parent if isinstance(child.tag, str)]


def children(parent: etree._Element, name: str) -> list[etree._Element]:
    """Child elements with this local name, in any namespace or none (lxml filters in C: the readers call this
    for every field of every object, so it decides how fast a large file is read)."""
    return list(parent.iterchildren(f"{{*}}{name}"))


def child(parent: etree._Element, name: str) -> etree._Element | None:
    found = children(parent, name)
    return found[0] if found else None


def text_of(element: etree._Element | None) -> str:
    """The element's content as found; markup inside a text field (rare, e.g. xhtml) is kept as markup."""
    if element is None:
        return ""
    if not elements(element):
        return element.text or ""
    inner = "".join(etree.tostring(part, encoding="unicode", with_tail=True) for part in element)
    return (element.text or "") + inner


def text(parent: etree._Element, name: str) -> str:
    return text_of(child(parent, name))


def has(parent: etree._Element, name: str) -> bool:
    return child(parent, name) is not None


def where(element: etree._Element) -> str:
    """`line N, element /a/b[2]`: how warnings point into the file."""
    return f"line {element.sourceline}, element {element.getroottree().getpath(element)}"


def unexpected(parent: etree._Element, *, known: set[str], warnings: list[str]) -> None:
    """Warn about children a schema-defined dialect does not have (they are not read)."""
    for element in elements(parent):
        if local_name(element) not in known:
            warnings.append(f"Ignored the unknown element <{local_name(element)}> at {where(element)}.")


def sort_conditions(conditions: list[Condition], *, kinds: tuple[str, ...]) -> list[Condition]:
    """Conditions grouped by kind in `kinds` order (stable within a kind), as every reader returns them."""
    return sorted(conditions, key=lambda condition: kinds.index(condition.kind))
