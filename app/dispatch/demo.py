"""The demo's dispatch: the property company and the city-management squad as organisations
(the demo's property account and a new 城管 account as their handlers), a grid with the demo
grid worker, categories with time limits, and tickets in different states (the issues the
demo dispatched, and a patrol report). Everything goes through the services."""
import io

from PIL import Image
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.recovery import prove
from app.accounts.services import register_user
from app.compounds.demo import DEMO_PASSWORD
from app.compounds.models import Community, Compound
from app.dispatch import services
from app.dispatch.models import Ticket
from app.extensions import db
from app.issues import photos

CITY_MOBILE = "19900000008"  # 城管 handler, printed nowhere else: 城管 刘队
CATEGORIES = (("公共设施", 5), ("物业服务", 3), ("环境卫生", 2), ("安全隐患", 1),
              ("停车交通", 5), ("其他", 10))


def _user(mobile: str) -> User:
    return db.session.scalar(select(User).where(User.mobile == mobile))


def _photo() -> list:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 90)).save(buffer, "JPEG")
    return [photos.prepare(photos.check(buffer.getvalue()))]


def seed_dispatch(compound: Compound) -> None:
    community = db.session.get(Community, compound.community_id)
    staff, prop, grid_worker = (_user(m) for m in ("19900000002", "19900000004",
                                                   "19900000005"))
    city = register_user(CITY_MOBILE, "城管 刘队", DEMO_PASSWORD, consented=True)
    prove(city, "demo_seed")
    estate = services.create_organisation(staff, community, name="锦华苑物业服务中心",
                                          kind="property")
    squad = services.create_organisation(staff, community, name="城管执法中队",
                                         kind="outside")
    services.add_handler(staff, estate, prop.mobile)
    services.add_handler(staff, squad, city.mobile)
    categories = {name: services.save_category(staff, community, name=name, working_days=days)
                  for name, days in CATEGORIES}
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
