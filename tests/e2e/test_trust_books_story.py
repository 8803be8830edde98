"""Trust-model property books (信托制物业) in a phone-sized Chromium (360 px), CSRF on, with and
without JavaScript: 1. the property manager finds the books from the compound home and posts an
expense with a scanned invoice; 2. an owner questions that line; 3. the manager answers it
publicly; 4. the committee marks another line disputed with its reason; 5. the owner sees the
budget against actual, the over-budget category and the disputed line flagged, and the
disputes page. Every page is axe-clean and does not scroll sideways."""
import io
from datetime import date

import pytest
from PIL import Image
from sqlalchemy import select

from app.core.time import china_date, utcnow
from app.extensions import db
from app.funds import services as fund_services
from app.funds.models import FundQuestion, FundVoucher, LedgerEntry
from app.trustbooks import budgets
from app.trustbooks.models import TrustDispute
from tests.e2e.harness import BrowserStory, click_and_wait
from tests.factories import grant, make_compound, make_resident, make_unit, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast(live_server):
    with live_server.app.app_context():
        compound = make_compound("锦华苑")
        manager, committee = make_user(name="物业李经理"), make_user(name="业委会主任")
        grant(manager, compound, "property")
        grant(committee, compound, "committee")
        owner = make_user(name="王阿姨")
        unit = make_unit(compound, building="4", room="301",
                         owners=[(owner.display_name, owner.mobile)])
        make_resident(owner, unit, "owner")
        db.session.commit()
        year = china_date(utcnow()).year
        fund = fund_services.create_fund(manager, source="property_fee", year=year,
                                         name=f"{year}年物业费（信托制）", compound=compound)
        draft = budgets.draft(fund, manager, {("income", "fee"): 120_000_000,
                                              ("expense", "cleaning"): 100_000,
                                              ("expense", "greening"): 5_400_000})
        budgets.approve(draft, committee, note="业主大会书面表决通过")
        fund_services.post_entry(fund, manager, kind="expense", amount_fen=450_000,
                                 entry_date=date(year, 1, 15), category="greening",
                                 counterparty="青城园林绿化")
        db.session.commit()
        return {"compound": compound.id, "fund": fund.id, "property": manager.id,
                "committee": committee.id, "owner": owner.id, "year": year}


def _invoice(tmp_path) -> str:
    path = tmp_path / "invoice.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (240, 240, 230)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _press(page, label):
    click_and_wait(page, page.get_by_role("button", name=label, exact=True))


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_trust_books_story(live_server, browser, browser_context_args, cast, js, tmp_path):
    story = BrowserStory(live_server, browser, browser_context_args, cast, section="trust",
                         shot_prefix=f"trust-books-{'js' if js else 'nojs'}")
    fund_url = f"{live_server.url}/funds/{cast['fund']}"
    books_url = f"{story.base}/{cast['fund']}/"
    today = china_date(utcnow()).isoformat()

    # 1. The manager finds the books from the compound's home and posts an expense.
    ctx, page = story.as_("property", js=js)
    page.goto(f"{live_server.url}/c/{cast['compound']}/")
    click_and_wait(page, page.get_by_role("link", name="物业账目公开"))
    story.look(page, "index")
    click_and_wait(page, page.get_by_role("link", name=f"{cast['year']}年物业费（信托制）"))
    story.look(page, "year-manager")
    click_and_wait(page, page.get_by_role("link", name="完整账本、凭证、月度财务公开和提问"))
    click_and_wait(page, page.get_by_role("link", name="记一笔账"))
    page.get_by_label("类型").select_option("expense")
    page.get_by_label("类别").select_option("cleaning")
    page.get_by_label("金额（元）").fill("1500")
    page.get_by_label("日期").fill(today)
    page.get_by_label("收付款方").fill("洁美保洁服务部")
    page.get_by_label("凭证（发票、合同扫描件或照片，最多 6 份）").set_input_files(
        _invoice(tmp_path))
    _press(page, "记账")
    story.look(page, "posted")
    ctx.close()
    with live_server.app.app_context():
        posted = db.session.scalar(select(LedgerEntry).where(
            LedgerEntry.category == "cleaning"))
        assert posted.amount_fen == 150_000
        assert db.session.scalar(select(FundVoucher.entry_id)) == posted.id
        seq = posted.seq

    # 2. An owner questions that line.
    ctx, page = story.as_("owner", js=js)
    page.goto(f"{fund_url}/entries/{seq}")
    page.get_by_label("你的问题（公开）").fill("保洁费这个月为什么多了？合同在哪里？")
    _press(page, "公开提问")
    story.look(page, "asked")
    ctx.close()

    # 3. The manager answers publicly.
    ctx, page = story.as_("property", js=js)
    page.goto(f"{fund_url}/entries/{seq}")
    page.get_by_label("答复（公开）").fill("增加了地下车库的深度保洁，合同和发票已上传。")
    _press(page, "公开答复")
    story.look(page, "answered")
    ctx.close()
    with live_server.app.app_context():
        assert db.session.scalar(select(FundQuestion.answer)).startswith("增加了")

    # 4. The committee marks another line (the greening one, #1) disputed.
    ctx, page = story.as_("committee", js=js)
    page.goto(f"{books_url}?month=1#month")
    story.look(page, "month-committee")
    page.locator("#line-1 summary").click()
    page.locator("#reason-1").fill("绿化养护面积与合同不符，请补充验收记录。")
    click_and_wait(page, page.locator("#line-1").get_by_role("button", name="标记为存疑"))
    story.look(page, "disputed")
    ctx.close()
    with live_server.app.app_context():
        assert db.session.scalar(select(TrustDispute.state)) == "open"

    # 5. The owner sees budget against actual, the over-budget category and the flag.
    ctx, page = story.as_("owner", js=js)
    page.goto(books_url)
    story.look(page, "year-owner")
    html = page.content()
    # 1,500 元 spent of a 1,000 元 cleaning budget
    cleaning = page.locator("table.compare tr", has_text="保洁").first
    assert cleaning.locator(".badge-stop").inner_text() == "超预算"
    assert "存疑 1 笔" in html
    page.goto(f"{fund_url}")
    assert "存疑" in page.content()
    page.goto(f"{books_url}disputes")
    story.look(page, "disputes-owner")
    assert "绿化养护面积与合同不符" in page.content()
    ctx.close()
