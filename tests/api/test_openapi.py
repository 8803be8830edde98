"""The OpenAPI 3.1 document: valid, naming every route of /api/v1/, and strict enough that a
response it does not describe fails the API tests' client."""
import pytest
from openapi_core.templating.paths.exceptions import PathNotFound
from openapi_core.validation.response.exceptions import DataValidationError

from tests.api.conftest import CheckedClient


def test_the_document_is_openapi_3_1_and_names_every_route(app, api):
    assert api.document["openapi"] == "3.1.0"
    documented = set(api.document["paths"])
    served = {rule.rule.replace("<int:", "{").replace(">", "}")
              for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/api/v1/") and rule.endpoint != "api-docs.openapi_json"}
    assert served == documented
    for path, operations in api.document["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert set(operation["responses"]) >= {"200", "304", "401", "429"}, (path, method)
            assert "default" not in operation["responses"], (path, method)


def test_an_endpoint_without_a_schema_fails_the_check(app):
    @app.get("/api/v1/undocumented")
    def undocumented():
        return {"anything": True}

    with pytest.raises(PathNotFound):
        CheckedClient(app).get("/api/v1/undocumented")


def test_a_body_that_breaks_its_schema_fails_the_check(app):
    from app.api.web import public_bp

    checked = CheckedClient(app)
    response = checked.client.get("/api/v1/compounds")
    response.set_data(b'{"items": "not a list"}')
    with pytest.raises(DataValidationError):
        checked.check(response)
    assert public_bp.name == "api_public"


def test_a_status_the_document_does_not_name_fails_the_check(app):
    checked = CheckedClient(app)
    response = checked.client.get("/api/v1/compounds")
    response.status_code = 418
    with pytest.raises(Exception, match="418|[Rr]esponse"):
        checked.check(response)


def test_the_document_is_served_as_json_without_a_login(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.is_json
    assert "bearerToken" in response.get_json()["components"]["securitySchemes"]
