"""The definitions of the management report's figures, in the user's
language: the PDF's footnotes and the workbook's last sheet (the README says
the same).  Mixed into csp.kpi.report."""

from odoo import models


class CspKpiDefinitions(models.AbstractModel):
    _name = "csp.kpi.definitions"
    _description = "Management Report Definitions"

    def _csp_definitions(self):
        """(name, definition) of each figure.  Override (on csp.kpi.report)
        to define the figures of a section an addon adds."""
        return [
            (self.env._("Targets"), self.env._(
                "Every metric of the company's process cards, against the target that applied "
                "to the company on the period's last day (the card's target, or the company's "
                "own from Process Targets); met or missed as the metric compares (at most, at "
                "least, exactly).")),
            (self.env._("New customers"), self.env._(
                "Customers whose first confirmed order (Customer Since) falls in the month, "
                "among those with a confirmed order in the report's scope; growth against the "
                "previous month.")),
            (self.env._("Active customers"),
             self.env._("Customers with an order confirmed in the period.")),
            (self.env._("Funnel"), self.env._(
                "Inquiries received in the period (CRM opportunities, and orders taken without "
                "one) and how far each went: an offer (a quotation sent, confirmed or "
                "answered), accepted, delivered (confirmed by the customer), paid; lost ones "
                "by Odoo's lost reason and by the step they were lost at.")),
            (self.env._("Offer success rate"), self.env._(
                "Orders of the period won (confirmed) out of those offered (sent, confirmed, "
                "or answered).")),
            (self.env._("Answer time"), self.env._(
                "Working hours from the order received to the answer sent to the customer, for "
                "orders answered in the period; each order against the answer target that applied "
                "when it was received; percentiles are continuous.")),
            (self.env._("Fulfilment"), self.env._(
                "Working days from the order accepted to its last delivery confirmed by the "
                "customer, for orders delivered in the period; each order against the fulfilment "
                "target that applied when it was accepted. Manufacturing late: manufacturing "
                "orders finished in the period after the delivery date promised on their "
                "sales order.")),
            (self.env._("Returns"), self.env._(
                "Quantity customers sent back in the period, against the quantity delivered to "
                "customers in the period.")),
            (self.env._("Complaints"), self.env._(
                "Complaints received in the period by type; resolution time in working days "
                "for those closed, against their type's target; per 100 orders confirmed in the "
                "period; resolved within their deadline: of those closed in the period. "
                "Warranty claims: complaints of a warranty type received in the period, and "
                "those out of warranty (a product delivered longer ago than its warranty).")),
            (self.env._("Satisfaction"), self.env._(
                "Response rate of the surveys sent in the period; average overall satisfaction "
                "(1-5); NPS = % promoters (9-10) - % detractors (0-6).")),
            (self.env._("Sales materials"), self.env._(
                "Sends of the sales materials approved in the period: working hours from the "
                "approval to the receipt (opened, downloaded or handed over), against the "
                "company's target.")),
            (self.env._("Money"), self.env._(
                "Sales value: untaxed amount of the orders confirmed in the period, in the "
                "company's currency. Overdue: open customer invoices due before the period's "
                "end. DSO: open receivables / sales value x days of the period. Own cost of "
                "the sales department: the expense lines of its analytic account (Process Targets) "
                "dated in the period. Market share: the sales value against the market size "
                "entered for the period (each size counted for the days it shares with the "
                "period).")),
        ]
