"""Covenant services: creating a covenant, starting a new version from the one in force,
editing a draft's articles, per-article comments during 征集民意, and the review steps.
Services take the actor, flush and never commit; every change is audited."""
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from app.audit.services import record
from app.compounds.access import roles_in
from app.compounds.models import Compound
from app.core.db import get_scoped, refused_if_taken
from app.core.errors import Conflict, PermissionDenied, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text, render_markdown
from app.core.time import utcnow
from app.covenants import adoption
from app.covenants.articles import current_articles
from app.covenants.lifecycle import (
    DRAFTERS,
    EDITABLE,
    REVIEWERS,
    compound_of,
    covenant_of,
    move,
    require,
)
from app.covenants.models import (
    KINDS,
    Covenant,
    CovenantArticle,
    CovenantComment,
    CovenantVersion,
)
from app.extensions import db

TITLE_MAX = 80
ARTICLE_MAX = 2000
ARTICLES_MAX = 60
COMMENT_MAX = 2000


def split_articles(text: str) -> list[str]:
    """One article per paragraph (blank line between articles); numbering is automatic."""
    paragraphs = [" ".join(line.strip() for line in block.splitlines() if line.strip())
                  for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    articles = [clean_text(p) for p in paragraphs if p.strip()]
    if not articles:
        raise ServiceError(_l("请至少写一条。"), field="articles")
    if len(articles) > ARTICLES_MAX:
        raise ServiceError(_l("条文请不超过 60 条。"), field="articles")
    if any(len(a) > ARTICLE_MAX for a in articles):
        raise ServiceError(_l("每条请不超过 2000 字。"), field="articles")
    return articles


def get_covenant(compound: Compound, covenant_id: int) -> Covenant:
    return get_scoped(Covenant, covenant_id, _l("找不到这份公约。"), compound_id=compound.id)


def get_version(covenant: Covenant, version_id: int) -> CovenantVersion:
    return get_scoped(CovenantVersion, version_id, _l("找不到这一版本。"),
                      options=[selectinload(CovenantVersion.articles)], covenant_id=covenant.id)


def _add_articles(version: CovenantVersion, articles: list[str]) -> list[CovenantArticle]:
    rows = [CovenantArticle(version_id=version.id, revision=version.revision, number=i,
                            body=body)
            for i, body in enumerate(articles, start=1)]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def create_covenant(actor, compound: Compound, *, kind: str, title: str,
                    articles: str) -> CovenantVersion:
    """A new covenant with its first version, open for residents' comments (征集民意)."""
    role = require(actor, compound, DRAFTERS,
                   _l("只有党支部、议事会、业委会或社区工作人员可以起草公约。"))
    if kind not in KINDS:
        raise ServiceError(_l("请选择公约类型。"), field="kind")
    title = clean_text(title, TITLE_MAX)
    if not title:
        raise ServiceError(_l("请填写标题。"), field="title")
    bodies = split_articles(articles)
    covenant = Covenant(compound_id=compound.id, kind=kind, title=title, created_by_id=actor.id,
                        created_at=utcnow())
    with refused_if_taken(_l("本小区已经有这一类公约了，请在原公约上修订新版本。"), field="kind"):
        db.session.add(covenant)
    version = CovenantVersion(covenant_id=covenant.id, number=1, state="consultation",
                              revision=1, created_by_id=actor.id, created_at=utcnow())
    db.session.add(version)
    db.session.flush()
    rows = _add_articles(version, bodies)
    db.session.expire(version, ["articles"])  # a stale list must not be read as the new one
    record(actor, compound, "covenant.create", covenant, {"kind": kind, "title": title},
           also=[version, *rows], actor_role=role)
    return version


def start_version(actor, covenant: Covenant) -> CovenantVersion:
    """A revision: a new version copied from the one in force, open for comments. Only one
    version of a covenant is worked on at a time (a partial unique index decides)."""
    compound = compound_of(covenant)
    role = require(actor, compound, DRAFTERS,
                   _l("只有党支部、议事会、业委会或社区工作人员可以修订公约。"))
    base = db.session.scalar(select(CovenantVersion).where(
        CovenantVersion.covenant_id == covenant.id, CovenantVersion.state == "published"))
    if base is None:
        raise ServiceError(_l("公约还没有现行版本，请先完成正在进行的版本。"), status=409)
    number = (db.session.scalar(select(db.func.max(CovenantVersion.number)).where(
        CovenantVersion.covenant_id == covenant.id)) or 0) + 1
    version = CovenantVersion(covenant_id=covenant.id, number=number, state="consultation",
                              based_on_id=base.id, revision=1, created_by_id=actor.id,
                              created_at=utcnow())
    with refused_if_taken(_l("已有一个正在修订的版本，请先完成它。")):
        db.session.add(version)
    rows = _add_articles(version, [a.body for a in current_articles(base)])
    record(actor, compound, "covenant.version_start", version,
           {"covenant_id": covenant.id, "number": number, "based_on": base.id},
           also=rows, actor_role=role)
    return version


def save_articles(actor, version: CovenantVersion, articles: str) -> CovenantVersion:
    """A new revision of a draft's articles (the earlier revision's rows stay). Only while
    征集民意 or 拟定草案; once adopted the database itself refuses any change to the rows."""
    covenant = covenant_of(version)
    compound = compound_of(covenant)
    role = require(actor, compound, DRAFTERS, _l("只有起草方可以修改条文。"))
    if version.state not in EDITABLE:
        raise ServiceError(_l("这一版本已提交审核，不能再修改条文。"), status=409)
    bodies = split_articles(articles)
    before = len(current_articles(version))
    result = db.session.execute(
        update(CovenantVersion)
        .where(CovenantVersion.id == version.id, CovenantVersion.state.in_(EDITABLE),
               CovenantVersion.revision == version.revision)
        .values(revision=CovenantVersion.revision + 1)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(_l("条文刚被别人修改过，请刷新后再改。"))
    db.session.refresh(version)
    rows = _add_articles(version, bodies)
    record(actor, compound, "covenant.articles_save", version,
           {"covenant_id": covenant.id, "number": version.number,
            "revision": version.revision, "before": before, "after": len(bodies)},
           also=rows, actor_role=role)
    return version


def comment(actor, version: CovenantVersion, article_number: int, body: str) -> CovenantComment:
    """征集民意: a verified resident comments on one article (0: on the whole text)."""
    covenant = covenant_of(version)
    compound = compound_of(covenant)
    if "resident" not in roles_in(actor, compound):
        raise PermissionDenied(_l("只有本小区已认证的居民可以提意见。"))
    if version.state != "consultation":
        raise ServiceError(_l("征集民意已经结束。"), status=409)
    if article_number < 0 or article_number > len(current_articles(version)):
        raise ServiceError(_l("请选择要提意见的条文。"), field="article")
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("请写下您的意见。"), field="body")
    if len(body) > COMMENT_MAX:
        raise ServiceError(_l("意见请不超过 2000 字。"), field="body")
    row = CovenantComment(version_id=version.id, article_number=article_number,
                          revision=version.revision,
                          author_id=actor.id, body_source=body,
                          body_html=str(render_markdown(body)), created_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record(actor, compound, "covenant.comment", row,
           {"version_id": version.id, "article": article_number}, actor_role="resident")
    return row


def close_consultation(actor, version: CovenantVersion) -> CovenantVersion:
    """征集民意 ends; the drafters write the draft taking the comments into account."""
    return move(actor, version, "close_consultation")


def submit_review(actor, version: CovenantVersion) -> CovenantVersion:
    """The draft goes to community/subdistrict staff for review (街道审核)."""
    return move(actor, version, "submit_review", data={"articles": len(current_articles(version))})


def approve_review(actor, version: CovenantVersion) -> CovenantVersion:
    """Staff approve the draft: it may now be put to a vote."""
    return move(actor, version, "approve_review",
                values={"reviewed_at": utcnow(), "reviewed_by_id": actor.id})


def return_to_draft(actor, version: CovenantVersion, reason: str) -> CovenantVersion:
    """Back to 拟定草案 with a written reason: staff returning a draft under review, or the
    drafters after a vote that did not pass (the proposal is unlinked, its record stays)."""
    if version.state == "review":
        require(actor, compound_of(covenant_of(version)), REVIEWERS,
                _l("您没有权限进行这项操作。"))
    return move(actor, version, "return", reason=reason,
                values={"proposal_id": None, "reviewed_at": None, "reviewed_by_id": None},
                data={"proposal_id": version.proposal_id})


def advance(actor, version: CovenantVersion, name: str) -> CovenantVersion:
    """A step button's one entry point (the steps of lifecycle.TRANSITIONS without a form of
    their own), through that step's own rules."""
    if name == "adopt":
        return adoption.adopt(actor, version)
    if name == "approve_review":
        return approve_review(actor, version)
    if name == "submit_review":
        return submit_review(actor, version)
    return move(actor, version, name)
