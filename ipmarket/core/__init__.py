"""The kernel every other package builds on and which imports none of them: errors with stable codes,
limits of ids and texts, money, the service kit (refusals, row locks, domain events), the API kit and the
admin policies. See docs/architecture.md for the layers."""
