"""The holds room: the lead's review of a customer recorded as vulnerable (a review item
with its due date, raised once while open), and lifting a hold by its lifting event from
the console (``router``), checked against ``workstation.workflows.holds``."""
