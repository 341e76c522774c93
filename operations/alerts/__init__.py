"""Alerts that reach the supervisor: threshold breaches raised on every open page, acknowledged per user."""
