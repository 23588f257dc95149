"""Finance: VAT periods and due dates, the VAT summary, expenses, categories and rules, filed periods
and the accountant's export. The finance API, the AI assistant and the monthly report read the same
queries; every query runs on the caller's connection, so a request's row level security applies."""

from docflow.finance.periods import InvalidPeriod, VatPeriod, parse_period, period_containing

__all__ = ["InvalidPeriod", "VatPeriod", "parse_period", "period_containing"]
