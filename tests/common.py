from contextlib import contextmanager

from freezegun import freeze_time

from odoo import Command
from odoo.tests import Form, TransactionCase, new_test_user


class CustomerProcessCase(TransactionCase):
    """Fixtures shared by the addon's tests: a company calendar with a
    weekend and a holiday, a make-to-order product with its bill of
    materials, a product sold from stock, customers of two field reps and of
    head office, and the people of the process as real (non-superuser) users."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1)
        cls.route_mto = cls.env.ref("stock.route_warehouse0_mto")
        cls.route_mto.active = True

        # 8 working hours a day, Monday to Friday, in UTC so that the tests
        # read plainly; Thursday 5 March 2026 is a public holiday.
        cls.calendar = cls.env["resource.calendar"].create({
            "name": "Test 8h calendar",
            "tz": "UTC",
            "hours_per_day": 8.0,
            "attendance_ids": [Command.clear()] + [
                Command.create({"name": f"day {day}", "dayofweek": str(day), "hour_from": start,
                                "hour_to": end, "day_period": period})
                for day in range(5)
                for start, end, period in ((8, 12, "morning"), (12, 16, "afternoon"))
            ],
        })
        cls.env["resource.calendar.leaves"].create({
            "name": "Test holiday", "calendar_id": cls.calendar.id,
            "date_from": "2026-03-05 00:00:00", "date_to": "2026-03-05 23:59:59",
        })
        cls.company.write({
            "resource_calendar_id": cls.calendar.id,
            "csp_feasibility_sla_hours": 8.0,
            "csp_fulfilment_sla_days": 14.0,
        })

        cls.head_office = new_test_user(
            cls.env, login="csp_test_head_office", name="Test Head Office",
            groups="customer_service_process.group_head_office,stock.group_stock_user,"
                   "mrp.group_mrp_user")
        cls.manager = new_test_user(
            cls.env, login="csp_test_manager", name="Test Head of Sales",
            groups="customer_service_process.group_process_manager")
        cls.rep = new_test_user(
            cls.env, login="csp_test_rep", name="Test Field Rep",
            groups="customer_service_process.group_field_rep")
        cls.rep2 = new_test_user(
            cls.env, login="csp_test_rep2", name="Test Field Rep 2",
            groups="customer_service_process.group_field_rep")
        cls.accountant = new_test_user(
            cls.env, login="csp_test_accountant", name="Test Accountant",
            groups="account.group_account_invoice")
        cls.company.csp_head_of_sales_id = cls.manager

        cls.component = cls.env["product.product"].create({
            "name": "Test housing", "is_storable": True, "standard_price": 100.0,
        })
        cls.pump = cls.env["product.product"].create({
            "name": "Test pump (made to order)",
            "is_storable": True,
            "list_price": 900.0,
            "standard_price": 500.0,
            # Manufacture is the warehouse's route in Odoo 19: MTO + a BoM
            # is what makes a product made to order.
            "route_ids": [Command.set([cls.route_mto.id])],
        })
        cls.bom = cls.env["mrp.bom"].create({
            "product_tmpl_id": cls.pump.product_tmpl_id.id,
            "product_qty": 1,
            "bom_line_ids": [Command.create({"product_id": cls.component.id, "product_qty": 2})],
        })
        cls.spare_part = cls.env["product.product"].create({
            "name": "Test spare part", "is_storable": True, "list_price": 50.0,
            "standard_price": 20.0,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Test Customer Ltd", "is_company": True, "email": "buyer@test.example.com",
            "user_id": cls.head_office.id, "customer_rank": 1,
        })
        cls.rep_customer = cls.env["res.partner"].create({
            "name": "Rep One Customer", "is_company": True, "user_id": cls.rep.id,
            "customer_rank": 1, "email": "rep1customer@test.example.com",
        })
        cls.rep_contact = cls.env["res.partner"].create({
            "name": "Buyer at Rep One Customer", "parent_id": cls.rep_customer.id,
        })
        cls.rep2_customer = cls.env["res.partner"].create({
            "name": "Rep Two Customer", "is_company": True, "user_id": cls.rep2.id,
            "customer_rank": 1, "email": "rep2customer@test.example.com",
        })
        cls.unassigned_customer = cls.env["res.partner"].create({
            "name": "Unassigned Customer", "is_company": True, "customer_rank": 1,
        })

    def setUp(self):
        # The fixtures of setUpClass end as a request does, once for every
        # test: their precommit hooks (the process log) run before the
        # test's own savepoint.
        self.env.cr.flush()
        super().setUp()

    @classmethod
    def _stock(cls, product, quantity):
        cls.env["stock.quant"]._update_available_quantity(
            product, cls.warehouse.lot_stock_id, quantity)

    def _quotation(self, user, partner, product, quantity=1.0, **values):
        """A quotation made through the form, as `user`."""
        env = self.env(user=user)
        with Form(env["sale.order"]) as quotation:
            quotation.partner_id = partner.with_env(env)
            for name, value in values.items():
                setattr(quotation, name, value)
            with quotation.order_line.new() as line:
                line.product_id = product.with_env(env)
                line.product_uom_qty = quantity
        return quotation.save()

    @contextmanager
    def at(self, moment):
        """Do what the block does at `moment`: time frozen, and the ORM's
        pending computations (the process stage among them) flushed and the
        precommit hooks run (the process log among them) before the clock
        moves on, as at the end of a real request."""
        with freeze_time(moment):
            yield
            self.env.cr.flush()

    def end_request(self):
        """What the end of a request does before its commit: flush, and run
        the precommit hooks (the process log, milestones and notices)."""
        self.env.cr.flush()


def run_queued_crons(env, max_rounds=100):
    """Run the addon's queued cron work to completion, as cron workers would.

    Each active cron of the addon with work queued (a trigger due, or records
    left in the domain of one of its `csp.batch` jobs) is run through
    ir.cron's own job runner (`method_direct_trigger`: the job in a
    transaction of its own, committed batch by batch by `_commit_progress`,
    run again while partially done), in a thread of its own as a cron worker
    (the test's lock released meanwhile, so that wkhtmltopdf can fetch its
    CSS from the test server), round after round until no cron has work
    left.  The registry is put in test mode when it is not (a
    TransactionCase; an HttpCase always is), so that the cron's cursor and
    its commits are savepoints of the test's transaction.  Call it after
    pressing a button that queues work (Send, Print Letters)."""
    import threading  # noqa: PLC0415
    from contextlib import ExitStack  # noqa: PLC0415

    from odoo import fields  # noqa: PLC0415
    from odoo.tests.common import BaseCase, release_test_lock  # noqa: PLC0415

    def as_cron_worker(cron):
        failures = []

        def work():
            try:
                cron.method_direct_trigger()
            except BaseException as error:  # raised again below
                failures.append(error)

        worker = threading.Thread(target=work, name=f"csp cron worker {cron.id}")
        with release_test_lock():
            worker.start()
            worker.join()
        if failures:
            raise failures[0]

    registry = env.registry
    with ExitStack() as stack:
        env.flush_all()
        if "cursor" not in vars(registry):  # not in test mode yet
            for patcher in BaseCase._registry_test_mode_patches(cr=env.cr, registry=registry):
                stack.enter_context(patcher)
        stack.callback(env.invalidate_all)
        su = env(su=True)
        crons = su["ir.cron"].browse(su["ir.model.data"].search([
            ("module", "=", "customer_service_process"), ("model", "=", "ir.cron"),
        ]).mapped("res_id")).exists().filtered("active")
        jobs = [(su[name], job, su.ref(xmlid)) for name, model in registry.items()
                if not model._abstract and getattr(model, "_csp_batch_jobs", None)
                for job, xmlid in model._csp_batch_jobs.items()]
        for _round in range(max_rounds):
            now = fields.Datetime.now()
            due = su["ir.cron.trigger"].search(
                [("cron_id", "in", crons.ids), ("call_at", "<=", now)]).cron_id
            due |= su["ir.cron"].union(*(
                cron for Model, job, cron in jobs
                if cron in crons and Model.search_count(Model._csp_batch_domain(job))))
            if not due:
                return
            for cron in due:
                # What a cron worker clears when it takes the job.
                su["ir.cron.trigger"].search(
                    [("cron_id", "=", cron.id), ("call_at", "<=", now)]).unlink()
                as_cron_worker(cron)
                env.invalidate_all()
        raise AssertionError(f"Cron work still queued after {max_rounds} rounds: {due}")
