"""The API tests' client: every response it gets is checked against the OpenAPI document the
app serves (status, headers, body), so that an endpoint or a status without a schema fails."""
import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_spec_validator import validate as validate_document

from app.api import tokens
from app.extensions import db

SPEC_PATH = "/api/v1/openapi.json"


class CheckedClient:
    """A test client whose every /api/v1/ response must match the document."""

    def __init__(self, app):
        self.client = app.test_client()
        document = self.client.get(SPEC_PATH).get_json()
        validate_document(document)  # a valid OpenAPI 3.1 document
        self.document = document
        self.openapi = OpenAPI.from_dict(document)
        self.checked = 0

    def get(self, path: str, token: str | None = None, **kw):
        headers = dict(kw.pop("headers", {}))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self.client.get(path, headers=headers, **kw)
        self.check(response)
        return response

    def check(self, response) -> None:
        request = response.request
        self.openapi.validate_response(WerkzeugOpenAPIRequest(request),
                                       WerkzeugOpenAPIResponse(response))
        self.checked += 1


@pytest.fixture
def api(app):
    return CheckedClient(app)


@pytest.fixture
def token_for():
    """token_for(user, name) -> the plain token of a new token of `user` (committed)."""
    def make(user, name="测试"):
        _row, plain = tokens.create_token(user, name)
        db.session.commit()
        return plain
    return make
