"""The complaints room: the ``complaints`` rows (``models``), the workflow's service
(``workflow``: intake, registration, steps), the API (``router``), the daily run's overdue
step (``overdue``) and the demo's history (``seed``)."""
