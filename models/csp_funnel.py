"""The funnel (source document 004: managers see the funnel, with the
reasons deals were lost): one row per inquiry, from the inquiry to the
payment of what it became, for the pivot and graph of *Reporting → Funnel*
and the management report's *Funnel* section.

An inquiry is a CRM opportunity or lead; an order taken without one (before
the CRM, or entered straight as a quotation) is its own inquiry.  A step
counts when any quotation made from the inquiry reached it."""

from odoo import fields, models, tools
from odoo.tools import SQL

from .sale_order import CHANNELS

LOST_AT = [("inquiry", "Inquiry"), ("offer", "Offer")]


class CspFunnel(models.Model):
    _name = "csp.funnel"
    _description = "Funnel"
    _auto = False
    _order = "date desc"
    _rec_name = "name"

    name = fields.Char(string="Inquiry", readonly=True)
    date = fields.Datetime(string="Received", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    source_id = fields.Many2one("utm.source", string="Heard of Us Through", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    csp_service = fields.Selection(
        [("head_office", "Head office"), ("field", "Field rep")], string="Served by",
        readonly=True)
    lead_id = fields.Many2one("crm.lead", string="Opportunity", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True,
                               help="The order taken without an inquiry in the CRM.")
    inquiry_count = fields.Integer(string="Inquiries", readonly=True, aggregator="sum")
    offer_count = fields.Integer(string="Offers", readonly=True, aggregator="sum")
    accepted_count = fields.Integer(string="Accepted", readonly=True, aggregator="sum")
    delivered_count = fields.Integer(string="Delivered", readonly=True, aggregator="sum")
    paid_count = fields.Integer(string="Paid", readonly=True, aggregator="sum")
    lost_count = fields.Integer(string="Lost", readonly=True, aggregator="sum")
    lost_reason_id = fields.Many2one("crm.lost.reason", readonly=True)
    lost_at = fields.Selection(LOST_AT, string="Lost at", readonly=True)

    def _query(self):
        """The funnel's rows; an integrator adds columns by extending it."""
        return SQL("""
            WITH made AS (
                SELECT so.opportunity_id AS lead_id,
                       bool_or(so.state IN ('sent', 'sale')
                               OR so.csp_answered_at IS NOT NULL) AS offered,
                       bool_or(so.state = 'sale') AS accepted,
                       bool_or(so.csp_delivered_at IS NOT NULL) AS delivered,
                       bool_or(so.csp_paid_at IS NOT NULL) AS paid
                  FROM sale_order so
                 WHERE so.opportunity_id IS NOT NULL
                 GROUP BY so.opportunity_id
            )
            SELECT 2 * l.id + 1 AS id, l.name AS name, l.csp_received_at AS date,
                   l.company_id, l.csp_channel AS channel, l.source_id, l.user_id, l.team_id,
                   CASE WHEN rep.uid IS NULL THEN 'head_office' ELSE 'field' END AS csp_service,
                   l.id AS lead_id, NULL::integer AS order_id,
                   1 AS inquiry_count,
                   COALESCE(made.offered, FALSE)::integer AS offer_count,
                   COALESCE(made.accepted, FALSE)::integer AS accepted_count,
                   COALESCE(made.delivered, FALSE)::integer AS delivered_count,
                   COALESCE(made.paid, FALSE)::integer AS paid_count,
                   (l.won_status = 'lost')::integer AS lost_count,
                   CASE WHEN l.won_status = 'lost' THEN l.lost_reason_id END AS lost_reason_id,
                   CASE WHEN l.won_status != 'lost' THEN NULL
                        WHEN made.offered THEN 'offer' ELSE 'inquiry' END AS lost_at
              FROM crm_lead l
              LEFT JOIN made ON made.lead_id = l.id
              LEFT JOIN res_groups_users_rel rep ON rep.uid = l.user_id AND rep.gid = %(rep)s
             WHERE l.active OR l.won_status = 'lost'
            UNION ALL
            SELECT 2 * so.id, so.name, so.csp_received_at, so.company_id, so.csp_channel,
                   so.source_id, so.user_id, so.team_id, so.csp_service,
                   NULL, so.id, 1,
                   (so.state IN ('sent', 'sale') OR so.csp_answered_at IS NOT NULL)::integer,
                   (so.state = 'sale')::integer,
                   (so.csp_delivered_at IS NOT NULL)::integer,
                   (so.csp_paid_at IS NOT NULL)::integer,
                   (so.state = 'cancel')::integer,
                   CASE WHEN so.state = 'cancel' THEN COALESCE(
                       so.csp_lost_reason_id,
                       CASE WHEN so.csp_approval_state = 'refused' THEN %(refused)s END) END,
                   CASE WHEN so.state = 'cancel' THEN 'offer' END
              FROM sale_order so
             WHERE so.opportunity_id IS NULL
        """, rep=self._csp_xmlid("group_field_rep"), refused=self._csp_xmlid("lost_reason_refused"))

    @staticmethod
    def _csp_xmlid(name):
        # Read when the view is queried: the view is made before the data.
        return SQL("(SELECT res_id FROM ir_model_data WHERE module = %s AND name = %s)",
                   "customer_service_process", name)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(SQL("CREATE OR REPLACE VIEW %s AS (%s)",
                                SQL.identifier(self._table), self._query()))
