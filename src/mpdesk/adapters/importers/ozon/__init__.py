"""Ozon reports: finance transactions."""
