"""narrative.completion, narrative.items_listed: 年初预算 against 决算, per item, and the items
the narrative lists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from auditlib.model.findings import Check, diff, fmt, fmt_pct
from auditlib.model.money import compare_ratio, recompute_percent
from auditlib.reading.narrative import Fact, Quantity
from auditlib.rules.context import AuditContext, Ref, plain_name
from auditlib.rules.narrative import cells
from auditlib.rules.narrative.common import (
    agree,
    amount_check,
    fact_evidence,
    fact_subject,
    facts,
    hedged,
    three_public_item,
)
from auditlib.rules.registry import rule


def _completion_ref(ctx: AuditContext, fact: Fact) -> Ref | None:
    if "/" in fact.subject:
        return cells.path(ctx, "general_budget_expenditure", fact.subject)
    if fact.subject == "一般公共预算财政拨款支出":
        return ctx.total_ref("general_budget_expenditure", "total")
    return None


@rule(
    "narrative.completion",
    "预算完成率、大于/小于与原因",
    "情况说明第16页“年初预算数为0万元，决算数0.28万元，完成年初预算的280%”：年初预算为零，完成率无从计算。",
)
def completion(ctx: AuditContext) -> Iterator[Check]:
    """For each 年初预算 vs 决算 statement (the total and each 项): 完成率 = 决算 ÷ 预算 at its printed
    precision (a rate on a zero budget is a warning: undefined); the 大于/小于 word agrees with the
    figures; a reason is given when budget and actual differ (warning when missing); and the 决算 figure
    equals the general-budget table's 项 (error when not). Catches wrong denominators, flipped words
    and stale figures."""
    seen = False
    for fact in facts(ctx):
        if fact.kind != "completion" or three_public_item(fact.subject) is not None:
            continue
        seen = True
        doubt = _doubt(ctx, fact)
        for check in _completion_checks(ctx, fact):
            yield hedged(check, doubt)
    if not seen:
        yield ctx.skip("narrative", "情况说明中未识别到预算完成情况")


#: A numbered item marker inside a statement's text ("…收回。12.卫生健康支出（类）…").
_ITEM_MARK = re.compile(r"(?:^|[。；;：:])\s*\d{1,3}[.、．](?!\d)")


def _doubt(ctx: AuditContext, fact: Fact) -> str:
    """Why the reading of a completion statement is uncertain, "" when it is not: two item numbers
    in one statement (an item's line break lost: its figures may belong to the next item), or a
    类/款/项 path that names two rows of the general-budget table."""
    if fact.words.get("item_index") and len(_ITEM_MARK.findall(fact.span.text)) > 1:
        return "同一段内有两个项目编号"
    if "/" in fact.subject and cells.path_is_ambiguous(ctx, "general_budget_expenditure", fact.subject):
        return "科目名称对应表中两行"
    return ""


def _completion_checks(ctx: AuditContext, fact: Fact) -> Iterator[Check]:
    """The checks of one completion statement (see ``completion``)."""
    subject = fact_subject(fact)
    budget, actual, rate = fact.values.get("budget"), fact.values.get("actual"), fact.values.get("rate")
    ref = _completion_ref(ctx, fact)
    if actual is not None and ref is not None:
        yield amount_check(ctx, fact, "actual", ref, subject + "/actual")
    if budget is None or actual is None:
        yield ctx.skip(subject, "未同时列示预算数和决算数")
        return
    comparison = fact.words.get("comparison", "")
    wrong_word = (
        (comparison == "大于" and actual.value <= budget.value)
        or (comparison == "小于" and actual.value >= budget.value)
        or (comparison in ("等于", "持平") and _differ_as_printed(budget, actual) and "基本" not in fact.span.text)
    )
    if wrong_word:
        message = (
            f"情况说明第{fact.span.page}页：{fact.subject}决算数{actual.text}、年初预算数{budget.text}，"
            f"却称决算数“{comparison}”预算数。"
        )
        yield ctx.fail(
            subject + "/word",
            "error",
            message,
            tables=[],
            expected=fmt(budget.value),
            actual=fmt(actual.value),
            difference=diff(actual.value, budget.value),
            evidence=[fact_evidence(fact)],
        )
    if budget.value != actual.value and not fact.words.get("reason") and comparison:
        message = f"情况说明第{fact.span.page}页：{fact.subject}决算数与年初预算数不同，但未说明原因。"
        yield ctx.fail(subject + "/reason", "warning", message, tables=[], evidence=[fact_evidence(fact)])
    if rate is None:
        yield ctx.passed(subject)
        return
    named_kind, base = _named_base(fact)
    outcome = compare_ratio(rate.value, actual.value, base.value)
    if outcome == "equal":
        yield ctx.passed(subject)
        return
    other = _matching_other_base(fact, named_kind)
    if other is not None:
        yield _wrong_base(ctx, fact, subject, named_kind, base, other)
        return
    budget = base
    if outcome == "undefined":
        message = f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”：年初预算为零，完成率{rate.text}无从计算。"
        yield ctx.fail(
            subject, "warning", message, tables=[], actual=fmt_pct(rate.value), evidence=[fact_evidence(fact)]
        )
        return
    recomputed = recompute_percent(rate.value, actual.value, budget.value)
    severity = "info" if outcome == "rounding" else "error"
    message = (
        f"情况说明第{fact.span.page}页：{fact.subject}完成率列为{rate.text}，按决算数{actual.text}÷"
        f"{_KIND_WORDS.get(named_kind, '年初预算')}数{budget.text}计算应为{fmt_pct(recomputed)}。"
    )
    said = fact.words.get("rate_kind", "")
    if severity == "error" and said and named_kind and said != named_kind:
        # The rate names a budget the sentence does not print: which base it meant is a guess.
        severity = "warning"
        message += f"（完成率所称的{_KIND_WORDS[said]}未在文中列示，核对所用基数存疑。）"
    yield ctx.fail_percent(subject, severity, message, rate.value, recomputed, evidence=[fact_evidence(fact)])


#: A budget kind slot (reading.narrative.completion) -> the words that name it in a message.
_KIND_WORDS = {"initial": "年初预算", "full": "全年预算", "adjusted": "调整预算"}


def _differ_as_printed(budget: Quantity, actual: Quantity) -> bool:
    """Budget and actual differ at the coarser of their printed precisions (so 等于/持平 cannot
    hold): one value printed twice at one precision prints the same digits."""
    if budget.unit != actual.unit:
        return False
    places = min(-int(budget.value.as_tuple().exponent), -int(actual.value.as_tuple().exponent))
    quantum = Decimal(1).scaleb(-places)
    return bool(
        budget.value.quantize(quantum, rounding=ROUND_HALF_UP) != actual.value.quantize(quantum, rounding=ROUND_HALF_UP)
    )


def _named_base(fact: Fact) -> tuple[str, Quantity]:
    """The budget the rate names ("完成年初预算的R%" names 年初预算) when the sentence prints it,
    else the budget printed next to the 决算 figure; with its kind slot ("" when unnamed)."""
    kind = fact.words.get("rate_kind", "")
    named = fact.values.get(f"budget_{kind}") if kind else None
    if named is not None:
        return kind, named
    return fact.words.get("budget_kind", ""), fact.values["budget"]


def _matching_other_base(fact: Fact, named_kind: str) -> tuple[str, Quantity] | None:
    """Another budget the sentence prints against which the rate recomputes exactly, when the rate
    names a kind: the rate was computed on that base and labelled after the wrong one."""
    rate, actual = fact.values["rate"], fact.values["actual"]
    if not fact.words.get("rate_kind"):
        return None
    for kind in ("initial", "full", "adjusted"):
        q = fact.values.get(f"budget_{kind}")
        if kind == named_kind or q is None or q.unit != actual.unit:
            continue
        if compare_ratio(rate.value, actual.value, q.value) == "equal":
            return kind, q
    return None


def _wrong_base(
    ctx: AuditContext, fact: Fact, subject: str, named_kind: str, named: Quantity, other: tuple[str, Quantity]
) -> Check:
    """The rate recomputes on another base than the one it names: a finding of its own."""
    kind, base = other
    rate, actual = fact.values["rate"], fact.values["actual"]
    named_words, other_words = _KIND_WORDS.get(named_kind, "预算"), _KIND_WORDS[kind]
    recomputed = recompute_percent(rate.value, actual.value, named.value) if named.value else None
    message = (
        f"情况说明第{fact.span.page}页：{fact.subject}称完成{named_words}的{rate.text}，但该比率是按{other_words}"
        f"{base.text}计算的（决算数{actual.text}÷{base.text}）；"
        + (
            f"按{named_words}{named.text}计算应为{fmt_pct(recomputed)}。"
            if recomputed is not None
            else f"而{named_words}为{named.text}，完成率无从计算。"
        )
    )
    return ctx.fail(
        subject + "/base",
        "error",
        message,
        tables=[],
        expected=fmt_pct(recomputed),
        actual=fmt_pct(rate.value),
        difference=diff(rate.value, recomputed) if recomputed is not None else None,
        evidence=[fact_evidence(fact)],
    )


@rule(
    "narrative.items_listed",
    "一般公共预算非零项级科目均有说明",
    "一般公共预算财政拨款支出决算表“公务员医疗补助(2101103)”行支出23.28万元，情况说明的具体情况中未列示该项。",
)
def items_listed(ctx: AuditContext) -> Iterator[Check]:
    """Every 项 (7-digit code) of the general-budget table with non-zero spending appears in the
    narrative's per-item list (年初预算 vs 决算). Catches an item left out of the explanation, or a
    table row that the narrative never mentions."""
    tid = "general_budget_expenditure"
    if not ctx.has(tid):
        yield ctx.skip(tid, "缺少一般公共预算财政拨款支出决算表")
        return
    listed = [f for f in facts(ctx) if f.kind == "completion" and "/" in f.subject]
    if not listed:
        yield ctx.skip(tid, "情况说明中未识别到分项目的预算完成情况")
        return
    covered_idx: set[int] = set()
    renamed: list[tuple[Fact, int]] = []
    for fact in listed:
        ref = cells.path(ctx, tid, fact.subject)
        if ref is not None:
            covered_idx.add(ref[1])
            continue
        i = _match_by_amount(ctx, tid, fact)
        if i is not None:
            covered_idx.add(i)
            renamed.append((fact, i))
    for i, code in ctx.coded_rows(tid):
        if len(code) != 7:
            continue
        value = ctx.value((tid, i, "total"))
        if not value:
            continue
        subject = f"{tid}/{code}"
        if i in covered_idx:
            yield ctx.passed(subject)
            continue
        message = (
            f"{ctx.where((tid, i, 'total'))}为{fmt(value)}{ctx.unit(tid)}，"
            f"情况说明的一般公共预算财政拨款支出具体情况中未列示该项。"
        )
        yield ctx.fail(
            subject, "error", message, tables=[tid], expected=fmt(value), evidence=[ctx.evidence((tid, i, "total"))]
        )
    for fact, i in renamed:
        printed = " ".join(fact.subject.split("/"))
        message = (
            f"情况说明第{fact.span.page}页所列科目“{printed}”与{ctx.title(tid)}“{ctx.row_label(tid, i)}”的科目名称不一致"
            f"（金额相同，疑为旧科目名称或款级名称有误）。"
        )
        yield ctx.fail(
            f"{tid}/{ctx.rows(tid)[i].get('code')}/name",
            "warning",
            message,
            tables=[tid],
            evidence=[fact_evidence(fact), ctx.evidence((tid, i, "name"))],
        )


def _match_by_amount(ctx: AuditContext, tid: str, fact: Fact) -> int | None:
    """An item whose printed 科目 path does not resolve (an outdated or mistyped name): the 项 under
    the same 类 whose amount equals the item's 决算数 and whose name (or 款) matches."""
    actual = fact.values.get("actual")
    parts = [p for p in fact.subject.split("/") if p]
    if actual is None or not parts:
        return None
    class_ref = cells.class_row(ctx, tid, parts[0])
    if class_ref is None:
        return None
    prefix = str(ctx.rows(tid)[class_ref[1]].get("code"))
    leaf = plain_name(parts[-1])
    candidates = [
        i
        for i, code in ctx.coded_rows(tid)
        if len(code) == 7
        and code.startswith(prefix)
        and agree(actual.value, "", ctx.value((tid, i, "total")), "") == "equal"
    ]
    named = [i for i in candidates if plain_name(str(ctx.rows(tid)[i].get("name"))) == leaf]
    if named:
        return named[0]
    return candidates[0] if len(candidates) == 1 else None
