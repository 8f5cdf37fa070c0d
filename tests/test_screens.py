"""Every screen of the app opens for every user who has its menu, through
the calls the web client makes: the menus it loads, the action, the views,
then each view's own data call (lists and kanbans with their progress bars,
grouped lists, pivots with their grouping sets, graphs)."""

import json
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval
from odoo.tools.safe_eval import time as safe_time

from .common import AfterSalesCase
from .outside import OutsideCase

APP_MENU = "customer_service_process.menu_root"


def groupby_spec(name, fields):
    """A group-by as the client sends it: dates by month."""
    name, _sep, interval = name.partition(":")
    if fields.get(name, {}).get("type") in ("date", "datetime"):
        return f"{name}:{interval or 'month'}"
    return name


@tagged("post_install", "-at_install")
class TestScreensOpen(OutsideCase, AfterSalesCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Something on most screens: an order delivered, invoiced, confirmed.
        cls.order, cls.picking = cls._delivered_for_screens()

    @classmethod
    def _delivered_for_screens(cls):
        self = cls.__new__(cls)
        self.env = cls.env
        cls._stock(cls.spare_part, 20)
        order = cls.env["sale.order"].create({
            "partner_id": cls.rep_customer.id, "user_id": cls.rep.id,
            "order_line": [(0, 0, {"product_id": cls.spare_part.id, "product_uom_qty": 2})]})
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.quantity = 2
        picking.button_validate()
        return order, picking

    def _menus(self):
        """The app's menus with an action, as the web client loads them."""
        menus = json.loads(self.get("/web/webclient/load_menus").text)
        root = self.env.ref(APP_MENU).id
        if str(root) not in menus:
            return []
        found, todo = [], list(menus[str(root)]["children"])
        while todo:
            menu = menus[str(todo.pop(0))]
            todo.extend(menu["children"])
            if menu.get("actionID") and menu.get("actionModel") == "ir.actions.act_window":
                found.append((menu["xmlid"] or menu["name"], menu["actionID"]))
        return found

    def _eval(self, text, context):
        if not isinstance(text, str):
            return text or {}
        return safe_eval(text or "{}", {
            "uid": self.session.uid, "context": context, "context_today": date.today,
            "datetime": datetime, "relativedelta": relativedelta,
            "allowed_company_ids": [self.env.company.id], "active_id": False,
            "active_ids": [], "time": safe_time,
        })

    def _open(self, menu, action_id):
        action = self.make_jsonrpc_request("/web/action/load", {"action_id": action_id})
        context = self._eval(action.get("context"), {})
        domain = self._eval(action.get("domain"), context) or []
        model = action["res_model"]
        view_types = [kind for _id, kind in action["views"]]
        views = self.call(model, "get_views", [list(v) for v in action["views"]] +
                          [[action.get("search_view_id") and action["search_view_id"][0],
                            "search"]],
                          options={"action_id": action["id"], "load_filters": True,
                                   "toolbar": True}, context=context)
        fields = views["models"][model]["fields"]
        for kind in view_types:
            if kind not in views["views"]:
                continue
            arch = etree.fromstring(views["views"][kind]["arch"])
            with self.subTest(menu=menu, view=kind, user=self.login):
                getattr(self, f"_data_{kind}", lambda *a: None)(
                    model, arch, fields, domain, context)

    def _spec(self, arch):
        spec = {}
        for field in arch.iter("field"):
            parent = field.getparent()
            while parent is not None and parent is not arch and parent.tag != "field":
                parent = parent.getparent()
            if parent is arch:
                spec[field.get("name")] = {}
        return spec

    def _data_list(self, model, arch, fields, domain, context):
        group_by = context.get("group_by")
        if group_by:
            group_by = [group_by] if isinstance(group_by, str) else group_by
            self.call(model, "web_read_group", domain,
                      [groupby_spec(g, fields) for g in group_by[:1]], ["__count"],
                      context=context)
        self.call(model, "web_search_read", domain, specification=self._spec(arch),
                  offset=0, limit=80, count_limit=10001, context=context)

    def _data_kanban(self, model, arch, fields, domain, context):
        group_by = arch.get("default_group_by")
        if group_by:
            self.call(model, "web_read_group", domain, [groupby_spec(group_by, fields)],
                      ["__count"], context=context)
        self.call(model, "web_search_read", domain, specification=self._spec(arch),
                  offset=0, limit=40, count_limit=10001, context=context)
        bar = arch.find(".//progressbar")
        if bar is not None and group_by:
            self.call(model, "read_progress_bar", domain, groupby_spec(group_by, fields), {
                "field": bar.get("field"), "colors": self._eval(bar.get("colors"), {}),
                "sum_field": bar.get("sum_field")}, context=context)

    def _measures(self, arch, fields):
        measures = [f"{f.get('name')}:{fields[f.get('name')].get('aggregator') or 'sum'}"
                    for f in arch.iter("field") if f.get("type") == "measure"]
        return measures or ["__count"]

    def _data_pivot(self, model, arch, fields, domain, context):
        rows = [groupby_spec(f.get("name") + (f":{f.get('interval')}" if f.get("interval")
                                              else ""), fields)
                for f in arch.iter("field") if f.get("type") == "row"]
        cols = [groupby_spec(f.get("name") + (f":{f.get('interval')}" if f.get("interval")
                                              else ""), fields)
                for f in arch.iter("field") if f.get("type") == "col"]
        sets = [[], rows[:1], cols[:1], rows[:1] + cols[:1]]
        self.call(model, "formatted_read_grouping_sets", domain,
                  [s for i, s in enumerate(sets) if s not in sets[:i]],
                  self._measures(arch, fields), context=context)

    def _data_graph(self, model, arch, fields, domain, context):
        group_by = [groupby_spec(f.get("name") + (f":{f.get('interval')}" if f.get("interval")
                                                  else ""), fields)
                    for f in arch.iter("field") if f.get("type") in ("row", "col", None)
                    and f.get("type") != "measure"][:2]
        self.call(model, "formatted_read_group", domain, group_by,
                  self._measures(arch, fields), context=context)

    def test_every_menu_of_every_user_opens(self):
        seen = {}
        for user in (self.rep, self.head_office, self.manager, self.accountant):
            self.as_user(user)
            menus = self._menus()
            seen[user.login] = len(menus)
            for menu, action_id in menus:
                self._open(menu, action_id)
        # Each user has his share of the app.
        self.assertGreaterEqual(seen[self.rep.login], 5)
        self.assertGreaterEqual(seen[self.manager.login], 20)
