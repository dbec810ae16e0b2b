"""What the server's workflows share (the tables are ``workstation.workflows``; each
workflow's rows, API and jobs are a room of its own: ``server.complaints``,
``server.disputes``, ``server.holds``): how their events are written (``events``), their
letters (``letters``), an adjustment off the balance (``adjust``), what a device's push
starts (``hooks``) and the daily run's step (``daily``)."""
