from odoo import api, fields, models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "csp.process.owned"]
    # Dunning and disputes set these; a pause (csp_no_dunning_until) is the
    # accountants' own decision.
    _csp_process_fields = frozenset({
        "csp_disputed", "csp_dispute_reason", "csp_dunning_level_id", "csp_dunning_date",
        "csp_dunning_letter_id",
    })
    _csp_field_write_groups = {"csp_no_dunning_until": "account.group_account_invoice"}

    csp_complaint_id = fields.Many2one(
        "csp.complaint", string="Complaint", index="btree_not_null", copy=False,
        help="The complaint this credit note settles.")
    csp_complaint_ids = fields.Many2many(
        "csp.complaint", "csp_complaint_invoice_rel", "move_id", "complaint_id",
        string="Complaints", copy=False)
    # Read by dunning: a disputed invoice is skipped, and the reason shown.
    csp_disputed = fields.Boolean(
        string="Disputed", compute="_compute_csp_disputed", store=True, index=True,
        help="An open complaint is about this invoice's order: dunning skips it.")
    csp_dispute_reason = fields.Char(
        string="Dispute", compute="_compute_csp_disputed", store=True)

    # Dunning (subprocess f)
    csp_dunning_level_id = fields.Many2one(
        "csp.dunning.level", string="Dunning Level", readonly=True, copy=False, index=True,
        tracking=True)
    csp_dunning_date = fields.Date(string="Last Reminder", readonly=True, copy=False)
    csp_no_dunning_until = fields.Date(
        string="No Dunning Until", copy=False, tracking=True,
        help="Dunning leaves this invoice alone until this date.")
    csp_dunning_letter_id = fields.Many2one(
        "csp.dunning.letter", string="Dunning Letter", readonly=True, copy=False,
        index="btree_not_null", help="The letter whose fee this invoice charges.")

    @api.depends("csp_complaint_ids.is_closed", "csp_complaint_ids.name",
                 "csp_complaint_ids.type_id")
    def _compute_csp_disputed(self):
        for move in self:
            open_complaints = move.csp_complaint_ids.filtered(lambda c: not c.is_closed)
            move.csp_disputed = bool(open_complaints)
            move.csp_dispute_reason = ", ".join(
                f"{c.name} ({c.type_id.name})" for c in open_complaints) or False
