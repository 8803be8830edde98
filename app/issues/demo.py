"""Demo issues for 锦华苑: about 30 across categories and statuses, with comments, seconds, an
official reply, one hidden comment and one issue a single second short of the threshold.
Everything goes through the services (the hidden comment is reported and hidden through
the moderation services)."""
from datetime import timedelta

from sqlalchemy import select

from app.accounts.models import User
from app.accounts.services import register_user
from app.compounds import claims
from app.compounds.access import forget_roles
from app.compounds.demo import ACCOUNTS, DEMO_PASSWORD
from app.compounds.models import Compound, InviteCode, Residency, Unit
from app.core.time import utcnow
from app.extensions import db
from app.issues import comments, services
from app.issues.models import Issue
from app.moderation.demo import seed_moderation

NEIGHBOURS = 14

ISSUES = [
    ("3栋门口路灯坏了一周", "公共设施", "晚上回家很黑，老人出门不方便。"),
    ("地下车库入口积水", "停车交通", "下雨后 B1 入口积水有十厘米深。"),
    ("楼道堆放杂物占用消防通道", "安全隐患", "5栋2单元楼道里堆了旧家具和纸箱。"),
    ("垃圾分类桶经常满溢", "环境卫生", "北门垃圾站每天下午就满了，希望增加清运次数。"),
    ("电梯经常停运", "物业服务", "2栋1单元电梯本月已停了三次。"),
    ("广场舞音量太大", "邻里关系", "晚上九点后音乐声音仍然很大，影响休息。"),
    ("增设电动自行车充电桩", "公共设施", "很多人在楼道充电，有火灾隐患。"),
    ("小区东门人车不分流", "停车交通", "早高峰孩子上学很危险。"),
    ("绿化带被改成菜地", "环境卫生", "中心花园一角被个人种菜。"),
    ("物业费公示不清楚", "物业服务", "希望公开去年公共收益的收支明细。"),
    ("儿童游乐设施损坏", "公共设施", "滑梯有裂缝，孩子容易划伤。"),
    ("高空抛物", "安全隐患", "4栋下面经常有烟头和果皮掉下来。"),
    ("宠物粪便无人清理", "环境卫生", "草坪上经常有狗粪。"),
    ("外来车辆随意停放", "停车交通", "访客车辆占了消防通道。"),
    ("单元门禁失灵", "安全隐患", "3栋2单元门禁坏了，陌生人随意进出。"),
    ("装修噪音超时", "邻里关系", "周末早上七点就开始电钻。"),
    ("水压不足", "物业服务", "高层早晚用水高峰时几乎没水。"),
    ("休闲座椅不够", "公共设施", "老人散步没有地方休息。"),
    ("快递柜太少", "公共设施", "快递经常堆在门卫室。"),
    ("雨棚漏水", "公共设施", "1栋入口雨棚漏水。"),
    ("下水道返味", "环境卫生", "6栋一楼下水道有异味。"),
    ("夜间保安巡逻不到位", "物业服务", "晚上很少看到保安。"),
    ("非机动车乱停放", "停车交通", "自行车挡住了单元门。"),
    ("公共区域照明开太久", "其他", "白天楼道灯也亮着，浪费电。"),
    ("邻居占用公共走廊", "邻里关系", "走廊尽头被封起来当储物间。"),
    ("窨井盖松动", "安全隐患", "南门路口的井盖踩上去会晃。"),
    ("健身器材缺少维护", "公共设施", "单杠生锈了。"),
    ("建议设立旧物交换角", "其他", "闲置物品可以互相交换。"),
    ("蚊虫太多", "环境卫生", "希望定期消杀。"),
    ("增加无障碍坡道", "公共设施", "2栋入口只有台阶，轮椅上不去。"),
]


def _account(word: str) -> User:
    mobile = next(a.mobile for a in ACCOUNTS if word in a.role)
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _neighbours(compound: Compound) -> list[User]:
    """People of households of their own, verified with the unit's invite letter."""
    taken = select(Residency.unit_id).where(Residency.compound_id == compound.id)
    codes = db.session.execute(
        select(InviteCode.code).join(Unit).where(
            Unit.compound_id == compound.id, Unit.id.not_in(taken), Unit.holding_id.is_not(None),
            InviteCode.used_at.is_(None), InviteCode.revoked_at.is_(None))
        .order_by(Unit.id).limit(NEIGHBOURS)).scalars().all()
    people = []
    for i, code in enumerate(codes):
        user = register_user(f"199000200{i:02d}", f"邻居{i + 1}", DEMO_PASSWORD, consented=True)
        claims.claim_by_code(user, code, "family")  # verified at once; one household each
        people.append(user)
    forget_roles()
    return people


def seed_issues(compound: Compound) -> list[Issue]:
    owner, party_member, tenant = (_account("owner"), _account("party_member"),
                                   _account("tenant"))
    secretary, prop, staff = _account("party_cell"), _account("property"), _account("staff")
    committee, grid = _account("committee"), _account("grid")
    neighbours = _neighbours(compound)
    authors = [owner, party_member, tenant] + neighbours[:3]
    threshold = compound.second_threshold or 10
    issues = []
    for i, (title, category, body) in enumerate(ISSUES):
        issue = services.post_issue(authors[i % len(authors)], compound, title=title, body=body,
                                    category=category,
                                    show_as="anonymous" if i % 4 == 1 else "name")
        issues.append(issue)
    seconders = [owner, party_member, tenant] + neighbours
    # Issue 0 reaches the threshold and goes on the agenda; issue 1 is one household short.
    for target, count in ((issues[0], threshold), (issues[1], threshold - 1)):
        for person in [p for p in seconders if p.id != target.author_id][:count]:
            services.second(person, target)
    for issue in issues[2:8]:
        for person in [p for p in seconders if p.id != issue.author_id][:3]:
            services.second(person, issue)
    for issue in issues[2:16]:
        services.acknowledge(prop if issue.category == "物业服务" else secretary, issue)
    for issue in issues[2:4]:
        services.put_on_agenda(secretary, issue)
    for issue in issues[4:6]:
        services.dispatch(secretary, issue, utcnow().replace(microsecond=0) + timedelta(days=14),
                          "需社区协调供电公司")
    for issue in issues[6:12]:
        services.answer(prop, issue, "物业已安排维修，预计三天内完成。")
    for issue, rating in zip(issues[8:11], ("satisfied", "basic", "unsatisfied"), strict=True):
        services.confirm(db.session.get(User, issue.author_id), issue, rating)
    for issue in issues[8:10]:
        services.close(staff, issue)
    _discuss(compound, issues, neighbours, prop, committee, secretary, grid)
    return issues


def _discuss(compound, issues, neighbours, prop, committee, secretary, grid) -> None:
    a, b, c = neighbours[3], neighbours[4], neighbours[5]
    top = comments.post_comment(a, issues[0], "同意，晚上路过确实很危险。")
    comments.post_comment(b, issues[0], "我家老人前天差点摔倒。", parent=top)
    comments.post_comment(prop, issues[0], "物业已登记，本周内更换灯具。", official=True)
    comments.post_comment(grid, issues[0], "网格员已到现场查看。")
    edited = comments.post_comment(c, issues[1], "建议先统计一下需要的户数")
    comments.edit_comment(c, edited, "建议先统计一下需要充电的户数，再选位置。")
    comments.post_comment(committee, issues[1], "业委会会后研究选址。", official=True)
    for issue in issues[2:12]:
        comments.post_comment(a, issue, "支持，希望尽快解决。")
    rude = comments.post_comment(b, issues[5], "你们这些跳舞的都是没素质的人！")
    seed_moderation(compound, rude, a, secretary, issues[6], c, a)
