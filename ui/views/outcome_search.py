"""How the outcome search ranks the catalogue: what the agent's word starts comes first.

Typing "Cease" must offer *Cease communication requested* before *Deceased* (whose label
merely contains the letters), because Enter records the first match. Each disposition is
matched on its English and Chinese labels and its code: a label that starts with the text
ranks 0, a word that starts with it 1, the text anywhere inside a word 2; no match is None.
Ties keep the catalogue's order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workstation.domain.dispositions import Disposition

_WORD_START = r"(?:^|[\W_])"


def match_rank(needle: str, disposition: Disposition) -> int | None:
    needle = needle.strip().casefold()
    if not needle:
        return 0
    texts = [t.casefold() for t in (disposition.label_en, disposition.label_zh, disposition.code)]
    if any(text.startswith(needle) for text in texts):
        return 0
    word = re.compile(_WORD_START + re.escape(needle))
    if any(word.search(text) for text in texts):
        return 1
    if any(needle in text for text in texts):
        return 2
    return None


def ranked(needle: str, dispositions: Iterable[Disposition]) -> list[Disposition]:
    """The dispositions matching ``needle``, best first (stable in catalogue order)."""
    scored = [(match_rank(needle, d), index, d) for index, d in enumerate(dispositions)]
    return [
        d
        for rank, _index, d in sorted(
            (s for s in scored if s[0] is not None), key=lambda s: (s[0], s[1])
        )
    ]
