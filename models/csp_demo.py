"""The demo story's company and its past: called only by the addon's demo
data (demo/*.xml), never by the process."""
import random
from datetime import datetime, time, timedelta

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

# The demo's past: months of orders before today, a few a month.
HISTORY_MONTHS = 12
HISTORY_SEED = 2026

# The steps of a past order, in the order they happen, each with the step
# it follows from.
AFTER = {"accepted": "answered", "shipped": "accepted", "delivered": "shipped",
         "paid": "shipped", "survey": "delivered", "feedback": "survey",
         "complaint": "delivered"}
STEPS = tuple(AFTER)

# Customers who came during the year, each with their first order in the
# month of their arrival (the report's "new customers").
NEW_CUSTOMERS = [
    ("Wielkopolska Agro Service", "Gniezno"), ("Hotel Mazury Resort", "Gizycko"),
    ("Torun Water Park", "Torun"), ("Zaklady Mleczarskie Kolo", "Kolo"),
    ("Szczecin Port Services", "Szczecin"), ("Opole Greenhouses", "Opole"),
    ("Lublin Fire Brigade Depot", "Lublin"), ("Rzeszow Food Processing", "Rzeszow"),
    ("Bialystok Housing Cooperative", "Bialystok"), ("Katowice Mine Drainage", "Katowice"),
    ("Zielona Gora Vineyards", "Zielona Gora"), ("Olsztyn Sewage Plant", "Olsztyn"),
]


class CspDemo(models.AbstractModel):
    _name = "csp.demo"
    _description = "Demo story of the customer service process"

    @api.model
    def _csp_set_target(self, company_id, code, value):
        """The demo company's own target of a card metric."""
        company = self.env["res.company"].browse(company_id)
        self.env["csp.process.target"]._csp_write_current(code, company, value)

    @api.model
    def _csp_setup_company(self, company_id):
        """Give the demo company its own books: Odoo's generic chart of
        accounts in its currency, with the Polish VAT rate of 23 %, and its
        warehouse."""
        company = self.env["res.company"].browse(company_id)
        # _load, not try_loading: the registry is still loading the addon's
        # demo data, which try_loading warns about; every module the chart
        # needs is already loaded.
        currency = company.currency_id
        self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
        # The generic chart is American: the company stays Polish.
        company.write({"currency_id": currency.id,
                       "account_fiscal_country_id": company.country_id.id})
        taxes = self.env["account.tax"].with_context(active_test=False).search(
            [("company_id", "=", company.id)])
        taxes.tax_group_id.write({"country_id": company.country_id.id})
        taxes.write({"country_id": company.country_id.id})
        for tax in company.account_sale_tax_id | company.account_purchase_tax_id:
            tax.write({"amount": 23.0, "name": "23%"})
            tax.tax_group_id.name = "VAT 23%"
        # Odoo makes a new company's warehouse only in tests.
        Warehouse = self.env["stock.warehouse"].sudo()
        if not Warehouse.search_count([("company_id", "=", company.id)], limit=1):
            Warehouse.create({"name": "Poznań", "code": "POZ", "company_id": company.id,
                              "partner_id": company.partner_id.id})

    # ----------------------------------------------------------- the past

    @api.model
    def _csp_make_history(self, company_id):
        """A year of orders before today, each taken through the real
        process (confirmed, shipped, confirmed by the customer, invoiced,
        paid, surveyed, some lost, some complained about), then dated back
        to when it happened, so that the figures, the process log, the
        dunning and the management report show a year of varied values."""
        company = self.env["res.company"].browse(company_id)
        rng = random.Random(HISTORY_SEED)
        env = self.with_company(company).with_context(
            mail_create_nolog=True, mail_notrack=True, mail_auto_subscribe_no_notify=True).env
        first_mail = env["mail.mail"].sudo().search([], order="id desc", limit=1).id
        first_trigger = env["ir.cron.trigger"].sudo().search([], order="id desc", limit=1).id
        now = fields.Datetime.now()
        plans = self._csp_plan_history(company, rng, now)
        orders = self._csp_live_history(env, company, plans, rng)
        env.cr.precommit.run()
        self._csp_date_history(orders, plans)
        # What the history queued is not to be sent, nor its crons woken: it
        # happened long ago.
        env["mail.mail"].sudo().search([("id", ">", first_mail)]).unlink()
        env["ir.cron.trigger"].sudo().search([("id", ">", first_trigger)]).unlink()

    @api.model
    def _csp_plan_history(self, company, rng, now):
        """When each past order reached each step (naive UTC datetimes, on
        the company's working calendar); a step it never reached is left
        out."""
        calendar = company.resource_calendar_id
        tz = pytz.timezone(calendar.tz or "UTC")

        def arrival(day, local_time):
            """That local time of that day, moved into working hours (naive UTC)."""
            local = tz.localize(datetime.combine(day, local_time))
            return calendar.plan_hours(0.01, local.astimezone(pytz.utc).replace(tzinfo=None),
                                       compute_leaves=True)

        Partner = self.env["res.partner"].sudo()
        customers = Partner.search([("company_id", "=", company.id), ("customer_rank", ">", 0),
                                    ("is_company", "=", True)], order="id")
        reps = customers.user_id.sorted("id")
        today = now.date()
        plans = []
        for back in range(HISTORY_MONTHS, 0, -1):
            month = today.replace(day=1) - relativedelta(months=back)
            newcomer = False
            if back <= len(NEW_CUSTOMERS):
                name, city = NEW_CUSTOMERS[back - 1]
                newcomer = Partner.create({
                    "name": name, "city": city, "is_company": True, "customer_rank": 1,
                    "company_id": company.id, "country_id": company.country_id.id,
                    "email": f"office@{name.lower().split()[0]}.example.com",
                    "user_id": reps[back % len(reps)].id,
                })
            # A little more business each month.
            count = rng.randint(4, 6) + (HISTORY_MONTHS - back) // 3
            for index in range(count):
                partner = newcomer if newcomer and index == 0 else rng.choice(customers)
                day = rng.randint(1, 27)
                received = arrival(month.replace(day=day), time(
                    rng.randint(8, 14), rng.choice((0, 15, 30, 45))))
                plan = {"partner": partner, "received": received}
                plans.append(plan)
                # Most inquiries now come through the CRM; a new customer's always.
                if partner == newcomer or rng.random() < 0.5:
                    plan["inquiry"] = True
                    plan["offered"] = calendar.plan_hours(rng.uniform(0.5, 3), received,
                                                          compute_leaves=True)
                answered = calendar.plan_hours(
                    rng.choice((1, 2, 3, 4, 5, 6, 7, 10, 14)), received, compute_leaves=True)
                plan["answered"] = answered
                if rng.random() < 0.15:
                    plan["lost"] = calendar.plan_days(rng.randint(3, 10), answered,
                                                      compute_leaves=True)
                    continue
                plan["accepted"] = calendar.plan_hours(rng.uniform(2, 30), answered,
                                                       compute_leaves=True)
                # Now and then a late one.
                plan["shipped"] = calendar.plan_days(
                    rng.randint(13, 20) if rng.random() < 0.12 else rng.randint(2, 10),
                    plan["accepted"], compute_leaves=True)
                plan["delivered"] = calendar.plan_hours(rng.uniform(2, 20), plan["shipped"],
                                                        compute_leaves=True)
                if rng.random() < 0.92:  # a few customers never pay
                    plan["paid"] = plan["shipped"] + timedelta(days=rng.randint(7, 50))
                # The survey went out: the last ones just now.
                plan["survey"] = min(plan["delivered"] + timedelta(days=2),
                                     now - timedelta(minutes=1))
                if rng.random() < 0.6:
                    plan["feedback"] = plan["survey"] + timedelta(hours=rng.randint(3, 90))
                    plan["score"] = rng.choice((5, 5, 5, 4, 4, 4, 3, 2))
                if rng.random() < 0.1:
                    plan["complaint"] = plan["delivered"] + timedelta(days=rng.randint(1, 5))
                # Nothing happens in the future: a step not reached yet is
                # not planned, nor anything that follows from it.
                for step in STEPS:
                    if step in plan and (plan[step] >= now or AFTER[step] not in plan):
                        del plan[step]
        # Inquiries that went nowhere, lost with a reason.
        for back in range(HISTORY_MONTHS, 0, -1):
            month = today.replace(day=1) - relativedelta(months=back)
            for _index in range(rng.randint(1, 3)):
                received = arrival(month.replace(day=rng.randint(1, 27)),
                                   time(rng.randint(8, 14)))
                plans.append({"partner": rng.choice(customers), "received": received,
                              "inquiry": True, "inquiry_only": True,
                              "lost": calendar.plan_hours(rng.uniform(1, 12), received,
                                                          compute_leaves=True)})
        # Numbered in the order they came in.
        plans.sort(key=lambda plan: plan["received"])
        return plans

    @api.model
    def _csp_live_history(self, env, company, plans, rng):
        """Take each planned order through the process as it is today,
        in batches: the dates come afterwards (_csp_date_history)."""
        ref = env.ref
        self._csp_live_inquiries(env, company, plans, rng)
        orders_plans = [plan for plan in plans if not plan.get("inquiry_only")]
        orders = self._csp_live_orders(env, company, orders_plans, rng)

        def on(step):
            return env["sale.order"].union(*(plan["order"] for plan in orders_plans
                                             if plan.get(step)))

        # The stage is computed at each flush: one flush a step gives each
        # order its full process log.
        orders.action_quotation_sent()
        env.flush_all()
        lost = on("lost")
        lost.action_cancel()
        reasons = self._csp_lost_reasons(env)
        for order in lost:
            order.csp_lost_reason_id = rng.choice(reasons)
            if order.opportunity_id:
                order.opportunity_id.action_set_lost(lost_reason_id=order.csp_lost_reason_id.id)
        on("accepted").action_confirm()
        # The opportunity of an accepted quotation is won.
        on("accepted").opportunity_id.action_set_won()
        env.flush_all()
        for order in on("shipped"):
            for move in order.picking_ids.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
        on("shipped").picking_ids.with_context(
            skip_backorder=True, skip_sms=True).button_validate()
        env.flush_all()
        for plan in plans:
            if plan.get("delivered"):
                for picking in plan["order"].picking_ids:
                    channel = "rep" if plan["order"].csp_channel == "visit" else "portal"
                    picking.with_user(plan["order"].user_id).sudo()._csp_confirm(
                        plan["partner"].name, channel)
        env.flush_all()
        for plan in plans:
            if plan.get("shipped"):
                invoice = plan["order"]._create_invoices()
                invoice.write({
                    "invoice_date": plan["shipped"].date(),
                    "invoice_payment_term_id": ref("account.account_payment_term_30days").id,
                })
                invoice.action_post()
                plan["invoice"] = invoice
        env.flush_all()
        self._csp_live_surveys(env, company, plans, rng)
        self._csp_live_payments(env, plans)
        self._csp_live_complaints(env, company, plans, rng)
        return orders

    @api.model
    def _csp_live_orders(self, env, company, plans, rng):
        """The quotations, with their lines, each made from its inquiry."""
        ref = env.ref
        parts = [
            (ref("customer_service_process.product_spare_impeller"), (4, 20)),
            (ref("customer_service_process.product_gauge"), (5, 25)),
            (ref("customer_service_process.product_seal"), (10, 60)),
        ]
        visit = ref("customer_service_process.product_service_visit")
        # Enough stock for the year's deliveries.
        warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
        for product, (_low, high) in parts:
            env["stock.quant"].sudo()._update_available_quantity(
                product, warehouse.lot_stock_id, high * len(plans))
        reps = ref("customer_service_process.group_field_rep").all_user_ids
        teams = {
            True: ref("customer_service_process.team_field_sales"),
            False: ref("customer_service_process.team_head_office"),
        }
        values = []
        for plan in plans:
            partner = plan["partner"]
            by_rep = partner.user_id in reps
            lines = [fields.Command.create({"product_id": product.id,
                                            "product_uom_qty": rng.randint(*qty)})
                     for product, qty in rng.sample(parts, rng.randint(1, 2))]
            if by_rep and rng.random() < 0.3:
                lines.append(fields.Command.create({"product_id": visit.id,
                                                    "product_uom_qty": 1}))
            lead = plan.get("lead")
            values.append({
                "partner_id": partner.id,
                "company_id": company.id,
                "opportunity_id": lead.id if lead else False,
                "user_id": partner.user_id.id,
                "team_id": teams[by_rep].id,
                "csp_channel": lead.csp_channel if lead else (
                    "visit" if by_rep and rng.random() < 0.8 else rng.choice(
                        ("phone", "email", "office", "website"))),
                "order_line": lines,
            })
        orders = env["sale.order"].create(values)
        for plan, order in zip(plans, orders, strict=True):
            plan["order"] = order
        return orders

    @api.model
    def _csp_lost_reasons(self, env):
        """Odoo's lost reasons a customer gives (not the refusal's own)."""
        refused = env.ref("customer_service_process.lost_reason_refused")
        return env["crm.lost.reason"].search([("id", "!=", refused.id)], limit=20)

    @api.model
    def _csp_live_inquiries(self, env, company, plans, rng):
        """The CRM opportunity each inquiry was (routed as the process
        does); those that went nowhere lost with a reason."""
        sources = [env.ref(f"utm.utm_source_{name}") for name in (
            "search_engine", "newsletter", "facebook", "linkedin", "referral")]
        reps = env.ref("customer_service_process.group_field_rep").all_user_ids
        inquiries = [plan for plan in plans if plan.get("inquiry")]
        leads = env["crm.lead"].create([{
            "name": env._("Inquiry from %(customer)s", customer=plan["partner"].name),
            "type": "opportunity",
            "partner_id": plan["partner"].id,
            "company_id": company.id,
            "csp_channel": "visit" if plan["partner"].user_id in reps and rng.random() < 0.7
            else rng.choice(("phone", "email", "office", "website")),
            "source_id": rng.choice(sources).id,
        } for plan in inquiries])
        for plan, lead in zip(inquiries, leads, strict=True):
            plan["lead"] = lead
        reasons = self._csp_lost_reasons(env)
        for plan in inquiries:
            if plan.get("inquiry_only"):
                plan["lead"].action_set_lost(lost_reason_id=rng.choice(reasons).id)
        env.flush_all()

    @api.model
    def _csp_live_surveys(self, env, company, plans, rng):
        survey = company.csp_survey_id
        for plan in plans:
            if not plan.get("survey") or not survey:
                continue
            answer = survey.sudo()._create_answer(partner=plan["partner"],
                                                  check_attempts=False)
            values = {"csp_survey_input_id": answer.id, "csp_survey_sent_at": plan["survey"]}
            if plan.get("feedback"):
                answer.state = "done"
                score = plan["score"]
                values.update({
                    "csp_feedback_at": plan["feedback"],
                    "csp_satisfaction_score": score,
                    "csp_quality_score": max(1, min(5, score + rng.choice((-1, 0, 0, 1)))),
                    "csp_nps_score": {5: 10, 4: 8, 3: 7, 2: 4, 1: 2}[score],
                    "csp_nps_category": "promoter" if score == 5 else (
                        "passive" if score >= 3 else "detractor"),
                    "csp_on_time_answer": "yes" if score >= 3 else "no",
                })
            plan["order"].sudo().write(values)
        env.flush_all()

    @api.model
    def _csp_live_payments(self, env, plans):
        for plan in plans:
            if plan.get("paid"):
                env["account.payment.register"].with_context(
                    active_model="account.move", active_ids=plan["invoice"].ids,
                ).create({"payment_date": plan["paid"].date()})._create_payments()
        env.flush_all()

    @api.model
    def _csp_live_complaints(self, env, company, plans, rng):
        ref = env.ref
        types = env["csp.complaint.type"].search([], limit=20)
        closed = ref("customer_service_process.complaint_stage_closed")
        for plan in plans:
            if plan.get("complaint"):
                complaint = env["csp.complaint"].create({
                    "partner_id": plan["partner"].id,
                    "order_id": plan["order"].id,
                    "company_id": company.id,
                    "type_id": rng.choice(types).id,
                    "channel": "visit" if plan["order"].csp_channel == "visit" else "phone",
                    "description": "The customer called about the delivery.",
                    "received_at": plan["complaint"],
                })
                plan["complaint_record"] = complaint
                plan["closed"] = company.resource_calendar_id.plan_days(
                    rng.randint(1, 8), plan["complaint"], compute_leaves=True)
                if plan["closed"] < fields.Datetime.now():
                    complaint.stage_id = closed

    @api.model
    def _csp_date_history(self, orders, plans):
        """Date each order, its deliveries, process log, complaints and
        messages back to its plan, then count its answer, fulfilment and
        SLA times again on the calendar, as the process would have."""
        cr = self.env.cr
        self.env.flush_all()
        self._csp_date_inquiries(plans)
        plans = [plan for plan in plans if plan.get("order")]
        for plan in plans:
            order = plan["order"]
            cr.execute(SQL("""
                UPDATE sale_order
                   SET create_date = %(received)s, write_date = %(received)s,
                       date_order = COALESCE(%(accepted)s, %(received)s),
                       csp_received_at = %(received)s, csp_answered_at = NULL,
                       csp_accepted_at = %(accepted)s, csp_delivered_at = %(delivered)s,
                       csp_paid_at = %(paid)s
                 WHERE id = %(order)s
            """, order=order.id, received=plan["received"], accepted=plan.get("accepted"),
                delivered=plan.get("delivered"), paid=plan.get("paid")))
            cr.execute(SQL("UPDATE sale_order_line SET create_date = %s WHERE order_id = %s",
                           plan["received"], order.id))
            if plan.get("shipped"):
                cr.execute(SQL("""
                    UPDATE stock_picking
                       SET create_date = %(accepted)s, scheduled_date = %(shipped)s,
                           date_deadline = NULL, date_done = %(shipped)s,
                           csp_confirmed_at = %(delivered)s
                     WHERE sale_id = %(order)s
                """, order=order.id, accepted=plan["accepted"], shipped=plan["shipped"],
                    delivered=plan.get("delivered")))
                cr.execute(SQL("""
                    UPDATE stock_move SET date = %(shipped)s, create_date = %(accepted)s
                     WHERE picking_id IN (SELECT id FROM stock_picking WHERE sale_id = %(order)s);
                    UPDATE stock_move_line SET date = %(shipped)s
                     WHERE picking_id IN (SELECT id FROM stock_picking WHERE sale_id = %(order)s)
                """, order=order.id, accepted=plan["accepted"], shipped=plan["shipped"]))
            complaint = plan.get("complaint_record")
            if complaint:
                cr.execute(SQL("""
                    UPDATE csp_complaint SET create_date = received_at,
                           closed_at = CASE WHEN closed_at IS NOT NULL THEN %s END
                     WHERE id = %s
                """, plan["closed"], complaint.id))
        # The chatter of each order, delivery and invoice: when it happened.
        cr.execute(SQL("""
            UPDATE mail_message m SET date = so.create_date
              FROM sale_order so WHERE m.model = 'sale.order' AND m.res_id = so.id
               AND so.id = ANY(%(ids)s);
            UPDATE mail_message m SET date = p.date_done
              FROM stock_picking p WHERE m.model = 'stock.picking' AND m.res_id = p.id
               AND p.sale_id = ANY(%(ids)s) AND p.date_done IS NOT NULL;
            UPDATE mail_message m SET date = c.received_at
              FROM csp_complaint c WHERE m.model = 'csp.complaint' AND m.res_id = c.id
               AND c.order_id = ANY(%(ids)s);
        """, ids=orders.ids))
        # A customer since his first confirmed order.
        cr.execute(SQL("""
            UPDATE res_partner p SET csp_customer_since = first.since
              FROM (SELECT c.commercial_partner_id AS id, min(so.date_order)::date AS since
                      FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                     WHERE so.state = 'sale' AND so.company_id = %s
                     GROUP BY 1) first
             WHERE p.id = first.id
        """, orders.company_id.id))
        self._csp_date_process_log(plans)
        self.env.invalidate_all()
        for plan in plans:
            if plan.get("answered") and (plan.get("accepted") or plan.get("lost")):
                plan["order"]._csp_record_answer(plan["answered"])
        orders._csp_record_fulfilment()
        orders._compute_csp_sla()
        self.env.flush_all()
        # What the crons would do about this past was done then: the SLA
        # breaches were seen, the survey reminders and the reminders to
        # confirm a delivery went out.
        cr.execute(SQL("""
            UPDATE sale_order SET csp_sla_alerted_kind = csp_sla_kind
             WHERE id = ANY(%(ids)s) AND csp_sla_kind IS NOT NULL;
            UPDATE sale_order
               SET csp_survey_reminded_at = LEAST(csp_survey_sent_at + interval '5 days', %(now)s)
             WHERE id = ANY(%(ids)s) AND csp_survey_sent_at IS NOT NULL AND csp_feedback_at IS NULL;
            UPDATE stock_picking SET csp_reminded_at = LEAST(date_done + interval '3 days', %(now)s)
             WHERE sale_id = ANY(%(ids)s) AND date_done IS NOT NULL AND csp_confirmed_at IS NULL
        """, ids=orders.ids, now=fields.Datetime.now()))
        self.env.invalidate_all()
        self.env["csp.complaint"].search([("order_id", "in", orders.ids)])._csp_record_resolution()
        self.env.flush_all()

    @api.model
    def _csp_date_inquiries(self, plans):
        """Each inquiry received when its order was; one that went nowhere
        answered (lost) at its plan; its chatter then."""
        cr = self.env.cr
        for plan in plans:
            if not plan.get("lead"):
                continue
            only = plan.get("inquiry_only")
            cr.execute(SQL("""
                UPDATE crm_lead
                   SET create_date = %(received)s, write_date = %(received)s,
                       csp_received_at = %(received)s, date_open = %(received)s,
                       csp_answered_at = %(answered)s, csp_sla_alerted = TRUE,
                       date_closed = CASE WHEN won_status = 'lost' THEN %(lost)s::timestamp END
                 WHERE id = %(lead)s;
                UPDATE mail_message SET date = %(received)s
                 WHERE model = 'crm.lead' AND res_id = %(lead)s
            """, lead=plan["lead"].id, received=plan["received"],
                answered=plan.get("lost") if only else None, lost=plan.get("lost")))
        leads = self.env["crm.lead"].union(*(plan["lead"] for plan in plans
                                             if plan.get("lead")))
        self.env.invalidate_all()
        leads._compute_csp_answer_deadline()
        # The answer activities of the past are done.
        leads.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.env.ref(
                "customer_service_process.mail_activity_inquiry_answer")).sudo().unlink()

    @api.model
    def _csp_date_process_log(self, plans):
        """Each order's process log entries at their planned time, in that
        order, each left when the next one was entered."""
        when_of = {
            "inquiry": "received", "offer": "offered", "feasibility": "answered",
            "refused": "lost",
            "cancelled": "lost", "accepted": "accepted", "invoiced": "shipped",
            "shipped": "shipped", "delivered": "delivered", "feedback": "feedback",
            "paid": "paid",
        }
        Log = self.env["csp.order.stage.log"].sudo()
        for plan in plans:
            if not plan.get("order"):
                continue
            entries = Log.search([("order_id", "=", plan["order"].id)])
            dated = []
            for entry in entries.sorted("id"):
                code = entry.stage_id.code
                if code == "closed":
                    when = max(plan[step] for step in ("paid", "feedback", "delivered")
                               if plan.get(step))
                else:
                    when = plan.get(when_of.get(code)) or (dated[-1][1] if dated
                                                           else plan["received"])
                if code == "offer" and not plan.get("offered"):
                    when = plan["received"]
                dated.append((entry, when))
            dated.sort(key=lambda pair: (pair[1], pair[0].id))
            previous = False
            for index, (entry, when) in enumerate(dated):
                entry.write({"entered_at": when, "left_at": False, "duration_hours": 0.0,
                             "previous_stage_id": previous and previous.id,
                             "user_id": plan["order"].user_id.id})
                previous = entry.stage_id
                if index:
                    dated[index - 1][0]._csp_close(when)
