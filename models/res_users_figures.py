"""My Figures: a field rep's own figures of this month, on his phone.

The management report is the manager's (a period, a channel, a file); a rep
wants to see where he stands now: his sales, orders, new customers,
answers and deliveries on time, complaints.  Counted as the reader, one
grouped query per figure for all the users read.
"""

from collections import defaultdict
from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date


class ResUsers(models.Model):
    _inherit = "res.users"

    csp_fig_period = fields.Char(string="Period", compute="_compute_csp_figures",
                                 groups="base.group_user")
    csp_fig_currency_id = fields.Many2one(
        "res.currency", string="Figures Currency", compute="_compute_csp_figures",
        groups="base.group_user")
    csp_fig_sales = fields.Monetary(
        string="Sales", currency_field="csp_fig_currency_id", compute="_compute_csp_figures",
        groups="base.group_user", help="Untaxed amount of the orders confirmed this month.")
    csp_fig_order_count = fields.Integer(
        string="Orders", compute="_compute_csp_figures", groups="base.group_user")
    csp_fig_new_customer_count = fields.Integer(
        string="New Customers", compute="_compute_csp_figures", groups="base.group_user")
    csp_fig_answer_rate = fields.Float(
        string="Answered on Time (%)", compute="_compute_csp_figures",
        groups="base.group_user",
        help="Share of the quotations answered this month within the feasibility target.")
    csp_fig_fulfilment_rate = fields.Float(
        string="Delivered on Time (%)", compute="_compute_csp_figures",
        groups="base.group_user",
        help="Share of the orders delivered this month within the fulfilment target.")
    csp_fig_answered_count = fields.Integer(
        string="Answered", compute="_compute_csp_figures", groups="base.group_user")
    csp_fig_delivered_count = fields.Integer(
        string="Delivered", compute="_compute_csp_figures", groups="base.group_user")
    csp_fig_complaint_count = fields.Integer(
        string="Complaints", compute="_compute_csp_figures", groups="base.group_user")

    @api.model
    def _csp_figures_period(self):
        """(first day, start, end) of this month: its first day in the
        reader's time zone, and its bounds as naive UTC moments."""
        today = fields.Date.context_today(self)
        first = today.replace(day=1)
        zone = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")

        def utc(day):
            return zone.localize(datetime.combine(day, time.min)).astimezone(
                pytz.utc).replace(tzinfo=None)

        return first, utc(first), utc(first + relativedelta(months=1))

    # Counted as the reader sees the records, in his time zone: never taken
    # from another reader's cache.
    @api.depends_context("uid", "allowed_company_ids", "tz")
    def _compute_csp_figures(self):
        users = self.filtered("id")
        first, start, end = self._csp_figures_period()
        period = format_date(self.env, first, date_format="LLLL y").capitalize()
        currency = self.env.company.currency_id
        figures = defaultdict(lambda: defaultdict(float))
        if users:
            in_month = [("user_id", "in", users.ids)]
            # Sales: the orders confirmed this month, in the company's currency.
            for user, subtotal in self.env["sale.report"]._read_group(
                    [*in_month, ("state", "=", "sale"), ("date", ">=", start),
                     ("date", "<", end)], ["user_id"], ["price_subtotal:sum"]):
                figures[user.id]["sales"] = subtotal
            for user, count in self.env["sale.order"]._read_group(
                    [*in_month, ("state", "=", "sale"), ("date_order", ">=", start),
                     ("date_order", "<", end)], ["user_id"], ["__count"]):
                figures[user.id]["orders"] = count
            for user, on_time, count in self.env["sale.order"]._read_group(
                    [*in_month, ("csp_answered_at", ">=", start), ("csp_answered_at", "<", end)],
                    ["user_id", "csp_answer_on_time"], ["__count"]):
                figures[user.id]["answered"] += count
                figures[user.id]["answered_on_time"] += count if on_time else 0
            for user, on_time, count in self.env["sale.order"]._read_group(
                    [*in_month, ("csp_delivered_at", ">=", start),
                     ("csp_delivered_at", "<", end)],
                    ["user_id", "csp_fulfilment_on_time"], ["__count"]):
                figures[user.id]["delivered"] += count
                figures[user.id]["delivered_on_time"] += count if on_time else 0
            for user, count in self.env["res.partner"]._read_group(
                    [("user_id", "in", users.ids), ("parent_id", "=", False),
                     ("csp_customer_since", ">=", first),
                     ("csp_customer_since", "<", first + relativedelta(months=1))],
                    ["user_id"], ["__count"]):
                figures[user.id]["new_customers"] = count
            for user, count in self.env["csp.complaint"]._read_group(
                    [("salesperson_id", "in", users.ids), ("create_date", ">=", start),
                     ("create_date", "<", end)], ["salesperson_id"], ["__count"]):
                figures[user.id]["complaints"] = count
        for user in self:
            values = figures[user._origin.id]
            user.csp_fig_period = period
            user.csp_fig_currency_id = currency
            user.csp_fig_sales = values["sales"]
            user.csp_fig_order_count = int(values["orders"])
            user.csp_fig_new_customer_count = int(values["new_customers"])
            user.csp_fig_complaint_count = int(values["complaints"])
            user.csp_fig_answered_count = int(values["answered"])
            user.csp_fig_delivered_count = int(values["delivered"])
            user.csp_fig_answer_rate = (100.0 * values["answered_on_time"] / values["answered"]
                                        if values["answered"] else 0.0)
            user.csp_fig_fulfilment_rate = (
                100.0 * values["delivered_on_time"] / values["delivered"]
                if values["delivered"] else 0.0)
