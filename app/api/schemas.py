"""What the API answers, as marshmallow schemas: flask-smorest serialises responses and
validates query arguments with them, and apispec writes them into the OpenAPI 3.1 document."""
import marshmallow as ma
from marshmallow import fields as f
from marshmallow import validate

MAX_PER_PAGE = 100
MAX_PAGE = 2**31 - 1


class ErrorSchema(ma.Schema):
    code = f.Integer(required=True, metadata={"description": "HTTP status"})
    status = f.String(required=True, metadata={"description": "HTTP status name"})
    message = f.String(metadata={"description": "What went wrong, in the reader's language"})
    errors = f.Dict(metadata={"description": "The arguments refused and why"})


class PageArgs(ma.Schema):
    page = f.Integer(load_default=1, validate=validate.Range(1, MAX_PAGE))
    per_page = f.Integer(load_default=20, validate=validate.Range(1, MAX_PER_PAGE))


class PageLinks(ma.Schema):
    self = f.String(required=True)
    first = f.String(required=True)
    prev = f.String(required=True, allow_none=True)
    next = f.String(required=True, allow_none=True)


class PageMeta(ma.Schema):
    page = f.Integer(required=True)
    per_page = f.Integer(required=True)
    total = f.Integer(required=True)
    links = f.Nested(PageLinks, required=True)


def page_of(item_schema, name: str):
    """A page of `item_schema`: {"items": [...], "page", "per_page", "total", "links"}."""
    return type(name, (PageMeta,), {"items": f.List(f.Nested(item_schema), required=True)})


class SelfLink(ma.Schema):
    self = f.String(required=True)


# --- compounds ----------------------------------------------------------------------------

class CompoundLinks(ma.Schema):
    self = f.String(required=True)
    notices = f.String(required=True)
    results = f.String(required=True)
    minutes = f.String(required=True)
    covenants = f.String(required=True)
    audit = f.String(required=True)


class CompoundSchema(ma.Schema):
    id = f.Integer(required=True)
    name = f.String(required=True)
    community = f.String(required=True)
    subdistrict = f.String(required=True)
    links = f.Nested(CompoundLinks, required=True)


# --- notices ------------------------------------------------------------------------------

class NoticeSummary(ma.Schema):
    id = f.Integer(required=True)
    kind = f.String(required=True, metadata={"description": "general, publicity, ..."})
    title = f.String(required=True)
    phase = f.String(required=True, validate=validate.OneOf(
        ("scheduled", "running", "archived", "withdrawn")))
    published_at = f.AwareDateTime(required=True)
    starts_at = f.AwareDateTime(required=True, allow_none=True)
    ends_at = f.AwareDateTime(required=True, allow_none=True)
    revision = f.Integer(required=True, metadata={"description": "Published versions so far"})
    digest = f.String(required=True, metadata={
        "description": "SHA-256 printed beside the QR code of the posted paper"})
    links = f.Nested(SelfLink, required=True)


class NoticeSchema(NoticeSummary):
    body_markdown = f.String(required=True)
    body_html = f.String(required=True, metadata={"description": "Sanitised HTML"})
    proposal_id = f.Integer(required=True, allow_none=True)
    withdrawn_at = f.AwareDateTime(required=True, allow_none=True)
    withdrawal_reason = f.String(required=True)


# --- results ------------------------------------------------------------------------------

class ResultLinks(ma.Schema):
    self = f.String(required=True)
    export = f.String(required=True)


class ResultSummary(ma.Schema):
    proposal_id = f.Integer(required=True)
    title = f.String(required=True)
    kind = f.String(required=True, validate=validate.OneOf(("owners", "council",
                                                            "consultation")))
    matter = f.Integer(required=True, allow_none=True,
                       metadata={"description": "民法典 第二百七十八条 matter, 1-9"})
    scope = f.String(required=True, allow_none=True)
    secret = f.Boolean(required=True)
    stage = f.String(required=True, validate=validate.OneOf(("preliminary", "final")))
    passed = f.Boolean(required=True, allow_none=True)
    computed_at = f.AwareDateTime(required=True)
    digest = f.String(required=True, metadata={"description": "SHA-256 of the result"})
    audit_head = f.String(required=True, allow_none=True)
    links = f.Nested(ResultLinks, required=True)


class ResultSchema(ResultSummary):
    voting_opens_at = f.AwareDateTime(required=True, allow_none=True)
    voting_closes_at = f.AwareDateTime(required=True, allow_none=True)
    objection_ends_at = f.AwareDateTime(required=True, allow_none=True)
    result = f.Dict(required=True, metadata={"description": "The figures as computed"})


class ExportSchema(ma.Schema):
    """The recount file, exactly as `flask tally compute PATH` reads it."""

    class Meta:
        unknown = ma.INCLUDE

    proposal = f.Integer(required=True)


# --- minutes and covenants ----------------------------------------------------------------

class MinutesItem(ma.Schema):
    position = f.Integer(required=True)
    title = f.String(required=True)
    discussion = f.String(required=True)
    decision = f.String(required=True)
    responsible = f.String(required=True)
    due = f.Date(required=True, allow_none=True)


class MinutesSummary(ma.Schema):
    meeting_id = f.Integer(required=True)
    title = f.String(required=True)
    body = f.String(required=True, metadata={"description": "council, committee, residents"})
    starts_at = f.AwareDateTime(required=True)
    published_at = f.AwareDateTime(required=True)
    revision = f.Integer(required=True)
    corrected = f.Boolean(required=True)
    digest = f.String(required=True, metadata={"description": "SHA-256 of the revision"})
    links = f.Nested(SelfLink, required=True)


class MinutesSchema(MinutesSummary):
    audit_head = f.String(required=True, allow_none=True)
    correction_reason = f.String(required=True)
    items = f.List(f.Nested(MinutesItem), required=True)
    markdown = f.String(required=True)
    html = f.String(required=True, metadata={"description": "Sanitised HTML"})


class ArticleSchema(ma.Schema):
    number = f.Integer(required=True)
    body = f.String(required=True)


class CovenantSchema(ma.Schema):
    id = f.Integer(required=True)
    kind = f.String(required=True, metadata={"description": "residents (居民公约) or "
                                                            "management (管理规约)"})
    title = f.String(required=True)
    version = f.Integer(required=True)
    adopted_at = f.AwareDateTime(required=True, allow_none=True)
    published_at = f.AwareDateTime(required=True, allow_none=True)
    proposal_id = f.Integer(required=True, allow_none=True)
    filing_ref = f.String(required=True)
    articles = f.List(f.Nested(ArticleSchema), required=True)


class ChainHead(ma.Schema):
    seq = f.Integer(required=True)
    hash = f.String(required=True)


class AnchorSchema(ma.Schema):
    seq = f.Integer(required=True, metadata={"description": "place in the global anchor chain"})
    created_at = f.AwareDateTime(required=True)
    chain = f.String(required=True, metadata={"description": "the chain anchored, e.g. c12"})
    chain_seq = f.Integer(required=True)
    chain_hash = f.String(required=True)
    reason = f.String(required=True)
    prev_hash = f.String(required=True)
    hash = f.String(required=True)


class AuditSchema(ma.Schema):
    compound_id = f.Integer(required=True)
    chain = f.String(required=True, metadata={
        "description": "the compound's own chain, as printed on its results and minutes"})
    head = f.Nested(ChainHead, required=True)
    anchor_head = f.Nested(ChainHead, required=True, metadata={
        "description": "the global anchor chain's head"})
    anchors = f.List(f.Nested(AnchorSchema), required=True, metadata={
        "description": "this chain's latest anchors, newest first (all: /audit/anchors)"})

