"""What the desk and the lead's screens call the segment and its parts, in both languages."""

from __future__ import annotations

from workstation.domain.enums import Segment
from workstation.text import Text

SEGMENT = Text("Segment", "客户分群")
ABILITY = Text("Ability", "还款能力")
WILLINGNESS = Text("Willingness", "还款意愿")
TREATMENT = Text("Treatment", "处置方式")
SCORED_HERE = Text("scored on this device", "本机评分")
NOT_ASSESSED = Text("Ability and willingness not assessed yet", "尚未评估还款能力与还款意愿")
#: the quadrants' short names, for a cell of the 2×2 or a column
SHORT = {
    Segment.ABLE_WILLING: Text("Able · willing", "有能力·有意愿"),
    Segment.ABLE_UNWILLING: Text("Able · unwilling", "有能力·无意愿"),
    Segment.UNABLE_WILLING: Text("Unable · willing", "无能力·有意愿"),
    Segment.UNABLE_UNWILLING: Text("Unable · unwilling", "无能力·无意愿"),
}
