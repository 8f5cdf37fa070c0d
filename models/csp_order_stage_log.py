from collections import defaultdict

from odoo import api, fields, models


class CspOrderStageLog(models.Model):
    """One stay of an order in one stage: when it came, when it left, how
    many working hours it stayed, and who moved it there."""

    _name = "csp.order.stage.log"
    _description = "Order Stage Log"
    _order = "entered_at desc, id desc"
    _rec_name = "stage_id"

    order_id = fields.Many2one("sale.order", required=True, ondelete="cascade", index=True)
    stage_id = fields.Many2one("csp.order.stage", required=True, ondelete="restrict")
    previous_stage_id = fields.Many2one("csp.order.stage", ondelete="set null")
    user_id = fields.Many2one("res.users", string="Moved by", ondelete="set null")
    entered_at = fields.Datetime(required=True)
    left_at = fields.Datetime(index="btree_not_null")
    duration_hours = fields.Float(
        string="Working Hours", aggregator="avg", digits=(16, 2),
        help="Working hours spent in the stage on the company's calendar "
             "(weekends and public holidays excluded); set when the order leaves it.")
    is_open = fields.Boolean(compute="_compute_is_open", store=True, index=True)
    # Copied from the order so that managers group and filter the log directly.
    company_id = fields.Many2one(related="order_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="order_id.partner_id", store=True, string="Customer")
    salesperson_id = fields.Many2one(related="order_id.user_id", store=True, string="Salesperson")
    channel = fields.Selection(related="order_id.csp_channel", store=True)

    @api.depends("left_at")
    def _compute_is_open(self):
        for entry in self:
            entry.is_open = not entry.left_at

    def _csp_close(self, when):
        """Leave the stage at `when`, counting the working hours spent in it
        on each company's calendar, one calendar computation per company."""
        by_calendar = defaultdict(list)
        for entry in self:
            by_calendar[entry.order_id.company_id.resource_calendar_id].append(entry)
        for calendar, entries in by_calendar.items():
            hours = (calendar._csp_work_hours([(e.entered_at, when) for e in entries])
                     if calendar else [0.0] * len(entries))
            for entry, spent in zip(entries, hours, strict=True):
                # Assignments are flushed as one UPDATE for the whole batch.
                entry.left_at = when
                entry.duration_hours = max(spent, 0.0)
