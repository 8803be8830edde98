"""Fills the label registries (app.audit.labels, app.notifications.labels) from every domain's
own `labels.py`, once per process, when the app is set up."""
from app.accounts import labels as accounts
from app.api import labels as api
from app.audit.labels import register as register_audit
from app.compounds import labels as compounds
from app.covenants import labels as covenants
from app.dispatch import labels as dispatch
from app.funds import labels as funds
from app.issues import labels as issues
from app.meetings import labels as meetings
from app.microprojects import labels as microprojects
from app.moderation import labels as moderation
from app.notices import labels as notices
from app.notifications import labels as notifications
from app.notifications.labels import register as register_kinds
from app.operations import labels as operations
from app.proposals import labels as proposals
from app.trustbooks import labels as trustbooks

DOMAINS = (accounts, compounds, notifications, issues, proposals, meetings, moderation,
           covenants, notices, dispatch, funds, microprojects, trustbooks, operations,
           api)


def install() -> None:
    for domain in DOMAINS:
        register_audit(domain.AUDIT_ACTIONS, domain.AUDIT_OBJECTS)
        register_kinds(domain.NOTIFICATION_KINDS)
