from collections import defaultdict
from datetime import timedelta

from pytz import utc

from odoo import api, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang


def _aware(value):
    return value if value.tzinfo else value.replace(tzinfo=utc)


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    @api.constrains("attendance_ids")
    def _check_csp_working_hours(self):
        """A company's working calendar drives every SLA of the process: it
        must have working hours, or no deadline could ever be planned."""
        used = self.env["res.company"].sudo().search([("resource_calendar_id", "in", self.ids)])
        for calendar in used.resource_calendar_id:
            if not calendar.flexible_hours and not calendar.attendance_ids.filtered(
                    lambda a: a.day_period != "lunch" and a.hour_to > a.hour_from):
                raise ValidationError(self.env._(
                    "The working schedule %(calendar)s has no working hours, but the "
                    "company's process deadlines are counted on it.", calendar=calendar.name))

    def _csp_work_hours(self, periods):
        """Working hours (public holidays excluded) of each (start, end) pair,
        in one calendar computation for the whole batch."""
        self.ensure_one()
        periods = [(_aware(start), _aware(end)) for start, end in periods]
        if not periods:
            return []
        low = min(min(start, end) for start, end in periods)
        high = max(max(start, end) for start, end in periods)
        intervals = self._work_intervals_batch(low, high)[False]
        spans = [(start.astimezone(utc), stop.astimezone(utc)) for start, stop, _meta in intervals]
        result = []
        for first, second in periods:
            sign = 1 if first <= second else -1
            start, end = min(first, second), max(first, second)
            seconds = sum(
                (min(end, stop) - max(start, begin)).total_seconds()
                for begin, stop in spans if begin < end and stop > start)
            result.append(sign * seconds / 3600.0)
        return result

    @api.model
    def _csp_work_hours_of(self, periods):
        """{record: working hours} for [(record, start, end)], each counted on
        its company's working calendar (in days too: {record: (hours, days)}),
        with one calendar computation per calendar.  No calendar: 0."""
        by_calendar = defaultdict(list)
        for record, start, end in periods:
            by_calendar[record.company_id.resource_calendar_id].append((record, start, end))
        result = {}
        for calendar, group in by_calendar.items():
            spans = [(start, end) for _record, start, end in group]
            hours = calendar._csp_work_hours(spans) if calendar else [0.0] * len(group)
            per_day = calendar.hours_per_day or 8.0
            for (record, _start, _end), counted in zip(group, hours, strict=True):
                worked = max(counted, 0.0)
                result[record] = (worked, worked / per_day)
        return result

    def _csp_duration_text(self, hours, late=False):
        """Working hours as a person reads them, in his language: "8 working
        hours left", "14 working days late" (days once the hours make two
        of this calendar's days).  Not a clock time: 112 is not 112:00."""
        per_day = (self.hours_per_day if self else 0.0) or 8.0
        env = self.env

        def number(value):
            value = round(value, 1)
            return formatLang(env, value, digits=0 if value == int(value) else 1)

        if hours >= 2 * per_day:
            value = number(hours / per_day)
            if late:
                return env._("%(days)s working days late", days=value)
            return env._("%(days)s working days left", days=value)
        value = number(hours)
        if late:
            return env._("%(hours)s working hours late", hours=value)
        return env._("%(hours)s working hours left", hours=value)

    def _csp_plan_hours(self, hours, start):
        """The moment `hours` working hours after `start` (naive UTC in/out)."""
        self.ensure_one()
        planned = self.plan_hours(hours, _aware(start), compute_leaves=True)
        return planned and planned.astimezone(utc).replace(tzinfo=None)

    def _csp_plan_working_days(self, days, start):
        """`days` working days after `start`, a working day being the calendar's
        average hours per day: 14 days on an 8-hour calendar is 112 hours."""
        self.ensure_one()
        return self._csp_plan_hours(days * (self.hours_per_day or 8.0), start)

    def _csp_plan_hours_batch(self, hours, starts):
        """`_csp_plan_hours` for many starts (`hours`: one number for all, or
        one per start), with one calendar computation over a window wide
        enough for all of them (a start whose deadline falls outside it is
        planned on its own)."""
        self.ensure_one()
        if not starts:
            return []
        hours_list = list(hours) if isinstance(hours, (list, tuple)) else [hours] * len(starts)
        starts_utc = [_aware(start).astimezone(utc) for start in starts]
        per_day = self.hours_per_day or 8.0
        # Two calendar weeks per five working days needed, plus slack for holidays.
        margin = timedelta(days=int(max(hours_list) / per_day * 7 / 5) + 21)
        intervals = self._work_intervals_batch(min(starts_utc), max(starts_utc) + margin)[False]
        spans = [(begin.astimezone(utc), stop.astimezone(utc)) for begin, stop, _meta in intervals]
        result = []
        for start, original, needed in zip(starts_utc, starts, hours_list, strict=True):
            left = needed * 3600.0
            deadline = start if left <= 0 else None
            for begin, stop in spans:
                if stop <= start or deadline:
                    continue
                available_from = max(begin, start)
                available = (stop - available_from).total_seconds()
                if available >= left:
                    deadline = available_from + timedelta(seconds=left)
                    break
                left -= available
            result.append(deadline.replace(tzinfo=None) if deadline
                          else self._csp_plan_hours(needed, original))
        return result
