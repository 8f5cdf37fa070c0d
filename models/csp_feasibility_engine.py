"""The checks of a quotation's feasibility and profitability (PROCESS.md b).

An abstract model, so that an addon can ``_inherit`` it: ``_csp_checks``
names the checks in their order, and each is a method
``_csp_check_<name>(run)`` that appends its results to the run.  Every check
reads what it needs for all lines in batches: the number of queries does not
depend on the number of lines.  The stock and production checks are in
``csp_feasibility_supply.py``.
"""

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property

from babel.dates import format_skeleton

from odoo import api, fields, models
from odoo.tools import float_compare, float_is_zero, float_round, format_amount
from odoo.tools.misc import babel_locale_parse, formatLang

# Every result has every column: they are inserted in one statement.
RESULT_FIGURES = {
    "figures": False, "cost_figures": False, "ordered_qty": 0.0, "free_qty": 0.0,
    "forecast_qty": 0.0, "earliest_date": False, "unit_cost": 0.0, "margin_percent": 0.0,
    "min_margin_percent": 0.0,
}


@dataclass
class FeasibilityRun:
    """One evaluation of one order: what it checks, what the checks found,
    and what they hand on to each other."""

    check: models.BaseModel
    order: models.BaseModel
    now: datetime
    lines: models.BaseModel  # the order's product lines
    asked: datetime | None = None  # the date the customer asked, unless past
    results: list = field(default_factory=list)  # csp.feasibility.result values
    stopped: bool = False  # set by a check after which nothing can be checked
    planned: list = field(default_factory=list)  # each line's earliest delivery
    needs_head_of_sales: bool = False
    order_margin_percent: float = 0.0
    supply: dict = field(default_factory=dict)  # what the supply checks read

    @property
    def company(self):
        return self.order.company_id

    @cached_property
    def valid_lines(self):
        """The lines with a product and a quantity: what the checks check."""
        return self.lines.filtered(lambda line: line.product_id and line.product_uom_qty > 0)


class CspFeasibilityEngine(models.AbstractModel):
    _name = "csp.feasibility.engine"
    _description = "Feasibility and Profitability Checks"

    # ------------------------------------------------------------------ run

    @api.model
    def _csp_checks(self):
        """The checks, in order: each name is a method ``_csp_check_<name>``.
        Override to add, drop or reorder one."""
        return ["order", "lines", "supply", "profitability", "customer", "non_standard"]

    @api.model
    def _csp_run(self, check):
        """Run every check on the check's order; the run holds the results."""
        order = check.order_id
        run = FeasibilityRun(
            check=check, order=order, now=fields.Datetime.now(),
            asked=order.commitment_date,
            lines=order.order_line.filtered(
                lambda line: not line.display_type and not line.is_downpayment))
        for name in self._csp_checks():
            if run.stopped:
                break
            getattr(self, f"_csp_check_{name}")(run)
        return run

    @api.model
    def _csp_verdict(self, run):
        """(verdict, reason) from the results: any failure makes the order not
        feasible, any warning feasible on conditions."""
        failed = [r for r in run.results if r["status"] == "fail"]
        conditions = [r for r in run.results if r["status"] == "warning"]
        if failed:
            return "not_feasible", "\n".join(dict.fromkeys(r["reason"] for r in failed))
        if conditions:
            return "conditions", "\n".join(dict.fromkeys(r["reason"] for r in conditions))
        return "feasible", self.env._("Every check passed.")

    @api.model
    def _csp_proposed_date(self, run):
        dates = [d for d in run.planned if d]
        return max(dates).date() if dates else run.now.date()

    # -------------------------------------------------------------- helpers

    @api.model
    def _csp_result(self, kind, status, reason, line=None, **figures):
        """The values of one csp.feasibility.result."""
        values = dict(RESULT_FIGURES, kind=kind, status=status, reason=reason,
                      order_line_id=line.id if line else False,
                      product_id=line.product_id.id if line else False)
        values.update(figures)
        return values

    @api.model
    def _csp_date_text(self, moment):
        """A date as the web client shows it beside it, in the user's
        language: "Dec 4" this year, "Jan 3, 2027" another (one date format
        in the dialog)."""
        if not moment:
            return "-"
        if isinstance(moment, datetime):  # the user's day, not UTC's
            moment = fields.Datetime.context_timestamp(self, moment)
        this_year = moment.year == fields.Date.context_today(self).year
        return format_skeleton("MMMd" if this_year else "yMMMd", moment,
                               locale=babel_locale_parse(self.env.lang or "en_US"))

    @api.model
    def _csp_qty_text(self, qty, uom):
        """A quantity in the user's number format, rounded as its unit; the
        unit is named apart by the texts ("Ordered 1, free 0 (Units)"), so
        that no text says "1 Units"."""
        qty = float_round(qty, precision_rounding=uom.rounding or 0.01)
        decimals = 0 if qty == int(qty) else max(0, -math.floor(math.log10(
            uom.rounding or 0.01)))
        return formatLang(self.env, qty, digits=decimals)

    @api.model
    def _csp_money(self, run, amount):
        return format_amount(self.env, amount, run.company.currency_id)

    @api.model
    def _csp_plan(self, run, earliest):
        """Each (start, working hours)'s date, in one calendar computation."""
        if not earliest:
            return []
        calendar = run.company.resource_calendar_id
        if not calendar:
            return [start + timedelta(days=hours / 8.0) for start, hours in earliest]
        return calendar._csp_plan_hours_batch(
            [hours for _s, hours in earliest], [start for start, _h in earliest])

    # -------------------------------------------------------------- order

    @api.model
    def _csp_check_order(self, run):
        """Lines, a warehouse, a working schedule, a date not past.  Without
        lines or a warehouse nothing more can be checked."""
        if not run.lines:
            run.results.append(self._csp_result(
                "order", "fail", self.env._("The order has no lines.")))
        if not run.order.warehouse_id:
            run.results.append(self._csp_result(
                "order", "fail",
                self.env._("The order has no warehouse: stock and dates cannot be checked.")))
        if not run.company.resource_calendar_id:
            run.results.append(self._csp_result(
                "order", "warning",
                self.env._("The company has no working schedule: dates are counted in "
                           "calendar days.")))
        if run.asked and run.asked < run.now:
            run.results.append(self._csp_result(
                "order", "warning",
                self.env._("The date asked (%(date)s) is in the past.",
                           date=self._csp_date_text(run.asked))))
            run.asked = None
        run.stopped = not run.lines or not run.order.warehouse_id

    @api.model
    def _csp_check_lines(self, run):
        """Every line has a product and a quantity."""
        for line in run.lines - run.valid_lines:
            run.results.append(self._csp_result(
                "order", "fail",
                self.env._("The quantity must be more than zero.") if line.product_id
                else self.env._("The line has no product."), line))

    # ------------------------------------------------------------ margins

    @api.model
    def _csp_unit_costs(self, run, lines):
        """Cost of one unit of each product, in the company's currency: the
        BoM's components and operations for manufactured products, otherwise
        the product's cost."""
        # Read by the supply checks; read here when an override dropped them.
        boms = run.supply["boms"] if "boms" in run.supply else self.env["mrp.bom"]._bom_find(
            lines.product_id, company_id=run.company.id, bom_type="normal")
        costs = {}
        for product in lines.product_id:
            bom = boms.get(product)
            if not bom:
                costs[product] = product.standard_price
                continue
            bom_qty = bom.product_uom_id._compute_quantity(
                bom.product_qty, product.uom_id, raise_if_failure=False) or 1.0
            total = 0.0
            for bom_line in bom.bom_line_ids:
                if bom_line._skip_bom_line(product):
                    continue
                qty = bom_line.product_uom_id._compute_quantity(
                    bom_line.product_qty, bom_line.product_id.uom_id, raise_if_failure=False)
                total += qty * bom_line.product_id.standard_price
            for operation in bom.operation_ids:
                if operation._skip_operation_line(product):
                    continue
                total += operation.time_cycle_manual / 60.0 * operation.workcenter_id.costs_hour
            costs[product] = total / bom_qty if total else product.standard_price
        return costs

    @api.model
    def _csp_check_profitability(self, run):
        """Each line's margin against its category's minimum, the order's
        against the company's."""
        lines = run.valid_lines
        if not lines:
            return
        order, company = run.order, run.company
        company_currency = company.currency_id
        date = order.date_order or run.now
        costs = self._csp_unit_costs(run, lines)
        revenue_total = cost_total = 0.0
        # The cost figures in words go to a field of the cost viewers, like
        # the numbers: whoever ran the check, a rep never reads them.
        for line in lines:
            product = line.product_id
            quantity = line.product_uom_id._compute_quantity(
                line.product_uom_qty, product.uom_id, raise_if_failure=False)
            revenue = order.currency_id._convert(
                line.price_subtotal, company_currency, company, date, round=False)
            unit_cost = costs.get(product, 0.0)
            cost = unit_cost * quantity
            revenue_total += revenue
            cost_total += cost
            minimum = product.categ_id._csp_min_margin_percent(company)
            figures = {"unit_cost": unit_cost, "min_margin_percent": minimum}
            if product.type == "service" and float_is_zero(unit_cost, precision_digits=6):
                run.results.append(self._csp_result(
                    "profitability", "pass", self.env._("A service without cost."), line))
                continue
            if float_is_zero(unit_cost, precision_digits=6):
                run.results.append(self._csp_result(
                    "profitability", "warning",
                    self.env._("%(product)s has no cost: its margin cannot be checked.",
                               product=product.display_name), line, **figures))
                continue
            margin_percent = (revenue - cost) / revenue * 100.0 if revenue else -100.0
            figures["margin_percent"] = margin_percent
            if revenue < cost:
                reason = self.env._("Sold below its cost.")
                status = "fail"
            elif margin_percent < minimum:
                reason = self.env._("The margin is below the minimum for %(category)s.",
                                    category=product.categ_id.display_name)
                status = "warning"
            else:
                reason = self.env._("The margin reaches the minimum.")
                status = "pass"
            figures["cost_figures"] = self.env._(
                "Unit price %(price)s, unit cost %(cost)s, margin %(margin)s %% "
                "(minimum %(min)s %%)",
                price=self._csp_money(run, revenue / quantity if quantity else 0.0),
                cost=self._csp_money(run, unit_cost),
                margin=formatLang(self.env, margin_percent, digits=1),
                min=formatLang(self.env, minimum, digits=1))
            run.results.append(self._csp_result("profitability", status, reason, line, **figures))
        if revenue_total:
            run.order_margin_percent = (revenue_total - cost_total) / revenue_total * 100.0
            if run.order_margin_percent < company.csp_min_margin_percent:
                run.results.append(self._csp_result(
                    "profitability", "warning",
                    self.env._("The order's margin is below the company's minimum."),
                    margin_percent=run.order_margin_percent,
                    min_margin_percent=company.csp_min_margin_percent))

    # ----------------------------------------------------------- customer

    @api.model
    def _csp_check_customer(self, run):
        """No dunning level that blocks orders, overdue invoices within the
        company's limit, and the credit limit respected with this order."""
        order, company = run.order, run.company
        partner = order.partner_id.commercial_partner_id
        results = []
        blocked = self.env["res.partner"]._csp_blocking_reasons(partner, company)
        for reason in blocked.get(partner, []):
            results.append(self._csp_result("customer", "fail", reason))
        currency = company.currency_id
        overdue = self.env["res.partner"]._csp_overdue_amounts(partner, company).get(partner, 0.0)
        limit = company.csp_overdue_limit
        if float_compare(overdue, limit, precision_rounding=currency.rounding) > 0:
            results.append(self._csp_result(
                "customer", "fail",
                self.env._("%(customer)s has %(overdue)s overdue, above the limit of %(limit)s.",
                           customer=partner.name, overdue=self._csp_money(run, overdue),
                           limit=self._csp_money(run, limit)),
                figures=self.env._("overdue %(overdue)s", overdue=self._csp_money(run, overdue))))
        if company.account_use_credit_limit:
            credit_partner = partner.sudo().with_company(company)
            credit_limit = credit_partner.credit_limit
            if credit_limit:
                amount = order.currency_id._convert(
                    order.amount_total, currency, company, order.date_order or run.now,
                    round=False)
                exposure = credit_partner.credit + credit_partner.credit_to_invoice + amount
                if float_compare(exposure, credit_limit, precision_rounding=currency.rounding) > 0:
                    results.append(self._csp_result(
                        "customer", "fail",
                        self.env._("With this order %(customer)s would owe %(exposure)s, above the "
                                   "credit limit of %(limit)s.", customer=partner.name,
                                   exposure=self._csp_money(run, exposure),
                                   limit=self._csp_money(run, credit_limit))))
        if not results:
            results.append(self._csp_result(
                "customer", "pass", self.env._("No overdue invoices above the limit, credit "
                                               "limit respected."),
                figures=self.env._("overdue %(overdue)s", overdue=self._csp_money(run, overdue))))
        run.results += results

    # ------------------------------------------------------- non-standard

    @api.model
    def _csp_check_non_standard(self, run):
        """Products made to the customer's specification: the head of sales
        decides."""
        special = run.valid_lines.filtered(lambda line: line.product_id.is_non_standard)
        run.needs_head_of_sales = bool(special)
        run.results += [self._csp_result(
            "non_standard", "warning",
            self.env._("Made to the customer's specification: the head of sales decides."), line)
            for line in special]
