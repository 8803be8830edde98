"""A result in plain words: every figure against its threshold, for the result page, the
printable page and the spreadsheet. Comparisons are the tally's own exact ones; percentages
are for reading only (two decimals rounded half up, as people round by hand: 2/3 reads 66.67%;
never used to decide anything).

Text that takes user input (an option's label) is built with gettext, never lazy_gettext:
Flask-Babel's lazy strings declare themselves safe HTML (__html__) and would skip escaping."""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from flask_babel import gettext as _

from app.core.i18n import lazy_gettext as _l
from app.proposals.tally import HALF, QUORUM, THREE_QUARTERS, at_least, more_than

COUNCIL_RULE = _l("议事会、业委会决议：全体成员过半数参加表决，并经全体成员过半数同意"
                  "（本小区议事规则规定三分之二的，须三分之二以上同意）。")
COUNCIL_SOURCE = _l("依据：本小区议事规则；业委会会议参照《业主大会和业主委员会指导规则》"
                    "（作出决定须经全体委员半数以上同意）。")
CONSULTATION_RULE = _l("居民意见征集：每人一票，结果仅供参考，不具有表决效力。")
OWNERS_SOURCE = _l("依据：《民法典》第二百七十八条；《最高人民法院关于审理建筑物区分所有权纠纷案件"
                   "适用法律若干问题的解释》第八条、第九条（专有部分面积与业主人数的计算）；"
                   "《民法典》第一千二百五十九条（“以上”含本数，“过半数”不含本数）。")

REQUIREMENTS = {
    "quorum": (_l("三分之二以上（≥ 2/3）"), QUORUM, True),
    "1/2": (_l("过半数（> 1/2）"), HALF, False),
    "3/4": (_l("四分之三以上（≥ 3/4）"), THREE_QUARTERS, True),
    "2/3": (_l("三分之二以上（≥ 2/3）"), Fraction(2, 3), True),
    "council_quorum": (_l("过半数（> 1/2）"), HALF, False),
}


@dataclass
class Figure:
    label: object
    part: str
    whole: str
    percent: str
    requirement: object | None = None
    met: bool | None = None
    value: int = 0  # part and whole as integers (area in hundredths), for progress bars
    maximum: int = 0


def hundredths(text) -> int:
    """'89.50' → 8950 (zero allowed, unlike the tally's input parser)."""
    return int(Decimal(str(text)) * 100)


def percent(part: int, whole: int) -> str:
    if whole == 0:
        return "—"
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{value}%"


def _figure(label, part: int, whole: int, part_text: str, whole_text: str,
            rule: str | None = None) -> Figure:
    figure = Figure(label, part_text, whole_text, percent(part, whole), value=part,
                    maximum=whole)
    if rule:
        text, ratio, inclusive = REQUIREMENTS[rule]
        figure.requirement = text
        figure.met = (at_least if inclusive else more_than)(part, whole, ratio)
    return figure


def _m2(text: str) -> str:
    return f"{text} m²"


def quorum_figures(r: dict) -> list[Figure]:
    """Participation of an owners' decision (the result or the running turnout)."""
    pa, ta = hundredths(r["participating_area"]), hundredths(r["total_area"])
    po, to = r["participating_owners"], r["total_owners"]
    return [
        _figure(_l("参与表决的专有部分面积"), pa, ta, _m2(r["participating_area"]),
                _m2(r["total_area"]), "quorum"),
        _figure(_l("参与表决的业主人数"), po, to, str(po), str(to), "quorum"),
    ]


def agreement_figures(r: dict, choice: str = "yes", label=None) -> list[Figure]:
    """How many participants chose `choice`, against the matter's threshold."""
    label = label or _l("同意")
    pa, po = hundredths(r["participating_area"]), r["participating_owners"]
    area, owners = r.get(f"{choice}_area", "0.00"), r.get(f"{choice}_owners", 0)
    return [
        _figure(_("%(choice)s的专有部分面积（占参与表决面积）", choice=label), hundredths(area),
                pa, _m2(area), _m2(r["participating_area"]), r["threshold"]),
        _figure(_("%(choice)s的业主人数（占参与表决人数）", choice=label), owners, po,
                str(owners), str(po), r["threshold"]),
    ]


def other_figures(r: dict, choices) -> list[Figure]:
    """The remaining choices, for information."""
    pa, po = hundredths(r["participating_area"]), r["participating_owners"]
    figures = []
    for choice, label in choices:
        area, owners = r.get(f"{choice}_area", "0.00"), r.get(f"{choice}_owners", 0)
        figures.append(_figure(_("%(choice)s的专有部分面积", choice=label), hundredths(area), pa,
                               _m2(area), _m2(r["participating_area"])))
        figures.append(_figure(_("%(choice)s的业主人数", choice=label), owners, po, str(owners),
                               str(po)))
    return figures


def council_figures(r: dict) -> list[Figure]:
    total, part, yes = r["total_members"], r["participating"], r.get("yes_members", 0)
    figures = [
        _figure(_l("参加表决的成员（占全体成员）"), part, total, str(part), str(total),
                "council_quorum"),
        _figure(_l("同意的成员（占全体成员）"), yes, total, str(yes), str(total),
                "2/3" if r["threshold"] == "2/3" else "1/2"),
    ]
    for choice, label in (("no", _l("反对")), ("abstain", _l("弃权"))):
        n = r.get(f"{choice}_members", 0)
        figures.append(_figure(_("%(choice)s的成员", choice=label), n, total, str(n), str(total)))
    return figures


def consultation_figures(r: dict, choices) -> list[Figure]:
    part = r["participating"]
    figures = [_figure(_l("参加意见征集的居民"), part, r["total_voters"], str(part),
                       str(r["total_voters"]))]
    for choice, label in choices:
        n = r["counts"].get(choice, 0)
        figures.append(_figure(label, n, part, str(n), str(part)))
    return figures


def turnout_figures(kind: str, t: dict) -> list[Figure]:
    """Running turnout against the line it must reach (none for consultations)."""
    if kind == "owners":
        return quorum_figures({"participating_area": t["voted_area"],
                               "total_area": t["total_area"],
                               "participating_owners": t["voted"],
                               "total_owners": t["total_voters"]})
    if kind == "council":
        return [_figure(_l("参加表决的成员（占全体成员）"), t["voted"], t["total_voters"],
                        str(t["voted"]), str(t["total_voters"]), "council_quorum")]
    return [_figure(_l("已参加的居民"), t["voted"], t["total_voters"], str(t["voted"]),
                    str(t["total_voters"]))]


@dataclass
class Section:
    title: object
    figures: list[Figure]
    verdict: bool | None = None  # this group's own conclusion, when it has one


def _owners_sections(r: dict, items, has_options: bool) -> list[Section]:
    sections = [Section(_l("参与表决（法定要求：面积和人数均达到三分之二以上）"),
                        quorum_figures(r), r["quorum_met"])]
    requirement = REQUIREMENTS[r["threshold"]][0]
    if has_options:
        agree = [(c, label) for c, label in items if c != "abstain"]
        others = [(c, label) for c, label in items if c == "abstain"]
    else:
        agree, others = [("yes", _l("同意"))], [(c, label) for c, label in items if c != "yes"]
    for choice, label in agree:
        figures = agreement_figures(r, choice, label)
        title = (_("选项“%(label)s”（法定要求：%(req)s）", label=label, req=requirement)
                 if has_options else _("同意（法定要求：%(req)s）", req=requirement))
        sections.append(Section(title, figures, all(f.met for f in figures)))
    sections.append(Section(_l("其他选择"), other_figures(r, others)))
    return sections


def _candidate_title(r: dict, c: dict) -> str:
    name = r.get("names", {}).get(c["candidate"], c["candidate"])
    if c["elected"]:
        verdict = _("当选")
    elif c["candidate"] in r["runoff_candidates"]:
        verdict = _("与他人票数相同，须另行选举")
    elif c["passed_threshold"]:
        verdict = _("过半数但未当选") if r["quorum_met"] else _("过半数，但参与表决未达到法定要求")
    else:
        verdict = _("未过半数")
    return _("%(number)s号 %(name)s（%(verdict)s）", number=c["candidate"][1:], name=name,
             verdict=verdict)


def election_sections(r: dict) -> list[Section]:
    """Participation against the quorum, then every candidate against the threshold: their
    agreeing area and owners as shares of the participants' (过半数)."""
    sections = [Section(_l("参与表决（法定要求：面积和人数均达到三分之二以上）"),
                        quorum_figures(r), r["quorum_met"])]
    for c in r["candidates"]:
        figures = agreement_figures({**r, "yes_area": c["yes_area"],
                                     "yes_owners": c["yes_owners"]})
        sections.append(Section(_candidate_title(r, c), figures, c["passed_threshold"]))
    return sections


def election_outcome(r: dict) -> dict:
    names = r.get("names", {})
    return {"seats": r["seats"], "elected": [names.get(k, k) for k in r["elected"]],
            "vacant": r["vacant_seats"], "invalid": r["invalid_ballots"],
            "runoff": [names.get(k, k) for k in r["runoff_candidates"]]}


def explain(r: dict, items) -> dict:
    """The result page's content: sections of figures, the rule, its source, the verdict.
    `items`: (choice, label) of the ballot."""
    if r["kind"] == "election":
        return {"sections": election_sections(r), "rule": r.get("rule"),
                "source": OWNERS_SOURCE, "passed": r["passed"], "quorum_met": r["quorum_met"],
                "deemed": None, "election": election_outcome(r)}
    if r["kind"] == "owners":
        deemed, has_options = r.get("deemed"), "options" in r
        return {"sections": _owners_sections(r, items, has_options), "rule": r.get("rule"),
                "source": OWNERS_SOURCE, "passed": r["passed"], "quorum_met": r["quorum_met"],
                "deemed": _owners_sections(deemed, items, has_options) if deemed else None,
                "deemed_passed": deemed["passed"] if deemed else None,
                "deemed_choice": deemed.get("deemed_choice") if deemed else None}
    if r["kind"] == "council":
        figures = council_figures(r)
        return {"sections": [Section(_l("参加表决"), figures[:1], figures[0].met),
                             Section(_l("同意"), figures[1:2], figures[1].met),
                             Section(_l("其他选择"), figures[2:])],
                "rule": COUNCIL_RULE, "source": COUNCIL_SOURCE, "passed": r["passed"],
                "quorum_met": r["quorum_met"], "deemed": None}
    return {"sections": [Section(_l("意见统计"), consultation_figures(r, items))],
            "rule": CONSULTATION_RULE, "source": None, "passed": None, "quorum_met": None,
            "deemed": None}
