"""History and audit: searches over the event log, the audit trail and the projections; exports,
retention and delivery health."""
