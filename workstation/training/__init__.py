"""Practice before live work (issue 18), in the core, no Qt: the scripted scenarios and the
quizzes as data (``data``, ``resources/training/``), citations of the pack's rules
(``citations``), scoring of an attempt and of a pack's practice (``scoring``), the practice
portfolio generated on the spot (``portfolio``), a trainee's run through a pack
(``session``) and the typed client of the server's training API (``client``)."""
