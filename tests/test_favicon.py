"""The 议 icon: /favicon.ico answers (browsers ask for it unprompted) and every page links it."""
from io import BytesIO

from PIL import Image


def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert Image.open(BytesIO(response.data)).format == "ICO"


def test_pages_link_the_icons(client):
    html = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in html
    for path in ("/static/favicon-32.png", "/static/apple-touch-icon.png"):
        assert f'href="{path}"' in html
        response = client.get(path)
        assert response.status_code == 200 and response.mimetype == "image/png"
