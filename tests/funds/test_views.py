"""The fund pages through HTTP: who sees what (other compounds' people get 403), the keeper's
forms (typed yuan, vouchers with EXIF removed, corrections), questions and answers, statements,
exports and the recompute command; links from the compound's home and the community's desk."""
import io
import json
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.funds import questions, statements
from app.funds.models import FundQuestion, FundVoucher, LedgerEntry
from tests.funds.helpers import YEAR, FundWorld


def _jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def world(app):
    return FundWorld()


def test_people_of_another_compound_get_403(world, client, login_as):
    w = world
    w.post(kind="income", amount_fen=10_000)
    login_as(w.outsider)
    fund_id = w.income_fund.id
    for url in (f"/funds/{fund_id}", f"/funds/{fund_id}/entries/1", f"/c/{w.compound.id}/funds",
                f"/funds/{fund_id}/ledger.json", f"/funds/{fund_id}/ledger.xlsx",
                f"/funds/{fund_id}/print", f"/community/{w.community.id}/funds"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/funds/{fund_id}/questions", data={"body": "?"}).status_code == 403


def test_tenants_read_compound_money_but_only_owners_ask(world, client, login_as):
    w = world
    login_as(w.tenant)
    page = client.get(f"/funds/{w.income_fund.id}")
    assert page.status_code == 200 and "公开提问" not in page.text
    assert client.post(f"/funds/{w.income_fund.id}/questions",
                       data={"body": "为什么？"}).status_code == 403
    login_as(w.owners[1])
    assert "公开提问" in client.get(f"/funds/{w.income_fund.id}").text


def test_the_keeper_posts_typed_yuan_with_a_cleaned_photo_voucher(world, client, login_as):
    w = world
    login_as(w.committee)
    url = f"/funds/{w.income_fund.id}/post"
    assert client.get(url).status_code == 200
    refused = client.post(url, data={"kind": "income", "amount": "12.345", "category": "parking",
                                     "entry_date": f"{YEAR}-01-05"})
    assert refused.status_code == 400 and "小数点后两位" in refused.text
    assert db.session.scalar(select(LedgerEntry.id)) is None
    done = client.post(url, data={
        "kind": "income", "amount": "1,234.5", "category": "parking",
        "entry_date": f"{YEAR}-01-05", "counterparty": "停车公司", "commitment": "0",
        "to_fund": "0", "vouchers": [(io.BytesIO(_jpeg_with_exif()), "invoice.jpg"),
                                     (io.BytesIO(b"%PDF-1.4 contract"), "contract.pdf")]},
        content_type="multipart/form-data")
    assert done.status_code == 302
    entry = db.session.scalar(select(LedgerEntry))
    assert entry.amount_fen == 123_450
    vouchers = db.session.scalars(select(FundVoucher).order_by(FundVoucher.position)).all()
    assert [v.kind for v in vouchers] == ["image", "pdf"]
    photo = client.get(f"/funds/{w.income_fund.id}/entries/1/vouchers/{vouchers[0].id}")
    assert photo.status_code == 200
    assert not Image.open(io.BytesIO(photo.data)).getexif()
    page = client.get(f"/funds/{w.income_fund.id}")
    assert "¥1,234.50" in page.text


def test_others_cannot_post_or_publish(world, client, login_as):
    w = world
    login_as(w.property)  # 公共收益 is the committee's
    assert client.get(f"/funds/{w.income_fund.id}/post").status_code == 403
    assert client.post(f"/funds/{w.income_fund.id}/post", data={}).status_code == 403
    assert client.post(f"/funds/{w.income_fund.id}/statements",
                       data={"month": f"{YEAR}-1"}).status_code == 403


def test_correcting_through_the_page_keeps_the_original(world, client, login_as):
    w = world
    w.post(kind="expense", amount_fen=100_000, category="repair")
    login_as(w.committee)
    url = f"/funds/{w.income_fund.id}/entries/1/correct"
    assert client.post(url, data={"reason": ""}).status_code == 400
    done = client.post(url, data={"reason": "发票是 100 元", "amount": "100",
                                  "entry_date": f"{YEAR}-01-06"})
    assert done.status_code == 302
    rows = db.session.execute(select(LedgerEntry.seq, LedgerEntry.amount_fen,
                                     LedgerEntry.is_reversal).order_by(LedgerEntry.seq)).all()
    assert rows == [(1, 100_000, False), (2, 100_000, True), (3, 10_000, False)]
    page = client.get(f"/funds/{w.income_fund.id}/entries/1")
    assert "已被更正" in page.text and "发票是 100 元" in page.text


def test_ask_answer_and_the_stale_question_on_home_desk_and_todo(world, client, login_as):
    w = world
    entry = w.post(kind="income", amount_fen=10_000)
    login_as(w.owners[0])
    assert client.post(f"/funds/{w.income_fund.id}/questions",
                       data={"body": "这笔是哪个月的？", "entry_seq": "1"}).status_code == 302
    old = questions.ask(w.income_fund, w.owners[1], "去年的余额呢？",
                        now=db.session.get(LedgerEntry, entry.id).posted_at - timedelta(days=8))
    db.session.commit()
    home = client.get(f"/c/{w.compound.id}/")
    assert "待回复的账目提问" in home.text and "资金公开" in home.text
    login_as(w.committee)
    todo = client.get(f"/c/{w.compound.id}/").text
    assert "答复账目提问" in todo
    assert client.post(f"/funds/{w.income_fund.id}/questions/{old.id}/answer",
                       data={"answer": "见 1 月账目。"}).status_code == 302
    again = client.post(f"/funds/{w.income_fund.id}/questions/{old.id}/answer",
                        data={"answer": "再答一次"})
    assert again.status_code == 302
    assert db.session.get(FundQuestion, old.id).answer == "见 1 月账目。"
    login_as(w.staff)
    desk = client.get(f"/community/{w.community.id}/")
    assert "资金公开" in desk.text and "待回复的账目提问" not in desk.text


def test_publishing_a_statement_puts_a_notice_and_freezes_the_month(world, client, login_as):
    w = world
    w.post(kind="income", amount_fen=50_000, day=date(YEAR, 1, 5))
    login_as(w.committee)
    done = client.post(f"/funds/{w.income_fund.id}/statements", data={"month": f"{YEAR}-1"})
    assert done.status_code == 302
    page = client.get(done.headers["Location"])
    assert page.status_code == 200 and "¥500.00" in page.text
    statement = statements.get_statement(w.income_fund, YEAR, 1)
    assert statement.digest in page.text
    [(compound_id, notice_id)] = statements.notices_of(statement)
    notice = client.get(f"/c/{compound_id}/notices/{notice_id}")
    assert "财务公开" in notice.text and statement.digest in notice.text
    late = client.post(f"/funds/{w.income_fund.id}/post", data={
        "kind": "income", "amount": "1", "category": "parking", "entry_date": f"{YEAR}-01-20",
        "commitment": "0", "to_fund": "0"})
    assert late.status_code == 400 and "已经公开" in late.text
    for suffix in ("/print", ".xlsx"):
        assert client.get(f"/funds/{w.income_fund.id}/statements/{YEAR}/1{suffix}"
                          ).status_code == 200


def test_exports_and_the_recompute_command(world, client, login_as, tmp_path):
    w = world
    w.post(kind="income", amount_fen=50_000)
    w.post(kind="expense", amount_fen=12_345, category="repair", counterparty="=HYPERLINK(1)")
    login_as(w.owners[0])
    book = load_workbook(io.BytesIO(client.get(f"/funds/{w.income_fund.id}/ledger.xlsx").data))
    cells = [c.value for row in book["账目"].iter_rows() for c in row]
    assert "=HYPERLINK(1)" in cells and "123.45" in cells
    assert all(c.data_type != "f" for row in book["账目"].iter_rows() for c in row)
    export = client.get(f"/funds/{w.income_fund.id}/ledger.json").get_json()
    assert export["balances"]["balance_fen"] == 37_655
    path = tmp_path / "ledger.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    runner = client.application.test_cli_runner()
    ok = runner.invoke(args=["funds", "recompute", str(path)])
    assert ok.exit_code == 0 and "OK" in ok.output
    export["balances"]["balance_fen"] += 1
    path.write_text(json.dumps(export), encoding="utf-8")
    bad = runner.invoke(args=["funds", "recompute", str(path)])
    assert bad.exit_code == 2 and "MISMATCH" in bad.output
    assert client.get(f"/funds/{w.income_fund.id}/print").status_code == 200


def test_the_community_fund_pages(world, client, login_as):
    w = world
    login_as(w.staff)
    page = client.get(f"/community/{w.community.id}/funds")
    assert page.status_code == 200
    assert "2026年社区保障资金" in page.text and "设立新的资金账户" in page.text
    created = client.post(f"/community/{w.community.id}/funds", data={
        "source": "community_fund", "year": str(YEAR), "name": "社区基金", "budget": "1000"})
    assert created.status_code == 302
    login_as(w.tenant)  # a resident of the community
    assert client.get(f"/funds/{w.security_fund.id}").status_code == 200
    assert client.get(f"/c/{w.compound.id}/funds").status_code == 200
