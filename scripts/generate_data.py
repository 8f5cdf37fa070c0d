"""Generate benchmark data through Odoo's ORM, in large batches.

    generate_data.py -c ODOO_CONF -d DB [--customers N] [--products M]
                     [--orders K] [--reps R] [--batch B] [--seed S]
    generate_data.py --make-bench-db [--customers N] [--products M]
                     [--orders K] [--reps R] [--batch B] [--seed S]

Boots Odoo as a library (the same API ``odoo-bin shell`` gives) on an existing
database that has the addon installed, and creates:

* R field reps (users) and N customers, split among the reps and head office;
* M products sold from stock, invoiced on order, without taxes;
* K confirmed orders of 1-3 lines, dated over the last 365 days and numbered
  in date order, each with its posted invoice (dated 0-5 days after the
  order, due 14-60 days later, numbered in date order); about 60 % of the
  invoices are paid, each by its own payment dated between the invoice date
  and ten days after the due date (never after today); the others are open,
  most of them overdue;
* I inquiries (``--inquiries``, default 1.5 x K) as CRM opportunities: one
  per order, received on its day, the order linked to it, and the rest lost
  with one of Odoo's lost reasons.

Every record goes through the ORM (``create``, ``action_post``,
``_reconcile_plan``): computed fields, constraints, balances, residual
amounts, payment states and the orders' invoice status are Odoo's own.  All
random draws are made up front from ``--seed``: a seed gives the same data
whatever the batch size (dates are relative to the day it runs).

``--make-bench-db`` (what ``generate_data.sh`` runs) builds the benchmark
template database ``csp_bench_<N>c_<K>o_<I>i`` once: a copy of the project's
template database, the addon installed, this generator run on it, renamed to
its final name only when complete.  An existing one is left as it is.

Shortcuts it takes, so that 100k orders with their invoices and payments
take minutes, not days:

* mail tracking, followers and creation messages are off
  (``tracking_disable`` and friends).  The "Invoice ... paid" message Odoo
  posts on an order when its invoice gets paid is kept;
* orders are created straight in the ``sale`` state with
  ``skip_procurement``: no stock rule runs, so there are no pickings, stock
  moves or manufacturing orders (benchmarks that need them make their own),
  and the orders are invoiced but not delivered; ``sale_no_log_for_new_lines``
  drops the "Extra line" message Odoo posts per line of a confirmed order;
* order values Odoo would compute record by record, some with a search each,
  are given: the order number, drawn from the ``sale.order`` sequence in date
  order, and, found once per run with Odoo's own helpers, the warehouse, PDF
  quote documents, line description, unit, price (the product's sales
  price), cost, delivery lead time and taxes (none);
* the analytic distribution of order, invoice and payment lines is given
  empty when the database has no analytic distribution model (Odoo's compute
  searches for one per line, and can find none);
* invoices are not made by ``sale.order._create_invoices()`` but created
  with the values it gives (one invoice per order, its lines linked to the
  order lines, so the orders read as invoiced) plus the receivable line the
  invoice synchronisation would add, balanced, with ``skip_invoice_sync`` and
  ``skip_invoice_line_sync``; the synchronisation does run on posting
  (``action_post``, a batch at a time).  No payment terms: each invoice has
  its due date;
* invoice and payment entry numbers are found once per batch and sequence
  prefix with the helper ``_post`` uses (``_get_next_sequence_format``) and
  given at creation, where ``_post`` would look the last number up with two
  queries per move.  Numbers are the ones ``_post`` gives, in date order, with
  no gaps (``made_sequence_gap`` stays false);
* payments are what the payment register wizard makes, one per invoice, a
  batch at a time: ``account.payment`` records created together, their
  journal entries created together from ``_generate_move_vals()`` (what
  ``_generate_journal_entry()`` creates on posting), linked to their payment
  one by one as it does, posted together by ``action_post()``, then
  reconciled with the invoices' receivable lines in one ``_reconcile_plan``
  call (``skip_invoice_sync``: posted invoices have nothing to resync).
  Unlike the wizard, the payment is not added to the invoice's
  ``matched_payment_ids``, the link Odoo keeps for payments without a journal
  entry: the reconciliation links them (``reconciled_payment_ids``), and
  adding it makes the payment step a third slower.

Prints the rate of each step in records per second, the SQL queries per
record, and where the time went.

Measured on the 2-core machine (10k orders, 6k payments): orders ~270/s,
invoices ~130/s, payments ~40-45/s.  What is left of a payment's cost is the
ORM's own: creating its journal entry, linking it to the payment (one write
per payment, as Odoo does, about 9 queries of dependency triggers), and the
reconciliation with its "Invoice paid" message.
"""

import argparse
import logging
import random
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

_logger = logging.getLogger("generate_data")

DUE_DAYS = (14, 30, 30, 60)
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ [A-Z]+ ")


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config")
    parser.add_argument("-d", "--database")
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=10)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--paid-ratio", type=float, default=0.6)
    parser.add_argument("--inquiries", type=int, default=None,
                        help="CRM inquiries (default: 1.5 x orders; one per order, the rest lost)")
    parser.add_argument("--make-bench-db", action="store_true",
                        help="build the benchmark template database csp_bench_<N>c_<K>o_<I>i "
                        "(from a copy of the project's template) unless it exists")
    args = parser.parse_args(argv)
    if not args.make_bench_db and not (args.config and args.database):
        parser.error("-c/--config and -d/--database are required")
    return args


class Generator:
    def __init__(self, env, args):
        self.env = env(context=dict(
            env.context, tracking_disable=True, mail_create_nolog=True,
            mail_notrack=True, mail_create_nosubscribe=True, mail_auto_subscribe_no_notify=True,
        ))
        self.args = args
        self.rng = random.Random(args.seed)
        self.today = date.today()
        self.company = self.env.company
        self.currency = self.company.currency_id
        self.rates = {}
        # Without any analytic distribution model, Odoo's compute of a line's
        # analytic distribution searches for one per line, and finds nothing.
        self.line_defaults = (
            {} if self.env["account.analytic.distribution.model"].search_count([], limit=1)
            else {"analytic_distribution": False})
        self.phases = defaultdict(float)  # seconds spent in each phase of a step

    def timed(self, label, count, func, *args):
        started = time.time()
        queries = self.env.cr.sql_log_count
        result = func(*args)
        self.env.cr.commit()
        elapsed = time.time() - started
        queries = self.env.cr.sql_log_count - queries
        self.rates[label] = (count, elapsed, queries)
        _logger.info("%s: %d in %.1f s (%.0f/s, %d queries)",
                     label, count, elapsed, count / max(elapsed, 1e-9), queries)
        return result

    @contextmanager
    def phase(self, label):
        started = time.time()
        yield
        self.phases[label] += time.time() - started

    def batches(self, items):
        size = self.args.batch
        for start in range(0, len(items), size):
            yield items[start:start + size]

    def end_batch(self, label, done, total):
        """Commit, and empty the cache so that memory stays flat."""
        with self.phase("commit"):
            self.env.cr.commit()
        self.env.invalidate_all()
        _logger.info("%s: %d/%d", label, done, total)

    # -- people and products -------------------------------------------------

    def create_reps(self):
        group = self.env.ref("customer_service_process.group_field_rep")
        existing = self.env["res.users"].search([("login", "=like", "bench_rep_%")])
        logins = set(existing.mapped("login"))
        missing = [i for i in range(self.args.reps) if f"bench_rep_{i}" not in logins]
        reps = existing | self.env["res.users"].with_context(no_reset_password=True).create([{
            "name": f"Bench Rep {i}",
            "login": f"bench_rep_{i}",
            "email": f"bench_rep_{i}@bench.example.com",
            "group_ids": [(6, 0, [group.id, self.env.ref("base.group_user").id])],
        } for i in missing])
        return reps.sorted("login")

    def create_customers(self, reps):
        people = [*reps.ids, False]  # False: served by head office
        ids = []
        for chunk in self.batches(list(range(self.args.customers))):
            ids += self.env["res.partner"].create([{
                "name": f"Bench Customer {i:06d}",
                "is_company": True,
                "customer_rank": 1,
                "email": f"customer{i}@bench.example.com",
                "user_id": people[i % len(people)],
            } for i in chunk]).ids
            self.end_batch("customers", len(ids), self.args.customers)
        return ids

    def create_products(self):
        categ = self.env["product.category"].create({"name": "Bench products"})
        return self.env["product.product"].create([{
            "name": f"Bench Product {i:05d}",
            "default_code": f"BENCH-{i:05d}",
            "categ_id": categ.id,
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "order",
            "list_price": round(self.rng.uniform(10, 2000), 2),
            "standard_price": round(self.rng.uniform(5, 1200), 2),
            "taxes_id": [(5, 0, 0)],
        } for i in range(self.args.products)]).ids

    # -- the plan: every random draw, made up front ----------------------------

    def plan(self, customer_ids, product_ids):
        """One dict per order, sorted by order date (orders are numbered in
        date order, as they would be in real life)."""
        plan = []
        for index in range(self.args.orders):
            day = self.today - timedelta(days=self.rng.randrange(365))
            lines = [(product_ids[self.rng.randrange(len(product_ids))], self.rng.randint(1, 10))
                     for _ in range(self.rng.randint(1, 3))]
            invoice_date = min(day + timedelta(days=self.rng.randint(0, 5)), self.today)
            due_date = invoice_date + timedelta(days=self.rng.choice(DUE_DAYS))
            paid = self.rng.random() < self.args.paid_ratio
            # Paid between the invoice date and ten days after the due date.
            pay_delay = self.rng.randint(0, (due_date - invoice_date).days + 10)
            plan.append({
                "index": index,
                "customer": customer_ids[self.rng.randrange(len(customer_ids))],
                "date": day,
                "hour": self.rng.randint(7, 17),
                "lines": lines,
                "invoice_date": invoice_date,
                "due_date": due_date,
                "payment_date": min(invoice_date + timedelta(days=pay_delay), self.today)
                if paid else None,
            })
        plan.sort(key=lambda p: (p["date"], p["hour"], p["index"]))
        return plan

    # -- orders ------------------------------------------------------------------

    def product_data(self, product_ids):
        """What order and invoice lines need of each product, read once."""
        products = self.env["product.product"].browse(product_ids)
        data = {}
        for product in products:
            name = product.get_product_multiline_description_sale()
            data[product.id] = {
                "name": name,
                "display_name": product.display_name,
                "uom": product.uom_id.id,
                "price": product.list_price,
                "cost": product.standard_price,
                "lead": product.sale_delay,
            }
        return data

    def customer_data(self, customer_ids):
        """The salesperson of each customer."""
        customers = self.env["res.partner"].browse(customer_ids)
        return {customer.id: customer.user_id.id for customer in customers}

    def order_values(self, item, sequence, common, products, customers):
        order_date = datetime.combine(item["date"], datetime.min.time()).replace(hour=item["hour"])
        lines = []
        for sequence_number, (product_id, quantity) in enumerate(item["lines"], start=1):
            product = products[product_id]
            lines.append((0, 0, {
                **common["line"],
                "sequence": sequence_number * 10,
                "product_id": product_id,
                "name": product["name"],
                "product_uom_id": product["uom"],
                "product_uom_qty": quantity,
                "price_unit": product["price"],
                "technical_price_unit": product["price"],
                "purchase_price": product["cost"],
                "customer_lead": product["lead"],
            }))
        return {
            **common["order"],
            "name": sequence._next(sequence_date=order_date),
            "partner_id": item["customer"],
            "partner_invoice_id": item["customer"],
            "partner_shipping_id": item["customer"],
            "user_id": customers[item["customer"]],
            "date_order": order_date,
            "client_order_ref": f"BENCH-{item['index']}",
            "order_line": lines,
        }

    def common_order_values(self):
        SaleOrder = self.env["sale.order"]
        return {
            "order": {
                "state": "sale",
                "company_id": self.company.id,
                "currency_id": self.currency.id,
                "warehouse_id": self.env.user._get_default_warehouse_id().id,
                "quotation_document_ids": [(6, 0, SaleOrder._default_quotation_document_ids().ids)],
            },
            "line": {"discount": 0.0, "tax_ids": [(6, 0, [])], **self.line_defaults},
        }

    def create_orders(self, plan, products, customers):
        SaleOrder = self.env["sale.order"].with_context(
            skip_procurement=True, sale_no_log_for_new_lines=True)
        sequence = self.env["ir.sequence"].search(
            [("code", "=", "sale.order"), ("company_id", "in", [self.company.id, False])],
            order="company_id", limit=1)
        common = self.common_order_values()
        done = 0
        for chunk in self.batches(plan):
            with self.phase("orders: values"):
                vals_list = [self.order_values(item, sequence, common, products, customers)
                             for item in chunk]
            with self.phase("orders: create"):
                orders = SaleOrder.create(vals_list)
                self.env.flush_all()
            for item, order_id in zip(chunk, orders.ids, strict=True):
                item["order"] = order_id
            done += len(chunk)
            self.end_batch("orders", done, len(plan))

    # -- inquiries -------------------------------------------------------------

    def inquiry_plan(self, plan, customer_ids):
        """One inquiry per order (received on the order's day), then the
        lost ones: drawn up front from their own generator, so that the
        orders are the same with or without inquiries."""
        rng = random.Random(self.args.seed + 1)
        total = self.args.inquiries if self.args.inquiries is not None else len(plan) * 3 // 2
        items = [{"order_item": item} for item in plan[:total]]
        for _index in range(max(total - len(plan), 0)):
            items.append({"customer": customer_ids[rng.randrange(len(customer_ids))],
                          "date": self.today - timedelta(days=rng.randrange(365)),
                          "hour": rng.randint(7, 17), "lost": True})
        for item in items:
            item["channel"] = rng.randrange(5)
            item["source"] = rng.randrange(10)
            item["reason"] = rng.randrange(10)
        return items

    def create_inquiries(self, items, customers):
        """CRM opportunities in batches, as imported (context csp_import:
        they keep the order's salesperson, no routing activity); each order
        linked to its inquiry; the others lost with a reason."""
        Lead = self.env["crm.lead"].with_context(csp_import=True)
        channels = [code for code, _label in Lead._fields["csp_channel"].selection]
        sources = self.env["utm.source"].search([], limit=10, order="id").ids
        reasons = self.env["crm.lost.reason"].search([], order="id").ids
        done = 0
        for chunk in self.batches(items):
            values = []
            for item in chunk:
                order_item = item.get("order_item")
                source = item.get("order_item") or item
                customer = source["customer"]
                received = datetime.combine(source["date"], datetime.min.time()).replace(
                    hour=source["hour"])
                values.append({
                    "name": f"Bench inquiry {done + len(values):06d}",
                    "type": "opportunity",
                    "partner_id": customer,
                    "user_id": customers[customer] or False,
                    "csp_channel": channels[item["channel"] % len(channels)],
                    "source_id": sources[item["source"] % len(sources)] if sources else False,
                    "csp_received_at": received,
                    "csp_answered_at": received if order_item else False,
                })
            with self.phase("inquiries: create"):
                leads = Lead.create(values)
            links = [(item["order_item"]["order"], lead.id)
                     for item, lead in zip(chunk, leads, strict=True) if item.get("order_item")]
            if links:
                # The quotation made from the inquiry (a column sale_crm adds).
                with self.phase("inquiries: link orders"):
                    self.env.cr.execute(
                        "UPDATE sale_order so SET opportunity_id = v.lead"
                        "  FROM unnest(%s::int[], %s::int[]) AS v(sale, lead)"
                        " WHERE so.id = v.sale",
                        ([sale for sale, _lead in links], [lead for _sale, lead in links]))
            with self.phase("inquiries: lost"):
                by_reason = defaultdict(list)
                for item, lead in zip(chunk, leads, strict=True):
                    if item.get("lost") and reasons:
                        by_reason[reasons[item["reason"] % len(reasons)]].append(lead.id)
                for reason, lead_ids in by_reason.items():
                    Lead.browse(lead_ids).action_set_lost(lost_reason_id=reason)
            done += len(chunk)
            self.end_batch("inquiries", done, len(items))
        return done

    # -- invoices ----------------------------------------------------------------

    def invoice_values(self, item, order, journal, products):
        """What sale.order._prepare_invoice() and sale.order.line.
        _prepare_invoice_line() give, plus the journal items that the invoice
        synchronisation would add (the receivable line)."""
        aml = self.env["account.move.line"]
        lines = []
        total = 0.0
        for sequence, line in enumerate(order.order_line):
            product = products[line.product_id.id]
            subtotal = self.currency.round(line.product_uom_qty * line.price_unit)
            total += subtotal
            lines.append((0, 0, {
                "display_type": "product",
                "sequence": sequence,  # as sale.order._create_invoices() numbers them
                "name": aml._get_journal_items_full_name(line.name, product["display_name"]),
                "product_id": line.product_id.id,
                "product_uom_id": line.product_uom_id.id,
                "quantity": line.product_uom_qty,
                "discount": 0.0,
                "price_unit": line.price_unit,
                "tax_ids": [(6, 0, [])],
                **self.line_defaults,
                "amount_currency": -subtotal,
                "balance": -subtotal,
                "sale_line_ids": [(4, line.id)],
            }))
        total = self.currency.round(total)
        lines.append((0, 0, {
            "display_type": "payment_term",
            "name": "",
            "date_maturity": item["due_date"],
            "amount_currency": total,
            "balance": total,
        }))
        return {
            "move_type": "out_invoice",
            "journal_id": journal.id,
            "company_id": order.company_id.id,
            "currency_id": order.currency_id.id,
            "partner_id": order.partner_invoice_id.id,
            "partner_shipping_id": order.partner_shipping_id.id,
            "fiscal_position_id": order.fiscal_position_id.id,
            "invoice_payment_term_id": False,
            "invoice_user_id": order.user_id.id,
            "team_id": order.team_id.id,
            "invoice_origin": order.name,
            "ref": order.client_order_ref,
            "invoice_date": item["invoice_date"],
            "date": item["invoice_date"],
            "invoice_date_due": item["due_date"],
            "line_ids": lines,
        }

    def number_moves(self, vals_list):
        """Give each move of a batch, in posting order, the number ``_post``
        would give it.

        ``_post`` numbers moves one at a time: two queries to find the last
        number of the journal, then an UPDATE, per move.  Here the last number
        is looked up once per batch and sequence prefix, with the same helper
        (``_get_next_sequence_format``, on an unsaved move), and the numbers
        go in the create values; ``_post`` keeps a number it finds.
        """
        AccountMove = self.env["account.move"]
        probe_fields = ("move_type", "journal_id", "company_id", "date", "origin_payment_id")
        formats = {}  # (journal, year, month) -> (format, values)
        last = {}     # number prefix -> last number used
        for vals in vals_list:
            day = vals["date"]
            key = (vals["journal_id"], day.year, day.month)
            if key not in formats:
                probe = AccountMove.new({f: vals[f] for f in probe_fields if f in vals})
                formats[key] = probe._get_next_sequence_format()
            format_string, values = formats[key]
            values = dict(values)
            seq = values.pop("seq")
            prefix = format_string.format(**values, seq=0)
            last[prefix] = last.get(prefix, seq) + 1
            vals["name"] = format_string.format(**values, seq=last[prefix])

    def create_invoices(self, plan, products):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1)
        AccountMove = self.env["account.move"]
        # Invoices in date order, like their numbers.
        todo = sorted(plan, key=lambda p: (p["invoice_date"], p["order"]))
        done = 0
        for chunk in self.batches(todo):
            with self.phase("invoices: values"):
                orders = self.env["sale.order"].browse([item["order"] for item in chunk])
                orders.order_line.mapped("product_uom_qty")  # prefetch all the lines at once
                vals_list = [self.invoice_values(item, order, journal, products)
                             for item, order in zip(chunk, orders, strict=True)]
                self.number_moves(vals_list)
            with self.phase("invoices: create"):
                moves = AccountMove.with_context(
                    skip_invoice_sync=True, skip_invoice_line_sync=True).create(vals_list)
                moves.flush_recordset()
            with self.phase("invoices: post"):
                moves.action_post()
                self.env.flush_all()
            for item, move_id in zip(chunk, moves.ids, strict=True):
                item["invoice"] = move_id
            done += len(chunk)
            self.end_batch("invoices", done, len(todo))
        return done

    # -- payments ----------------------------------------------------------------

    def create_payments(self, plan):
        journal = self.env["account.journal"].search(
            [("type", "=", "bank"), ("company_id", "=", self.company.id)], limit=1)
        method_line = journal._get_available_payment_method_lines("inbound")[:1]
        Payment = self.env["account.payment"]
        outstanding = (method_line.payment_account_id
                       or Payment.new({"company_id": self.company.id})
                       ._get_outstanding_account("inbound")).id
        todo = sorted((p for p in plan if p["payment_date"]),
                      key=lambda p: (p["payment_date"], p["invoice"]))
        done = 0
        for chunk in self.batches(todo):
            with self.phase("payments: create"):
                invoices = self.env["account.move"].browse([item["invoice"] for item in chunk])
                invoices.mapped("amount_residual")  # prefetch
                payments = Payment.create([{
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": item["customer"],
                    "company_id": self.company.id,
                    "journal_id": journal.id,
                    "payment_method_line_id": method_line.id,
                    "partner_bank_id": journal.bank_account_id.id,
                    "outstanding_account_id": outstanding,
                    "currency_id": self.currency.id,
                    "amount": invoice.amount_residual,
                    "date": item["payment_date"],
                    "memo": invoice.name,
                } for item, invoice in zip(chunk, invoices, strict=True)])
            with self.phase("payments: journal entries"):
                # What account.payment._generate_journal_entry() does on posting,
                # but the move_id of each payment is written alone, and its state
                # with all the others' by action_post() below.
                vals_list = [payment._generate_move_vals() for payment in payments]
                for vals in vals_list:
                    for _command, _id, line_vals in vals["line_ids"]:
                        line_vals.update(self.line_defaults)
                self.number_moves(vals_list)
                moves = self.env["account.move"].with_context(
                    skip_invoice_sync=True, skip_invoice_line_sync=True).create(vals_list)
                moves.flush_recordset()
            with self.phase("payments: link entries"):
                for payment, move in zip(payments, moves, strict=True):
                    payment.move_id = move
                self.env.flush_all()
            with self.phase("payments: post"):
                payments.action_post()
                self.env.flush_all()
            with self.phase("payments: reconcile"):
                # Each payment's receivable line with its invoice's, all in one go.
                self.env["account.move.line"].with_context(
                    skip_invoice_sync=True)._reconcile_plan([
                    (payment.move_id.line_ids | invoice.line_ids).filtered(
                        lambda aml: aml.account_id.account_type == "asset_receivable"
                        and not aml.reconciled)
                    for payment, invoice in zip(payments, invoices, strict=True)
                ])
                self.env.flush_all()
            done += len(chunk)
            self.end_batch("payments", done, len(todo))
        return done

    # -- all of it -----------------------------------------------------------------

    def run(self):
        reps = self.timed("reps", self.args.reps, self.create_reps)
        customer_ids = self.timed("customers", self.args.customers, self.create_customers, reps)
        product_ids = self.timed("products", self.args.products, self.create_products)
        plan = self.plan(customer_ids, product_ids)
        products = self.product_data(product_ids)
        customers = self.customer_data(customer_ids)
        self.env.cr.commit()
        self.timed("orders (confirmed, 1-3 lines)", len(plan),
                   self.create_orders, plan, products, customers)
        self.timed("invoices (created and posted)", len(plan),
                   self.create_invoices, plan, products)
        paid = sum(1 for item in plan if item["payment_date"])
        self.timed("payments (posted and reconciled)", paid,
                   self.create_payments, plan)
        inquiries = self.inquiry_plan(plan, customer_ids)
        self.timed("inquiries (CRM, a third lost)", len(inquiries),
                   self.create_inquiries, inquiries, customers)
        print("\nGenerated (records, seconds, records/s, SQL queries/record):")
        total = 0.0
        for label, (count, elapsed, queries) in self.rates.items():
            total += elapsed
            print(f"  {label:36s} {count:8d} {elapsed:8.1f} {count / max(elapsed, 1e-9):8.0f}"
                  f" {queries / max(count, 1):8.1f}")
        print(f"  {'total':36s} {'':8s} {total:8.1f}")
        print("\nTime by phase (seconds):")
        for label, elapsed in self.phases.items():
            print(f"  {label:36s} {elapsed:8.1f}")


def generate(args):
    import odoo  # noqa: PLC0415 (Odoo is imported once the arguments are known)
    from odoo import api  # noqa: PLC0415
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    odoo.netsvc.init_logger()
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        Generator(env, args).run()


def make_bench_db(args):
    """Build the benchmark template database unless it exists; return its name.

    It is built under a ``_building`` name and renamed when complete, so a
    database with the final name is always a complete one.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import odoo_db  # noqa: PLC0415 (the project's scripts folder is not a package)

    inquiries = args.inquiries if args.inquiries is not None else args.orders * 3 // 2
    name = f"csp_bench_{args.customers}c_{args.orders}o_{inquiries}i"
    with odoo_db.locked(name):
        if odoo_db.db_exists(name):
            print(f">> benchmark database {name} exists")
            return name
        building = f"{name}_building"
        odoo_db.copy_db(odoo_db.ensure_template(), building)
        log_path = odoo_db.BUILD / "log" / f"{name}.log"
        print(f">> installing {odoo_db.MODULE} into {building} (log: {log_path})", flush=True)
        with open(log_path, "w") as log:
            code, lines = odoo_db.run_odoo(building, "-i", odoo_db.MODULE, "--stop-after-init",
                                           "--max-cron-threads=0", log=log)
        if code or any(odoo_db.ERROR_RE.search(line) for line in lines):
            odoo_db.drop_db(building)
            sys.exit(f"installing the addon failed; see {log_path}")
        print(f">> generating {args.customers} customers, {args.products} products, "
              f"{args.orders} orders", flush=True)
        command = [
            sys.executable, __file__, "-c", str(odoo_db.CONF), "-d", building,
            "--customers", str(args.customers), "--products", str(args.products),
            "--orders", str(args.orders), "--reps", str(args.reps), "--batch", str(args.batch),
            "--seed", str(args.seed), "--paid-ratio", str(args.paid_ratio),
        ]
        errors = []
        with open(log_path, "a") as log, subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                bufsize=1) as proc:
            # Everything goes to the log file; to the terminal, the
            # generator's own log lines (one per step and batch) and what it
            # prints (the rates), not Odoo's log.
            for line in proc.stdout:
                log.write(line)
                if odoo_db.ERROR_RE.search(line):
                    errors.append(line)
                if " generate_data: " in line:
                    print(line.split(" generate_data: ", 1)[1].rstrip(), flush=True)
                elif not LOG_LINE_RE.match(line):
                    print(line, end="", flush=True)
        if proc.returncode or errors:
            odoo_db.drop_db(building)
            sys.stderr.write("".join(errors[-20:]))
            sys.exit(f"generating the data failed (exit {proc.returncode}); see {log_path}")
        shutil.rmtree(odoo_db.filestore(name), ignore_errors=True)
        odoo_db.psql(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
        if odoo_db.filestore(building).exists():
            odoo_db.filestore(building).rename(odoo_db.filestore(name))
    print(f">> benchmark database {name} ready")
    return name


def main(argv):
    args = parse_args(argv)
    if args.make_bench_db:
        print(make_bench_db(args))
    else:
        generate(args)


if __name__ == "__main__":
    main(sys.argv[1:])
