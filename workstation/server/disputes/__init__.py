"""The disputes room: the ``disputes`` rows (``models``), the workflow's service
(``workflow``: registration, the validation notice, resume, uphold, the daily run's resume
once the wait is over) and the API (``router``). The table is ``workstation.workflows.disputes``."""
