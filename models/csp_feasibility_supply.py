"""The stock and production checks of the feasibility engine: whether each
line comes from stock, production or a vendor, and by when.  Each line's
earliest date waits for something (a `PendingLine`); all are planned on the
company's calendar in one computation at the end."""

from collections import defaultdict
from datetime import datetime, timedelta
from typing import NamedTuple

from odoo import api, models
from odoo.tools import float_compare


class PendingLine(NamedTuple):
    """What a line's earliest delivery waits for: `hours` of work on the
    calendar from `start`, then the product's sale delay; `production` says
    what manufacturing it needs, when it is made."""

    line: models.BaseModel
    start: datetime
    hours: float
    sale_delay: float
    production: dict | None = None


class CspFeasibilityEngine(models.AbstractModel):
    _inherit = "csp.feasibility.engine"

    @api.model
    def _csp_check_supply(self, run):
        """Stock, and production or purchase of what stock does not cover;
        then each line's date, planned in one go."""
        lines = run.valid_lines
        self._csp_read_supply(run, lines)
        pending = []
        for line in lines:
            waits_for = self._csp_supply_line(run, line)
            if waits_for:
                pending.append(waits_for)
        self._csp_plan_supply(run, pending)

    @api.model
    def _csp_read_supply(self, run, lines):
        """Everything the supply checks read, in batches, into run.supply."""
        env = self.env
        company, warehouse = run.company, run.order.warehouse_id
        products = lines.product_id
        storable = products.filtered("is_storable")
        supply = run.supply
        supply["quantities"] = storable.with_context(warehouse_id=warehouse.id)\
            ._compute_quantities_dict(None, None, None, to_date=run.asked or False) \
            if storable else {}
        boms = supply["boms"] = env["mrp.bom"]._bom_find(
            products, company_id=company.id, bom_type="normal")
        supply["mto"] = env.ref("stock.route_warehouse0_mto", raise_if_not_found=False)
        components = env["mrp.bom"].concat(*boms.values()).bom_line_ids.product_id \
            if boms else env["product.product"]
        component_storable = components.filtered("is_storable")
        supply["component_quantities"] = component_storable.with_context(
            warehouse_id=warehouse.id)._compute_quantities_dict(None, None, None) \
            if component_storable else {}
        supply["component_boms"] = env["mrp.bom"]._bom_find(
            components, company_id=company.id, bom_type="normal") if components else {}
        supply["load"] = self._csp_workcenter_load(boms)
        needed = supply["needed"] = defaultdict(float)
        for line in lines:
            needed[line.product_id] += line.product_uom_id._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False)

    @api.model
    def _csp_supply_line(self, run, line):
        """The line's stock result; returns what its date waits for (a
        PendingLine), or None when it cannot be supplied."""
        supply = run.supply
        product = line.product_id
        need = supply["needed"][product]
        uom = product.uom_id
        if not product.is_storable:
            run.results.append(self._csp_result(
                "stock", "pass", self.env._("Not kept in stock: nothing to check."), line))
            return PendingLine(line, run.now, 0.0, product.sale_delay)
        qty = supply["quantities"].get(product.id, {})
        free = qty.get("free_qty", 0.0)
        forecast = qty.get("virtual_available", 0.0)
        figures = self.env._(
            "Ordered %(need)s, free %(free)s, forecast %(forecast)s on %(when)s (%(uom)s)",
            free=self._csp_qty_text(free, uom), need=self._csp_qty_text(need, uom),
            when=self._csp_date_text(run.asked or run.now),
            forecast=self._csp_qty_text(forecast, uom), uom=uom.name)
        stock_values = {"ordered_qty": need, "free_qty": free, "forecast_qty": forecast,
                        "figures": figures}
        bom = supply["boms"].get(product)
        routes = product.route_ids | product.categ_id.total_route_ids
        mto = supply["mto"]
        if mto and mto in routes and bom:
            run.results.append(self._csp_result(
                "stock", "pass", self.env._("Made to order: produced for this order."), line,
                **stock_values))
            to_make = line.product_uom_id._compute_quantity(
                line.product_uom_qty, uom, raise_if_failure=False)
        elif float_compare(free, need, precision_rounding=uom.rounding) >= 0:
            run.results.append(self._csp_result(
                "stock", "pass", self.env._("In stock."), line, **stock_values))
            return PendingLine(line, run.now, 0.0, product.sale_delay)
        elif bom:
            to_make = need - max(free, 0.0)
            run.results.append(self._csp_result(
                "stock", "pass",
                self.env._("Short in stock: %(short)s (%(uom)s). It is manufactured.",
                           short=self._csp_qty_text(to_make, uom), uom=uom.name),
                line, **stock_values))
        else:
            short = need - max(free, 0.0)
            delay = self._csp_vendor_delay(run, product)
            if delay is None:
                run.results.append(self._csp_result(
                    "stock", "fail",
                    self.env._("Short in stock: %(short)s (%(uom)s), and it can be neither "
                               "manufactured (no bill of materials) nor bought (no vendor).",
                               short=self._csp_qty_text(short, uom), uom=uom.name),
                    line, **stock_values))
                return None
            run.results.append(self._csp_result(
                "stock", "pass",
                self.env._("Short in stock: %(short)s (%(uom)s). Bought from the vendor, "
                           "lead time: %(days)s (days).",
                           short=self._csp_qty_text(short, uom), uom=uom.name, days=delay),
                line, **stock_values))
            return PendingLine(line, run.now + timedelta(days=delay), 0.0, product.sale_delay)
        if not bom:
            run.results.append(self._csp_result(
                "production", "fail", self.env._("Made to order, but it has no bill of materials."),
                line))
            return None
        return self._csp_production(run, line, bom, to_make)

    @api.model
    def _csp_vendor_delay(self, run, product):
        """The shortest delivery delay of the product's vendors for the
        company, in days; None when nobody sells it."""
        sellers = product.seller_ids.filtered(
            lambda s: not s.company_id or s.company_id == run.company)
        sellers = sellers.filtered(lambda s: not s.product_id or s.product_id == product)
        return min(sellers.mapped("delay")) if sellers else None

    @api.model
    def _csp_workcenter_load(self, boms):
        """Hours of work already planned on the work centres of the BoMs."""
        if not boms:
            return {}
        workcenters = self.env["mrp.bom"].concat(*boms.values()).operation_ids.workcenter_id
        if not workcenters:
            return {}
        rows = self.env["mrp.workorder"].sudo()._read_group(
            [("workcenter_id", "in", workcenters.ids), ("state", "not in", ("done", "cancel"))],
            ["workcenter_id"], ["duration_expected:sum", "duration:sum"])
        return {wc: max(expected - done, 0.0) / 60.0 for wc, expected, done in rows}

    @api.model
    def _csp_production(self, run, line, bom, quantity):
        """What manufacturing `quantity` of the line's product waits for:
        missing components, the BoM's lead time, the work centres' queue and
        this order's own work."""
        supply = run.supply
        product = line.product_id
        uom = product.uom_id
        bom_qty = bom.product_uom_id._compute_quantity(
            bom.product_qty, uom, raise_if_failure=False) or 1.0
        factor = quantity / bom_qty
        wait_days, missing, impossible = 0, [], []
        for bom_line in bom.bom_line_ids:
            if bom_line._skip_bom_line(product):
                continue
            component = bom_line.product_id
            if not component.is_storable:
                continue
            need = bom_line.product_uom_id._compute_quantity(
                bom_line.product_qty * factor, component.uom_id, raise_if_failure=False)
            free = supply["component_quantities"].get(component.id, {}).get("free_qty", 0.0)
            if float_compare(free, need, precision_rounding=component.uom_id.rounding) >= 0:
                continue
            delay = self._csp_vendor_delay(run, component)
            sub_bom = supply["component_boms"].get(component)
            if delay is None and sub_bom:
                delay = sub_bom.produce_delay + sub_bom.days_to_prepare_mo
            if delay is None:
                impossible.append(component.display_name)
                continue
            missing.append(self.env._(
                "%(component)s (short: %(short)s %(uom)s, lead time: %(days)s (days))",
                component=component.display_name, uom=component.uom_id.name,
                short=self._csp_qty_text(need - max(free, 0.0), component.uom_id), days=delay))
            wait_days = max(wait_days, delay)
        own_hours = 0.0
        queue_hours = 0.0
        for operation in bom.operation_ids:
            if operation._skip_operation_line(product):
                continue
            efficiency = (operation.workcenter_id.time_efficiency or 100.0) / 100.0
            own_hours += operation.time_cycle_manual * factor / 60.0 / efficiency
            queue_hours = max(queue_hours, supply["load"].get(operation.workcenter_id, 0.0))
        lead_days = bom.produce_delay + bom.days_to_prepare_mo
        hours_per_day = run.company.resource_calendar_id.hours_per_day or 8.0
        work_hours = lead_days * hours_per_day + queue_hours + own_hours
        return PendingLine(line, run.now + timedelta(days=wait_days), work_hours,
                           product.sale_delay, {
                               "bom": bom, "missing": missing, "impossible": impossible,
                               "wait_days": wait_days, "lead_days": lead_days,
                               "queue_hours": queue_hours, "own_hours": own_hours,
                           })

    @api.model
    def _csp_plan_supply(self, run, pending):
        """Plan every pending line's date at once, then its production and
        date results."""
        planned = self._csp_plan(run, [(p.start, p.hours) for p in pending])
        for waits_for, planned_at in zip(pending, planned, strict=True):
            line, info = waits_for.line, waits_for.production
            ready = planned_at and planned_at + timedelta(days=waits_for.sale_delay or 0)
            run.planned.append(ready)
            late = bool(run.asked and ready and ready.date() > run.asked.date())
            if info is not None:
                if info["impossible"]:
                    run.results.append(self._csp_result(
                        "production", "fail",
                        self.env._("Components can be neither taken from stock nor bought: "
                                   "%(components)s.", components=", ".join(info["impossible"])),
                        line, earliest_date=ready and ready.date()))
                    continue
                figures = self.env._(
                    "BoM %(bom)s; components to get: %(missing)s; manufacturing lead time "
                    "%(lead)s working days; work centres already loaded %(queue)s h, this "
                    "order %(own)s h",
                    bom=info["bom"].display_name, missing=", ".join(info["missing"]) or "-",
                    lead=info["lead_days"], queue=round(info["queue_hours"], 1),
                    own=round(info["own_hours"], 1))
                if late:
                    reason = self.env._("Can be made by %(date)s, later than the date asked "
                                        "(%(asked)s).", date=self._csp_date_text(ready),
                                        asked=self._csp_date_text(run.asked))
                else:
                    reason = self.env._("Can be made by %(date)s.", date=self._csp_date_text(ready))
                run.results.append(self._csp_result(
                    "production", "warning" if late else "pass", reason, line,
                    earliest_date=ready and ready.date(), figures=figures))
            elif late:
                run.results.append(self._csp_result(
                    "stock", "warning",
                    self.env._("Can be delivered by %(date)s, later than the date asked "
                               "(%(asked)s).", date=self._csp_date_text(ready),
                               asked=self._csp_date_text(run.asked)),
                    line, earliest_date=ready.date()))
