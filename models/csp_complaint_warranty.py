"""Warranty claims (source document 002, CS6 and CS11): a complaint of the
type *Warranty claim* knows when each of its products was delivered and
until when it is under warranty, says in or out, and its resolution follows
from it: a free replacement, repair or credit note under warranty, a paid
repair (or nothing) out of it."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .csp_complaint import CspComplaint

WARRANTY_STATES = [
    ("in", "In warranty"),
    ("out", "Out of warranty"),
    ("unknown", "Delivery unknown"),
]
# What a claim out of warranty cannot get for free.
FREE_RESOLUTIONS = ("replacement", "refund")


class CspComplaintLine(models.Model):
    _name = "csp.complaint.line"
    _inherit = ["csp.complaint.line", "csp.process.owned"]
    _csp_process_fields = frozenset({"delivered_on", "warranty_until", "in_warranty"})

    delivered_on = fields.Date(
        compute="_compute_warranty", store=True,
        help="The day the customer's delivery of this product was done.")
    warranty_until = fields.Date(
        compute="_compute_warranty", store=True,
        help="The delivery day plus the product's warranty; empty: no warranty.")
    in_warranty = fields.Boolean(
        compute="_compute_warranty", store=True,
        help="Claimed on or before the last day of the warranty.")

    @api.depends("product_id.csp_warranty_months", "complaint_id.received_at",
                 "complaint_id.order_id", "complaint_id.picking_id")
    def _compute_warranty(self):
        for line in self:
            moves = line._csp_delivered_moves() if line.complaint_id else line.env["stock.move"]
            days = [fields.Date.context_today(line, move.date) for move in moves if move.date]
            line.delivered_on = max(days) if days else False
            months = line.product_id.csp_warranty_months
            line.warranty_until = (line.delivered_on + relativedelta(months=months, days=-1)
                                   if line.delivered_on and months else False)
            received = line.complaint_id.received_at
            line.in_warranty = bool(line.warranty_until and received and fields.Date.context_today(
                line, received) <= line.warranty_until)


class CspComplaintWarranty(models.Model):
    _inherit = "csp.complaint"
    _csp_process_fields = CspComplaint._csp_process_fields | {"warranty_state"}

    is_warranty = fields.Boolean(related="type_id.is_warranty")
    warranty_state = fields.Selection(
        WARRANTY_STATES, string="Warranty", compute="_compute_warranty_state", store=True,
        index="btree_not_null",
        help="For a warranty claim: in warranty when every product claimed was delivered "
             "within its warranty before the claim.")
    resolution = fields.Selection(compute="_compute_resolution", store=True, readonly=False)

    @api.depends("type_id.is_warranty", "line_ids.in_warranty", "line_ids.delivered_on")
    def _compute_warranty_state(self):
        for complaint in self:
            lines = complaint.line_ids
            if not complaint.type_id.is_warranty:
                complaint.warranty_state = False
            elif not lines or not all(lines.mapped("delivered_on")):
                complaint.warranty_state = "unknown"
            else:
                complaint.warranty_state = "in" if all(lines.mapped("in_warranty")) else "out"

    @api.depends("warranty_state")
    def _compute_resolution(self):
        """What the warranty gives, until the handler chooses: a free
        replacement in warranty, a paid repair out of it."""
        for complaint in self:
            if complaint.warranty_state == "in" and not complaint.resolution:
                complaint.resolution = "replacement"
            elif complaint.warranty_state == "out" and (
                    not complaint.resolution or complaint.resolution in FREE_RESOLUTIONS):
                complaint.resolution = "repair"

    @api.constrains("resolution", "warranty_state")
    def _check_warranty_resolution(self):
        for complaint in self:
            if complaint.warranty_state == "out" and complaint.resolution in FREE_RESOLUTIONS:
                raise ValidationError(complaint._csp_out_of_warranty_message())

    def _csp_out_of_warranty_message(self):
        self.ensure_one()
        expired = self.line_ids.filtered(lambda line: not line.in_warranty)[:1]
        return self.env._(
            "%(complaint)s is out of warranty (%(product)s: warranty until %(until)s): no free "
            "replacement or credit note; a paid repair, or none.",
            complaint=self.name, product=expired.product_id.display_name,
            until=format_date(self.env, expired.warranty_until) if expired.warranty_until
            else self.env._("none"))

    # A return stays possible out of warranty: the product comes back for
    # its paid repair.
    def action_csp_create_credit_note(self):
        self._csp_check_warranty_allows("refund")
        return super().action_csp_create_credit_note()

    def _csp_check_warranty_allows(self, resolution):
        for complaint in self:
            if complaint.warranty_state == "out" and resolution in FREE_RESOLUTIONS:
                raise UserError(complaint._csp_out_of_warranty_message())
