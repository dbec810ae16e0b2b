"""Quality review (QA) in the core, no Qt: the rubric as data and its scoring (``rubric``), the
review workflow as tables (``workflow``), the QA KPIs (``kpis``), and the typed client of the
server's QA API the desk and the lead's console use (``client``, ``types``)."""
