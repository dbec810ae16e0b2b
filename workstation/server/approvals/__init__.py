"""The approvals room: an out-of-policy plan or settlement asked of the team lead — the
``approvals`` rows (``models``), the request's registration (a review item with the numbers
and the policy breached), the lead's answer and what a plan must show to be agreed
(``service``), and the API (``router``)."""
