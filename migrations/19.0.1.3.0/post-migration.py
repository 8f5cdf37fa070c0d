"""19.0.1.3.0: companies of an existing database ask the default satisfaction survey."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.company"]._csp_default_survey_for_all()
