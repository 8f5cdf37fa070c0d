"""19.0.1.4.0: companies of an existing database get the default dunning schedule."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["csp.dunning.level"]._csp_create_defaults()
