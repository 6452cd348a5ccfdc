"""narrative.*: the 情况说明 against the tables, and against itself.

One module per kind of statement: amounts (a figure quoted from the tables, repeated figures, the
basic-spending split), shares and year-on-year changes, budget completion and the per-item list,
the 三公 part and the vehicle counts, and procurement, running cost and project performance. The
facts come from ``auditlib.reading.narrative`` once per audit (``common.facts``).
"""

from __future__ import annotations

from auditlib.rules.narrative import amounts, completion, order, procurement, shares, three_public  # noqa: F401 - registration
from auditlib.rules.narrative.common import FACTS_MEMO, facts, memo_facts

__all__ = ["FACTS_MEMO", "facts", "memo_facts"]
