"""The browser fixtures live in tests/e2e/fixtures.py and are loaded for the whole suite by
tests/conftest.py. These names stay importable for modules that bound them by hand."""
from tests.e2e.fixtures import (  # noqa: F401
    browser,
    browser_context_args,
    context,
    live_server,
    nojs_page,
    page,
    playwright,
)
