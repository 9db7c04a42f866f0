"""The fieldwork engine: projects, cases, outcomes, calling rules, appointments, quotas and
dispatch. It knows the database but not Flask; services take a session and commit once."""
