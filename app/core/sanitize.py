"""The one place user text becomes HTML: Markdown rendered, then cleaned by an allow-list.
Templates mark only this module's output as safe."""
import bleach
import markdown
from markupsafe import Markup

ALLOWED_TAGS = ["p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code",
                "pre", "h3", "h4", "h5", "hr", "a", "table", "thead", "tbody", "tr", "th", "td",
                "del", "ins"]
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["align"], "td": ["align"]}
ALLOWED_PROTOCOLS = ["http", "https", "mailto"]


def _nofollow(attrs, new=False):
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


def render_markdown(source: str) -> Markup:
    """Markdown → safe HTML. Raw HTML in the source is reduced to the allow-list."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"],
                             output_format="html")
    cleaned = bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                           protocols=ALLOWED_PROTOCOLS, strip=True)
    cleaned = bleach.linkify(cleaned, callbacks=[_nofollow], skip_tags=["pre", "code"])
    return Markup(cleaned)  # noqa: S704  (bleach allow-list output)


def clean_text(value: str, max_length: int | None = None) -> str:
    """Plain one-line text: strip control characters and surrounding space."""
    text = "".join(ch for ch in (value or "") if ch == "\n" or ch >= " ").strip()
    return text[:max_length] if max_length else text
