"""Sales materials (source document 000): price lists, forms, leaflets and
catalogues reach the customers of their audience within 5 working hours of
their approval; each send is tracked from approval to receipt."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

PROCESS_MANAGER = "customer_service_process.group_process_manager"


class CspSalesMaterial(models.Model):
    _name = "csp.sales.material"
    _description = "Sales Material"
    _inherit = ["mail.thread", "csp.process.owned"]
    # Approval goes through action_approve (a process manager, recorded).
    _csp_process_fields = frozenset({"state", "approved_by_id", "approved_at"})
    _order = "valid_from desc, id desc"

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(
        [("pricelist", "Price list"), ("form", "Form"), ("leaflet", "Leaflet"),
         ("catalogue", "Catalogue")], required=True, default="leaflet")
    company_id = fields.Many2one("res.company", required=True, index=True,
                                 default=lambda self: self.env.company)
    attachment_ids = fields.Many2many("ir.attachment", string="Files")
    pricelist_id = fields.Many2one(
        "product.pricelist",
        help="For a price list: Generate PDF makes its file from this Odoo pricelist.")
    valid_from = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    valid_to = fields.Date(tracking=True)
    audience = fields.Selection(
        [("all", "All customers"), ("category", "A customer category"),
         ("rep", "A rep's customers"), ("new", "New customers")],
        required=True, default="all", tracking=True)
    category_id = fields.Many2one("res.partner.category", string="Customer Category")
    rep_id = fields.Many2one("res.users", string="Field Rep")
    state = fields.Selection(
        [("draft", "Draft"), ("approved", "Approved")], default="draft", required=True,
        tracking=True, readonly=True)
    is_current = fields.Boolean(compute="_compute_is_current", search="_search_is_current")
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approved_at = fields.Datetime(readonly=True)
    target_hours = fields.Float(related="company_id.csp_material_sla_hours")
    send_ids = fields.One2many("csp.sales.material.send", "material_id", string="Sends")
    send_count = fields.Integer(compute="_compute_stats")
    received_count = fields.Integer(compute="_compute_stats")
    on_time_rate = fields.Float(string="Received on Time (%)", compute="_compute_stats")
    avg_hours_to_receive = fields.Float(string="Average Hours to Receipt",
                                        compute="_compute_stats")

    @api.constrains("valid_from", "valid_to")
    def _check_validity(self):
        for material in self:
            if material.valid_to and material.valid_to < material.valid_from:
                raise ValidationError(self.env._(
                    "%(material)s: its validity cannot end before it starts.",
                    material=material.name))

    @api.depends("state", "valid_from", "valid_to")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for material in self:
            material.is_current = material._csp_current_on(today)

    def _csp_current_on(self, day):
        self.ensure_one()
        return (self.state == "approved" and self.valid_from <= day
                and (not self.valid_to or self.valid_to >= day))

    def _search_is_current(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        today = fields.Date.context_today(self)
        current = ["&", "&", ("state", "=", "approved"), ("valid_from", "<=", today),
                   "|", ("valid_to", "=", False), ("valid_to", ">=", today)]
        return current if (operator == "=") == value else ["!", *current]

    def _compute_stats(self):
        Send = self.env["csp.sales.material.send"]
        rows = Send._read_group(
            [("material_id", "in", self.ids)], ["material_id"],
            ["__count", "received_at:count", "hours_to_receive:avg"])
        stats = {material: rest for material, *rest in rows}
        timely = dict(Send._read_group(
            [("material_id", "in", self.ids), ("on_time", "=", True)], ["material_id"],
            ["__count"]))
        for material in self:
            count, received, hours = stats.get(material, (0, 0, 0.0))
            on_time = timely.get(material, 0)
            material.send_count = count
            material.received_count = received
            material.on_time_rate = 100.0 * on_time / count if count else 0.0
            material.avg_hours_to_receive = hours or 0.0

    @api.model_create_multi
    def create(self, vals_list):
        materials = super().create(vals_list)
        materials._csp_own_attachments()
        return materials

    def write(self, vals):
        result = super().write(vals)
        if "attachment_ids" in vals:
            self._csp_own_attachments()
        return result

    def _csp_own_attachments(self):
        """Files uploaded for a material belong to it: whoever may read the
        material may read them."""
        for material in self:
            loose = material.sudo().attachment_ids.filtered(lambda a: not a.res_model)
            loose.write({"res_model": self._name, "res_id": material.id})

    # ------------------------------------------------------------- actions

    def action_generate_pricelist_pdf(self):
        """The price list's file, made from its Odoo pricelist."""
        self.ensure_one()
        if not self.pricelist_id:
            raise UserError(self.env._("Choose the pricelist to print."))
        report = self.env.ref("customer_service_process.action_report_material_pricelist")
        content, _kind = report._render_qweb_pdf(report.report_name, self.ids)
        attachment = self.env["ir.attachment"].create({
            "name": f"{self.name}.pdf", "raw": content, "mimetype": "application/pdf",
            "res_model": self._name, "res_id": self.id})
        self.attachment_ids = [fields.Command.link(attachment.id)]
        return True

    def _csp_check_sendable(self):
        for material in self:
            if not material.attachment_ids:
                raise UserError(self.env._("%(material)s has no file to send.",
                                           material=material.name))
            if material.audience == "category" and not material.category_id:
                raise UserError(self.env._("%(material)s: choose the customer category.",
                                           material=material.name))
            if material.audience == "rep" and not material.rep_id:
                raise UserError(self.env._("%(material)s: choose the rep.",
                                           material=material.name))
            today = fields.Date.context_today(self)
            if material.valid_to and material.valid_to < today:
                raise UserError(self.env._("%(material)s has expired.", material=material.name))

    def action_approve(self):
        """A process manager approves: the material goes to its audience at once."""
        if not self.env.user.has_group(PROCESS_MANAGER):
            raise AccessError(self.env._("Only a process manager approves sales materials."))
        for material in self:
            if material.state != "draft":
                raise UserError(self.env._("%(material)s is already approved.",
                                           material=material.name))
        self._csp_check_sendable()
        now = fields.Datetime.now()
        for material in self.sudo():
            material.write({"state": "approved", "approved_by_id": self.env.uid,
                            "approved_at": now})
            if material.audience != "new":
                material._csp_send_to(material._csp_audience())
        return True

    def _csp_audience(self):
        """The customers the material is for (commercial entities)."""
        self.ensure_one()
        domain = [("customer_rank", ">", 0), ("parent_id", "=", False),
                  ("company_id", "in", [False, self.company_id.id])]
        if self.audience == "category":
            domain.append(("category_id", "in", self.category_id.ids))
        elif self.audience == "rep":
            domain.append(("user_id", "=", self.rep_id.id))
        return self.env["res.partner"].sudo().search(domain)

    def _csp_send_to(self, partners):
        """One send per customer who has none yet, created at once and queued:
        cron workers make their e-mails, a batch at a time."""
        self.ensure_one()
        if self.state != "approved" or not self._csp_current_on(fields.Date.context_today(self)):
            raise UserError(self.env._("%(material)s is not approved or not current.",
                                       material=self.name))
        Send = self.env["csp.sales.material.send"].sudo()
        already = set(Send.search([("material_id", "=", self.id)]).partner_id.ids)
        partners = partners.filtered(lambda p: p.id not in already)
        sends = Send.create([
            self._prepare_material_send_vals(partner) for partner in partners])
        if sends:
            Send._csp_batch_queue("material_mail")
            self.message_post(body=self.env._("Sent to %(count)s customer(s).",
                                              count=len(sends)))
        return sends

    def _prepare_material_send_vals(self, partner):
        """The send of this material to `partner`, queued for its e-mail.
        Override to record more on it."""
        self.ensure_one()
        return {"material_id": self.id, "partner_id": partner.id, "mail_state": "queued"}

    @api.model
    def _csp_welcome(self, partners):
        """New customers get the current materials meant for everyone or for them."""
        materials = self.sudo().search([("is_current", "=", True),
                                        ("audience", "in", ("all", "new"))])
        for material in materials:
            material._csp_send_to(partners.commercial_partner_id.filtered(
                lambda p, c=material.company_id: not p.company_id or p.company_id == c))

    def _csp_mail_body(self, send, token):
        return Markup(
            "<p>%s</p><p><a href='%s' style='background-color:#875A7B;padding:8px 16px;"
            "color:#fff;border-radius:5px;text-decoration:none;'>%s</a></p>") % (
            self.env._("%(company)s has a new %(kind)s for you: %(name)s.",
                       company=self.company_id.name,
                       kind=dict(self._fields["kind"]._description_selection(self.env))[
                           self.kind].lower(), name=self.name),
            send._csp_link(token), self.env._("Open it"))
