"""The demo's dispatch: in 玉林东路社区 the property company and the city-management squad as
organisations (the demo's property account and a new 城管 account as their handlers), a grid
with the demo grid worker and categories with time limits; in 玉林西路社区 its own staff member,
grid worker and property handler. Tickets are left in every state a ticket can be in (the
issues the demo dispatched, and patrol reports), one of them escalated to the subdistrict and
one overdue. Everything goes through the services."""
import io
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.recovery import prove
from app.accounts.services import register_user
from app.compounds import levels
from app.compounds.access import forget_roles
from app.compounds.demo import DEMO_PASSWORD, SECOND_COMMUNITY, SECOND_COMPOUND, DemoAccount
from app.compounds.models import Community, Compound, Subdistrict
from app.core.time import utcnow
from app.dispatch import services
from app.dispatch.models import Ticket
from app.extensions import db
from app.issues import photos

CITY_MOBILE = "19900000008"  # 城管 handler: 城管 刘队
# The accounts dispatch adds, printed by `seed-demo` after the compound's (app.site.demo).
ACCOUNTS = (
    DemoAccount("城管经办人 handler", CITY_MOBILE, "城管 刘队"),
    DemoAccount("西路社区工作者 staff", "19900000009", "社区 何静"),
    DemoAccount("西路网格员 grid", "19900000010", "网格员 吴强"),
    DemoAccount("芳邻物业经办人 handler", "19900000011", "物业 郑师傅"),
    DemoAccount("街道城建科经办人 handler", "19900000012", "城建科 林工"),
)
SUBDISTRICT_STAFF = "19900000007"  # app.compounds.demo's 街道 陈科长
CATEGORIES = (("公共设施", 5), ("物业服务", 3), ("环境卫生", 2), ("安全隐患", 1),
              ("停车交通", 5), ("其他", 10))


def _user(mobile: str) -> User:
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _register(spec: DemoAccount) -> User:
    user = register_user(spec.mobile, spec.name, DEMO_PASSWORD, consented=True)
    prove(user, "demo_seed")
    return user


def _photo() -> list:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buffer, "JPEG")
    return [photos.prepare(photos.check(buffer.getvalue()))]


def _settings(staff: User, community: Community) -> dict:
    return {name: services.save_category(staff, community, name=name, working_days=days)
            for name, days in CATEGORIES}


def seed_dispatch(compound: Compound) -> None:
    community = db.session.get(Community, compound.community_id)
    staff, prop, grid_worker = (_user(m) for m in ("19900000002", "19900000004",
                                                   "19900000005"))
    city, west_staff, west_grid, west_prop, clerk = (_register(spec) for spec in ACCOUNTS)
    estate = services.create_organisation(staff, community, name="锦华苑物业服务中心",
                                          kind="property")
    squad = services.create_organisation(staff, community, name="城管执法中队",
                                         kind="outside")
    services.add_handler(staff, estate, prop.mobile)
    services.add_handler(staff, squad, city.mobile)
    categories = _settings(staff, community)
    grid = services.save_grid(staff, community, name="锦华苑网格", worker_mobile=grid_worker.mobile,
                              compound_ids=[compound.id])
    dispatched = list(db.session.scalars(select(Ticket).where(
        Ticket.compound_id == compound.id, Ticket.source == "issue").order_by(Ticket.id)))
    category = categories["公共设施"]
    if dispatched:
        # Wrong unit returned, reassigned, taken, finished with a photo, rated 不满意, 回访.
        first = dispatched[0]
        services.accept(staff, first)
        services.assign(staff, first, squad.id, category.id)
        services.return_ticket(city, first, "供电线路不属城管职责，请交物业或供电部门。")
        services.assign(staff, first, estate.id, category.id)
        services.take(prop, first)
        services.finish(prop, first, "已联系供电公司检修线路，恢复供电。", _photo())
        reporter = db.session.get(User, first.reporter_id)
        services.rate(reporter, first, "unsatisfied")
        services.revisit(staff, first, "电话回访：晚间仍偶有停电，安排重办。")
    if len(dispatched) > 1:
        second = dispatched[1]
        services.accept(staff, second)
        services.assign(staff, second, estate.id, category.id)
    services.patrol(grid_worker, grid, compound_id=compound.id, building_id=None,
                    title="消防通道被私家车占用", body="3 栋北侧消防通道停有两辆私家车。",
                    photos=_photo())
    east = _Desk(staff, grid_worker, grid, compound, category)
    east.report("5 栋门口井盖松动", "accept")
    east.report("小区门口流动摊贩占道", "decline")
    east.report("2 栋楼道堆放杂物", "assign", estate)
    east.report("绿化带违规种菜", "return", squad, city)
    east.report("地下车库照明不足", "take", estate, prop)
    east.report("1 栋单元门禁损坏", "finish", estate, prop)
    east.report("垃圾分类亭异味", "archive", estate, prop)
    east.report("小区围墙破损", "withdraw")
    east.report("小区外市政路面塌陷", "escalate")
    east.report("南门路灯不亮", "overdue", estate, prop)
    west_escalated, west_category = _west(west_staff, west_grid, west_prop)
    # The subdistrict's own office takes the escalated ticket of 玉林西路社区; 锦华苑's waits.
    street = _user(SUBDISTRICT_STAFF)
    office = services.create_subdistrict_organisation(
        street, db.session.get(Subdistrict, community.subdistrict_id), name="玉林街道城建科",
        kind="subdistrict_office")
    services.add_handler(street, office, clerk.mobile)
    services.assign(street, west_escalated, office.id, west_category.id)


class _Desk:
    """Patrol reports of one grid, each taken along to the state its name says."""

    def __init__(self, staff, worker, grid, compound, category):
        self.staff, self.worker, self.grid = staff, worker, grid
        self.compound, self.category = compound, category

    def report(self, title: str, until: str, org=None, handler=None) -> Ticket:
        staff, category = self.staff, self.category
        ticket = services.patrol(self.worker, self.grid, compound_id=self.compound.id,
                                 building_id=None, title=title, body="巡查发现。")
        if until == "decline":
            services.decline(staff, ticket, "属于市场监管部门职责，已告知居民拨打12345。")
            return ticket
        services.accept(staff, ticket)
        if until == "withdraw":
            services.withdraw(staff, ticket, "业主已自行修好。")
        elif until == "escalate":
            services.escalate(staff, ticket, "市政道路不归社区管理，请街道协调。")
        elif until == "overdue":
            past = utcnow() - timedelta(days=30)
            services.assign(staff, ticket, org.id, category.id, now=past)
            services.take(handler, ticket)
            services.flag_overdue()
        elif until != "accept":
            services.assign(staff, ticket, org.id, category.id)
            _handle(ticket, until, handler, self.worker, staff)
        return ticket


def _handle(ticket: Ticket, until: str, handler, reporter, staff) -> None:
    if until == "return":
        services.return_ticket(handler, ticket, "不属于本单位职责。")
    if until in ("assign", "return"):
        return
    services.take(handler, ticket)
    if until == "take":
        return
    services.finish(handler, ticket, "已处理完毕。", _photo())
    if until == "archive":
        services.rate(reporter, ticket, "satisfied")
    elif until == "unsatisfied":
        services.rate(reporter, ticket, "unsatisfied")
    elif until == "redo":  # 不满意, 回访, 重办, 办结, rated again: archived with both ratings
        services.rate(reporter, ticket, "unsatisfied")
        services.revisit(staff, ticket, "电话回访：问题仍在，安排重办。")
        services.redo(handler, ticket)
        services.finish(handler, ticket, "重新处理完毕。", _photo())
        services.rate(reporter, ticket, "basic")


def _west(staff: User, worker: User, handler: User) -> tuple[Ticket, object]:
    """玉林西路社区 (芳邻小区): its staff member, grid, property company and a few tickets."""
    compound = db.session.scalar(select(Compound).join(Community).where(
        Compound.name == SECOND_COMPOUND, Community.name == SECOND_COMMUNITY))
    community = db.session.get(Community, compound.community_id)
    admin = db.session.scalar(select(User).where(User.is_admin.is_(True)).order_by(User.id))
    levels.assign_community_staff(admin, community, staff)
    forget_roles()
    org = services.create_organisation(staff, community, name="芳邻物业", kind="property")
    services.add_handler(staff, org, handler.mobile)
    category = _settings(staff, community)["物业服务"]
    grid = services.save_grid(staff, community, name="芳邻网格", worker_mobile=worker.mobile,
                              compound_ids=[compound.id])
    west = _Desk(staff, worker, grid, compound, category)
    west.report("1 栋电梯异响", "finish", org, handler)
    west.report("2 栋屋顶漏水", "unsatisfied", org, handler)
    west.report("小区化粪池外溢", "redo", org, handler)
    return west.report("路口信号灯故障", "escalate"), category
