"""The finance routes: VAT summary, expenses, categories and rules, filed periods and the export."""
