"""The trust-model books pages: who reads and who acts, forms without JavaScript, the budget
against actual shown, disputes flagged, the annual account and its exports."""
import io
from datetime import date, datetime, timezone

from openpyxl import load_workbook
from sqlalchemy import select

from app.core.time import utcnow
from app.extensions import db
from app.trustbooks import accounts, disputes
from app.trustbooks.models import TrustBudget, TrustDispute
from tests.funds.helpers import YEAR
from tests.trustbooks.helpers import TrustWorld


def _url(w, rest=""):
    return f"/c/{w.compound.id}/trust/{w.fund.id}/{rest}"


def test_owners_and_tenants_read_other_compounds_get_403(app, client, login_as):
    w = TrustWorld()
    w.spend(70_000_000, "staff")  # over the 60万 budget
    for who in (w.owners[0], w.tenant, w.property, w.committee):
        login_as(who)
        assert client.get(f"/c/{w.compound.id}/trust/").status_code == 200
        page = client.get(_url(w, "?month=1"))
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "超预算" in html and "¥700,000.00" in html and "116.67%" in html
    login_as(w.outsider)
    assert client.get(f"/c/{w.compound.id}/trust/").status_code == 403
    assert client.get(_url(w)).status_code == 403
    assert client.get(_url(w, "budget")).status_code == 403
    other_fund = f"/c/{w.compound.id}/trust/{w.income_fund.id}/"
    login_as(w.owners[0])
    assert client.get(other_fund).status_code == 404  # not a 物业费 fund


def test_the_committee_marks_and_clears_a_dispute_without_javascript(app, client, login_as):
    w = TrustWorld()
    entry = w.spend(3_000_000, "cleaning")
    login_as(w.owners[0])
    assert client.post(_url(w, f"entries/{entry.seq}/dispute"),
                       data={"reason": "太贵"}).status_code == 403
    login_as(w.committee)
    page = client.post(_url(w, f"entries/{entry.seq}/dispute"), data={"reason": "合同只有50万"},
                       follow_redirects=True)
    assert page.status_code == 200 and "合同只有50万" in page.get_data(as_text=True)
    dispute = db.session.scalar(select(TrustDispute))
    assert dispute.state == "open"
    listing = client.get(_url(w, "disputes")).get_data(as_text=True)
    assert "存疑理由：合同只有50万" in listing
    assert "存疑账目" in client.get(_url(w)).get_data(as_text=True)
    client.post(_url(w, f"disputes/{dispute.id}/clear"), data={"reason": ""})
    db.session.refresh(dispute)
    assert dispute.state == "open"  # a reason is required: nothing changed
    client.post(_url(w, f"disputes/{dispute.id}/clear"), data={"reason": "已补验收单"})
    db.session.refresh(dispute)
    assert dispute.state == "cleared"


def test_the_budget_form_keeps_input_and_refuses_bad_amounts(app, client, login_as):
    w = TrustWorld(approved=False)
    login_as(w.tenant)
    assert client.post(_url(w, "budget"), data={"expense_staff": "100"}).status_code == 403
    login_as(w.property)
    bad = client.post(_url(w, "budget"), data={"expense_staff": "12.345",
                                               "expense_cleaning": "800"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "小数点后两位" in html and 'value="800"' in html
    assert db.session.scalar(select(TrustBudget)) is None
    ok = client.post(_url(w, "budget"), data={"expense_staff": "600000",
                                              "income_fee": "1,200,000.00"})
    assert ok.status_code == 302
    budget = db.session.scalar(select(TrustBudget))
    assert {(line.direction, line.category): line.amount_fen for line in budget.lines} == {
        ("expense", "staff"): 60_000_000, ("income", "fee"): 120_000_000}
    assert client.post(_url(w, f"budget/{budget.id}/approve"),
                       data={"note": "业主大会"}).status_code == 403
    login_as(w.committee)
    client.post(_url(w, f"budget/{budget.id}/approve"), data={"note": "业主大会书面表决"})
    db.session.refresh(budget)
    assert budget.state == "approved"
    assert "已批准（现行）" in client.get(_url(w, "budget")).get_data(as_text=True)


def test_the_annual_account_page_exports_and_is_cited(app, client, login_as):
    w = TrustWorld()
    w.spend(1_000_000, counterparty="=HYPERLINK(\"http://x\")")
    entry = w.spend(500_000, "cleaning")
    disputes.mark(w.fund, entry, w.committee, "=1+1 没有验收单")
    account = accounts.publish(w.fund, w.committee,
                               now=datetime(YEAR + 1, 1, 3, tzinfo=timezone.utc))
    db.session.commit()
    login_as(w.tenant)
    page = client.get(f"/c/{w.compound.id}/trust/accounts/{account.id}")
    assert page.status_code == 200 and account.digest in page.get_data(as_text=True)
    sheet = client.get(f"/c/{w.compound.id}/trust/accounts/{account.id}.xlsx")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.data))
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert "¥15,000.00" in client.get(
        f"/c/{w.compound.id}/trust/accounts/{account.id}/print").get_data(as_text=True)
    login_as(w.outsider)
    assert client.get(f"/c/{w.compound.id}/trust/accounts/{account.id}").status_code == 403


def test_publishing_the_account_from_the_page(app, client, login_as):
    w = TrustWorld()
    login_as(w.committee)
    page = client.get(_url(w)).get_data(as_text=True)
    over = utcnow().year > YEAR
    assert (f"发布{YEAR}年度账目" in page) == over
    response = client.post(_url(w, "account"))
    assert response.status_code == 302
    assert (accounts.account_of(w.fund.id) is not None) == over
    assert date(YEAR, 1, 1)  # the fund's year


def test_a_disputed_line_is_flagged_on_the_funds_pages(app, client, login_as):
    w = TrustWorld()
    calm, doubted = w.spend(100_000, "staff"), w.spend(200_000, "cleaning")
    disputes.mark(w.fund, doubted, w.committee, "没有验收单")
    db.session.commit()
    login_as(w.owners[0])
    ledger = client.get(f"/funds/{w.fund.id}").get_data(as_text=True)
    assert ledger.count('<span class="badge badge-important">存疑</span>') == 2  # line + count
    assert "存疑账目 1 笔" in ledger
    entry = client.get(f"/funds/{w.fund.id}/entries/{doubted.seq}").get_data(as_text=True)
    assert "业委会存疑：没有验收单" in entry and 'name="reason"' not in entry  # owners don't mark
    calm_page = client.get(f"/funds/{w.fund.id}/entries/{calm.seq}").get_data(as_text=True)
    assert "业委会没有对这笔账目存疑" in calm_page
    login_as(w.committee)
    assert 'id="dispute-reason"' in client.get(
        f"/funds/{w.fund.id}/entries/{calm.seq}").get_data(as_text=True)
    other = client.get(f"/funds/{w.income_fund.id}").get_data(as_text=True)
    assert "存疑" not in other  # 公共收益 has no trust books
