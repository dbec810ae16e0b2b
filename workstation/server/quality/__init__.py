"""The server's quality room (issue 18): the weekly QA sample of conversations, the leads'
reviews against the rubric (``workstation.quality``), calibration and the QA KPIs, and the
training results that certify a collector for a rule pack. Its tables are in ``models``
(migration 0007), its API in ``router`` (``/api/v1/quality``) and ``certification``
(``/api/v1/training``)."""
