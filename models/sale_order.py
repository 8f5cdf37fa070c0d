import logging
from collections import defaultdict
from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain

from .csp_cost_guard import COST_VIEWER
from .csp_link import send_private_mails
from .stock_picking import DELIVERY_STATES

_logger = logging.getLogger(__name__)

# The key of the orders' new stages, noted during the transaction, in the
# cursor's precommit data.
STAGE_CHANGES = "csp.sale.order.stage.changes"

CHANNELS = [
    ("phone", "Phone"),
    ("email", "E-mail"),
    ("office", "Office visit"),
    ("website", "Website / portal"),
    ("visit", "Field rep visit"),
]
FIELD_CHANNELS = ("visit",)

APPROVAL_STATES = [
    ("none", "Not Checked"),
    ("pending", "Waiting for Approval"),
    ("approved", "Approved"),
    ("refused", "Refused"),
]
# Changing any of these on a checked quotation voids its approval.
CHECKED_ORDER_FIELDS = frozenset({
    "order_line", "commitment_date", "pricelist_id", "partner_id", "currency_id",
    "warehouse_id", "company_id",
})


def _group_by(records, key):
    """{key(record): the records with that key}, as recordsets."""
    groups = defaultdict(list)
    for record in records:
        groups[key(record)].append(record.id)
    return {k: records.browse(ids) for k, ids in groups.items()}


SLA_KINDS = [
    ("feasibility", "Feasibility answer"),
    ("fulfilment", "Fulfilment"),
    ("payment", "Payment"),
]


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "csp.process.owned", "csp.batch"]
    # What the process derives: stage, milestones, the check that counts,
    # answer and fulfilment figures, distribution, production and survey
    # bookkeeping, the customer's opinion and the SLA.
    _csp_process_fields = frozenset({
        "csp_service", "csp_stage_id",
        "csp_received_at", "csp_answered_at", "csp_accepted_at", "csp_delivered_at",
        "csp_paid_at",
        "csp_check_id", "csp_approval_state",
        "csp_answer_hours", "csp_answer_on_time", "csp_fulfilment_days",
        "csp_fulfilment_on_time",
        "csp_distribution_state", "csp_pickup_notified", "csp_produced_notified",
        "csp_survey_input_id", "csp_survey_sent_at", "csp_survey_reminded_at",
        "csp_survey_error",
        "csp_feedback_at", "csp_satisfaction_score", "csp_nps_score", "csp_nps_category",
        "csp_quality_score", "csp_on_time_answer", "csp_improvement",
        "csp_sla_kind", "csp_sla_deadline", "csp_sla_alerted_kind",
    })
    # Bulk steps done by cron workers in committed batches (see csp.batch).
    _csp_batch_jobs = {
        "survey_invite": "customer_service_process.ir_cron_satisfaction_surveys",
        "survey_remind": "customer_service_process.ir_cron_survey_reminders",
        "sla_breach": "customer_service_process.ir_cron_sla_breaches",
        "pickup_ready": "customer_service_process.ir_cron_pickup_ready",
    }
    _csp_batch_sizes = {"survey_invite": 100, "survey_remind": 100, "sla_breach": 200,
                        "pickup_ready": 100}

    # Margins are the cost viewers' (see csp_cost_guard); computed as superuser.
    margin = fields.Monetary(groups=COST_VIEWER)
    margin_percent = fields.Float(groups=COST_VIEWER)

    csp_channel = fields.Selection(
        CHANNELS, string="Channel", required=True, default=lambda self: self._default_csp_channel(),
        tracking=True, help="How the order reached the company (source document 000, a).")
    csp_service = fields.Selection(
        [("head_office", "Head office"), ("field", "Field rep")], string="Served by",
        compute="_compute_csp_service", store=True)
    csp_stage_id = fields.Many2one(
        "csp.order.stage", string="Process Stage", compute="_compute_csp_stage_id",
        store=True, index=True, group_expand="_read_group_csp_stage_id", copy=False,
        help="Where the order stands in the process, derived from its documents.")
    csp_stage_log_ids = fields.One2many("csp.order.stage.log", "order_id", string="Process Log")

    # Milestones, set when the order first reaches them (see _csp_milestones).
    csp_received_at = fields.Datetime(
        string="Received", default=fields.Datetime.now, copy=False, readonly=True)
    csp_answered_at = fields.Datetime(string="Answered", copy=False, readonly=True)
    csp_accepted_at = fields.Datetime(string="Accepted", copy=False, readonly=True)
    csp_delivered_at = fields.Datetime(string="Delivered", copy=False, readonly=True)
    csp_paid_at = fields.Datetime(string="Paid", copy=False, readonly=True)

    # The feasibility and profitability check (subprocess b)
    csp_check_ids = fields.One2many(
        "csp.feasibility.check", "order_id", string="Feasibility Checks")
    csp_check_id = fields.Many2one(
        "csp.feasibility.check", string="Feasibility Check", compute="_compute_csp_check_id",
        store=True, help="The check that counts: the latest one submitted and not reset.")
    csp_approval_state = fields.Selection(
        APPROVAL_STATES, string="Feasibility", compute="_compute_csp_check_id", store=True,
        index=True, default="none")
    csp_answer_hours = fields.Float(
        string="Answer Time (working hours)", readonly=True, copy=False, aggregator="avg",
        help="Working hours from the order received to the answer sent to the customer.")
    csp_answer_on_time = fields.Boolean(
        string="Answered on Time", readonly=True, copy=False,
        help="Answered within the company's feasibility target.")

    csp_fulfilment_days = fields.Float(
        string="Fulfilment (working days)", readonly=True, copy=False, aggregator="avg",
        help="Working days from the order accepted to its delivery confirmed.")
    csp_fulfilment_on_time = fields.Boolean(
        string="Fulfilled on Time", readonly=True, copy=False,
        help="Delivered within the company's fulfilment target.")

    # Production and distribution (subprocesses c and d)
    csp_distribution_state = fields.Selection(
        DELIVERY_STATES, string="Distribution", compute="_compute_csp_distribution_state",
        store=True, help="The least advanced of the order's deliveries; Disputed when the "
                         "customer reported a problem with one.")
    # Pick-up and pay at the warehouse (source document 003, 5.2.3.6-5.2.4.2)
    csp_pickup = fields.Boolean(
        string="Collected by the Customer", tracking=True,
        help="The customer pays in cash and collects the goods at the warehouse.")
    csp_pickup_date = fields.Date(
        string="Collection Day", tracking=True,
        help="The day the customer says he will come: the warehouse is told.")
    csp_pickup_notified = fields.Boolean(copy=False, readonly=True)
    csp_production_ids = fields.Many2many(
        "mrp.production", string="Manufacturing Orders", compute="_compute_csp_production_ids",
        help="The order's manufacturing orders, for everyone who follows the order.")
    csp_produced_notified = fields.Boolean(
        copy=False, readonly=True, help="The customer was told the order is produced.")
    csp_delivery_ids = fields.One2many(
        "stock.picking", "sale_id", string="Customer Deliveries",
        domain=[("csp_is_customer_delivery", "=", True), ("state", "!=", "cancel")])

    # The customer's opinion (subprocess e)
    csp_survey_input_id = fields.Many2one(
        "survey.user_input", string="Satisfaction Survey", copy=False, readonly=True)
    csp_survey_sent_at = fields.Datetime(string="Survey Sent", copy=False, readonly=True)
    csp_survey_reminded_at = fields.Datetime(string="Survey Reminder", copy=False,
                                             readonly=True)
    csp_feedback_at = fields.Datetime(string="Feedback Received", copy=False, readonly=True)
    csp_satisfaction_score = fields.Integer(
        string="Satisfaction (1-5)", copy=False, readonly=True, aggregator="avg")
    csp_nps_score = fields.Integer(string="Recommend (0-10)", copy=False, readonly=True,
                                   aggregator="avg")
    csp_nps_category = fields.Selection(
        [("promoter", "Promoter"), ("passive", "Passive"), ("detractor", "Detractor")],
        string="NPS Category", copy=False, readonly=True)
    csp_quality_score = fields.Integer(string="Product Quality (1-5)", copy=False,
                                       readonly=True, aggregator="avg")
    csp_on_time_answer = fields.Selection(
        [("yes", "Yes"), ("no", "No")], string="On Time (customer)", copy=False, readonly=True)
    csp_improvement = fields.Text(string="What to Improve", copy=False, readonly=True)
    csp_survey_error = fields.Text(
        string="Survey Error", copy=False, readonly=True,
        help="Why the satisfaction survey or its reminder could not be sent: the order is "
             "not tried again.")

    csp_sla_kind = fields.Selection(
        SLA_KINDS, string="Running SLA", compute="_compute_csp_sla", store=True)
    csp_sla_deadline = fields.Datetime(
        string="SLA Deadline", compute="_compute_csp_sla", store=True, index="btree_not_null")
    csp_sla_hours_left = fields.Float(
        string="Working Hours Left", compute="_compute_csp_sla_hours_left",
        help="Working hours until the deadline of the running SLA; negative when late.")
    csp_sla_hours_late = fields.Float(
        string="Working Hours Late", compute="_compute_csp_sla_hours_left")
    csp_sla_late = fields.Boolean(
        string="Late", compute="_compute_csp_sla_hours_left", search="_search_csp_sla_late")
    csp_sla_alerted_kind = fields.Selection(
        SLA_KINDS, copy=False, readonly=True,
        help="The SLA whose breach already has an activity, so that it gets only one.")

    # ------------------------------------------------------------------ defaults

    @api.model
    def _default_csp_channel(self):
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            return "visit"
        return "phone"

    # --------------------------------------------------------------- ownership

    def _check_csp_rep_own_customer(self, vals=None):
        """A field rep quotes only the customers assigned to him, as their
        salesperson: he neither takes another rep's customer nor hands his
        order to someone else (the process and head office may).  Called by
        create on the new orders, and by write on the values before they are
        written (Odoo would otherwise stumble on the other customer's record
        first): constraints run as superuser and would not know who writes."""
        if self.env.su or not self.env.user.has_group(
                "customer_service_process.group_field_rep"):
            return
        user = self.env.user
        # The invoice and delivery addresses too: another customer's address
        # would bill or ship him through this rep's order.
        if vals is None:
            rows = [(order.user_id, order.partner_id | order.partner_invoice_id
                     | order.partner_shipping_id) for order in self.sudo()]
        else:
            rows = [(self.env["res.users"].browse(vals["user_id"]) if "user_id" in vals else user,
                     self.env["res.partner"].sudo().browse([
                         vals[name] for name in ("partner_id", "partner_invoice_id",
                                                 "partner_shipping_id") if vals.get(name)]))]
        for salesperson, partners in rows:
            if salesperson != user:
                raise ValidationError(self.env._(
                    "A field representative's orders are his own: head office assigns "
                    "orders and customers to salespeople."))
            for partner in partners:
                if partner.commercial_partner_id.user_id != user:
                    raise ValidationError(self.env._(
                        "%(customer)s is not one of your customers: head office assigns "
                        "customers to salespeople.", customer=partner.name))

    # ------------------------------------------------------------------ computes

    @api.depends("csp_channel")
    def _compute_csp_service(self):
        for order in self:
            order.csp_service = "field" if order.csp_channel in FIELD_CHANNELS else "head_office"

    @api.depends("csp_check_ids.state")
    def _compute_csp_check_id(self):
        for order in self:
            checks = order.csp_check_ids.filtered(
                lambda c: c.state in ("pending", "approved", "refused"))
            latest = checks.sorted("id")[-1:]
            order.csp_check_id = latest
            order.csp_approval_state = latest.state or "none"

    @api.depends("stock_reference_ids.production_ids.state")
    def _compute_csp_production_ids(self):
        productions = self.sudo()._csp_productions()
        for order in self:
            order.csp_production_ids = productions[order.sudo()].sudo(False)

    @api.depends("picking_ids.csp_delivery_state")
    def _compute_csp_distribution_state(self):
        order_of = [code for code, _label in DELIVERY_STATES]
        for order in self:
            states = [p.csp_delivery_state for p in order.picking_ids
                      if p.csp_delivery_state]
            if not states:
                order.csp_distribution_state = False
            elif "disputed" in states:
                order.csp_distribution_state = "disputed"
            else:
                order.csp_distribution_state = min(states, key=order_of.index)

    @api.model
    def _read_group_csp_stage_id(self, stages, domain):
        return stages.search([("kind", "in", ("chain", "exit"))])

    @api.depends(
        "state",
        "stock_reference_ids.production_ids.state",
        "picking_ids.state",
        "order_line.invoice_lines.move_id.state",
        "order_line.invoice_lines.move_id.payment_state",
        "csp_approval_state",
        "picking_ids.csp_confirmed_at",
        "csp_feedback_at",
    )
    def _compute_csp_stage_id(self):
        saved = self.filtered("id")
        stages = self.env["csp.order.stage"].sudo().search([("kind", "in", ("chain", "exit"))])
        chain = stages.filtered(lambda s: s.kind == "chain")
        exits = stages - chain
        for order in self - saved:
            order.csp_stage_id = chain[:1]
        if not saved:
            return
        status = {}
        documents = saved.sudo()
        for stage in stages:
            rule = getattr(documents, f"_csp_stage_{stage.code}", None)
            if rule is None:
                _logger.warning("Process stage %s has no rule _csp_stage_%s",
                                stage.name, stage.code)
                continue
            reached, not_applicable = rule()
            status[stage] = (set(reached.ids), set(not_applicable.ids))
        for order in saved:
            order.csp_stage_id = (
                self._csp_current_stage(order.id, chain, exits, status) or chain[:1])
        # The compute only computes: what follows from a new stage is done
        # once, just before the transaction commits, whoever's flush or read
        # computed it.
        saved._csp_queue_stage_changes()

    @api.model
    def _csp_current_stage(self, order_id, chain, exits, status):
        """A way out wins; otherwise the last step reached before the first
        step that is neither reached nor inapplicable."""
        for stage in exits:
            if order_id in status.get(stage, ((), ()))[0]:
                return stage
        current = None
        for stage in chain:
            reached, not_applicable = status.get(stage, ((), (order_id,)))
            if order_id in reached:
                current = stage
            elif order_id not in not_applicable:
                break
        return current

    @api.depends(
        "csp_received_at", "csp_answered_at", "csp_accepted_at", "csp_delivered_at",
        "csp_paid_at", "csp_stage_id", "company_id.csp_feasibility_sla_hours",
        "company_id.csp_fulfilment_sla_days", "company_id.resource_calendar_id",
        "order_line.invoice_lines.move_id.invoice_date_due",
    )
    def _compute_csp_sla(self):
        kinds = {}
        for order in self:
            kinds[order] = order._csp_running_sla()
        # Plan all deadlines of one calendar and target in one computation.
        groups = defaultdict(list)
        for order, kind in kinds.items():
            company = order.company_id or self.env.company
            if kind == "feasibility":
                groups[(company.resource_calendar_id, company.csp_feasibility_sla_hours)].append(
                    (order, order.csp_received_at))
            elif kind == "fulfilment":
                calendar = company.resource_calendar_id
                hours = company.csp_fulfilment_sla_days * (calendar.hours_per_day or 8.0)
                groups[(calendar, hours)].append((order, order.csp_accepted_at))
        deadlines = {}
        for (calendar, hours), pairs in groups.items():
            if not calendar:
                continue
            planned = calendar._csp_plan_hours_batch(hours, [start for _o, start in pairs])
            deadlines.update(zip([o for o, _s in pairs], planned, strict=True))
        for order, kind in kinds.items():
            order.csp_sla_kind = kind
            if kind == "payment":
                dues = order._csp_posted_invoices().mapped("invoice_date_due")
                order.csp_sla_deadline = datetime.combine(max(dues), time.max) if dues else False
            else:
                order.csp_sla_deadline = deadlines.get(order, False)

    def _csp_running_sla(self):
        """Which target the order is running against now, if any."""
        self.ensure_one()
        if not self.id or self.state == "cancel" or self.csp_stage_id.kind == "exit":
            return False
        if not self.csp_answered_at:
            return "feasibility"
        if self.csp_accepted_at and not self.csp_delivered_at:
            return "fulfilment"
        if self.csp_delivered_at and not self.csp_paid_at:
            return "payment" if self._csp_posted_invoices() else False
        return False

    @api.depends("csp_sla_deadline")
    def _compute_csp_sla_hours_left(self):
        now = fields.Datetime.now()
        by_calendar = defaultdict(list)
        for order in self:
            order.csp_sla_hours_left = 0.0
            order.csp_sla_hours_late = 0.0
            order.csp_sla_late = bool(order.csp_sla_deadline and order.csp_sla_deadline < now)
            if order.csp_sla_deadline:
                by_calendar[order.company_id.resource_calendar_id].append(order)
        for calendar, orders in by_calendar.items():
            if not calendar:
                continue
            hours = calendar._csp_work_hours([(now, o.csp_sla_deadline) for o in orders])
            for order, left in zip(orders, hours, strict=True):
                order.csp_sla_hours_left = left
                order.csp_sla_hours_late = max(-left, 0.0)

    def _search_csp_sla_late(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        late = (operator == "=" and value) or (operator == "!=" and not value)
        now = fields.Datetime.now()
        if late:
            return [("csp_sla_deadline", "<", now)]
        return ["|", ("csp_sla_deadline", "=", False), ("csp_sla_deadline", ">=", now)]

    # ---------------------------------------------------------- stage rules
    # Each returns (orders that reached the stage, orders it does not apply to).

    def _csp_stage_offer(self):
        return self, self.browse()

    def _csp_stage_feasibility(self):
        # Optional: an order confirmed without a check skips it.
        checked = self.filtered(lambda o: o.csp_approval_state != "none")
        return checked, self - checked

    def _csp_stage_refused(self):
        return self.filtered(
            lambda o: o.state == "cancel" and o.csp_approval_state == "refused"), self.browse()

    def _csp_stage_accepted(self):
        return self.filtered(lambda o: o.state == "sale"), self.browse()

    def _csp_productions(self):
        """First-level manufacturing orders of each order, cancelled ones left out."""
        return {
            order: order.stock_reference_ids.production_ids.filtered(
                lambda mo: mo.state != "cancel" and not mo.production_group_id.parent_ids)
            for order in self
        }

    def _csp_stage_in_production(self):
        productions = self._csp_productions()
        made = self.filtered(lambda o: productions[o])
        return made, self - made

    def _csp_stage_produced(self):
        productions = self._csp_productions()
        made = self.filtered(lambda o: productions[o])
        done = made.filtered(lambda o: all(mo.state == "done" for mo in productions[o]))
        return done, self - made

    def _csp_posted_invoices(self):
        return self.order_line.invoice_lines.move_id.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice")

    def _csp_stage_invoiced(self):
        # Invoicing and shipping run side by side: an order invoiced on
        # delivery goes on to Shipped before its invoice exists.
        invoiced = self.filtered(lambda o: o._csp_posted_invoices())
        shipped, _nothing_to_ship = (self - invoiced)._csp_stage_shipped()
        return invoiced, shipped

    def _csp_deliveries(self):
        return {
            order: order.picking_ids.filtered(
                lambda p: p.picking_type_code == "outgoing" and p.state != "cancel")
            for order in self
        }

    def _csp_stage_shipped(self):
        deliveries = self._csp_deliveries()
        shipped = self.filtered(
            lambda o: deliveries[o] and all(p.state == "done" for p in deliveries[o]))
        nothing_to_ship = self.filtered(
            lambda o: o.state == "sale" and not deliveries[o]
            and not o.order_line.filtered(lambda line: line.product_id.type == "consu"))
        return shipped, nothing_to_ship

    def _csp_stage_delivered(self):
        # Delivered when the customer confirmed every delivery (each backorder
        # on its own); an order with nothing to ship skips it.
        deliveries = self._csp_deliveries()
        confirmed = self.filtered(lambda o: deliveries[o] and all(
            p.state == "done" and p.csp_confirmed_at for p in deliveries[o]))
        _shipped, nothing_to_ship = self._csp_stage_shipped()
        return confirmed, nothing_to_ship

    def _csp_stage_feedback(self):
        # Optional: an order whose customer did not answer goes on without it.
        answered = self.filtered("csp_feedback_at")
        return answered, self - answered

    def _csp_stage_paid(self):
        def is_paid(order):
            invoices = order._csp_posted_invoices()
            return invoices and all(
                m.payment_state in ("paid", "in_payment", "reversed") for m in invoices)

        return self.filtered(is_paid), self.browse()

    def _csp_stage_closed(self):
        # Reached by every order whose steps before it are all behind it.
        return self, self.browse()

    def _csp_stage_cancelled(self):
        return self.filtered(lambda o: o.state == "cancel"), self.browse()

    # ------------------------------------------------------------ the log

    @api.model
    def _csp_milestones(self):
        """(order field, stage code, also set by a way out): entering the stage,
        or any later step, sets the milestone if it is not set yet."""
        return [
            ("csp_answered_at", "accepted", True),
            ("csp_accepted_at", "accepted", False),
            ("csp_delivered_at", "delivered", False),
            ("csp_paid_at", "paid", False),
        ]

    def _csp_queue_stage_changes(self):
        """Note each order's stage as just computed, with who and when; the
        process log, the milestones, the SLA activities and the customer's
        notices follow at precommit (`_csp_apply_stage_changes`), as mail
        tracking does: a read or a search never sends a mail."""
        data = self.env.cr.precommit.data
        if STAGE_CHANGES not in data:
            data[STAGE_CHANGES] = []
            self.env.cr.precommit.add(self.env["sale.order"].sudo()._csp_apply_stage_changes)
        now = fields.Datetime.now()
        data[STAGE_CHANGES].extend(
            (order.id, order.csp_stage_id.id, self.env.uid, now) for order in self)

    def _csp_apply_stage_changes(self):
        """Precommit: log every stage each order went through in this
        transaction, in order, then its milestones, SLA activities and the
        'produced' notice, for the orders whose stage changed."""
        noted = self.env.cr.precommit.data.pop(STAGE_CHANGES, [])
        if not noted:
            return
        Log = self.env["csp.order.stage.log"].sudo()
        orders = self.browse(sorted({order_id for order_id, *_rest in noted})).exists()
        open_entries = Log.search([("order_id", "in", orders.ids), ("is_open", "=", True)])
        current = {entry.order_id.id: entry.stage_id.id for entry in open_entries}
        entries = {entry.order_id.id: entry for entry in open_entries}
        # Each order's path: the stages it entered, one after the other.
        rounds = defaultdict(list)
        steps = defaultdict(int)
        last = dict(current)
        existing = set(orders.ids)
        for order_id, stage_id, uid, when in noted:
            if order_id in existing and stage_id and last.get(order_id) != stage_id:
                rounds[steps[order_id]].append((order_id, stage_id, uid, when))
                steps[order_id] += 1
                last[order_id] = stage_id
        for step in sorted(rounds):
            moves = rounds[step]
            closing = defaultdict(list)
            for order_id, _stage_id, _uid, when in moves:
                if order_id in entries:
                    closing[when].append(entries[order_id].id)
            for when, entry_ids in closing.items():
                Log.browse(entry_ids)._csp_close(when)
            created = Log.create([{
                "order_id": order_id,
                "stage_id": stage_id,
                "previous_stage_id": entries[order_id].stage_id.id if order_id in entries
                else False,
                "user_id": uid,
                "entered_at": when if order_id in entries
                else (self.browse(order_id).csp_received_at or when),
            } for order_id, stage_id, uid, when in moves])
            entries.update({entry.order_id.id: entry for entry in created})
        changed = orders.filtered(lambda o: o.id in last and last[o.id] != current.get(o.id))
        if not changed:
            return
        stages = self.env["csp.order.stage"].sudo().search([("kind", "in", ("chain", "exit"))])
        changed._csp_set_milestones(max(when for *_x, when in noted), stages)
        changed._csp_close_stale_sla_activities()
        changed._csp_notify_produced(stages)

    def _csp_notify_produced(self, stages):
        """Tell the customer, once, that his order is produced: when its last
        manufacturing order is done."""
        produced = stages.filtered(lambda s: s.code == "produced")
        if not produced:
            return
        candidates = self.filtered(
            lambda o: not o.csp_produced_notified and o.csp_stage_id.kind == "chain"
            and o.csp_stage_id.sequence >= produced.sequence)
        if not candidates:
            return
        productions = candidates._csp_productions()
        done = candidates.filtered(lambda o: productions[o] and all(
            mo.state == "done" for mo in productions[o]))
        template = self.env.ref("customer_service_process.mail_template_order_produced",
                                raise_if_not_found=False)
        for order in done.sudo():
            order.csp_produced_notified = True
            if template:
                order.message_post_with_source(
                    template,
                    email_layout_xmlid="mail.mail_notification_layout_with_responsible_signature",
                    subtype_xmlid="mail.mt_comment",
                )

    def _csp_set_milestones(self, when, stages):
        stages = {s.code: s for s in stages}
        updates = defaultdict(list)
        for field_name, code, by_exit in self._csp_milestones():
            threshold = stages.get(code)
            if not threshold:
                continue
            for order in self:
                stage = order.csp_stage_id
                reached = (stage.kind == "chain" and stage.sequence >= threshold.sequence) or (
                    by_exit and stage.kind == "exit")
                if reached and not order[field_name]:
                    updates[field_name].append(order.id)
        answered = updates.pop("csp_answered_at", None)
        if answered:
            # Confirmed without a check: confirming is the answer.
            self.browse(answered)._csp_record_answer(when)
        for field_name, order_ids in updates.items():
            self.browse(order_ids).sudo().write({field_name: when})
        if updates.get("csp_delivered_at"):
            self.browse(updates["csp_delivered_at"])._csp_record_fulfilment()
            # The satisfaction survey goes out from its cron, soon.
            cron = self.env.ref("customer_service_process.ir_cron_satisfaction_surveys",
                                raise_if_not_found=False)
            if cron:
                cron.sudo()._trigger()

    # ------------------------------------------------------------ actions

    def action_csp_check_feasibility(self):
        """Run the feasibility and profitability check and show its results."""
        self.ensure_one()
        self.check_access("write")
        if self.state not in ("draft", "sent"):
            raise UserError(self.env._("Only a quotation can be checked for feasibility."))
        check = self.env["csp.feasibility.check"]._csp_start(self)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Feasibility of %(order)s", order=self.name),
            "res_model": "csp.feasibility.check",
            "res_id": check.id,
            "view_mode": "form",
            "views": [(self.env.ref(
                "customer_service_process.csp_feasibility_check_view_form_wizard").id, "form")],
            "target": "new",
        }

    def _csp_check_and_submit(self):
        """Check each quotation and submit the check at once (orders received
        online, imports, automated actions): accepted when the company's
        rules allow it, otherwise sent to the approver."""
        for order in self:
            order.check_access("write")
            check = self.env["csp.feasibility.check"]._csp_start(order)
            check.with_env(self.env).action_submit()
        return True

    def _csp_notify_pickup_ready(self):
        """Goods ready for a customer who collects them: he is told, and the
        warehouse gets an activity for the day he comes.  Orders whose goods
        are not ready yet are left for later (the cron's job "pickup_ready")."""
        template = self.env.ref("customer_service_process.mail_template_pickup_ready",
                                raise_if_not_found=False)
        candidates = self.sudo().filtered(
            lambda o: o.csp_pickup and not o.csp_pickup_notified and o.state == "sale")
        ready_pickings = {
            order: order.picking_ids.filtered(
                lambda p: p.csp_is_customer_delivery and p.state == "assigned")[:1]
            for order in candidates}
        ready = candidates.filtered(lambda o: ready_pickings[o])
        if not ready:
            return ready
        ready.write({"csp_pickup_notified": True})
        if template:
            ready.message_post_with_source(
                template, subtype_xmlid="mail.mt_comment",
                email_layout_xmlid="mail.mail_notification_light")
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("stock.picking")
        today = fields.Date.context_today(self)
        self._csp_batch_create_activities([{
            "activity_type_id": todo.id, "res_model_id": model_id,
            "res_id": ready_pickings[order].id, "automated": True,
            "date_deadline": order.csp_pickup_date or today,
            "user_id": (ready_pickings[order].user_id or order.user_id or self.env.user).id,
            "summary": self.env._("%(customer)s collects %(order)s",
                                  customer=order.partner_id.name, order=order.name),
            "note": self.env._("The customer pays in cash at collection."),
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

    def _csp_needs_approval(self):
        """Whether the current user may confirm this order only once its
        feasibility check is approved."""
        self.ensure_one()
        if self.env.user.has_group("customer_service_process.group_field_rep"):
            return True
        return self.company_id.csp_feasibility_required

    def _csp_is_approved(self):
        """Whether the order has an approved feasibility check: read from the
        checks themselves, whose state only their own methods write."""
        self.ensure_one()
        return any(check.state == "approved" for check in self.sudo().csp_check_ids)

    def _csp_check_confirmation_allowed(self):
        if self.env.su:
            return
        for order in self:
            if order._csp_needs_approval() and not order._csp_is_approved():
                raise UserError(self.env._(
                    "%(order)s cannot be confirmed before its feasibility check is approved: "
                    "use Check Feasibility.", order=order.name))

    def action_confirm(self):
        self._csp_check_confirmation_allowed()
        result = super().action_confirm()
        self._csp_notify_pickup_ready()
        customers = self.partner_id.commercial_partner_id.filtered(
            lambda p: not p.csp_customer_since)
        if customers:
            customers.sudo().write({"csp_customer_since": fields.Date.context_today(self)})
            # New customers get the current sales materials.
            self.env["csp.sales.material"]._csp_welcome(customers)
        return result

    def _validate_order(self):
        """The customer accepted the quotation online: an order whose
        feasibility is approved is confirmed; the others are received, and
        checked first (accepted at once or sent to a process manager)."""
        self._csp_flag_prepayment_offline()
        unchecked = self.filtered(lambda o: not o._csp_is_approved())
        for order in unchecked:
            order._csp_receive_online_order()
        return super(SaleOrder, self - unchecked)._validate_order()

    def _has_to_be_paid(self):
        """A prepayment the customer cannot make is not asked: with no payment
        provider for him, signing accepts the order and the salesperson asks
        for the prepayment by invoice (see `_csp_flag_prepayment_offline`)."""
        return super()._has_to_be_paid() and self._csp_can_pay_online()

    def _csp_can_pay_online(self):
        """Hook: whether the customer can pay this order online, i.e. a payment
        provider of the company accepts his currency and country."""
        self.ensure_one()
        return bool(self.env["payment.provider"].sudo()._get_compatible_providers(
            self.company_id.id, self.partner_id.id, self.amount_total,
            currency_id=self.currency_id.id, sale_order_id=self.id))

    def _csp_flag_prepayment_offline(self):
        """Orders accepted online without the prepayment the company asks for:
        the salesperson is told, with a to-do due today, what is missing."""
        for order in self.filtered(lambda o: o.require_payment and o.amount_total > 0
                                   and not o._csp_can_pay_online()):
            body = self.env._(
                "Accepted online without the prepayment: %(company)s has no online payment "
                "method for this customer (Invoicing settings, Payment Providers). Ask for "
                "the prepayment by invoice.", company=order.company_id.name)
            order.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
            if order.user_id:
                order.sudo().activity_schedule(
                    "mail.mail_activity_data_todo", user_id=order.user_id.id,
                    date_deadline=fields.Date.context_today(order),
                    summary=self.env._("Ask for the prepayment"), note=body)

    def _csp_receive_online_order(self):
        self.ensure_one()
        order = self.sudo()
        order.with_context(csp_keep_approval=True).write({
            "csp_received_at": fields.Datetime.now(), "csp_channel": "website"})
        order._csp_check_and_submit()

    def _csp_record_answer(self, when):
        """The customer got the company's answer: the feasibility SLA stops,
        after the working hours it took."""
        orders = self.filtered(lambda o: not o.csp_answered_at)
        spent = self.env["resource.calendar"]._csp_work_hours_of(
            [(o, o.csp_received_at or when, when) for o in orders])
        for order in orders:
            hours = spent[order][0]
            order.sudo().write({
                "csp_answered_at": when,
                "csp_answer_hours": hours,
                "csp_answer_on_time": hours <= order.company_id.csp_feasibility_sla_hours,
            })

    def _csp_record_fulfilment(self):
        """Working days from the order accepted to its delivery confirmed,
        against the company's fulfilment target."""
        orders = self.filtered(lambda o: o.csp_accepted_at and o.csp_delivered_at)
        spent = self.env["resource.calendar"]._csp_work_hours_of(
            [(o, o.csp_accepted_at, o.csp_delivered_at) for o in orders])
        for order in orders:
            days = spent[order][1]
            order.sudo().write({
                "csp_fulfilment_days": days,
                "csp_fulfilment_on_time": days <= order.company_id.csp_fulfilment_sla_days,
            })

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        orders._check_csp_rep_own_customer()
        return orders

    def write(self, vals):
        if {"partner_id", "partner_invoice_id", "partner_shipping_id", "user_id"} & set(vals):
            self._check_csp_rep_own_customer(vals)
        result = super().write(vals)
        if CHECKED_ORDER_FIELDS & set(vals) and not self.env.context.get("csp_keep_approval"):
            self._csp_reset_approval(
                self.env._("the order changed (%(fields)s)", fields=", ".join(
                    self._fields[name]._description_string(self.env)
                    for name in sorted(CHECKED_ORDER_FIELDS & set(vals)))))
        return result

    def _csp_reset_approval(self, why):
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        checks = quotations.sudo().csp_check_ids.filtered(
            lambda c: c.state in ("pending", "approved"))
        if checks:
            checks._csp_reset(why)

    # ------------------------------------------------------ satisfaction survey
    # Invitations and reminders are sent by cron workers in committed batches
    # (the jobs "survey_invite" and "survey_remind" of csp.batch): an order
    # is due while it is delivered (or invited) long enough ago and not yet
    # invited (reminded); inviting (reminding) it writes its date, which
    # takes it out of the job's domain in the transaction of its mail.

    @api.model
    def _cron_csp_satisfaction_surveys(self):
        """The invitations' job, for a database whose cron (noupdate) still
        calls this method."""
        return self._csp_batch_run("survey_invite")

    @api.model
    def _csp_survey_domain(self, job):
        now = fields.Datetime.now()
        companies = self.env["res.company"].sudo().search([("csp_survey_id", "!=", False)])
        if job == "survey_invite":
            return list(Domain.AND([
                [("csp_delivered_at", "!=", False), ("csp_survey_sent_at", "=", False),
                 ("state", "=", "sale"), ("csp_survey_error", "=", False)],
                Domain.OR([[("company_id", "=", company.id), ("csp_delivered_at", "<=", now
                            - timedelta(days=company.csp_survey_delay_days))]
                           for company in companies]),
            ]))
        companies = companies.filtered("csp_survey_reminder_days")
        return list(Domain.AND([
            [("csp_survey_sent_at", "!=", False), ("csp_survey_reminded_at", "=", False),
             ("csp_feedback_at", "=", False), ("csp_survey_input_id", "!=", False),
             ("csp_survey_input_id.state", "!=", "done"), ("csp_survey_error", "=", False)],
            Domain.OR([[("company_id", "=", company.id), ("csp_survey_sent_at", "<=", now
                        - timedelta(days=company.csp_survey_reminder_days))]
                       for company in companies]),
        ]))

    def _csp_send_survey(self):
        """One personal survey link per order, by e-mail; none for customers
        who opted out (recorded, so that they are not asked again).  The
        orders' mails are rendered together and queued with one create."""
        template = self.env.ref("customer_service_process.mail_template_survey_invitation",
                                raise_if_not_found=False)
        now = fields.Datetime.now()
        orders = self.sudo()
        opted_out = orders.filtered(
            lambda o: o.partner_id.csp_survey_opt_out
            or o.partner_id.commercial_partner_id.csp_survey_opt_out)
        opted_out.write({"csp_survey_sent_at": now})
        opted_out._message_log_batch({order.id: self.env._(
            "No satisfaction survey: the customer opted out.") for order in opted_out})
        sent = orders - opted_out
        # No "participation created" message per answer: the order's chatter
        # says the survey was sent (a message costs more than the answer).
        quiet = {"mail_create_nolog": True, "mail_create_nosubscribe": True}
        for order in sent:
            answer = order.company_id.csp_survey_id.with_context(**quiet)._create_answer(
                partner=order.partner_id, check_attempts=False, csp_order_id=order.id)
            order.write({"csp_survey_input_id": answer.id, "csp_survey_sent_at": now})
        # To the customer alone, on no thread: the personal link stays out
        # of the chatter and of every mail others read.
        send_private_mails(template, sent, {order.id: order.partner_id for order in sent})
        sent._message_log_batch({order.id: self.env._(
            "Satisfaction survey sent to %(customer)s.", customer=order.partner_id.name)
            for order in sent})
        return self.browse(sent.ids)

    def _csp_remind_survey(self):
        template = self.env.ref("customer_service_process.mail_template_survey_reminder",
                                raise_if_not_found=False)
        orders = self.sudo()
        orders.write({"csp_survey_reminded_at": fields.Datetime.now()})
        send_private_mails(template, orders, {
            order.id: order.csp_survey_input_id.partner_id or order.partner_id
            for order in orders})
        orders._message_log_batch({order.id: self.env._("Satisfaction survey reminder sent.")
                                   for order in orders})
        return self

    def _csp_survey_url(self):
        self.ensure_one()
        answer = self.sudo().csp_survey_input_id
        return answer and f"{self.get_base_url()}{answer.get_start_url()}"

    def _csp_record_feedback(self, answer):
        """The customer answered: the order's satisfaction figures, its stage,
        and a call-back by the head of sales when he is unhappy."""
        self.ensure_one()
        values = {"csp_feedback_at": fields.Datetime.now()}
        for line in answer.user_input_line_ids.filtered("question_id.csp_metric"):
            metric = line.question_id.csp_metric
            if line.skipped:
                continue
            if metric == "overall":
                values["csp_satisfaction_score"] = line.value_scale
            elif metric == "nps":
                values["csp_nps_score"] = line.value_scale
                values["csp_nps_category"] = (
                    "promoter" if line.value_scale >= 9
                    else "passive" if line.value_scale >= 7 else "detractor")
            elif metric == "quality":
                values["csp_quality_score"] = line.value_scale
            elif metric == "on_time" and line.suggested_answer_id:
                values["csp_on_time_answer"] = "yes" if line.suggested_answer_id.csp_is_yes \
                    else "no"
            elif metric == "improve":
                values["csp_improvement"] = line.value_text_box or line.value_char_box
        self.write(values)
        low = (values.get("csp_satisfaction_score") and values["csp_satisfaction_score"] <= 2) \
            or values.get("csp_nps_category") == "detractor"
        if low:
            manager = (self.company_id.csp_head_of_sales_id or self.team_id.user_id
                       or self.user_id)
            self.activity_schedule(
                "customer_service_process.mail_activity_survey_callback",
                date_deadline=fields.Date.context_today(self),
                user_id=manager.id,
                summary=self.env._("Call back an unhappy customer"),
                note=self.env._("Satisfaction %(score)s/5, recommendation %(nps)s/10.",
                                score=values.get("csp_satisfaction_score", "-"),
                                nps=values.get("csp_nps_score", "-")))
        self.message_post(body=self.env._(
            "The customer answered the satisfaction survey: %(score)s/5, would recommend "
            "%(nps)s/10.", score=values.get("csp_satisfaction_score", "-"),
            nps=values.get("csp_nps_score", "-")))

    # ------------------------------------------------------------ SLA cron

    def _csp_sla_responsible(self):
        """The salesperson; for head-office orders, the head of sales."""
        self.ensure_one()
        if self.csp_service == "head_office":
            return (self.company_id.csp_head_of_sales_id or self.team_id.user_id
                    or self.user_id or self.env.ref("base.user_admin"))
        return self.user_id or self.team_id.user_id or self.company_id.csp_head_of_sales_id

    # SLA breach activities are scheduled by cron workers in committed
    # batches (the job "sla_breach" of csp.batch): an order is due while its
    # running SLA's deadline has passed and that SLA has no activity yet;
    # scheduling it writes `csp_sla_alerted_kind`, which takes it out of the
    # domain in the transaction of its activity.

    @api.model
    def _cron_csp_sla_breaches(self):
        """The job, for a database whose cron (noupdate) still calls this
        method."""
        return self._csp_batch_run("sla_breach")

    @api.model
    def _csp_sla_breach_domain(self):
        return list(Domain.AND([
            [("csp_sla_deadline", "<", fields.Datetime.now()), ("state", "!=", "cancel")],
            Domain.OR([[("csp_sla_kind", "=", kind), ("csp_sla_alerted_kind", "!=", kind)]
                       for kind, _label in SLA_KINDS]),
        ]))

    def _csp_schedule_sla_breaches(self):
        """One breach activity per order, due today, for its responsible:
        all created at once."""
        orders = self.sudo()
        breach = self.env.ref("customer_service_process.mail_activity_sla_breach")
        # The SLA's name in the company's language, as the selection shows it.
        kinds = dict(self._fields["csp_sla_kind"]._description_selection(self.env))
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id(self._name)
        self._csp_batch_create_activities([{
            "activity_type_id": breach.id, "res_model_id": model_id, "res_id": order.id,
            "automated": True, "date_deadline": today,
            "user_id": order._csp_sla_responsible().id,
            "summary": self.env._("%(sla)s target missed", sla=kinds[order.csp_sla_kind]),
            "note": self.env._("The %(sla)s deadline was %(deadline)s.",
                               sla=kinds[order.csp_sla_kind], deadline=order.csp_sla_deadline),
        } for order in orders])
        for kind, group in _group_by(orders, lambda o: o.csp_sla_kind).items():
            group.write({"csp_sla_alerted_kind": kind})
        return self

    def _csp_close_stale_sla_activities(self):
        """Orders whose breached SLA is no longer the running one moved on:
        their breach activity is marked done."""
        if self:
            alerted = self.filtered("csp_sla_alerted_kind")
        else:
            alerted = self.search(Domain.OR([
                [("csp_sla_alerted_kind", "=", kind), ("csp_sla_kind", "!=", kind)]
                for kind, _label in SLA_KINDS]))
        moved_on = alerted.filtered(lambda o: o.csp_sla_alerted_kind != o.csp_sla_kind)
        if moved_on:
            moved_on.activity_feedback(
                ["customer_service_process.mail_activity_sla_breach"],
                feedback=self.env._("The order moved on."))
            moved_on.sudo().write({"csp_sla_alerted_kind": False})

    # ------------------------------------------------------------ batches

    @api.model
    def _csp_batch_domain(self, job):
        if job in ("survey_invite", "survey_remind"):
            return self._csp_survey_domain(job)
        if job == "sla_breach":
            return self._csp_sla_breach_domain()
        if job == "pickup_ready":
            # Orders whose goods are ready: a customer delivery reserved.
            return [("csp_pickup", "=", True), ("csp_pickup_notified", "=", False),
                    ("state", "=", "sale"), ("picking_ids", "any", [
                        ("csp_is_customer_delivery", "=", True), ("state", "=", "assigned")])]
        return super()._csp_batch_domain(job)

    @api.model
    def _csp_batch_sweep(self, job):
        if job == "sla_breach":
            # Orders that moved on: their breach activity is marked done.
            self._csp_close_stale_sla_activities()
        return super()._csp_batch_sweep(job)

    def _csp_batch_process(self, job):
        if job == "survey_invite":
            return self._csp_send_survey()
        if job == "survey_remind":
            return self._csp_remind_survey()
        if job == "sla_breach":
            return self._csp_schedule_sla_breaches()
        if job == "pickup_ready":
            return self._csp_notify_pickup_ready()
        return super()._csp_batch_process(job)

    def _csp_batch_failed(self, job, error):
        order = self.sudo()
        if job in ("survey_invite", "survey_remind"):
            order.csp_survey_error = str(error)
            what = self.env._("The satisfaction survey could not be sent: %(error)s",
                              error=str(error))
        elif job == "sla_breach":
            # Flagged in the chatter instead, once for this SLA.
            order.csp_sla_alerted_kind = order.csp_sla_kind
            what = self.env._("The SLA breach activity could not be scheduled: %(error)s",
                              error=str(error))
        elif job == "pickup_ready":
            order.csp_pickup_notified = True
            what = self.env._("The customer could not be told that his goods are ready: "
                              "%(error)s", error=str(error))
        else:
            return super()._csp_batch_failed(job, error)
        order._message_log(body=what)
        return None

