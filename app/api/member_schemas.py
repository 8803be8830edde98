"""What a member's token reads beyond the public data (schemas, as in app.api.schemas)."""
import marshmallow as ma
from marshmallow import fields as f


class MyCompound(ma.Schema):
    id = f.Integer(required=True)
    name = f.String(required=True)
    roles = f.List(f.String(), required=True)


class MeSchema(ma.Schema):
    id = f.Integer(required=True)
    display_name = f.String(required=True)
    token_name = f.String(required=True)
    compounds = f.List(f.Nested(MyCompound), required=True)


class IssueSummary(ma.Schema):
    id = f.Integer(required=True)
    title = f.String(required=True, allow_none=True,
                     metadata={"description": "null while hidden by moderation"})
    category = f.String(required=True)
    status = f.String(required=True)
    building = f.String(required=True, allow_none=True)
    author = f.String(required=True, metadata={
        "description": "The name residents read: 某业主 (3栋) for an anonymous author"})
    created_at = f.AwareDateTime(required=True)
    hidden = f.Boolean(required=True)
    hidden_reason = f.String(required=True)


class ProposalSummary(ma.Schema):
    id = f.Integer(required=True)
    title = f.String(required=True)
    kind = f.String(required=True)
    matter = f.Integer(required=True, allow_none=True)
    state = f.String(required=True)
    secret = f.Boolean(required=True)
    voting_opens_at = f.AwareDateTime(required=True, allow_none=True)
    voting_closes_at = f.AwareDateTime(required=True, allow_none=True)
    updated_at = f.AwareDateTime(required=True)


class MeetingSummary(ma.Schema):
    id = f.Integer(required=True)
    title = f.String(required=True)
    body = f.String(required=True)
    place = f.String(required=True)
    starts_at = f.AwareDateTime(required=True)
    status = f.String(required=True)
    minutes = f.String(required=True, allow_none=True,
                       metadata={"description": "draft, confirming, published, or null"})
