from odoo import fields, models

METRICS = [
    ("overall", "Overall satisfaction (1-5)"),
    ("nps", "Likelihood to recommend (0-10)"),
    ("on_time", "Delivered on time (yes/no)"),
    ("quality", "Product quality (1-5)"),
    ("improve", "What to improve"),
]


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    csp_metric = fields.Selection(
        METRICS, string="Process Metric",
        help="What the answer to this question means for the order's satisfaction "
             "figures; questions without it are only kept in the answers.")


class SurveyQuestionAnswer(models.Model):
    _inherit = "survey.question.answer"

    csp_is_yes = fields.Boolean(
        string="Means Yes", help="For a yes/no process question: this choice means yes.")
