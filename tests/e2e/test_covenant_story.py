"""A 居民公约 revised in a phone-sized Chromium with CSRF on: the party cell starts version 2
from the one in force and edits it, a resident comments on an article, the draft goes to
review and staff approve it, the party cell drafts the consultation proposal; the residents'
vote runs through the proposal services; then the party cell adopts the version, staff file
and publish it, the covenant page shows the per-article diff, a household signs, a party
member commits, and the A4 print view is screenshotted. Every page is axe-clean at 360 px."""
import pytest
from sqlalchemy import select

from app.covenants.models import CovenantVersion
from app.extensions import db
from app.proposals.models import Proposal
from tests.covenants.helpers import CovenantWorld
from tests.e2e.harness import (
    BrowserStory,
    click_and_wait,
    login_browser,
    screenshot,
)

pytestmark = pytest.mark.e2e

REVISED = ("爱护公共设施，不在楼道和消防通道堆放杂物，电动自行车不进楼道。\n\n"
           "垃圾分类投放，不高空抛物。\n\n文明养犬，及时清理宠物粪便。\n\n"
           "关心小区公共事务，积极参加议事协商。")


@pytest.fixture
def world(live_server):
    with live_server.app.app_context():
        w = CovenantWorld()
        first = w.in_force()
        ids = {"compound": w.compound.id, "covenant": first.covenant_id, "party": w.party.id,
               "staff": w.staff.id, "owner": w.owners[0].id, "family": w.family.id,
               "member": w.member.id}
        db.session.commit()
        return ids


def _press(page, label):
    click_and_wait(page, page.get_by_role("button", name=label))


def test_revise_adopt_sign_and_print_a_covenant(live_server, browser, browser_context_args,
                                                world):
    story = BrowserStory(live_server, browser, browser_context_args, world, section="covenants",
                         shot_prefix="covenant")
    covenant_url = f"{story.base}/{world['covenant']}"

    ctx, page = story.as_("party")
    page.goto(story.base + "/")
    story.look(page, "index")
    page.goto(story.base + "/new")
    story.look(page, "new-form")
    page.goto(covenant_url)
    _press(page, "修订：开始新版本")
    assert "征集民意" in page.content()
    version_url = page.url.split("#")[0]
    page.get_by_text("修改条文").click()
    page.get_by_role("textbox", name="条文").fill(REVISED)
    _press(page, "保存条文")
    story.look(page, "draft-consultation")
    ctx.close()

    ctx, page = story.as_("owner")
    page.goto(version_url)
    click_and_wait(page, page.get_by_role("link", name="对第1条提意见"))
    page.get_by_role("textbox", name="意见").fill("同意，建议**写清楚**电动自行车的充电地点。")
    _press(page, "提交意见")
    assert "写清楚" in page.content()
    story.look(page, "commented")
    ctx.close()

    ctx, page = story.as_("party")
    page.goto(version_url)
    _press(page, "结束征集民意，拟定草案")
    _press(page, "提交街道审核")
    story.look(page, "in-review")
    ctx.close()

    ctx, page = story.as_("staff")
    page.goto(version_url)
    _press(page, "审核通过")
    story.look(page, "approved")
    ctx.close()

    ctx, page = story.as_("party")
    page.goto(version_url)
    story.look(page, "approved-party")
    _press(page, "起草议案：居民表决（居民会议）")
    assert "/proposals/" in page.url
    with live_server.app.app_context():
        version = db.session.scalar(select(CovenantVersion).where(
            CovenantVersion.covenant_id == world["covenant"], CovenantVersion.number == 2))
        assert version.state == "voting"
        w = CovenantWorld.__new__(CovenantWorld)
        w.__dict__.update(_people(world))
        w.walk_vote(db.session.get(Proposal, version.proposal_id))
    page.goto(version_url)
    story.look(page, "vote-passed")
    _press(page, "依表决结果通过生效")
    assert "已通过，待备案公布" in page.content()
    ctx.close()

    ctx, page = story.as_("staff")
    page.goto(version_url)
    page.get_by_label("备案编号（可选）").fill("玉林街道备〔2026〕7号")
    _press(page, "备案公布")
    assert page.url.startswith(covenant_url)
    assert "第2版现行有效" in page.content()
    assert "修改 1 条" in page.content() and "新增 1 条" in page.content()
    story.look(page, "published-diff")
    ctx.close()

    ctx, page = story.as_("owner")
    page.goto(covenant_url)
    _press(page, "我家承诺遵守本公约")
    assert "已签署 1 户 / 共 5 户" in page.content()
    story.look(page, "signed")
    ctx.close()

    ctx, page = story.as_("family")
    page.goto(covenant_url)
    assert "您家已于" in page.content()
    assert page.get_by_role("button", name="我家承诺遵守本公约").count() == 0
    ctx.close()

    ctx, page = story.as_("member")
    page.goto(covenant_url)
    page.get_by_role("textbox", name="我的承诺").fill("我是党员，带头不在楼道充电。")
    _press(page, "发表承诺")
    assert "带头不在楼道充电" in page.content()
    story.look(page, "committed")
    page.goto(covenant_url + "/print")
    story.look(page, "print-screen")
    ctx.close()

    # The sheet as printed: A4 width (210 mm at 96 dpi), print styles.
    ctx = browser.new_context(viewport={"width": 794, "height": 1123})
    login_browser(ctx, live_server, world["member"])
    page = ctx.new_page()
    page.goto(covenant_url + "/print")
    page.emulate_media(media="print")
    screenshot(page, "covenant-print-a4")
    assert page.locator("img.print-qr").is_visible()
    assert page.get_by_text("返回公约").is_hidden()
    ctx.close()

    ctx, page = story.as_("owner")
    page.goto(f"{story.base}/{world['covenant']}/versions/{_first_version_id(live_server, world)}")
    story.look(page, "superseded-version")
    ctx.close()


def _people(ids):
    from app.accounts.models import User
    from app.compounds.models import Compound, Residency
    compound = db.session.get(Compound, ids["compound"])
    owners = db.session.scalars(select(User).join(Residency, Residency.user_id == User.id).where(
        Residency.compound_id == compound.id, Residency.relation == "owner")
        .order_by(User.id)).all()
    tenant = db.session.scalar(select(User).join(Residency, Residency.user_id == User.id).where(
        Residency.compound_id == compound.id, Residency.relation == "tenant"))
    party = db.session.get(User, ids["party"])
    committee = db.session.scalar(select(User).where(User.display_name == "业委会主任"))
    deputy = db.session.scalar(select(User).where(User.display_name == "党支部委员"))
    return {"compound": compound, "party": party, "staff": db.session.get(User, ids["staff"]),
            "committee": committee, "party_deputy": deputy, "owners": list(owners),
            "family": db.session.get(User, ids["family"]), "tenant": tenant}


def _first_version_id(server, ids):
    with server.app.app_context():
        return db.session.scalar(select(CovenantVersion.id).where(
            CovenantVersion.covenant_id == ids["covenant"], CovenantVersion.number == 1))
