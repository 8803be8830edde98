"""A community with an issue-raising compound, two organisations (物业, 城管) with one handler
each, a grid with its worker, another grid, categories with time limits, and outsiders."""
from app.compounds.models import Community
from app.dispatch import services
from app.dispatch.models import Ticket
from app.extensions import db
from app.issues import services as issue_services
from tests.factories import make_compound, make_user
from tests.issues.helpers import IssueWorld


class DispatchWorld(IssueWorld):
    def __init__(self):
        super().__init__()
        self.community = db.session.get(Community, self.compound.community_id)
        self.property_org = services.create_organisation(
            self.staff, self.community, name="锦华物业", kind="property")
        self.city_org = services.create_organisation(
            self.staff, self.community, name="城管中队", kind="outside")
        services.add_handler(self.staff, self.property_org, self.property.mobile)
        self.city = make_user(name="城管张队")
        services.add_handler(self.staff, self.city_org, self.city.mobile)
        self.category = services.save_category(self.staff, self.community, name="公共设施",
                                               working_days=3)
        self.grid_row = services.save_grid(self.staff, self.community, name="第一网格",
                                           worker_mobile=self.grid.mobile,
                                           compound_ids=[self.compound.id])
        # Another grid of another compound of the same community, with its own worker.
        self.second = make_compound("别的小区二", community=self.community)
        self.other_worker = make_user(name="网格员钱")
        self.other_grid = services.save_grid(self.staff, self.community, name="第二网格",
                                             worker_mobile=self.other_worker.mobile,
                                             compound_ids=[self.second.id])
        db.session.commit()

    def dispatched(self, author=None) -> Ticket:
        """An issue of the compound, acknowledged and dispatched: its ticket, reported."""
        issue = self.issue(author)
        issue_services.acknowledge(self.staff, issue)
        from datetime import timedelta

        from app.core.time import utcnow
        issue_services.dispatch(self.staff, issue, utcnow() + timedelta(days=7))
        db.session.commit()
        return db.session.query(Ticket).filter_by(issue_id=issue.id).one()

    def assigned(self, org=None) -> Ticket:
        ticket = self.dispatched()
        services.accept(self.staff, ticket)
        services.assign(self.staff, ticket, (org or self.property_org).id, self.category.id)
        db.session.commit()
        return ticket

    def finished(self) -> Ticket:
        ticket = self.assigned()
        services.take(self.property, ticket)
        services.finish(self.property, ticket, "已修好路灯。")
        db.session.commit()
        return ticket
