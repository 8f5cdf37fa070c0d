"""The access policy as data, run as the real users through Odoo's RPC dispatch.

tests/access_matrix.csv holds one row per model x user kind x operation x
target record: whether the call is allowed or refused and, for the read
paths, which fields must not come back.  tests/access_fields.csv classifies
every field the addon adds and every cost field: who may read it and who
writes it.  Both files are the addon's access policy; this suite proves
that the code keeps it, and fails when a model, a field or a public method
of the addon has no row.

Every cell goes through ``odoo.service.model.call_kw`` as the user (what
``/web/dataset/call_kw`` runs), so that a missing ``@api.model`` or a read
path that skips ``read()`` shows, inside a savepoint rolled back after the
cell.

CSP_MATRIX_RECORD=1 writes what the code does to
/tmp/access_matrix_observed.csv (and /tmp/access_fields_observed.csv)
instead of asserting: a starting point for a review, never the policy.
"""

import csv
import inspect
import itertools
import logging
import os
import time
from datetime import date, datetime

import psycopg2

from odoo import Command, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.service.model import call_kw
from odoo.tests import new_test_user, tagged
from odoo.tools import file_path, mute_logger

from .common import CustomerProcessCase

_logger = logging.getLogger(__name__)

MODULE = "customer_service_process"
RECORD = os.environ.get("CSP_MATRIX_RECORD")
MATRIX_CSV = f"{MODULE}/tests/access_matrix.csv"
FIELDS_CSV = f"{MODULE}/tests/access_fields.csv"
OBSERVED_MATRIX = "/tmp/access_matrix_observed.csv"
OBSERVED_FIELDS = "/tmp/access_fields_observed.csv"
COST_VIEWER = f"{MODULE}.group_cost_viewer"

USER_KINDS = ("field_rep", "head_office", "process_manager", "accountant", "warehouse",
              "portal", "public")
# Who may not see costs and margins.
COSTLESS = {"field_rep", "portal", "public"}
READ_OPS = ("read", "search_read", "formatted_read_group", "formatted_read_grouping_sets",
            "export_data", "name_search")
MATRIX_HEADER = ("model", "user_kind", "operation", "target", "expected", "hidden_fields")

# Cost fields, whatever module defines them: refused to field reps and the
# portal on every read path.
COST_FIELDS = {
    "sale.order": ("margin", "margin_percent"),
    "sale.order.line": ("purchase_price", "margin", "margin_percent"),
    "sale.report": ("margin",),
    "product.product": ("standard_price", "avg_cost", "total_value"),
    "product.template": ("standard_price",),
    "product.supplierinfo": ("price",),
    "mrp.production": ("extra_cost",),
    "csp.feasibility.check": ("margin_percent", "min_margin_percent"),
    "csp.feasibility.result": ("cost_figures", "unit_cost", "margin_percent",
                               "min_margin_percent"),
}

# Models a user reaches through the addon although it neither defines nor
# extends them.
REACHED_MODELS = ("sale.order.line", "account.move.line", "stock.move.line", "mrp.workorder",
                  "mail.message", "product.supplierinfo")

# Methods of the ORM and of Odoo's own mixins that the addon overrides: not
# buttons of their own (their paths are the operations of the matrix).
NOT_BUTTONS = {
    "create", "write", "unlink", "read", "copy", "default_get", "export_data", "name_search",
    "search_read", "formatted_read_group", "read_group", "web_read", "web_search_read",
    "message_new", "message_update", "fields_get", "onchange", "get_views", "search",
    "search_count", "name_create", "read_progress_bar", "action_confirm_orig",
    "get_empty_list_help",
}


class _Rollback(Exception):
    """Leaves a cell's savepoint with what the call returned."""

    def __init__(self, value):
        super().__init__()
        self.value = value


def _groups_class(groups):
    return {None: "all", COST_VIEWER: "cost_viewer", "base.group_system": "system"}.get(
        groups or None, groups)


@tagged("post_install", "-at_install")
class TestAccessMatrix(CustomerProcessCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company.write({"csp_feasibility_required": False})
        cls.warehouse_user = new_test_user(
            env, login="csp_matrix_warehouse", name="Matrix Warehouse",
            groups="stock.group_stock_user")
        cls.portal_user = new_test_user(
            env, login="csp_matrix_portal", name="Matrix Portal Buyer",
            groups="base.group_portal", partner_id=cls.rep_contact.id)
        cls.users = {
            "field_rep": cls.rep, "head_office": cls.head_office,
            "process_manager": cls.manager, "accountant": cls.accountant,
            "warehouse": cls.warehouse_user, "portal": cls.portal_user,
            "public": env.ref("base.public_user"),
        }
        # Everyone internal may export: the matrix proves the rules hold
        # even then (exporting is a read path like any other).
        export = env.ref("base.group_allow_export")
        for kind in ("field_rep", "head_office", "process_manager", "accountant", "warehouse"):
            cls.users[kind].group_ids += export

        # A work centre, so that manufacturing orders have work orders.
        workcenter = env["mrp.workcenter"].create({"name": "Matrix assembly"})
        cls.bom.operation_ids = [Command.create({
            "name": "Assemble", "workcenter_id": workcenter.id, "time_cycle_manual": 10})]
        cls._stock(cls.spare_part, 100)
        cls._stock(cls.component, 100)
        cls.vendor = env["res.partner"].create({"name": "Matrix Vendor"})
        cls.worlds = {
            "own": cls._world(cls.rep, cls.rep_customer),
            "other": cls._world(cls.rep2, cls.rep2_customer),
        }
        cls.targets = cls._targets()
        # From now on an order is confirmed only with an approved check.
        cls.company.csp_feasibility_required = True
        cls.decisions = {name: env["csp.feasibility.decision"].create({"check_id": w["check"].id})
                         for name, w in cls.worlds.items()}
        env.flush_all()

    @classmethod
    def _world(cls, rep, customer):
        """The documents of one rep's customer, at every stage of the process."""
        env = cls.env
        w = {"customer": customer}
        line = {"product_id": cls.spare_part.id, "product_uom_qty": 1}
        w["quotation"] = env["sale.order"].create({
            "partner_id": customer.id, "user_id": rep.id,
            "order_line": [Command.create(line)]})
        # A delivered order (its delivery, moves and move lines) and a made
        # to order one (its manufacturing and work orders).
        order = env["sale.order"].create({
            "partner_id": customer.id, "user_id": rep.id, "order_line": [Command.create(line)]})
        order.action_confirm()
        w["order"] = order
        picking = order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing")[:1]
        picking.action_assign()
        picking.move_ids.quantity = 1
        picking.move_ids.picked = True
        picking.button_validate()
        w["picking"] = picking
        w["move"] = picking.move_ids[:1]
        w["move_line"] = w["move"].move_line_ids[:1]
        made = env["sale.order"].create({
            "partner_id": customer.id, "user_id": rep.id,
            "order_line": [Command.create({"product_id": cls.pump.id, "product_uom_qty": 1})]})
        made.action_confirm()
        w["production"] = made.mrp_production_ids[:1] or env["mrp.production"].search(
            [("origin", "=", made.name)], limit=1)
        w["workorder"] = w["production"].workorder_ids[:1]
        action = w["quotation"].action_csp_check_feasibility()
        w["check"] = env["csp.feasibility.check"].browse(action["res_id"])
        w["result"] = w["check"].result_ids[:1]
        env.cr.flush()  # the request ends: the order's process log is written
        w["stage_log"] = env["csp.order.stage.log"].search([("order_id", "=", order.id)], limit=1)
        invoice = env["account.move"].create({
            "move_type": "out_invoice", "partner_id": customer.id, "invoice_user_id": rep.id,
            "invoice_date": "2026-01-05", "invoice_date_due": "2026-01-20",
            "invoice_line_ids": [Command.create({
                "product_id": cls.spare_part.id, "quantity": 1, "price_unit": 50.0,
                "tax_ids": [Command.clear()]})]})
        invoice.action_post()
        w["invoice"] = invoice
        w["invoice_line"] = invoice.invoice_line_ids[:1]
        complaint_type = env["csp.complaint.type"].search([], limit=1)
        w["complaint"] = env["csp.complaint"].create({
            "partner_id": customer.id, "type_id": complaint_type.id, "order_id": order.id,
            "description": "Two pumps leak"})
        w["complaint_line"] = env["csp.complaint.line"].create({
            "complaint_id": w["complaint"].id, "product_id": cls.spare_part.id, "quantity": 1})
        w["dispute"] = env["csp.delivery.dispute"].create({"picking_id": picking.id})
        w["dispute_line"] = env["csp.delivery.dispute.line"].create({
            "dispute_id": w["dispute"].id, "product_id": cls.spare_part.id,
            "problem": env["csp.delivery.dispute.line"]._fields["problem"].selection[0][0],
            "quantity": 1})
        w["survey_input"] = env["survey.user_input"].create({
            "survey_id": env.ref(f"{MODULE}.survey_satisfaction").id,
            "partner_id": customer.id, "csp_order_id": order.id})
        w["message"] = order.message_post(body="Matrix note on the order")
        w["mail"] = env["mail.mail"].create({
            "subject": "Matrix mail", "body_html": "<p>Matrix</p>", "model": "sale.order",
            "res_id": order.id, "recipient_ids": [Command.set(customer.ids)]})
        w["report"] = env["sale.report"].search(
            [("order_reference", "=", f"sale.order,{order.id}")], limit=1)
        w["reference"] = env["stock.reference"].search([("sale_ids", "in", order.ids)], limit=1)
        w["bank"] = env["res.partner.bank"].create({
            "acc_number": f"MATRIX-{customer.id}", "partner_id": customer.id})
        # A part payment: the invoice stays overdue, its reconciliation is a record.
        env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids).create(
            {"amount": 10.0})._create_payments()
        w["partial"] = env["account.partial.reconcile"].search(
            [("debit_move_id.move_id", "=", invoice.id)], limit=1)
        w["token"] = cls._payment_token(customer)
        # His customer's inquiry (routed to him as the salesperson), and its
        # row of the funnel.
        w["lead"] = env["crm.lead"].create({
            "name": f"Matrix inquiry {customer.name}", "partner_id": customer.id,
            "type": "opportunity", "csp_channel": "phone"})
        env.flush_all()
        w["funnel"] = env["csp.funnel"].search([("lead_id", "=", w["lead"].id)], limit=1)
        return w

    @classmethod
    def _payment_token(cls, customer):
        """A saved payment method of the customer, when a provider is there."""
        env = cls.env
        provider = env["payment.provider"].search([], limit=1) or env["payment.provider"].create(
            {"name": "Matrix provider", "code": "none"})
        method = env["payment.method"].with_context(active_test=False).search([], limit=1)
        if not method:
            return env["payment.token"]
        return env["payment.token"].create({
            "provider_id": provider.id, "payment_method_id": method.id,
            "partner_id": customer.id, "provider_ref": f"matrix-{customer.id}",
            "payment_details": "4242"})

    @classmethod
    def _targets(cls):
        """Per model, the records the cells run on: the field rep's own and
        another rep's, or one shared record for configuration."""
        env = cls.env
        own, other = cls.worlds["own"], cls.worlds["other"]
        material = env["csp.sales.material"].create({"name": "Matrix leaflet"})
        # Another material for the create cells (one send per material and customer).
        cls.material2 = env["csp.sales.material"].create({"name": "Matrix catalogue"})
        sends = {name: env["csp.sales.material.send"].create({
            "material_id": material.id, "partner_id": w["customer"].id})
            for name, w in cls.worlds.items()}
        level = env["csp.dunning.level"].search([("company_id", "=", cls.company.id)], limit=1)
        # Dated the day the accountant's Run Dunning defaults to (his time
        # zone, not the superuser's): that day already has its run.
        run = env["csp.dunning.run"].create({
            "company_id": cls.company.id,
            "date": fields.Date.context_today(env["csp.dunning.wizard"].with_user(cls.accountant)),
        })
        letters, lines, skips = {}, {}, {}
        for name, w in cls.worlds.items():
            letters[name] = env["csp.dunning.letter"].create({
                "run_id": run.id, "partner_id": w["customer"].id, "level_id": level.id})
            lines[name] = env["csp.dunning.line"].create({
                "letter_id": letters[name].id, "move_id": w["invoice"].id,
                "currency_id": w["invoice"].currency_id.id, "level_id": level.id,
                "amount_residual": 50.0, "days_late": 10})
            skips[name] = env["csp.dunning.skip"].create({
                "run_id": run.id, "partner_id": w["customer"].id, "move_id": w["invoice"].id,
                "reason": "Paused"})
        survey = env.ref(f"{MODULE}.survey_satisfaction")
        question = survey.question_ids.filtered("suggested_answer_ids")[:1]
        supplierinfo = env["product.supplierinfo"].create({
            "partner_id": cls.vendor.id, "product_tmpl_id": cls.spare_part.product_tmpl_id.id,
            "price": 12.0})

        def pair(key):
            return {"own": own[key], "other": other[key]}

        def shared(record):
            return {"shared": record}

        def first(model, domain=()):
            return shared(env[model].search(list(domain), limit=1))

        targets = {
            "account.move": pair("invoice"),
            "account.move.line": pair("invoice_line"),
            "account.partial.reconcile": pair("partial"),
            "payment.token": pair("token"),
            "res.partner.bank": pair("bank"),
            "stock.reference": pair("reference"),
            "crm.lead": pair("lead"),
            "csp.funnel": pair("funnel"),
            # The dashboard's figures: this company's, another company's.
            "csp.process.figure": {
                "own": env["csp.process.figure"].search(
                    [("company_id", "=", cls.company.id)], limit=1),
                "other": env["csp.process.figure"].search(
                    [("company_id", "!=", cls.company.id)], limit=1)},
            "csp.complaint": pair("complaint"),
            "csp.complaint.line": pair("complaint_line"),
            "csp.complaint.stage": first("csp.complaint.stage"),
            "csp.complaint.type": first("csp.complaint.type"),
            "csp.delivery.dispute": pair("dispute"),
            "csp.delivery.dispute.line": pair("dispute_line"),
            "csp.dunning.letter": letters,
            "csp.dunning.level": shared(level),
            "csp.dunning.line": lines,
            "csp.dunning.run": shared(run),
            "csp.dunning.skip": skips,
            "csp.feasibility.check": pair("check"),
            "csp.feasibility.result": pair("result"),
            "csp.order.stage": first("csp.order.stage"),
            "csp.order.stage.log": pair("stage_log"),
            "csp.process": first("csp.process"),
            "csp.process.metric": first("csp.process.metric"),
            "csp.process.role": first("csp.process.role"),
            "csp.process.step": first("csp.process.step"),
            "csp.process.step.rule": first("csp.process.step.rule"),
            "csp.process.role.member": first("csp.process.role.member",
                                             [("company_id", "=", cls.company.id)]),
            "csp.market.size": shared(env["csp.market.size"].create({
                "company_id": cls.company.id, "date_from": "2001-01-01",
                "date_to": "2001-12-31", "amount": 1000})),
            "csp.process.target": shared(env["csp.process.target"].create({
                "metric_id": env["csp.process.metric"]._csp_find(
                    "answer_time", cls.company).id,
                "company_id": cls.company.id, "date_from": "2020-01-01", "target": 8})),
            "csp.sales.material": shared(material),
            "csp.sales.material.send": sends,
            "mail.mail": pair("mail"),
            "mail.message": pair("message"),
            "mrp.production": pair("production"),
            "mrp.workorder": pair("workorder"),
            "product.category": first("product.category"),
            "product.product": shared(cls.spare_part),
            "product.supplierinfo": shared(supplierinfo),
            "product.template": shared(cls.spare_part.product_tmpl_id),
            "res.company": shared(cls.company),
            "res.partner": {"own": cls.rep_customer, "other": cls.rep2_customer,
                            "unassigned": cls.unassigned_customer},
            # Extended to translate the default dunning levels: only an
            # administrator installs or writes modules.
            "ir.module.module": first("ir.module.module", [("name", "=", MODULE)]),
            # My Work and My Figures: the rep's own user, another rep's.
            "res.users": {"own": cls.rep, "other": cls.rep2},
            "res.partner.category": shared(env["res.partner.category"].create(
                {"name": "Matrix tag"})),
            "resource.calendar": shared(cls.calendar),
            "resource.calendar.attendance": shared(cls.calendar.attendance_ids[:1]),
            "sale.order": {"own": own["order"], "other": other["order"],
                           "own_quotation": own["quotation"],
                           "other_quotation": other["quotation"]},
            "sale.order.line": {"own": own["quotation"].order_line[:1],
                                "other": other["quotation"].order_line[:1]},
            "sale.report": pair("report"),
            "stock.lot": shared(env["stock.lot"].create({
                "name": "MATRIX-LOT-1", "product_id": cls.spare_part.id})),
            "stock.move": pair("move"),
            "stock.move.line": pair("move_line"),
            "stock.picking": pair("picking"),
            "survey.question": shared(question),
            "survey.question.answer": shared(question.suggested_answer_ids[:1]),
            "survey.user_input": pair("survey_input"),
        }
        return {model: recs for model, recs in targets.items() if model in env}

    # ------------------------------------------------------------------
    # Transient models: a create, then each button, as the user.
    # ------------------------------------------------------------------

    def _transient_cells(self):
        """(model, target, context, values, buttons) of each wizard."""
        cells = []
        for name, w in self.worlds.items():
            picking, invoice, check = w["picking"], w["invoice"], w["check"]
            cells += [
                ("csp.delivery.confirm", name,
                 {"active_model": "stock.picking", "active_id": picking.id},
                 {"picking_id": picking.id, "received_by": "Buyer"}, ("action_confirm",)),
                ("csp.feasibility.decision", name,
                 {"active_model": "csp.feasibility.check", "active_id": check.id},
                 {"check_id": check.id, "decision": "approve"}, ("action_decide",)),
                ("csp.feasibility.decision.line", name, {},
                 {"decision_id": self.decisions[name].id,
                  "order_line_id": w["quotation"].order_line[:1].id, "price_unit": 1.0}, ()),
                ("account.move.reversal", name,
                 {"active_model": "account.move", "active_ids": invoice.ids},
                 {"journal_id": invoice.journal_id.id}, ("reverse_moves",)),
                ("stock.return.picking", name,
                 {"active_model": "stock.picking", "active_id": picking.id},
                 {"picking_id": picking.id}, ("action_create_exchanges",)),
                ("csp.order.lost", name, {},
                 {"order_ids": [Command.set(w["quotation"].ids)],
                  "lost_reason_id": self.env.ref(f"{MODULE}.lost_reason_refused").id},
                 ("action_mark_lost",)),
            ]
        cells += [
            ("csp.dunning.wizard", "shared", {}, {}, ("action_run",)),
            ("csp.kpi.report", "shared", {}, {}, ("action_export_xlsx",)),
            ("res.config.settings", "shared", {}, {}, ()),
        ]
        return [cell for cell in cells if cell[0] in self.env]

    # ------------------------------------------------------------------
    # What the addon defines: models, fields, public methods.
    # ------------------------------------------------------------------

    def _addon_xmlids(self, model):
        return self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", model)])

    def _addon_models(self):
        """Models the addon defines or extends, and the models it rules."""
        env = self.env
        names = set(env["ir.model"].browse(self._addon_xmlids("ir.model").mapped("res_id"))
                    .mapped("model"))
        names |= {model for model, _name in self._addon_fields(with_costs=False)}
        names |= set(env["ir.rule"].browse(self._addon_xmlids("ir.rule").mapped("res_id"))
                     .mapped("model_id.model"))
        names |= set(env["ir.model.access"].browse(
            self._addon_xmlids("ir.model.access").mapped("res_id")).mapped("model_id.model"))
        names |= set(REACHED_MODELS)
        return {name for name in names if name in env and not env[name]._abstract}

    def _addon_fields(self, with_costs=True):
        """(model, field) of every field the addon adds, and every cost field."""
        env = self.env
        result = set()
        for model in env.registry.models.values():
            if model._abstract:
                continue
            # Fields declared by the addon's classes; not the fields a model
            # delegates to its parent (_inherits), which have their own row.
            result |= {(model._name, name) for name, field in model._fields.items()
                       if MODULE in field._modules and not field.inherited
                       and name not in models.MAGIC_COLUMNS and name != "display_name"}
        if not with_costs:
            return result
        for model, names in COST_FIELDS.items():
            result |= {(model, name) for name in names
                       if model in env and name in env[model]._fields}
        for model in self._addon_models():
            for name, field in env[model]._fields.items():
                if field.groups and COST_VIEWER in field.groups.split(","):
                    result.add((model, name))
        return result

    def _field_class(self, model, name):
        field = self.env[model]._fields[name]
        process = name in getattr(self.env[model], "_csp_process_fields", ())
        if process:
            write = "process"
        elif (field.compute and not field.inverse and not field.store) or (
                field.related and field.readonly):
            write = "derived"
        else:
            write = "user"
        return _groups_class(field.groups), write

    def _buttons(self, model):
        """Public methods the addon's own classes define on a model."""
        names = set()
        for klass in type(self.env[model]).mro():
            if not klass.__module__.startswith(f"odoo.addons.{MODULE}."):
                continue
            for name, member in vars(klass).items():
                if (not name.startswith("_") and inspect.isfunction(member)
                        and name not in NOT_BUTTONS
                        and not getattr(member, "_api_private", False)):
                    names.add(name)
        return sorted(names)

    # ------------------------------------------------------------------
    # Policy files
    # ------------------------------------------------------------------

    def _read_csv(self, path):
        with open(file_path(path), newline="", encoding="utf-8") as handle:
            rows = [line for line in handle if line.strip() and not line.startswith("#")]
        return list(csv.DictReader(rows))

    def _fields_policy(self):
        """The policy of tests/access_fields.csv; in record mode without the
        file, what the code does."""
        try:
            rows = self._read_csv(FIELDS_CSV)
        except FileNotFoundError:
            if not RECORD:
                raise
            return {key: self._field_class(*key) for key in self._addon_fields()}
        return {(row["model"], row["field"]): (row["read"], row["write"]) for row in rows}

    def _sensitive(self, model, fields_policy):
        """Fields of a model that some user kind must not get back."""
        fields_ = self.env[model]._fields
        names = {name for name in COST_FIELDS.get(model, ()) if name in fields_}
        names |= {name for (m, name), (read, _write) in fields_policy.items()
                  if m == model and read != "all" and name in fields_}
        names |= {name for name, field in fields_.items()
                  if field.groups and COST_VIEWER in field.groups.split(",")}
        names |= {name for name in fields_ if "token" in name}
        return sorted(names)

    # ------------------------------------------------------------------
    # One cell
    # ------------------------------------------------------------------

    def _call(self, user, model, method, args, *, kwargs=None, context=None):
        env = self.env(user=user, context={"lang": "en_US", **(context or {})})
        return call_kw(env[model], method, args, dict(kwargs or {}))

    def _run(self, func):
        """Run func in a savepoint rolled back afterwards; return
        ('allow', value) or ('refuse', error) or ('error:<type>', error)."""
        self._detail = ""
        try:
            with self.env.cr.savepoint():
                value = func()
                self.env.flush_all()
                raise _Rollback(value)
        except _Rollback as done:
            return "allow", done.value
        except (AccessError, UserError, ValidationError, MissingError,
                psycopg2.IntegrityError) as error:
            # Odoo's RPC layer answers an integrity error as a ValidationError.
            self._detail = f"{type(error).__name__}: {str(error).strip().splitlines()[0][:160]}"
            return "refuse", error
        except Exception as error:  # any other error is a finding of the matrix
            self._detail = f"{type(error).__name__}: {str(error).strip()[:160]!r}"
            return f"error:{type(error).__name__}", error
        finally:
            self.env.invalidate_all()

    def _value_for(self, model, name, record):
        """A value different from the record's, of the field's type."""
        field = self.env[model]._fields[name]
        current = record[name]
        if field.type == "selection":
            options = [key for key, _label in field._description_selection(self.env)]
            return next((key for key in options if key != current), options[0])
        if field.type == "many2one":
            if field.comodel_name == "res.users":
                return (self.rep2 if current == self.rep else self.rep).id
            return self.env[field.comodel_name].search([("id", "!=", current.id)], limit=1).id
        return {
            "boolean": not current,
            "integer": 5,
            "float": 0.5,
            "monetary": 0.5,
            "char": "matrix",
            "text": "matrix",
            "html": "matrix",
            "date": date(2026, 3, 3).isoformat(),
            "datetime": datetime(2026, 3, 3, 10, 0).isoformat(sep=" "),
            "many2many": [Command.clear()],
            "one2many": [Command.clear()],
        }.get(field.type, False)

    def _read_cell(self, user, model, op, record, sensitive):
        """Outcome of a read path on `record`, and the sensitive fields it
        did not give back."""
        dom = [("id", "=", record.id)]
        # Every stored field the user may read (what a list or a form asks
        # for, without the computed fields of other modules that would fail
        # for reasons of their own).
        Model = self.env(user=user)[model]
        # x2many fields are left out: their records have rows of their own.
        names = [name for name, field in Model._fields.items()
                 if field.store and field.type not in ("one2many", "many2many")
                 and Model._has_field_access(field, "read")]
        if op == "read":
            def call():
                return self._call(user, model, "read", [record.ids], kwargs={"fields": names})
        elif op == "search_read":
            def call():
                return self._call(user, model, "search_read", [],
                                  kwargs={"domain": dom, "fields": names})
        elif op == "formatted_read_group":
            def call():
                return self._call(user, model, "formatted_read_group", [],
                                  kwargs={"domain": dom, "groupby": [], "aggregates": ["__count"]})
        elif op == "formatted_read_grouping_sets":
            def call():
                return self._call(user, model, "formatted_read_grouping_sets", [],
                                  kwargs={"domain": dom, "grouping_sets": [[]],
                                   "aggregates": ["__count"]})
        elif op == "export_data":
            def call():
                return self._call(user, model, "export_data", [record.ids, ["display_name"]])
        else:
            def call():
                return self._call(user, model, "name_search", [],
                                  kwargs={"name": "", "domain": dom, "limit": 8})
        outcome, value = self._run(call)
        detail = self._detail
        if outcome == "allow":
            found = {
                "read": lambda: bool(value),
                "search_read": lambda: bool(value),
                "formatted_read_group": lambda: sum(g.get("__count", 0) for g in value) > 0,
                "formatted_read_grouping_sets": lambda: sum(
                    g.get("__count", 0) for groups in value for g in groups) > 0,
                "export_data": lambda: bool(value.get("datas")),
                "name_search": lambda: record.id in [row[0] for row in value],
            }[op]()
            if not found:
                outcome = "refuse"
                self._detail = "not returned"
        leaked = set()
        if outcome == "allow" and op != "name_search":
            if op in ("read", "search_read"):
                leaked |= {name for name in sensitive if name in value[0]}
            for name in sensitive:
                if name not in leaked and self._leaks(user, model, op, record, name):
                    leaked.add(name)
        self._detail = detail
        return outcome, [name for name in sensitive if name not in leaked], value

    def _leaks(self, user, model, op, record, name):
        """Whether one sensitive field comes back through this read path."""
        dom = [("id", "=", record.id)]
        field = self.env[model]._fields[name]
        numeric = field.type in ("integer", "float", "monetary")
        calls = {
            "read": lambda: self._call(user, model, "read", [record.ids, [name]]),
            "search_read": lambda: (
                self._call(user, model, "search_read", [], kwargs={"domain": dom, "fields": [name]})
                or self._call(user, model, "search_count", [[*dom, (name, "!=", False)]])),
            "formatted_read_group": lambda: self._call(
                user, model, "formatted_read_group", [],
                kwargs={"domain": dom, "groupby": [] if numeric else [name],
                 "aggregates": [f"{name}:sum"] if numeric else ["__count"]}),
            "formatted_read_grouping_sets": lambda: self._call(
                user, model, "formatted_read_grouping_sets", [],
                kwargs={"domain": dom, "grouping_sets": [[]] if numeric else [[name]],
                 "aggregates": [f"{name}:sum"] if numeric else ["__count"]}),
            "export_data": lambda: self._call(user, model, "export_data", [record.ids, [name]]),
        }
        outcome, value = self._run(calls[op])
        if outcome != "allow":
            return False
        if op == "formatted_read_group":
            value = [value]
        if op in ("formatted_read_group", "formatted_read_grouping_sets"):
            # A grouped read leaks the figure when a group carries it.
            key = f"{name}:sum" if numeric else name
            return any(group.get(key) not in (None, False)
                       for groups in value for group in groups)
        return True

    def _write_cell(self, user, model, op, record):
        if op == "write":
            name = self._write_field(model)
            values = {name: self._value_for(model, name, record)}
        else:
            name = op.split(":", 1)[1]
            values = {name: self._value_for(model, name, record)}
        return self._run(lambda: self._call(user, model, "write", [record.ids, values]))[0]

    def _write_field(self, model):
        """A plain field of the model any editor changes: the record-level
        write right, with no field guard in the way."""
        preferred = ("name", "note", "description", "comment", "client_order_ref", "origin",
                     "ref", "reason", "remarks", "summary", "subject", "sequence")
        Model = self.env[model]
        process = getattr(Model, "_csp_process_fields", ())
        for name in preferred + tuple(Model._fields):
            field = Model._fields.get(name)
            if (field and field.store and not field.compute and not field.related
                    and not field.groups and name not in process and not field.readonly
                    and field.type in ("char", "text", "integer") and not name.endswith("token")):
                return name
        return None

    _dates = itertools.count()

    def _create_values(self, model, target, record, fields_policy):
        """Values to create a record like the target one, as a user would."""
        env = self.env
        world = self.worlds.get(target.replace("_quotation", ""), self.worlds["own"])
        customer = world["customer"]
        line = {"product_id": self.spare_part.id, "product_uom_qty": 1}
        explicit = {
            "sale.order": lambda: {"partner_id": customer.id,
                                   "order_line": [Command.create(line)]},
            "sale.order.line": lambda: dict(line, order_id=world["quotation"].id),
            # A company a rep creates becomes his; a contact joins a customer.
            "res.partner": lambda: {"name": "Matrix new company", "is_company": True,
                                    "customer_rank": 1} if target == "unassigned" else {
                "name": "Matrix contact", "parent_id": customer.id},
            "csp.complaint": lambda: {
                "partner_id": customer.id, "description": "Matrix",
                "type_id": env["csp.complaint.type"].search([], limit=1).id},
            "account.move": lambda: {"move_type": "out_invoice", "partner_id": customer.id},
            "mail.message": lambda: {"model": "sale.order", "res_id": world["order"].id,
                                     "body": "Matrix", "message_type": "comment"},
            "csp.sales.material.send": lambda: {"material_id": self.material2.id,
                                                "partner_id": customer.id},
            "crm.lead": lambda: {"name": "Matrix inquiry", "partner_id": customer.id,
                                 "type": "opportunity"},
            "csp.market.size": lambda: {
                "company_id": self.company.id, "amount": 500,
                "date_from": f"{1900 + next(self._dates)}-01-01",
                "date_to": f"{1900 + next(self._dates) - 1}-12-31"},
            # One target per company and date: each create its own date.
            "csp.process.target": lambda: {
                "metric_id": record.metric_id.id, "company_id": self.company.id,
                "target": 6, "date_from": f"{2030 + next(self._dates)}-01-01"},
        }
        if model in explicit:
            return explicit[model]()
        values = record.copy_data()[0]
        Model = env[model]
        # As the form sends them: without the fields only the process or
        # one group writes (they have write rows of their own).
        process = getattr(Model, "_csp_process_fields", ())
        owned = {name for (m, name), (_read, write) in fields_policy.items()
                 if m == model and write not in ("user", "derived")}
        values = {name: value for name, value in values.items()
                  if name in Model._fields and not Model._fields[name].groups
                  and name not in process and name not in owned}
        # Unique codes and names of configuration records.
        for name in ("code", "name"):
            if isinstance(values.get(name), str):
                values[name] += " matrix"
        return values

    # ------------------------------------------------------------------
    # The matrix
    # ------------------------------------------------------------------

    def _operations(self, model, fields_policy):
        ops = list(READ_OPS)
        if self._write_field(model):
            ops.append("write")
        ops += ["create", "unlink"]
        fields_ = self.env[model]._fields
        # A field the process owns, or one group owns, has a write row of its own.
        ops += sorted(f"write:{name}" for (m, name), (_read, write) in fields_policy.items()
                      if m == model and write not in ("user", "derived") and name in fields_)
        ops += [f"write:{name}" for name in EXTRA_WRITES.get(model, ()) if name in fields_]
        ops += [f"button:{name}" for name in self._buttons(model)]
        return ops

    def _cell(self, user, model, op, target, record):
        """Outcome of one operation as one user on one record, and the
        sensitive fields a read path did not give back."""
        if op in READ_OPS:
            outcome, hidden, _value = self._read_cell(
                user, model, op, record, self._sensitive(model, self._policy))
            return outcome, " ".join(hidden) if (
                outcome == "allow" and op != "name_search") else ""
        if op == "write" or op.startswith("write:"):
            return self._write_cell(user, model, op, record), ""
        if op == "create":
            values = self._create_values(model, target, record, self._policy)
            method, args = "create", [values]
        elif op == "unlink":
            method, args = "unlink", [record.ids]
        else:
            method, args = op.split(":", 1)[1], [record.ids]
        return self._run(lambda: self._call(user, model, method, args))[0], ""

    def _wizard_cell(self, user, model, op, context, values):
        """A wizard created as the user, then its button pressed."""
        def call():
            wizard_id = self._call(user, model, "create", [values], context=context)
            if op != "create":
                self._call(user, model, op.split(":", 1)[1], [[wizard_id]], context=context)
        return self._run(call)[0]

    def _observe(self, fields_policy):
        """Run every cell; return the observed rows."""
        self._policy = fields_policy
        rows = []
        for model in sorted(self.targets):
            ops = self._operations(model, fields_policy)
            for target, record in self.targets[model].items():
                if not record:
                    _logger.warning("access matrix: no %s record for %s", target, model)
                    continue
                for kind in USER_KINDS:
                    for op in ops:
                        outcome, hidden = self._cell(self.users[kind], model, op, target, record)
                        rows.append((model, kind, op, target, outcome, hidden, self._detail))
        for model, target, context, values, buttons in self._transient_cells():
            for kind in USER_KINDS:
                for op in ("create", *(f"button:{name}" for name in buttons)):
                    outcome = self._wizard_cell(self.users[kind], model, op, context, values)
                    rows.append((model, kind, op, target, outcome, "", self._detail))
        return rows

    @mute_logger("odoo.models", "odoo.sql_db", "odoo.addons.base.models", "odoo.addons.mail",
                 f"odoo.addons.{MODULE}.models", f"odoo.addons.{MODULE}.wizards")
    def test_access_matrix(self):
        started = time.time()
        fields_policy = self._fields_policy()
        observed = self._observe(fields_policy)
        _logger.info("access matrix: %d cells in %.0f s", len(observed), time.time() - started)
        if RECORD:
            with open(OBSERVED_MATRIX, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow((*MATRIX_HEADER, "detail"))
                writer.writerows(sorted(observed))
            return
        expected = {(r["model"], r["user_kind"], r["operation"], r["target"]): r
                    for r in self._read_csv(MATRIX_CSV)}
        problems = []
        seen = set()
        for model, kind, op, target, outcome, hidden, detail in observed:
            key = (model, kind, op, target)
            seen.add(key)
            row = expected.get(key)
            if row is None:
                problems.append(f"no row for {','.join(key)} (observed {outcome})")
                continue
            if row["expected"] != outcome:
                problems.append(f"{','.join(key)}: expected {row['expected']}, got {outcome}"
                                f" {detail}".rstrip())
            elif outcome == "allow":
                leaked = set(row["hidden_fields"].split()) - set(hidden.split())
                if leaked:
                    problems.append(f"{','.join(key)}: returns {' '.join(sorted(leaked))}")
        problems += [f"row without a cell (stale): {','.join(key)}"
                     for key in sorted(set(expected) - seen)]
        self.assertFalse(problems, "The access matrix differs from tests/access_matrix.csv "
                         f"in {len(problems)} cell(s):\n" + "\n".join(problems[:300]))

    def test_every_model_field_and_method_has_a_row(self):
        """A model, field or public method the addon adds without its row in
        the policy files fails: a new path is classified before it ships."""
        addon_fields = self._addon_fields()
        observed = {key: self._field_class(*key) for key in addon_fields}
        if RECORD:
            with open(OBSERVED_FIELDS, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow(("model", "field", "read", "write"))
                writer.writerows(sorted((*key, *value) for key, value in observed.items()))
            return
        policy = {(row["model"], row["field"]): (row["read"], row["write"])
                  for row in self._read_csv(FIELDS_CSV)}
        problems = [f"field {m}.{f} has no row in tests/access_fields.csv"
                    for m, f in sorted(set(observed) - set(policy))]
        problems += [f"field row {m}.{f} matches no field" for m, f in sorted(
            set(policy) - set(observed))]
        # Who reads a field is its `groups`; whether it is computed is in the
        # registry; who writes it is proven by the write rows of the matrix.
        problems += [
            f"field {m}.{f}: policy read={policy[m, f][0]} write={policy[m, f][1]}, "
            f"code read={observed[m, f][0]} write={observed[m, f][1]}"
            for m, f in sorted(set(policy) & set(observed))
            if policy[m, f][0] != observed[m, f][0]
            or (policy[m, f][1] == "derived") != (observed[m, f][1] == "derived")]
        matrix = self._read_csv(MATRIX_CSV)
        ruled = {row["model"] for row in matrix}
        transient = {cell[0] for cell in self._transient_cells()}
        problems += [f"model {model} has no row in tests/access_matrix.csv"
                     for model in sorted(self._addon_models() - ruled)]
        problems += [f"model {model} has no target record in the matrix suite"
                     for model in sorted(self._addon_models() - set(self.targets) - transient)]
        operations = {(row["model"], row["operation"]) for row in matrix}
        for model in sorted(set(self.targets)):
            problems += [f"method {model}.{name} has no row in tests/access_matrix.csv"
                         for name in self._buttons(model)
                         if (model, f"button:{name}") not in operations]
        self.assertFalse(problems, "\n".join(problems))


# Fields outside the process-owned ones whose writing belongs to one group:
# each gets its own write row.
EXTRA_WRITES = {
    "res.partner": ("user_id",),
    "sale.order": ("user_id",),
}
