"""A council meeting in a phone-sized Chromium with CSRF on: the party cell convenes it with
the notice period, the recorder takes attendance (the quorum shows), drafts the minutes over
two saves and submits them, everyone present confirms, the convener publishes (the audit head
hash is stamped), the recorder corrects with a reason, and anyone reads the diff and the print
view. Every page is axe-clean and fits 360 px; `flask audit verify` passes after the story
and fails once a revision's text is edited in the database."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, text

from app.core.time import CHINA, utcnow
from app.extensions import db
from app.meetings.models import Meeting, MinutesRevision
from app.meetings.rules import earliest_start
from tests.e2e.harness import (
    SCREENSHOTS,
    BrowserStory,
    click_and_wait,
    screenshot,
)
from tests.factories import grant, make_compound, make_resident, make_unit, make_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def cast_of(live_server):
    with live_server.app.app_context():
        compound = make_compound("锦华苑")
        people = {"party": make_user(name="周书记"), "property": make_user(name="物业李经理")}
        grant(people["party"], compound, "party_cell")
        grant(people["property"], compound, "property")
        for i, name in enumerate(["王建国", "刘桂兰", "陈志强"]):
            user = make_user(name=name)
            grant(user, compound, "council")
            make_resident(user, make_unit(compound, building="3", room=f"{801 + i}"), "owner")
            people[f"council{i}"] = user
        db.session.commit()
        return {"compound": compound.id, **{k: u.id for k, u in people.items()}}


def _fill_item(page, index, discussion, decision="", responsible="", due=""):
    page.locator(f"#items-{index}-discussion").fill(discussion)
    page.locator(f"#items-{index}-decision").fill(decision)
    page.locator(f"#items-{index}-responsible").fill(responsible)
    if due:
        page.locator(f"#items-{index}-due").fill(due)


def test_meeting_from_notice_to_corrected_minutes(live_server, browser, browser_context_args,
                                                  cast_of):
    story = BrowserStory(live_server, browser, browser_context_args, cast_of, section="meetings",
                         shot_prefix="meetings")
    ctx, page = story.as_("party")
    page.goto(f"{live_server.url}/c/{cast_of['compound']}/")
    story.look(page, "overview-empty")
    page.goto(story.base + "/")
    story.look(page, "index-empty")
    click_and_wait(page, page.get_by_role("link", name="召集会议"))
    page.get_by_label("议事会会议").check()
    page.get_by_label("会议名称").fill("2026年第四次议事会会议")
    too_soon = utcnow() + timedelta(days=1)
    page.get_by_label("会议时间（北京时间）").fill(too_soon.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("会议地点").fill("党群服务站二楼会议室")
    page.get_by_label("会议记录人").select_option(label="王建国")
    page.get_by_label("其他议程（每行一项）").fill("南门充电桩选址\n通报路灯维修情况")
    page.get_by_label("物业李经理").check()
    story.look(page, "convene-form")
    click_and_wait(page, page.get_by_role("button", name="发布会议通知"))
    assert "提前 3 日" in page.content()  # refused: the notice period has not run
    story.look(page, "convene-too-soon")
    starts = earliest_start(utcnow(), 3) + timedelta(hours=19)
    page.get_by_label("会议时间（北京时间）").fill(starts.astimezone(CHINA).strftime("%Y-%m-%dT%H:%M"))
    click_and_wait(page, page.get_by_role("button", name="发布会议通知"))
    assert "会议通知已发布" in page.content()
    meeting_url = page.url
    # The notice it really had, in days and hours, not the rule's "3 日".
    assert re.search(r"提前 \d+ 天( \d+ 小时)?通知", page.content())
    story.look(page, "meeting-notice")
    page.locator("summary", has_text="会议改期").click()
    page.locator("summary", has_text="取消会议").click()
    story.look(page, "meeting-change-forms")
    ctx.close()

    story.advance_clock_to(starts)
    ctx, page = story.as_("council0")
    page.goto(meeting_url)
    for who, status in (("王建国", "出席"), ("刘桂兰", "出席"), ("陈志强", "请假"),
                        ("周书记", "出席"), ("物业李经理", "出席")):
        page.locator("fieldset.attendance-row", has_text=who).get_by_label(status).check()
    click_and_wait(page, page.get_by_role("button", name="保存出席情况"))
    assert "已达到法定人数" in page.content()
    story.look(page, "attendance")
    item = page.locator("ol.agenda > li").first
    item.locator("summary", has_text="记录会议决定").click()
    item.get_by_label("会议的决定（必填）").fill("在南门停车区设置充电桩")
    click_and_wait(page, item.get_by_role("button", name="保存会议决定"))
    assert "会议决定已记录" in page.content() and "会议决定：决定" in page.content()
    story.look(page, "decision")

    click_and_wait(page, page.get_by_role("link", name="起草纪要"))
    _fill_item(page, 0, "与会成员同意在南门停车区设置充电桩。", "安装6个充电桩", "物业",
               "2027-01-31")
    _fill_item(page, 1, "路灯已于上周修复。")
    story.look(page, "minutes-edit")
    click_and_wait(page, page.get_by_role("button", name="保存纪要"))
    click_and_wait(page, page.get_by_role("link", name="修改纪要"))
    page.locator("#items-0-decision").fill("安装8个充电桩，费用由公共收益列支")
    click_and_wait(page, page.get_by_role("button", name="保存纪要"))
    assert "第 2 稿" in page.content()
    story.look(page, "minutes-draft-2")
    click_and_wait(page, page.get_by_role("button", name="定稿，提交出席人确认"))
    story.look(page, "minutes-confirming")
    click_and_wait(page, page.get_by_role("button", name="确认纪要（签字）"))
    ctx.close()

    ctx, page = story.as_("council2")  # excused: may read, may not confirm
    page.goto(meeting_url + "/minutes")
    assert page.get_by_role("button", name="确认纪要（签字）").count() == 0
    ctx.close()
    for who in ("council1", "property", "party"):
        ctx, page = story.as_(who)
        page.goto(meeting_url + "/minutes")
        click_and_wait(page, page.get_by_role("button", name="确认纪要（签字）"))
        assert "您已确认这份纪要" in page.content()
        if who != "party":
            ctx.close()
    click_and_wait(page, page.get_by_role("button", name="公开纪要"))
    assert "纪要已公开" in page.content()
    head = page.locator("#audit-head").text_content()
    assert len(head) == 64
    story.look(page, "minutes-published")
    ctx.close()

    ctx, page = story.as_("council0")
    page.goto(meeting_url + "/minutes")
    click_and_wait(page, page.get_by_role("link", name="更正纪要"))
    page.locator("#items-0-decision").fill("安装10个充电桩，费用由公共收益列支")
    click_and_wait(page, page.get_by_role("button", name="发布更正"))
    assert "更正须写明理由" in page.content()  # the reason is mandatory; what was typed stays
    assert page.locator("#items-0-decision").input_value().startswith("安装10个")
    story.look(page, "correct-no-reason")
    page.get_by_label("更正理由（必填）").fill("记录有误：会上决定的是10个")
    click_and_wait(page, page.get_by_role("button", name="发布更正"))
    assert "本纪要公开后有更正" in page.content()
    story.look(page, "minutes-corrected")
    click_and_wait(page, page.get_by_role("link", name="查看与公开稿的差异"))
    assert page.locator("del").first.text_content() == "删除：8"
    assert page.locator("ins").first.text_content() == "新增：10"
    story.look(page, "diff")
    page.get_by_label("原稿").select_option(label="第 1 稿")
    click_and_wait(page, page.get_by_role("button", name="查看差异"))
    story.look(page, "diff-1-3")
    page.goto(meeting_url + "/minutes/print")
    story.look(page, "print-screen")
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.emulate_media(media="print")
    screenshot(page, "meetings-print-a4")
    page.pdf(path=str(SCREENSHOTS / "meetings-print-a4.pdf"), format="A4")
    ctx.close()

    ctx, page = story.as_("council1")
    page.goto(f"{live_server.url}/c/{cast_of['compound']}/")
    assert "安装10个充电桩" in page.content() or "安装8个充电桩" in page.content()
    story.look(page, "overview-tasks")
    page.goto(story.base + "/tasks")
    story.look(page, "tasks")
    page.goto(story.base + "/")
    story.look(page, "index")
    ctx.close()

    runner = live_server.app.test_cli_runner()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with live_server.app.app_context():
        meeting = db.session.scalars(select(Meeting)).one()
        revision_id = db.session.scalar(select(MinutesRevision.id).order_by(
            MinutesRevision.number.desc()).limit(1))
        assert meeting.title == "2026年第四次议事会会议"
        db.session.execute(text("DROP TRIGGER meeting_minutes_revisions_no_update"))
        db.session.execute(text("UPDATE meeting_minutes_revisions SET source = '不装充电桩' "
                                "WHERE id = :id"), {"id": revision_id})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert "meeting_minutes_revisions" in result.output
