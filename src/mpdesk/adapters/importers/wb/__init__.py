"""Wildberries reports: realization detail, incomes (accepted supplies), supply goods."""
