"""The order's process stage, derived from its documents by one rule per
stage (``_csp_stage_<code>``), its log and its milestones."""

import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# The key of the orders' new stages, noted during the transaction, in the
# cursor's precommit data.
STAGE_CHANGES = "csp.sale.order.stage.changes"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    csp_stage_id = fields.Many2one(
        "csp.order.stage", string="Process Stage", compute="_compute_csp_stage_id",
        store=True, index=True, group_expand="_read_group_csp_stage_id", copy=False,
        help="Where the order stands in the process, derived from its documents.")
    csp_stage_log_ids = fields.One2many("csp.order.stage.log", "order_id", string="Process Log")
    csp_stage_path_ids = fields.Many2many(
        "csp.order.stage", string="Stages of This Order", compute="_compute_csp_stage_path_ids",
        help="The stages the order's status bar shows: reached, current, and still ahead.")

    # Milestones, set when the order first reaches them (see _csp_milestones).
    csp_received_at = fields.Datetime(
        string="Received", default=fields.Datetime.now, copy=False, readonly=True)
    csp_answered_at = fields.Datetime(string="Answered", copy=False, readonly=True)
    csp_accepted_at = fields.Datetime(string="Accepted", copy=False, readonly=True)
    csp_delivered_at = fields.Datetime(string="Delivered", copy=False, readonly=True)
    csp_paid_at = fields.Datetime(string="Paid", copy=False, readonly=True)

    @api.model
    def _csp_process_stages(self):
        """The stages an order moves through (chain) or leaves by (exit), in
        their order: what the stage, its path and its milestones are read
        from."""
        return self.env["csp.order.stage"].sudo().search([("kind", "in", ("chain", "exit"))])

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
        stages = self._csp_process_stages()
        chain = stages.filtered(lambda s: s.kind == "chain")
        exits = stages - chain
        for order in self - saved:
            order.csp_stage_id = chain[:1]
        if not saved:
            return
        status = saved._csp_stage_status(stages)
        for order in saved:
            order.csp_stage_id = (
                self._csp_current_stage(order.id, chain, exits, status) or chain[:1])
        # The compute only computes: what follows from a new stage is done
        # once, just before the transaction commits, whoever's flush or read
        # computed it.
        saved._csp_queue_stage_changes()

    @api.model
    def _csp_estimate_history(self, installed):
        """Orders created before `installed` (the addon's installation): their
        milestones, process log and SLA re-dated from what Odoo recorded
        (see _csp_estimate_history_sql), and no SLA breach activity for
        their past."""
        # The stage computed at install, its log and milestones written.
        self.env.cr.flush()
        self.env.cr.execute(self._csp_estimate_history_sql(installed))
        ids = [row[0] for row in self.env.cr.fetchall()]
        if not ids:
            return
        self.env.cr.execute(SQL("""
            UPDATE csp_order_stage_log log
               SET entered_at = CASE
                       WHEN stage.code IN ('delivered') THEN COALESCE(so.csp_delivered_at,
                                                                      so.csp_received_at)
                       WHEN stage.code IN ('paid', 'closed') THEN COALESCE(so.csp_paid_at,
                                                                          so.csp_received_at)
                       WHEN stage.code = 'offer' THEN so.csp_received_at
                       WHEN stage.code = 'cancelled' THEN so.write_date
                       ELSE COALESCE(so.csp_accepted_at, so.csp_received_at) END
              FROM sale_order so, csp_order_stage stage
             WHERE log.order_id = so.id AND stage.id = log.stage_id
               AND so.id = ANY(%(ids)s) AND log.left_at IS NULL
        """, ids=ids))
        self.env.invalidate_all()
        for start in range(0, len(ids), 2000):
            orders = self.browse(ids[start:start + 2000])
            orders._compute_csp_sla()
            self.env.flush_all()
            self.env.invalidate_all()
        # Their past is not a breach to act on now.
        self.env.cr.execute(SQL("""
            UPDATE sale_order SET csp_sla_alerted_kind = csp_sla_kind
             WHERE id = ANY(%(ids)s) AND csp_sla_deadline < now() AT TIME ZONE 'UTC'
        """, ids=ids))
        _logger.info("History of %s orders created before the addon estimated", len(ids))

    @api.model
    def _csp_estimate_history_sql(self, installed):
        """The milestones of the orders created before `installed`, estimated:
        received when created, answered and accepted when confirmed (Odoo's
        order date of a confirmed order), delivered when its last delivery was
        done, paid on the last invoice's date once all are paid."""
        return SQL("""
            WITH old AS (
                SELECT id FROM sale_order WHERE create_date < %(installed)s
            ), delivered AS (
                SELECT p.sale_id, max(p.date_done) AS done
                  FROM stock_picking p
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                 WHERE p.sale_id IN (SELECT id FROM old) AND p.state = 'done'
                   AND t.code = 'outgoing'
                 GROUP BY p.sale_id
            ), paid AS (
                SELECT l.order_id, max(m.invoice_date) AS invoiced
                  FROM sale_order_line l
                  JOIN sale_order_line_invoice_rel r ON r.order_line_id = l.id
                  JOIN account_move_line ml ON ml.id = r.invoice_line_id
                  JOIN account_move m ON m.id = ml.move_id AND m.state = 'posted'
                 WHERE l.order_id IN (SELECT id FROM old)
                 GROUP BY l.order_id
            )
            UPDATE sale_order so
               SET csp_received_at = so.create_date,
                   csp_answered_at = CASE WHEN so.csp_answered_at IS NOT NULL
                                          THEN COALESCE(so.date_order, so.create_date) END,
                   csp_accepted_at = CASE WHEN so.csp_accepted_at IS NOT NULL
                                          THEN COALESCE(so.date_order, so.create_date) END,
                   csp_delivered_at = CASE WHEN so.csp_delivered_at IS NOT NULL
                                           THEN COALESCE(d.done, so.date_order) END,
                   csp_paid_at = CASE WHEN so.csp_paid_at IS NOT NULL
                                      THEN COALESCE(pa.invoiced::timestamp, so.date_order) END
              FROM old
              LEFT JOIN delivered d ON d.sale_id = old.id
              LEFT JOIN paid pa ON pa.order_id = old.id
             WHERE so.id = old.id
         RETURNING so.id
        """, installed=installed)

    def _csp_stage_status(self, stages):
        """{stage: (ids of these orders that reached it, ids for which it
        does not apply)}, by each stage's rule `_csp_stage_<code>`."""
        status = {}
        documents = self.sudo()
        for stage in stages:
            rule = getattr(documents, f"_csp_stage_{stage.code}", None)
            if rule is None:
                _logger.warning("Process stage %s has no rule _csp_stage_%s",
                                stage.name, stage.code)
                continue
            reached, not_applicable = rule()
            status[stage] = (set(reached.ids), set(not_applicable.ids))
        return status

    @api.depends("csp_stage_id")
    def _compute_csp_stage_path_ids(self):
        """The stages the order's status bar shows: those it reached, its
        own, and those still ahead of it that apply to it.  Not a stage it
        skipped (Invoiced on an order delivered before its invoice), nor
        one after an exit (nothing after Cancelled)."""
        stages = self._csp_process_stages()
        chain = stages.filtered(lambda s: s.kind == "chain")
        saved = self.filtered("id")
        status = saved._csp_stage_status(chain) if saved else {}
        for order in self:
            current = order.csp_stage_id
            ahead = current.kind == "chain" or not current

            def on_path(stage, order=order, current=current, ahead=ahead):
                reached, not_applicable = status.get(stage, (set(), set()))
                if stage == current or order._origin.id in reached:
                    return True
                return (ahead and stage.sequence > current.sequence
                        and order._origin.id not in not_applicable)

            order.csp_stage_path_ids = chain.filtered(on_path) | current

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

    def _csp_posted_invoices(self):
        return self.order_line.invoice_lines.move_id.filtered(
            lambda m: m.state == "posted" and m.move_type == "out_invoice")

    def _csp_stage_invoiced(self):
        # Invoicing and shipping run side by side: an order invoiced on
        # delivery goes on to Shipped before its invoice exists.
        invoiced = self.filtered(lambda o: o._csp_posted_invoices())
        shipped, _nothing_to_ship = (self - invoiced)._csp_stage_shipped()
        return invoiced, shipped

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
            # A quotation made from an inquiry starts its log with it.
            inquiries = self._csp_inquiry_log_entries(
                [move for move in moves if move[0] not in entries])
            entries.update(inquiries)
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
        stages = self._csp_process_stages()
        changed._csp_set_milestones(max(when for *_x, when in noted), stages)
        changed._csp_close_stale_sla_activities()
        changed._csp_notify_produced(stages)

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
