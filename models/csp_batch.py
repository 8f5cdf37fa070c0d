"""Bulk work queued and done on Odoo's cron workers, batch by batch, exactly once.

Why a mixin on the model of the work items, run by an ordinary ``ir.cron``:
Odoo 19's cron runner already is a distributed job engine.  A cron job is
taken by one cron worker of one server at a time (``FOR NO KEY UPDATE SKIP
LOCKED`` on its row), ``ir.cron._commit_progress`` commits a batch and reports
how much is left, and a job left "partially done" is taken again at once by
any cron worker of any server on the database.  What the addon adds is the
discipline around it, once:

- **the queue is the records themselves**: the work still to do is a domain
  (a state), so that a run can resume anywhere; processing a record takes it
  out of the domain (marks it done, or failed) *in the same transaction* as
  its side effects (mails, activities, invoices, PDFs: all database rows);
- **a batch commits as a whole**: its side effects and its done marks commit
  together in ``_commit_progress``; a worker killed in the middle of a batch
  (SIGKILL, a database restart, Odoo's time limit) leaves the whole batch
  undone, and the next run does it again: nothing twice, nothing lost;
- **a failing record does not stop the others**: a batch runs in a
  savepoint; when it fails, it is done again record by record, each in its
  own savepoint, and a record that still fails is marked failed with its
  error (``_csp_batch_failed``), outside the rolled back savepoint;
- **the cron is triggered when work is queued** (``_csp_batch_queue``) and
  stops when the time the runner gives it is short: the runner then takes it
  again, here or on another server.

A model inherits ``csp.batch`` and, per job (a code: one model may have
several), overrides the hooks ``_csp_batch_domain``, ``_csp_batch_process``,
``_csp_batch_failed``, optionally ``_csp_batch_after`` and
``_csp_batch_sweep``, and names the job's cron in ``_csp_batch_jobs``.  The job's ``ir.cron`` runs
``model._csp_batch_run("<job>")``.  Batch size: the system parameter
``customer_service_process.batch_size.<job>``, else ``_csp_batch_sizes``.
(OCA ``queue_job`` would do the same with a dependency and its own runner;
Odoo's cron runner needs neither.)
"""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class CspBatch(models.AbstractModel):
    _name = "csp.batch"
    _description = "Work Done in Batches on Cron Workers"

    # {job code: xml id of the ir.cron that runs it}
    _csp_batch_jobs = {}
    # {job code: records per batch}; a system parameter overrides it.
    _csp_batch_sizes = {}
    _csp_batch_default_size = 50
    # Jobs whose records are each done in their own savepoint at once: when
    # a record's work dwarfs a savepoint (a PDF), a failing batch would only
    # be done twice.
    _csp_batch_one_by_one = frozenset()

    # ------------------------------------------------------------- the hooks

    @api.model
    def _csp_batch_domain(self, job):
        """The domain of the records still to do for `job`."""
        raise NotImplementedError(job)

    def _csp_batch_process(self, job):
        """Do `job` for these records and take them out of its domain, in
        this transaction (no commit, no side effect outside the database)."""
        raise NotImplementedError(job)

    def _csp_batch_failed(self, job, error):
        """This one record failed `job` with `error`: take it out of the
        domain and keep the error on it."""
        raise NotImplementedError(job)

    def _csp_batch_after(self, job):
        """After a batch, in its transaction (what finishes with it: a run
        marked done, its user told).  Records that failed are included."""
        return

    @api.model
    def _csp_batch_sweep(self, job):
        """At the start of each cron run: finish what no batch will (a run
        with nothing left to do, an `after` that failed).  Idempotent."""
        return

    @api.model
    def _csp_batch_size(self, job):
        """How many records a batch of `job` holds."""
        param = self.env["ir.config_parameter"].sudo().get_param(
            f"customer_service_process.batch_size.{job}")
        try:
            size = int(param or 0)
        except ValueError:
            size = 0
        return max(size or self._csp_batch_sizes.get(job, self._csp_batch_default_size), 1)

    @api.model
    def _csp_batch_order(self, job):
        """The order in which records are taken (oldest first by default)."""
        return "id"

    # ------------------------------------------------------------- helpers

    @api.model
    def _csp_batch_create_activities(self, vals_list):
        """Activities a batch plans, created at once.  Without Odoo's
        "assigned to you" e-mail per activity: a salesperson given 200 calls
        by one dunning run would get 200 mails, each sent in a transaction
        of its own at commit (half a batch's time).  The assignees see them
        in their activities at once (the bus notice still goes)."""
        return self.env["mail.activity"].sudo().with_context(
            mail_activity_quick_update=True).create(vals_list)

    def _csp_batch_log_failure(self, vals, message):
        """The usual `_csp_batch_failed` of a record with a chatter: `vals`
        take it out of the job's domain (for good, or until it is due
        again), and `message` says in its chatter why it was not done."""
        record = self.sudo()
        record.write(vals)
        record._message_log(body=message)

    # ------------------------------------------------------------- the engine

    @api.model
    def _csp_batch_cron(self, job):
        """The cron that runs `job`."""
        return self.env.ref(self._csp_batch_jobs[job]).sudo()

    @api.model
    def _csp_batch_queue(self, job):
        """Work of `job` was queued: have a cron worker take it as soon as
        this transaction commits."""
        self._csp_batch_cron(job)._trigger()

    @api.model
    def _csp_batch_run(self, job):
        """The cron's body: batches of `job` until none is left or the time
        given by the cron runner is short; each batch committed with its
        progress (``ir.cron._commit_progress``)."""
        IrCron = self.env["ir.cron"]
        size = self._csp_batch_size(job)
        order = self._csp_batch_order(job)
        domain = self._csp_batch_domain(job)
        # Records another transaction holds are left to a later run.
        skipped = []
        self._csp_batch_sweep(job)
        IrCron._commit_progress(remaining=self.search_count(domain))
        while True:
            started = time.monotonic()
            todo = self.search([*domain, ("id", "not in", skipped)], order=order, limit=size)
            if not todo:
                break
            # A row lock until the commit, and a second look at the domain
            # once the lock is held (another worker may have done them).
            batch = todo.try_lock_for_update()
            skipped += (todo - batch).ids
            self.env.invalidate_all()
            batch = batch.filtered_domain(domain)
            if batch:
                batch._csp_batch_one(job)
            remaining = self.search_count([*domain, ("id", "not in", skipped)])
            time_left = IrCron._commit_progress(len(batch), remaining=remaining)
            # Another transaction may have changed anything since.
            self.env.invalidate_all()
            _logger.info("%s: %s done in %.2f s, %s left", job, len(batch),
                         time.monotonic() - started, remaining)
            if not remaining or time_left < 2 * (time.monotonic() - started):
                break
        if skipped and self.search_count([*domain, ("id", "in", skipped)]):
            # Held by another transaction: soon again, not at the next
            # scheduled run (the holder may die mid-batch).
            self._csp_batch_cron(job)._trigger(
                fields.Datetime.now() + timedelta(minutes=1))

    def _csp_batch_one(self, job):
        """One batch: all together in a savepoint; if that fails (or for a
        job done one by one), record by record, each in its own savepoint,
        the failing ones marked failed.  Then `_csp_batch_after`, in a
        savepoint of its own: if it fails, the batch's work stands and the
        next run's sweep finishes it."""
        together = job not in self._csp_batch_one_by_one
        if together:
            try:
                with self.env.cr.savepoint():
                    self._csp_batch_process(job)
            except Exception:  # a record's error is that record's
                _logger.info("%s: a batch of %s failed, done again record by record",
                             job, len(self), exc_info=True)
                together = False
        if not together:
            for record in self:
                try:
                    with self.env.cr.savepoint():
                        record._csp_batch_process(job)
                except Exception as error:
                    _logger.warning("%s: %s failed: %s", job, record, error, exc_info=True)
                    record._csp_batch_failed(job, error)
        try:
            with self.env.cr.savepoint():
                self._csp_batch_after(job)
        except Exception:
            _logger.exception("%s: finishing a batch failed; the next run finishes it", job)
