"""The demo's satisfaction survey: closed with answers, figures published, free text
moderated (some published, one hidden), and cited by the demo's matter-4 proposal."""
from sqlalchemy import select

from app.audit.verification import verify
from app.compounds.demo import seed_demo
from app.extensions import db
from app.proposals import survey_results
from app.proposals.citations import citations
from app.proposals.demo import seed_proposals
from app.proposals.models import Proposal
from app.proposals.survey_demo import HIDDEN
from app.proposals.survey_models import SurveyText


def test_demo_has_a_closed_satisfaction_survey_cited_by_the_renewal(app):
    with app.test_request_context():
        result = seed_demo()
        made = seed_proposals(result.compound)
        db.session.commit()
        renewal = made[3]
        assert renewal.matter == 4 and renewal.cites_survey_id is not None
        survey = db.session.get(Proposal, renewal.cites_survey_id)
        assert survey.title.startswith("物业服务满意度测评") and survey.is_secret
        assert survey.state == "published" and survey.result_published_at is not None
        figures = survey_results.result_of(survey.id).figures
        assert 0 < figures["respondents"] <= figures["electorate"]
        cited, _account = citations(renewal)
        assert cited["title"] == survey.title and len(cited["items"]) == 6
        texts = db.session.scalars(select(SurveyText).where(
            SurveyText.proposal_id == survey.id)).all()
        statuses = {t.body: t.status for t in texts}
        assert statuses.pop(HIDDEN) == "hidden"
        assert statuses and set(statuses.values()) == {"published"}
        assert verify().ok
