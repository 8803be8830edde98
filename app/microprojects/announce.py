"""The round's notices on the board (公告公示), written in the compound's language as the
board's other notices are, each linking back to the page it announces: the candidates
(候选公示, for the round's days), the result (结果公示) and a project's spending (资金使用公示,
a 财务公开 notice)."""
from datetime import datetime, timedelta

from app.core.time import utcnow
from app.funds.money import format_fen as yuan
from app.microprojects.lifecycle import compound_of, project_path, round_path
from app.notices import services as notices

# A step replayed long after it happened (the demo's history) is not news.
NEWS_WINDOW = timedelta(days=1)

REASONS = {"funded": "获得资助", "over_budget": "剩余预算不足，未获资助",
           "no_votes": "无人投票，未获资助", "owners_decision": "经业主共同决定获得资助"}


def _publish(actor, project_round, now: datetime, *, kind: str, title: str, body: str,
             ends_at: datetime | None = None):
    compound = compound_of(project_round)
    notice = notices.create_draft(actor, compound, kind=kind, title=title[:120], body=body,
                                  ends_at=ends_at if ends_at and ends_at > utcnow() else None)
    return notices.publish(actor, notice, now=now, announce=utcnow() - now < NEWS_WINDOW)


def candidates(actor, project_round, projects, now: datetime, until: datetime):
    lines = [f"- {p.title}（{p.location}，估算 {yuan(p.estimate)}）" for p in projects]
    vote = ("公示期满后由居民户投票（居民意见征集），议事会据此作出决议。"
            if project_round.route == "council" else
            "本轮使用业主共有资金，公示期满后提交业主共同决定（《民法典》第二百七十八条）。")
    body = (f"本轮预算上限 {yuan(project_round.budget_cap)}，候选项目如下：\n\n"
            + "\n".join(lines) + f"\n\n{vote}\n\n详情见[本轮页面]({round_path(project_round)})。")
    return _publish(actor, project_round, now, kind="general",
                    title=f"微项目候选公示：{project_round.title}", body=body, ends_at=until)


def result(actor, project_round, now: datetime):
    rows = project_round.result["rows"]
    lines = [f"- {r['title']}：{r['votes']} 户，估算 {yuan(r['cost'])}，"
             f"{REASONS.get(r['reason'], r['reason'])}" for r in rows]
    decided = (f"议事会决议：{project_round.decision_text}" if project_round.route == "council"
               else "业主共同决定已通过。")
    body = (f"预算上限 {yuan(project_round.budget_cap)}，资助合计 "
            f"{yuan(project_round.result['total_funded'])}。\n\n" + "\n".join(lines)
            + f"\n\n{decided}\n\n每个项目考虑时的剩余预算和原因见"
            f"[结果页]({round_path(project_round)}/result)。")
    return _publish(actor, project_round, now, kind="vote_result",
                    title=f"微项目结果公示：{project_round.title}", body=body)


def spending(actor, project_round, project, entries, spent: int, now: datetime):
    lines = [f"- {e.entry_date.isoformat()}：{e.counterparty or '—'}，"
             f"{'冲销 ' if e.is_reversal else ''}{yuan(e.amount_fen)}" for e in entries]
    body = (f"项目预算 {yuan(project.estimate)}，实际支出 {yuan(spent)}，"
            f"结余 {yuan(project.estimate - spent)}。\n\n" + ("\n".join(lines) or "（无支出）")
            + f"\n\n明细与凭证见[项目页]({project_path(project)}/spending)。")
    return _publish(actor, project_round, now, kind="accounts",
                    title=f"资金使用公示：{project.title}", body=body)
