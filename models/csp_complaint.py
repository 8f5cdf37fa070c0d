"""Complaints, claims and returns (PROCESS.md, after-sales; source documents
002, 003 5.2.8 and 004): registered, assigned with a deadline, resolved by a
replacement, a refund or a repair, and counted."""

from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html2plaintext

CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("visit", "Rep visit"),
    ("portal", "Portal"),
]
RESOLUTIONS = [
    ("replacement", "Replacement"),
    ("refund", "Refund / credit note"),
    ("repair", "Repair"),
    ("none", "None"),
]



class CspComplaint(models.Model):
    _name = "csp.complaint"
    _description = "Complaint"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "csp.process.owned"]
    # The resolution figures are measured when the complaint closes.
    _csp_process_fields = frozenset({
        "closed_at", "resolution_days", "resolved_on_time", "dispute_id", "salesperson_id",
    })
    _order = "id desc"
    # Whoever may read a complaint (the customer on the portal) may write in it.
    _mail_post_access = "read"

    name = fields.Char(string="Reference", readonly=True, copy=False,
                       default=lambda self: self.env._("New"))
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, tracking=True, index=True,
        domain="[('customer_rank', '>', 0)]")
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, index=True)
    order_id = fields.Many2one(
        "sale.order", tracking=True, index="btree_not_null",
        domain="[('partner_id', 'child_of', commercial_partner_id)]")
    picking_id = fields.Many2one(
        "stock.picking", string="Delivery", index="btree_not_null",
        domain="[('sale_id', '=', order_id), ('csp_is_customer_delivery', '=', True)]")
    salesperson_id = fields.Many2one(
        "res.users", compute="_compute_salesperson_id", store=True,
        index=True)
    type_id = fields.Many2one("csp.complaint.type", required=True, tracking=True)
    description = fields.Text(required=True)
    channel = fields.Selection(
        CHANNELS, required=True, default=lambda self: self._default_channel(), tracking=True)
    user_id = fields.Many2one(
        "res.users", string="Responsible", tracking=True, index=True,
        default=lambda self: self._default_user_id())
    stage_id = fields.Many2one(
        "csp.complaint.stage", tracking=True, index=True, copy=False,
        group_expand="_read_group_stage_ids", default=lambda self: self._default_stage_id())
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True)
    received_at = fields.Datetime(default=fields.Datetime.now, required=True, copy=False)
    date_deadline = fields.Datetime(
        string="Deadline", compute="_compute_date_deadline", store=True, readonly=False,
        tracking=True)
    closed_at = fields.Datetime(readonly=True, copy=False)
    resolution_days = fields.Float(
        string="Resolution Time (working days)", readonly=True, copy=False, aggregator="avg")
    resolved_on_time = fields.Boolean(readonly=True, copy=False)
    resolution = fields.Selection(RESOLUTIONS, tracking=True)
    root_cause = fields.Text()
    line_ids = fields.One2many("csp.complaint.line", "complaint_id", string="Products",
                               copy=True)
    dispute_id = fields.Many2one("csp.delivery.dispute", string="Delivery Dispute",
                                 readonly=True, copy=False)
    invoice_ids = fields.Many2many(
        "account.move", "csp_complaint_invoice_rel", "complaint_id", "move_id",
        string="Disputed Invoices", compute="_compute_invoice_ids", store=True,
        help="The order's customer invoices: while the complaint is open they are "
             "disputed and dunning skips them.")
    return_picking_ids = fields.One2many(
        "stock.picking", "csp_complaint_id", string="Returns",
        domain=[("picking_type_code", "=", "incoming")])
    replacement_picking_ids = fields.One2many(
        "stock.picking", "csp_complaint_id", string="Replacements",
        domain=[("picking_type_code", "=", "outgoing")])
    credit_note_ids = fields.One2many(
        "account.move", "csp_complaint_id", string="Credit Notes",
        domain=[("move_type", "=", "out_refund")])
    return_count = fields.Integer(compute="_compute_counts")
    credit_note_count = fields.Integer(compute="_compute_counts")

    # ------------------------------------------------------------ defaults

    @api.model
    def _default_stage_id(self):
        return self.env["csp.complaint.stage"].search([], limit=1)

    @api.model
    def _default_channel(self):
        """A field rep registers a complaint at the customer's: a visit; head
        office takes them on the phone."""
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            return "visit"
        return "phone"

    @api.model
    def _default_user_id(self):
        """The cards' step "Handle a complaint" in the current company."""
        return self.env["csp.process.step"]._csp_assign_default("complaint", self.env.company)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        return stages.search([], limit=100)

    # ------------------------------------------------------------ computes

    @api.depends("order_id.user_id", "partner_id.commercial_partner_id.user_id")
    def _compute_salesperson_id(self):
        for complaint in self:
            complaint.salesperson_id = (complaint.order_id.user_id
                                        or complaint.partner_id.commercial_partner_id.user_id)

    @api.depends("received_at", "type_id.sla_days", "company_id.resource_calendar_id")
    def _compute_date_deadline(self):
        for complaint in self:
            calendar = complaint.company_id.resource_calendar_id
            if not complaint.received_at or not complaint.type_id:
                complaint.date_deadline = False
            elif calendar:
                complaint.date_deadline = calendar._csp_plan_working_days(
                    complaint.type_id.sla_days, complaint.received_at)
            else:
                complaint.date_deadline = datetime.combine(
                    fields.Date.add(complaint.received_at, days=int(complaint.type_id.sla_days)),
                    time(23, 59))

    @api.depends("order_id.invoice_ids.state")
    def _compute_invoice_ids(self):
        for complaint in self:
            complaint.invoice_ids = complaint.order_id.sudo().invoice_ids.filtered(
                lambda m: m.state == "posted" and m.move_type == "out_invoice")

    @api.depends("return_picking_ids", "credit_note_ids")
    def _compute_counts(self):
        for complaint in self:
            complaint.return_count = len(complaint.return_picking_ids)
            complaint.credit_note_count = len(complaint.credit_note_ids)

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/complaints/{complaint.id}"
        return result

    # ---------------------------------------------------------- constraints

    @api.constrains("partner_id", "order_id", "picking_id")
    def _check_customer_documents(self):
        for complaint in self:
            customer = complaint.partner_id.commercial_partner_id
            order = complaint.order_id.sudo()
            if order and order.partner_id.commercial_partner_id != customer:
                raise ValidationError(self.env._(
                    "%(order)s is not an order of %(customer)s.", order=order.name,
                    customer=customer.name))
            if complaint.picking_id and complaint.picking_id.sudo().sale_id != order:
                raise ValidationError(self.env._(
                    "%(delivery)s is not a delivery of the complaint's order.",
                    delivery=complaint.picking_id.sudo().name))

    # ------------------------------------------------------------------ CRUD

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name") in (None, False, "/", self.env._("New")):
                vals["name"] = self.env["ir.sequence"].next_by_code("csp.complaint") or "/"
            if vals.get("order_id") and not vals.get("partner_id"):
                vals["partner_id"] = self.env["sale.order"].browse(
                    vals["order_id"]).sudo().partner_id.id
        complaints = super().create(vals_list)
        for complaint in complaints:
            if complaint.partner_id not in complaint.message_partner_ids:
                complaint.message_subscribe(complaint.partner_id.ids)
            complaint._csp_assign_activity()
            if complaint.order_id:
                complaint.order_id.sudo().message_post(body=self.env._(
                    "Complaint %(complaint)s registered: %(type)s.",
                    complaint=complaint.name, type=complaint.type_id.name))
        return complaints

    def write(self, vals):
        stage = self.env["csp.complaint.stage"].browse(vals.get("stage_id"))
        if stage and stage.user_id and "user_id" not in vals:
            vals["user_id"] = stage.user_id.id
        result = super().write(vals)
        if stage:
            self.sudo().write({"closed_at": fields.Datetime.now() if stage.is_closed else False})
            if stage.is_closed:
                self._csp_record_resolution()
                self.activity_unlink(["customer_service_process.mail_activity_complaint"])
            else:
                for complaint in self:
                    complaint._csp_assign_activity()
        elif "user_id" in vals:
            for complaint in self:
                complaint._csp_assign_activity()
        return result

    # ------------------------------------------------------------ the work

    def _csp_assign_activity(self):
        """The responsible has one open complaint activity, due at the deadline."""
        self.ensure_one()
        if not self.user_id or self.is_closed:
            return
        self.activity_unlink(["customer_service_process.mail_activity_complaint"])
        self.activity_schedule(
            "customer_service_process.mail_activity_complaint",
            date_deadline=(self.date_deadline or fields.Datetime.now()).date(),
            user_id=self.user_id.id,
            summary=self.env._("%(stage)s: %(complaint)s", stage=self.stage_id.name,
                               complaint=self.name),
            note=self.description,
        )

    def _csp_record_resolution(self):
        """Working days from received to closed, against the deadline."""
        complaints = self.filtered(lambda c: c.received_at and c.closed_at)
        spent = self.env["resource.calendar"]._csp_work_hours_of(
            [(c, c.received_at, c.closed_at) for c in complaints])
        for complaint in complaints:
            complaint.sudo().write({
                "resolution_days": spent[complaint][1],
                "resolved_on_time": bool(
                    complaint.date_deadline and complaint.closed_at <= complaint.date_deadline),
            })

    @api.model
    def _csp_from_dispute(self, dispute):
        """The customer's report on the delivery page becomes a complaint."""
        problems = set(dispute.line_ids.mapped("problem"))
        code = "wrong_item" if problems == {"wrong"} else "missing_damaged"
        complaint_type = self.env["csp.complaint.type"].sudo().search(
            [("code", "=", code)], limit=1)
        picking = dispute.picking_id.sudo()
        complaint = self.sudo().create({
            "company_id": picking.company_id.id,
            "partner_id": picking.sale_id.partner_id.id,
            "order_id": picking.sale_id.id,
            "picking_id": picking.id,
            "dispute_id": dispute.id,
            "type_id": complaint_type.id,
            "channel": "portal",
            "user_id": (complaint_type.user_id or self.env["csp.process.step"]._csp_assign_default(
                "complaint", picking.company_id)).id,
            "description": "\n".join(filter(None, [
                self.env._("Reported by %(name)s on the delivery page.",
                           name=dispute.reported_by),
                dispute._csp_summary(), dispute.remarks])),
            "line_ids": [fields.Command.create({
                "product_id": line.product_id.id, "quantity": line.quantity,
                "note": " - ".join(filter(None, [
                    dict(line._fields["problem"]._description_selection(self.env))[
                        line.problem], line.note])),
            }) for line in dispute.line_ids],
        })
        return complaint

    # -------------------------------------------------------------- actions

    def action_csp_create_return(self):
        """Odoo's return of the delivery, linked to the complaint, with the
        complaint's quantities."""
        self.ensure_one()
        self._csp_check_open()
        picking = self.picking_id or self.order_id.picking_ids.filtered(
            lambda p: p.csp_is_customer_delivery and p.state == "done")[:1]
        if not picking or picking.state != "done":
            raise UserError(self.env._("The complaint has no shipped delivery to return."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Return for %(complaint)s", complaint=self.name),
            "res_model": "stock.return.picking",
            "view_mode": "form",
            "target": "new",
            "context": {"active_id": picking.id, "active_ids": picking.ids,
                        "active_model": "stock.picking", "csp_complaint_id": self.id},
        }

    def action_csp_create_credit_note(self):
        """Odoo's credit note of the order's invoices, linked to the complaint."""
        self.ensure_one()
        self._csp_check_open()
        invoices = self.invoice_ids.filtered(lambda m: m.state == "posted")
        if not invoices:
            raise UserError(self.env._("The complaint's order has no posted invoice to refund."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Note for %(complaint)s", complaint=self.name),
            "res_model": "account.move.reversal",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "account.move", "active_ids": invoices.ids,
                        "csp_complaint_id": self.id},
        }

    def action_view_returns(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("stock.action_picking_tree_all")
        action["domain"] = [("csp_complaint_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def action_view_credit_notes(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type")
        action["domain"] = [("csp_complaint_id", "=", self.id)]
        action["context"] = {"create": False}
        return action

    def _csp_check_open(self):
        if self.is_closed:
            raise UserError(self.env._("%(complaint)s is closed.", complaint=self.name))

    # ------------------------------------------------- filed on the portal

    # ------------------------------------------------------ mail and portal

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A complaint sent to the complaints alias: the sender's customer,
        the subject and the text of the mail as its description."""
        values = dict(custom_values or {})
        author = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not author and msg_dict.get("email_from"):
            author = self.env["res.partner"].find_or_create(msg_dict["email_from"])
        values.setdefault("partner_id", author.commercial_partner_id.id)
        values.setdefault("channel", "email")
        text = "\n".join(filter(None, [
            msg_dict.get("subject"), html2plaintext(msg_dict.get("body") or "")]))
        values.setdefault("description", text or self.env._("Complaint received by e-mail"))
        if not values.get("type_id"):
            values["type_id"] = self.env["csp.complaint.type"].search([], limit=1).id
        return super().message_new(msg_dict, custom_values=values)

    def _get_report_base_filename(self):
        return self.name
