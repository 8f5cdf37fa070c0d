"""Pick-up and pay at the warehouse (source document 003, 5.2.3.6-5.2.4.2):
the customer is told his goods are ready, the warehouse expects him, and
he pays in cash at collection."""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_pickup = fields.Boolean(
        string="Collected by the Customer", tracking=True,
        help="The customer pays in cash and collects the goods at the warehouse.")
    csp_pickup_date = fields.Date(
        string="Collection Day", tracking=True,
        help="The day the customer says he will come: the warehouse is told.")
    csp_pickup_notified = fields.Boolean(copy=False, readonly=True)

    def _csp_notify_pickup_ready(self):
        """Goods ready for a customer who collects them: he is told, and the
        warehouse gets an activity for the day he comes.  Orders whose goods
        are not ready yet are left for later (the cron's job "pickup_ready")."""
        candidates = self.sudo().filtered(
            lambda o: o.csp_pickup and not o.csp_pickup_notified and o.state == "sale")
        deliveries = candidates._csp_deliveries()
        ready_pickings = {
            order: deliveries[order].filtered(lambda p: p.state == "assigned")[:1]
            for order in candidates}
        ready = candidates.filtered(lambda o: ready_pickings[o])
        if not ready:
            return ready
        ready.write({"csp_pickup_notified": True})
        ready._csp_post_template("mail_template_pickup_ready",
                                 layout="mail.mail_notification_light")
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("stock.picking")
        today = fields.Date.context_today(self)
        # The cards' step "Hand over an order the customer collects".
        assignments = self.env["csp.process.step"]._csp_assign(
            "pickup", ready, own=lambda order: ready_pickings[order].user_id or order.user_id)
        self._csp_batch_create_activities([{
            "activity_type_id": todo.id, "res_model_id": model_id,
            "res_id": ready_pickings[order].id, "automated": True,
            "date_deadline": order.csp_pickup_date or today,
            "user_id": assignments[order].user.id,
            "summary": self.env._("%(customer)s collects %(order)s",
                                  customer=order.partner_id.name, order=order.name),
            "note": " ".join(filter(None, [
                self.env._("The customer pays in cash at collection."),
                assignments[order].note])),
        } for order in ready])
        return ready

    @api.model
    def _cron_csp_pickup_ready(self):
        """The job, for a database whose cron (noupdate) still calls this
        method."""
        return self._csp_batch_run("pickup_ready")

    def action_csp_register_cash_payment(self):
        """At collection: the order's invoice, paid in cash."""
        self.ensure_one()
        self.check_access("write")
        # Money is taken by accounting or at the warehouse, and only for goods
        # the customer collects and pays on the spot.
        user = self.env.user
        if not self.env.su and not (user.has_group("account.group_account_invoice")
                                    or user.has_group("stock.group_stock_user")):
            raise AccessError(self.env._(
                "Only accounting or the warehouse registers cash payments."))
        if not self.csp_pickup:
            raise UserError(self.env._(
                "%(order)s is not collected by the customer: it is paid by invoice, not in "
                "cash at the warehouse.", order=self.name))
        if self.state != "sale":
            raise UserError(self.env._(
                "%(order)s is not confirmed: only a confirmed order is paid in cash.",
                order=self.name))
        # The warehouse reads no journals: the checks above are the access.
        journal = self.env["account.journal"].sudo().search([
            ("type", "=", "cash"), ("company_id", "=", self.company_id.id)], limit=1)
        if not journal:
            raise UserError(self.env._("%(company)s has no cash journal.",
                                       company=self.company_id.name))
        order = self.sudo()
        invoices = order._csp_posted_invoices()
        if not invoices:
            invoices = order._create_invoices()
            invoices.action_post()
        open_invoices = invoices.filtered(lambda m: m.payment_state in ("not_paid", "partial"))
        if not open_invoices:
            raise UserError(self.env._("%(order)s is already paid.", order=self.name))
        self.env["account.payment.register"].sudo().with_context(
            active_model="account.move", active_ids=open_invoices.ids).create({
                "journal_id": journal.id})._create_payments()
        order.message_post(body=self.env._("Paid in cash at the warehouse."))
        return True

    # ------------------------------------------------------------ batches

    @api.model
    def _csp_batch_domain(self, job):
        if job == "pickup_ready":
            # Orders whose goods are ready: a customer delivery reserved.
            return [("csp_pickup", "=", True), ("csp_pickup_notified", "=", False),
                    ("state", "=", "sale"), ("picking_ids", "any", [
                        ("csp_is_customer_delivery", "=", True), ("state", "=", "assigned")])]
        return super()._csp_batch_domain(job)

    def _csp_batch_process(self, job):
        if job == "pickup_ready":
            return self._csp_notify_pickup_ready()
        return super()._csp_batch_process(job)

    def _csp_batch_failed(self, job, error):
        if job != "pickup_ready":
            return super()._csp_batch_failed(job, error)
        self._csp_batch_log_failure({"csp_pickup_notified": True}, self.env._(
            "The customer could not be told that his goods are ready: %(error)s",
            error=str(error)))
        return None
