"""Funds and their ledgers: setting up a fund, posting entries (with vouchers), transfers and
corrections. Services take the actor, flush and never commit; every write is audited in the
same transaction (app.audit.services.record).

Ledger rules:
- An entry is never edited or deleted (the database refuses it). A mistake is corrected by a
  reversal (红字冲销: the same figures, cancelling the original) and, if the line should have
  read otherwise, a replacement; both name the entry they correct and give the reason.
- Entries are numbered 1, 2, 3... per fund, by one conditional UPDATE ... RETURNING.
- An entry cannot be dated in a month whose statement is published, nor in the future (China
  time): a published statement never changes, and a correction made after it shows in the
  next one."""
from datetime import date

from sqlalchemy import func, select, update

from app.audit.services import record
from app.compounds.models import Community, Compound
from app.core.db import refused_if_taken
from app.core.errors import NotFound, ServiceError
from app.core.i18n import lazy_gettext as _l
from app.core.sanitize import clean_text
from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds.access import keeper_role, require_keeper
from app.funds.labels import categories_for
from app.funds.models import (
    COMMUNITY_SOURCES,
    SOURCES,
    Fund,
    FundSequence,
    FundStatement,
    FundVoucher,
    LedgerEntry,
)
from app.funds.money import MAX_FEN
from app.funds.vouchers import MAX_VOUCHERS, PreparedVoucher
from app.microprojects.funding import check_project
from app.proposals.models import Proposal

NAME_MAX = 60
COUNTERPARTY_MAX = 80
DESCRIPTION_MAX = 2000
REASON_MAX = 1000
ALREADY_CORRECTED = _l("这条账目已经更正过，不能再次更正。")


def audit_compound(fund: Fund) -> int | None:
    """The compound whose trail records a fund's changes (None: a community's fund, recorded
    in the site-wide chain)."""
    return fund.compound_id


def _text(value, max_length: int, field: str, too_long) -> str:
    text = clean_text(value or "")
    if len(text) > max_length:
        raise ServiceError(too_long, field=field)
    return text


# ---- funds ------------------------------------------------------------------------------

def create_fund(actor, *, source: str, year: int, name: str, community: Community | None = None,
                compound: Compound | None = None, budget_fen: int | None = None) -> Fund:
    """Open a fund of a community (社区保障资金, 社区基金) or of a compound (公共收益, 维修资金,
    物业费); its keeper opens it. One per owner, source and year (the constraint decides)."""
    if source not in SOURCES:
        raise ServiceError(_l("请选择资金来源。"), field="source")
    if (source in COMMUNITY_SOURCES) != (community is not None) or \
            (community is None) == (compound is None):
        raise ServiceError(_l("社区保障资金和社区基金属于社区，"
                              "公共收益、维修资金和物业费属于小区。"), field="source")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError(_l("请填写正确的年度。"), field="year")
    name = _text(name, NAME_MAX, "name", _l("名称请不超过 60 个字。"))
    if not name:
        raise ServiceError(_l("请填写资金账户名称。"), field="name")
    if budget_fen is not None and not 0 <= budget_fen <= MAX_FEN:
        raise ServiceError(_l("预算金额不正确。"), field="budget")
    fund = Fund(source=source, year=year, name=name, budget_fen=budget_fen,
                community_id=community.id if community else None,
                compound_id=compound.id if compound else None,
                created_by_id=actor.id, created_at=utcnow())
    require_keeper(actor, fund)
    with refused_if_taken(_l("这个年度已有同一来源的资金账户。"), field="source"):
        db.session.add(fund)
    db.session.add(FundSequence(fund_id=fund.id, last_seq=0))
    record(actor, audit_compound(fund), "fund.create", fund,
           {"source": source, "year": year, "name": name, "budget_fen": budget_fen,
            "community_id": fund.community_id}, actor_role=keeper_role(fund))
    return fund


def get_fund(fund_id: int, *, community_id: int | None = None,
             compound_id: int | None = None) -> Fund:
    """The fund with this id if it belongs to this community or compound, else NotFound."""
    fund = db.session.get(Fund, fund_id)
    if fund is None or (fund.community_id, fund.compound_id) != (community_id, compound_id):
        raise NotFound(_l("找不到这个资金账户。"))
    return fund


def get_entry(fund: Fund, seq: int) -> LedgerEntry:
    entry = db.session.scalar(select(LedgerEntry).where(LedgerEntry.fund_id == fund.id,
                                                        LedgerEntry.seq == seq))
    if entry is None:
        raise NotFound(_l("找不到这条账目。"))
    return entry


# ---- dates ------------------------------------------------------------------------------

def last_published_month(fund_id: int) -> tuple[int, int] | None:
    row = db.session.execute(
        select(FundStatement.year, FundStatement.month).where(FundStatement.fund_id == fund_id)
        .order_by(FundStatement.year.desc(), FundStatement.month.desc()).limit(1)).first()
    return (row.year, row.month) if row else None


def _check_date(fund: Fund, entry_date, now) -> date:
    if not isinstance(entry_date, date):
        raise ServiceError(_l("请填写日期。"), field="entry_date")
    if entry_date > china_date(now):
        raise ServiceError(_l("日期不能晚于今天。"), field="entry_date")
    if entry_date.year < 2000:
        raise ServiceError(_l("请填写正确的日期。"), field="entry_date")
    published = last_published_month(fund.id)
    if published and (entry_date.year, entry_date.month) <= published:
        raise ServiceError(_l("%(y)s年%(m)s月及以前的账目已经公开，不能再记入；"
                              "请记在之后的日期，会出现在下一期财务公开里。",
                              y=published[0], m=published[1]), field="entry_date")
    return entry_date


# ---- entries ----------------------------------------------------------------------------

def _next_seq(fund_id: int) -> int:
    table = FundSequence.__table__
    return db.session.connection().execute(
        update(table).where(table.c.fund_id == fund_id)
        .values(last_seq=table.c.last_seq + 1).returning(table.c.last_seq)).scalar_one()


def _check_amount(amount_fen) -> int:
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int):
        raise TypeError("amounts are integer fen")
    if not 0 < amount_fen <= MAX_FEN:
        raise ServiceError(_l("金额必须大于零。"), field="amount")
    return amount_fen


def _check_proposal(fund: Fund, proposal_id: int | None) -> int | None:
    if proposal_id is None:
        return None
    compound_id = db.session.scalar(select(Proposal.compound_id).where(
        Proposal.id == proposal_id))
    if fund.compound_id is not None:
        fits = compound_id == fund.compound_id
    else:
        fits = compound_id is not None and db.session.scalar(
            select(Compound.community_id).where(Compound.id == compound_id)) == fund.community_id
    if not fits:
        raise ServiceError(_l("找不到这个议案，或它不属于本资金账户所在的小区/社区。"),
                           field="proposal_id")
    return proposal_id


def _check_commitment(fund: Fund, kind: str, commitment_id: int | None) -> int | None:
    if commitment_id is None:
        return None
    commitment = db.session.get(LedgerEntry, commitment_id)
    if kind != "expense" or commitment is None or commitment.fund_id != fund.id or \
            commitment.kind != "commitment" or commitment.is_reversal:
        raise ServiceError(_l("只有支出可以对应本账户的一笔承诺。"), field="commitment_id")
    return commitment_id


def _vouchers(entry: LedgerEntry, actor, vouchers, start: int = 1) -> list[FundVoucher]:
    if start - 1 + len(vouchers) > MAX_VOUCHERS:
        raise ServiceError(_l("每条账目最多上传 6 份凭证。"), field="vouchers")
    rows = []
    for position, prepared in enumerate(vouchers, start=start):
        stored = prepared.store()
        row = FundVoucher(entry_id=entry.id, kind=stored.kind, path=stored.path,
                          sha256=stored.sha256, thumb_path=stored.thumb_path,
                          width=stored.width, height=stored.height, position=position,
                          uploaded_by_id=actor.id, uploaded_at=utcnow())
        db.session.add(row)
        rows.append(row)
    return rows


def _new_entry(fund: Fund, actor, now, **values) -> LedgerEntry:
    entry = LedgerEntry(fund_id=fund.id, seq=_next_seq(fund.id), posted_by_id=actor.id,
                        posted_at=now, **values)
    db.session.add(entry)
    db.session.flush()
    return entry


def _entry_data(entry: LedgerEntry) -> dict:
    return {"fund_id": entry.fund_id, "seq": entry.seq, "kind": entry.kind,
            "amount_fen": entry.amount_fen, "entry_date": entry.entry_date.isoformat(),
            "category": entry.category, "corrects_id": entry.corrects_id,
            "is_reversal": entry.is_reversal}


def _fields(fund: Fund, kind: str, *, amount_fen, entry_date, category, counterparty,
            description, proposal_id, commitment_id, now) -> dict:
    if category not in categories_for(fund.source, kind):
        raise ServiceError(_l("请选择类别。"), field="category")
    return {
        "kind": kind, "amount_fen": _check_amount(amount_fen),
        "entry_date": _check_date(fund, entry_date, now), "category": category,
        "counterparty": _text(counterparty, COUNTERPARTY_MAX, "counterparty",
                              _l("收付款方请不超过 80 个字。")),
        "description": _text(description, DESCRIPTION_MAX, "description",
                             _l("说明请不超过 2000 字。")),
        "proposal_id": _check_proposal(fund, proposal_id),
        "commitment_id": _check_commitment(fund, kind, commitment_id),
    }


def post_entry(fund: Fund, actor, *, kind: str, amount_fen: int, entry_date: date,
               category: str, counterparty: str = "", description: str = "",
               proposal_id: int | None = None, commitment_id: int | None = None,
               vouchers: list[PreparedVoucher] = (), now=None,
               project_id: int | None = None) -> LedgerEntry:
    """Post an income, expense or commitment to the fund's ledger (its keeper only), with
    up to 6 vouchers. Transfers go through post_transfer()."""
    now = now or utcnow()
    require_keeper(actor, fund)
    if kind not in ("income", "expense", "commitment"):
        raise ServiceError(_l("请选择收支类型。"), field="kind")
    values = _fields(fund, kind, amount_fen=amount_fen, entry_date=entry_date,
                     category=category, counterparty=counterparty, description=description,
                     proposal_id=proposal_id, commitment_id=commitment_id, now=now)
    values["project_id"] = check_project(fund, project_id)  # a micro-project it paid for
    if len(vouchers) > MAX_VOUCHERS:
        raise ServiceError(_l("每条账目最多上传 6 份凭证。"), field="vouchers")
    entry = _new_entry(fund, actor, now, **values)
    rows = _vouchers(entry, actor, vouchers)
    record(actor, audit_compound(fund), "fund.post", entry, _entry_data(entry), also=rows,
           actor_role=keeper_role(fund))
    return entry


def transfer_targets(fund: Fund) -> list[Fund]:
    """The funds money may move to from this one: the other funds of the same community
    (the community's own and its compounds')."""
    community_id = fund.community_id or db.session.scalar(
        select(Compound.community_id).where(Compound.id == fund.compound_id))
    compounds = select(Compound.id).where(Compound.community_id == community_id)
    return list(db.session.scalars(select(Fund).where(
        Fund.id != fund.id,
        (Fund.community_id == community_id) | Fund.compound_id.in_(compounds))
        .order_by(Fund.year.desc(), Fund.id)))


def post_transfer(fund: Fund, actor, *, to_fund: Fund, amount_fen: int, entry_date: date,
                  counterparty: str = "", description: str = "",
                  proposal_id: int | None = None, vouchers: list[PreparedVoucher] = (),
                  now=None) -> tuple[LedgerEntry, LedgerEntry]:
    """Move money to another fund of the same community: transfer_out here and transfer_in
    there, posted together by this fund's keeper; the incoming line names the outgoing one."""
    now = now or utcnow()
    require_keeper(actor, fund)
    if to_fund is None or to_fund.id not in {f.id for f in transfer_targets(fund)}:
        raise ServiceError(_l("请选择转入的资金账户（本社区的其他账户）。"), field="to_fund")
    values = _fields(fund, "transfer_out", amount_fen=amount_fen, entry_date=entry_date,
                     category="transfer", counterparty=counterparty, description=description,
                     proposal_id=proposal_id, commitment_id=None, now=now)
    _check_date(to_fund, entry_date, now)
    out = _new_entry(fund, actor, now, counter_fund_id=to_fund.id, **values)
    incoming = _new_entry(to_fund, actor, now, **{
        **values, "kind": "transfer_in", "counter_fund_id": fund.id, "transfer_of_id": out.id,
        "proposal_id": values["proposal_id"]})
    rows = _vouchers(out, actor, vouchers)
    record(actor, audit_compound(fund), "fund.transfer", out,
           {**_entry_data(out), "to_fund_id": to_fund.id, "incoming_seq": incoming.seq},
           also=[incoming, *rows], actor_role=keeper_role(fund))
    return out, incoming


def _reversal_of(entry: LedgerEntry, actor, reason: str, entry_date: date, now) -> LedgerEntry:
    fund = db.session.get(Fund, entry.fund_id)
    with refused_if_taken(ALREADY_CORRECTED, field="reason"):
        return _new_entry(fund, actor, now, kind=entry.kind, amount_fen=entry.amount_fen,
                          entry_date=entry_date, category=entry.category,
                          counterparty=entry.counterparty, description=entry.description,
                          proposal_id=entry.proposal_id, commitment_id=entry.commitment_id,
                          counter_fund_id=entry.counter_fund_id, corrects_id=entry.id,
                          is_reversal=True, correction_reason=reason)


def correct_entry(entry: LedgerEntry, actor, *, reason: str, entry_date: date | None = None,
                  replacement: dict | None = None, vouchers: list[PreparedVoucher] = (),
                  now=None) -> tuple[LedgerEntry, LedgerEntry | None]:
    """Correct an entry: reverse it and, if `replacement` gives the right figures (amount_fen,
    category, counterparty, description, proposal_id, commitment_id), post them as a new line.
    Both are dated `entry_date` (default: today) and carry the reason. A transfer is corrected
    from the fund it left, by reversing both its lines (post a new transfer if needed). Once
    per entry: the database refuses a second correction."""
    now = now or utcnow()
    fund = db.session.get(Fund, entry.fund_id)
    require_keeper(actor, fund)
    reason = _text(reason, REASON_MAX, "reason", _l("理由请不超过 1000 字。"))
    if not reason:
        raise ServiceError(_l("请写明更正的理由。"), field="reason")
    if entry.is_reversal:
        raise ServiceError(_l("冲销记录不能再更正；如有需要，请记一笔新的账目。"), field="reason")
    if entry.kind == "transfer_in":
        raise ServiceError(_l("资金划转请在转出的账户里更正。"), field="reason")
    if entry.kind == "transfer_out" and replacement:
        raise ServiceError(_l("资金划转只能冲销；如需重新划转，请另行记账。"), field="reason")
    entry_date = _check_date(fund, entry_date or china_date(now), now)
    reversal = _reversal_of(entry, actor, reason, entry_date, now)
    also = []
    if entry.kind == "transfer_out":
        incoming = db.session.scalar(select(LedgerEntry).where(
            LedgerEntry.transfer_of_id == entry.id))
        _check_date(db.session.get(Fund, incoming.fund_id), entry_date, now)
        also.append(_reversal_of(incoming, actor, reason, entry_date, now))
    new = None
    if replacement:
        values = _fields(fund, entry.kind, entry_date=entry_date, now=now, **{
            "amount_fen": replacement.get("amount_fen", entry.amount_fen),
            "category": replacement.get("category", entry.category),
            "counterparty": replacement.get("counterparty", entry.counterparty),
            "description": replacement.get("description", entry.description),
            "proposal_id": replacement.get("proposal_id", entry.proposal_id),
            "commitment_id": replacement.get("commitment_id", entry.commitment_id)})
        with refused_if_taken(ALREADY_CORRECTED, field="reason"):
            new = _new_entry(fund, actor, now, corrects_id=entry.id, correction_reason=reason,
                             **values)
        also += [new, *_vouchers(new, actor, vouchers)]
    record(actor, audit_compound(fund), "fund.correct", reversal,
           {**_entry_data(reversal), "reason": reason,
            "replacement_seq": new.seq if new else None}, also=also,
           actor_role=keeper_role(fund))
    return reversal, new


def add_vouchers(entry: LedgerEntry, actor, vouchers: list[PreparedVoucher]) -> list:
    """Attach more vouchers to an entry (a voucher adds evidence; it changes no figure)."""
    fund = db.session.get(Fund, entry.fund_id)
    require_keeper(actor, fund)
    if not vouchers:
        raise ServiceError(_l("请选择要上传的凭证。"), field="vouchers")
    count = db.session.scalar(select(func.count()).select_from(FundVoucher).where(
        FundVoucher.entry_id == entry.id))
    with refused_if_taken(_l("凭证刚刚被别人更新，请刷新后重试。"), field="vouchers"):
        rows = _vouchers(entry, actor, vouchers, start=count + 1)
    record(actor, audit_compound(fund), "fund.vouchers", entry,
           {"fund_id": fund.id, "seq": entry.seq, "count": len(rows)}, also=rows,
           actor_role=keeper_role(fund))
    return rows
