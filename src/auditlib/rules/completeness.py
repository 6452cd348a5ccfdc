"""completeness.*: everything the disclosure rules require is there."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, Evidence
from auditlib.profiles.final_accounts import TABLE_IDS, TABLES
from auditlib.rules.context import AuditContext
from auditlib.rules.registry import rule


@rule(
    "completeness.tables_present",
    "九张公开表齐全",
    "未找到“财政拨款“三公”经费支出决算表”：部门决算应公开九张报表。",
)
def tables_present(ctx: AuditContext) -> Iterator[Check]:
    """Each of the nine standard tables is present, identified by its title or an alias. A missing
    table is an error: the disclosure rules require all nine, printed empty when there is nothing to
    report."""
    for tid in TABLE_IDS:
        if ctx.has(tid):
            yield ctx.passed(tid)
            continue
        message = f"未找到“{TABLES[tid].title}”：部门决算应公开九张报表（无数据的表也应公开并说明）。"
        yield ctx.fail(tid, "error", message, tables=[tid])


FUND_WORDS = {
    "government_fund": ("政府性基金", re.compile(r"政府性?基金")),
    "state_capital": ("国有资本经营", re.compile(r"国有资本")),
    "three_public": ("“三公”经费", re.compile(r"三公")),
}
_NONE = re.compile(r"(无|没有|未发生|不涉及|为零|为0|故本表(无数据|为空))")


def _is_empty(ctx: AuditContext, tid: str) -> bool:
    for row in ctx.rows(tid):
        for col in ctx.tables[tid].amount_columns:
            v = row.get(col)
            if isinstance(v, Decimal) and v != 0:
                return False
    return True


def _explanations(lines: list[str]) -> list[str]:
    return [ln for ln in lines if _NONE.search(ln) and not ln.startswith("注：本表反映")]


@rule(
    "completeness.empty_table_explained",
    "空表附说明且说明所指资金正确",
    "“国有资本经营预算财政拨款支出决算表”无数据，其下说明为“说明：…当年无政府基金预算财政拨款收入支出。”，所指资金与本表（国有资本经营）不符。",
)
def empty_table_explained(ctx: AuditContext) -> Iterator[Check]:
    """An empty government-fund, state-capital or 三公 table carries a sentence under it saying there
    was no such spending (本部门当年无…, 故本表无数据), and that sentence names the table's own fund.
    Catches an empty table published without explanation and an explanation copied from another
    table."""
    for tid, (label, pattern) in FUND_WORDS.items():
        if not ctx.has(tid):
            yield ctx.skip(tid, "缺少" + TABLES[tid].title)
            continue
        if not _is_empty(ctx, tid):
            yield ctx.passed(tid)
            continue
        table = ctx.tables[tid]
        lines = _explanations(table.footer_lines)
        page = table.pages[-1] if table.pages else None
        if not lines:
            message = f"“{TABLES[tid].title}”无数据，但表下未说明原因（应注明本部门当年无{label}支出、故本表无数据）。"
            yield ctx.fail(tid, "error", message, tables=[tid], evidence=[Evidence(page, tid, None, None, None, "")])
            continue
        wrong = [
            ln
            for ln in lines
            if not pattern.search(ln) and any(p.search(ln) for t, (_l, p) in FUND_WORDS.items() if t != tid)
        ]
        if wrong:
            message = f"“{TABLES[tid].title}”无数据，其下说明为“{wrong[0]}”，所指资金与本表（{label}）不符。"
            yield ctx.fail(
                tid, "error", message, tables=[tid], evidence=[Evidence(page, tid, None, None, None, wrong[0])]
            )
            continue
        yield ctx.passed(tid)


REQUIRED_SECTIONS = (
    ("机关运行经费", re.compile(r"机关运行经费")),
    ("政府采购", re.compile(r"政府采购")),
    ("国有资产", re.compile(r"国有资产|资产占用|资产占有")),
    ("预算绩效", re.compile(r"绩效")),
    ("名词解释", re.compile(r"名词解释")),
)


@rule(
    "completeness.narrative_sections",
    "情况说明必备部分齐全",
    "情况说明中未找到“政府采购”部分：部门决算应说明政府采购支出情况。",
)
def narrative_sections(ctx: AuditContext) -> Iterator[Check]:
    """The narrative covers 机关运行经费, 政府采购, 国有资产占用, 预算绩效 and has a 名词解释 part (as a
    heading or in the text). Catches a report that leaves out a required disclosure."""
    sections = ctx.report.sections
    if not sections:
        yield ctx.skip("narrative", "未读取到情况说明文字")
        return
    for label, pattern in REQUIRED_SECTIONS:
        # A heading counts only with text under it (a table-of-contents line is not a disclosure).
        # Whitespace removed first: a letter-spaced heading (国有 资产 占有) names the part too.
        if any(
            (pattern.search("".join(s.title.split())) and s.text.strip()) or pattern.search("".join(s.text.split()))
            for s in sections
        ):
            yield ctx.passed(label)
            continue
        message = f"情况说明中未找到“{label}”部分：部门决算应公开该项内容。"
        yield ctx.fail(label, "error", message, tables=[])
