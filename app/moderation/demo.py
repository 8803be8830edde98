"""Demo moderation for 锦华苑: the abusive comment is reported by a neighbour and hidden by the
party cell through the services (so the log, the audit entries and the notifications are
real), and one more report waits in the queue."""
from app.compounds.models import Compound
from app.issues import comments
from app.issues.models import Comment, Issue
from app.moderation import services


def seed_moderation(compound: Compound, rude: Comment, reporter, secretary,
                    open_issue: Issue, poster, second_reporter) -> None:
    target = services.target_of(rude)
    services.report(reporter, compound, target, "发言带有人身攻击。")
    services.hide(secretary, compound, target, "人身攻击")
    pending = comments.post_comment(poster, open_issue, "楼上说的都是废话，别在这里装好人。")
    services.report(second_reporter, compound, services.target_of(pending), "不文明用语。")
