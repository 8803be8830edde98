"""What a matter-4 proposal cites, read in one statement: a closed satisfaction survey of its
compound and a published annual account of its trust-model books (either, both or neither)."""
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.extensions import db
from app.proposals import survey_results
from app.proposals.models import Proposal
from app.proposals.survey_models import SurveyResult
from app.trustbooks import accounts as trust_accounts
from app.trustbooks.models import TrustAnnualAccount


def citations(proposal: Proposal) -> tuple[dict | None, dict | None]:
    """(the cited survey's title, id and headline figures, the cited account's headline)."""
    if proposal.cites_survey_id is None and proposal.cites_account_id is None:
        return None, None
    survey = aliased(Proposal)
    row = db.session.execute(
        select(survey.id, survey.title, SurveyResult.figures, TrustAnnualAccount)
        .select_from(Proposal)
        .outerjoin(survey, survey.id == Proposal.cites_survey_id)
        .outerjoin(SurveyResult, SurveyResult.proposal_id == survey.id)
        .outerjoin(TrustAnnualAccount, TrustAnnualAccount.id == Proposal.cites_account_id)
        .where(Proposal.id == proposal.id)).one()
    cited_survey = ({"id": row.id, "title": row.title, **survey_results.headline(row.figures)}
                    if row.figures is not None else None)
    account = row.TrustAnnualAccount
    return cited_survey, (trust_accounts.headline(account) if account is not None else None)
