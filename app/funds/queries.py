"""What the fund pages read: the funds of a compound or community, a page of a ledger, an
entry with its vouchers and corrections, and the open commitments a keeper may spend."""
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.compounds.models import Compound
from app.extensions import db
from app.funds.models import Fund, FundVoucher, LedgerEntry

PAGE_SIZE = 30


def funds_of_compound(compound: Compound) -> tuple[list[Fund], list[Fund]]:
    """(the compound's own funds, its community's funds), newest year first."""
    rows = db.session.scalars(select(Fund).where(
        (Fund.compound_id == compound.id) | (Fund.community_id == compound.community_id))
        .order_by(Fund.year.desc(), Fund.source, Fund.id)).all()
    return ([f for f in rows if f.compound_id is not None],
            [f for f in rows if f.community_id is not None])


def funds_of_community(community_id: int) -> tuple[list[Fund], list[tuple[Fund, str]]]:
    """(the community's funds, [(a compound's fund, the compound's name)])."""
    own = db.session.scalars(select(Fund).where(Fund.community_id == community_id)
                             .order_by(Fund.year.desc(), Fund.source, Fund.id)).all()
    theirs = db.session.execute(
        select(Fund, Compound.name).join(Compound, Compound.id == Fund.compound_id)
        .where(Compound.community_id == community_id)
        .order_by(Compound.name, Fund.year.desc(), Fund.source)).all()
    return list(own), [(f, name) for f, name in theirs]


def ledger_page(fund: Fund, page: int) -> tuple[list[LedgerEntry], int]:
    """Newest first, PAGE_SIZE a page; and how many entries there are."""
    total = db.session.scalar(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.fund_id == fund.id))
    entries = db.session.scalars(
        select(LedgerEntry).where(LedgerEntry.fund_id == fund.id)
        .order_by(LedgerEntry.seq.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return list(entries), total


def corrected_ids(fund: Fund) -> set[int]:
    """Ids of the fund's entries that a later entry corrects."""
    return set(db.session.scalars(select(LedgerEntry.corrects_id).where(
        LedgerEntry.fund_id == fund.id, LedgerEntry.corrects_id.is_not(None))))


def entry_detail(fund: Fund, seq: int) -> LedgerEntry | None:
    return db.session.scalar(
        select(LedgerEntry).where(LedgerEntry.fund_id == fund.id, LedgerEntry.seq == seq)
        .options(selectinload(LedgerEntry.vouchers), joinedload(LedgerEntry.posted_by),
                 joinedload(LedgerEntry.counter_fund)))


def related_entries(entry: LedgerEntry) -> dict:
    """The entries this one points at or is pointed at by: what it corrects, what corrects
    it, the commitment it spends, the other side of a transfer."""
    ids = {i for i in (entry.corrects_id, entry.commitment_id, entry.transfer_of_id) if i}
    rows = db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.id.in_(ids) | (LedgerEntry.corrects_id == entry.id)
        | (LedgerEntry.transfer_of_id == entry.id)
        | (LedgerEntry.commitment_id == entry.id)).order_by(LedgerEntry.id)).all()
    by_id = {r.id: r for r in rows}
    return {
        "corrects": by_id.get(entry.corrects_id),
        "corrected_by": [r for r in rows if r.corrects_id == entry.id],
        "commitment": by_id.get(entry.commitment_id),
        "spent_by": [r for r in rows if r.commitment_id == entry.id],
        "transfer_twin": by_id.get(entry.transfer_of_id) or next(
            (r for r in rows if r.transfer_of_id == entry.id), None),
    }


def open_commitments(fund: Fund) -> list[LedgerEntry]:
    """The fund's commitments not reversed: what an expense may name."""
    reversed_ids = select(LedgerEntry.corrects_id).where(
        LedgerEntry.fund_id == fund.id, LedgerEntry.is_reversal,
        LedgerEntry.corrects_id.is_not(None))
    return list(db.session.scalars(select(LedgerEntry).where(
        LedgerEntry.fund_id == fund.id, LedgerEntry.kind == "commitment",
        LedgerEntry.is_reversal.is_(False), LedgerEntry.id.not_in(reversed_ids))
        .order_by(LedgerEntry.seq)))


def voucher_of(entry: LedgerEntry, voucher_id: int) -> FundVoucher | None:
    voucher = db.session.get(FundVoucher, voucher_id)
    return voucher if voucher is not None and voucher.entry_id == entry.id else None
