from flask import request

from tests.conftest import make_app


def test_client_address_comes_from_the_trusted_proxy_only(tmp_path):
    for hops, expected in [(1, "203.0.113.9"), (0, "127.0.0.1")]:
        app = make_app("sqlite", tmp_path / str(hops), TRUSTED_PROXIES=hops)
        app.add_url_rule("/_addr", "addr", lambda: request.remote_addr)
        response = app.test_client().get(
            "/_addr", headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"})
        assert response.get_data(as_text=True) == expected
