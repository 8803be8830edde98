"""Reading rendered pages the way a browser would: the same-site links, and each POST form with
the values a person would send without touching anything (hidden values, the selected option,
the checked box, the textarea's text)."""
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit


@dataclass
class Form:
    action: str  # a path, query string included
    values: dict[str, str] = field(default_factory=dict)  # what submitting it untouched sends
    names: list[str] = field(default_factory=list)  # every named control, sent or not


class _PageParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None

    def _url(self, raw: str | None) -> str | None:
        if raw is None:
            return None
        absolute = urljoin("http://localhost" + self.page_url, raw)
        parts = urlsplit(absolute)
        if parts.netloc != "localhost" or not parts.path.startswith("/"):
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            link = self._url(a.get("href"))
            if link:
                self.links.append(link)
        elif tag == "form":
            action = self._url(a.get("action") or self.page_url)
            if (a.get("method") or "get").lower() == "post" and action:
                self._form = Form(action)
            elif action:
                self.links.append(action.split("?")[0])
        elif tag == "option" and self._form is not None and self._select:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
                self._form.values.setdefault(self._select, value)
            if "selected" in a:
                self._form.values[self._select] = value
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "button":
            self._input({**a, "type": a.get("type") or "submit"})
        elif tag == "select":
            self._select, self._select_first = a["name"], None
            self._form.names.append(a["name"])
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.names.append(a["name"])
            self._form.values[a["name"]] = ""

    def _input(self, a):
        name, kind = a["name"], (a.get("type") or "text").lower()
        self._form.names.append(name)
        if kind in ("checkbox", "radio"):
            if "checked" in a or (kind == "radio" and name not in self._form.values):
                self._form.values[name] = a.get("value", "on")
        elif kind == "submit":  # the first named button stands for the click
            if a.get("value") is not None:
                self._form.values.setdefault(name, a["value"])
        elif kind in ("button", "image", "file", "reset"):
            return
        else:
            self._form.values.setdefault(name, a.get("value", ""))

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.values[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            # As browsers do: a newline right after <textarea> is not part of the value.
            text = self._form.values[self._textarea]
            self._form.values[self._textarea] = text.removeprefix("\r\n").removeprefix("\n")
            self._textarea = None


def read_page(page_url: str, html: str) -> tuple[list[str], list[Form]]:
    parser = _PageParser(page_url)
    parser.feed(html)
    return parser.links, parser.forms
