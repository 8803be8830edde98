"""The open data API, /api/v1/ (read-only JSON, OpenAPI 3.1), built with flask-smorest.

Anonymous clients read what the site already shows anyone (published notices, results and
their recount exports, published minutes, covenants in force, audit heads); a member's personal
token (created and revoked on /me/api-tokens) adds what that person may read on the site,
through the same access checks (app.compounds.access). Nothing here writes but the tokens."""
