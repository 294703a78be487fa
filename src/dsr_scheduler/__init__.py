"""Review reminders and reporting snapshots, driven by the cadence rules in dsr_core."""
