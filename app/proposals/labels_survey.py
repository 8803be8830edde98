"""Words for surveys in the audit trail."""
from app.core.i18n import lazy_gettext as _l

SURVEY_ACTIONS = {
    "survey.question_add": _l("添加问卷题目"),
    "survey.question_remove": _l("删除问卷题目"),
    "survey.answer": _l("填写问卷"),
    "survey.text_publish": _l("公开问卷文字意见"),
    "survey.text_hide": _l("隐藏问卷文字意见"),
}

SURVEY_OBJECTS = {
    "survey_questions": _l("问卷题目"),
    "survey_responses": _l("实名问卷回答"),
    "survey_participations": _l("匿名问卷参与记录"),
    "sealed_survey_answers": _l("密封的问卷回答"),
    "survey_answer_sets": _l("匿名问卷回答"),
    "survey_texts": _l("问卷文字意见"),
    "survey_results": _l("问卷结果"),
}
