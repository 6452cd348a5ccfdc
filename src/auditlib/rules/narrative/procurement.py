"""narrative.procurement, narrative.operating_cost, narrative.performance: procurement figures, the
running cost and project performance as the narrative states them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from auditlib.model.findings import Check, Evidence, diff, fmt, fmt_pct
from auditlib.model.money import compare_ratio, compare_sum, convert_unit, half_unit, recompute_percent
from auditlib.reading.narrative import Fact
from auditlib.rules.context import AuditContext, plain_name
from auditlib.rules.narrative import cells
from auditlib.rules.narrative.common import (
    agree,
    fact_evidence,
    fact_subject,
    facts,
)
from auditlib.rules.registry import rule


@rule(
    "narrative.procurement",
    "政府采购：货物＋工程＋服务＝总额；中小企业占比",
    "情况说明第17页：政府采购货物260.06万元、工程0万元、服务1,582.29万元之和为1842.35万元，与所列总额1,843.35万元不符。",
)
def procurement(ctx: AuditContext) -> Iterator[Check]:
    """政府采购 total = goods + works + services; the SME amount ≤ the total and the small/micro amount
    ≤ the SME amount; each stated share recomputes (SME ÷ total, small/micro ÷ SME). Catches
    procurement figures that do not add up."""
    found = [f for f in facts(ctx) if f.kind == "procurement"]
    if not found:
        yield ctx.skip("narrative", "情况说明中未识别到政府采购金额")
        return
    for fact in found:
        yield from _procurement_sum(ctx, fact)
        yield from _procurement_bounds(ctx, fact)
        yield from _procurement_shares(ctx, fact)


def _procurement_sum(ctx: AuditContext, fact: Fact) -> Iterator[Check]:
    """goods + works + services = the stated total."""
    v = fact.values
    subject = fact_subject(fact)
    if all(k in v for k in ("total", "goods", "works", "services")):
        parts = [v["goods"].value, v["works"].value, v["services"].value]
        outcome = compare_sum(v["total"].value, list[Decimal | None](parts))
        if outcome == "equal":
            yield ctx.passed(subject + "/sum")
        else:
            severity = "info" if outcome == "rounding" else "error"
            s = sum(parts, Decimal(0))
            message = (
                f"情况说明第{fact.span.page}页：政府采购货物{v['goods'].text}、工程{v['works'].text}、服务"
                f"{v['services'].text}之和为{fmt(s)}，与所列总额{v['total'].text}不符。"
            )
            yield ctx.fail(
                subject + "/sum",
                severity,
                message,
                tables=[],
                expected=fmt(s),
                actual=fmt(v["total"].value),
                difference=diff(v["total"].value, s),
                evidence=[fact_evidence(fact)],
            )
    else:
        yield ctx.skip(subject + "/sum", "未同时列示货物、工程、服务和总额")


def _procurement_bounds(ctx: AuditContext, fact: Fact) -> Iterator[Check]:
    """SME amount ≤ the total; small/micro amount ≤ the SME amount."""
    v = fact.values
    subject = fact_subject(fact)
    for part, whole, label in (
        ("sme", "total", "授予中小企业合同金额超过政府采购总额"),
        ("small_micro", "sme", "授予小微企业合同金额超过授予中小企业合同金额"),
    ):
        if part in v and whole in v:
            if v[part].value <= v[whole].value:
                yield ctx.passed(f"{subject}/{part}")
            else:
                message = f"情况说明第{fact.span.page}页：{label}（{v[part].text} > {v[whole].text}）。"
                yield ctx.fail(
                    f"{subject}/{part}",
                    "error",
                    message,
                    tables=[],
                    expected=fmt(v[whole].value),
                    actual=fmt(v[part].value),
                    difference=diff(v[part].value, v[whole].value),
                    evidence=[fact_evidence(fact)],
                )


def _procurement_shares(ctx: AuditContext, fact: Fact) -> Iterator[Check]:
    """Each stated share recomputes: SME ÷ total, small/micro ÷ SME."""
    v = fact.values
    subject = fact_subject(fact)
    for share_key, num, den in (("sme_share", "sme", "total"), ("small_micro_share", "small_micro", "sme")):
        if share_key in v and num in v and den in v:
            outcome = compare_ratio(v[share_key].value, v[num].value, v[den].value)
            sub = f"{subject}/{share_key}"
            if outcome == "equal":
                yield ctx.passed(sub)
            elif outcome == "undefined":
                message = f"情况说明第{fact.span.page}页：基数为零，占比{v[share_key].text}无从计算。"
                yield ctx.fail(
                    sub,
                    "warning",
                    message,
                    tables=[],
                    actual=fmt_pct(v[share_key].value),
                    evidence=[fact_evidence(fact)],
                )
            else:
                severity = "info" if outcome == "rounding" else "error"
                r = recompute_percent(v[share_key].value, v[num].value, v[den].value)
                message = (
                    f"情况说明第{fact.span.page}页：占比列为{v[share_key].text}，按{v[num].text}÷"
                    f"{v[den].text}计算应为{fmt_pct(r)}。"
                )
                yield ctx.fail(
                    sub,
                    severity,
                    message,
                    tables=[],
                    expected=fmt_pct(r),
                    actual=fmt_pct(v[share_key].value),
                    difference=diff(v[share_key].value, r),
                    evidence=[fact_evidence(fact)],
                )


@rule(
    "narrative.operating_cost",
    "机关运行经费不超过公用经费",
    "情况说明第21页机关运行经费为260.00万元，大于基本支出明细表公用经费合计184.65万元。",
)
def operating_cost(ctx: AuditContext) -> Iterator[Check]:
    """机关运行经费 (the administrative running cost, paid from basic spending's public funds) is at
    most the basic-detail 公用经费合计. Catches a running cost that cannot be funded by the tables."""
    found = [f for f in facts(ctx) if f.kind == "operating_cost" and "amount" in f.values]
    if not found:
        yield ctx.skip("narrative", "未列示机关运行经费金额")
        return
    ref = cells.footer(ctx, "公用经费")
    for fact in found:
        subject = fact_subject(fact)
        if ref is None:
            yield ctx.skip(subject, "缺少公用经费合计")
            continue
        q = fact.values["amount"]
        limit = ctx.value(ref) or Decimal(0)
        value = convert_unit(q.value, q.unit, ctx.unit(ref[0]))
        if value <= limit + half_unit(q.value):
            yield ctx.passed(subject)
            continue
        message = (
            f"情况说明第{fact.span.page}页机关运行经费为{q.text}，大于{ctx.where(ref)}{fmt(limit)}{ctx.unit(ref[0])}。"
        )
        yield ctx.fail(
            subject,
            "error",
            message,
            tables=[ref[0]],
            expected=fmt(limit),
            actual=fmt(value),
            difference=diff(value, limit),
            evidence=[fact_evidence(fact), ctx.evidence(ref)],
        )


@rule(
    "narrative.performance",
    "绩效说明与自评表一致",
    "情况说明第18页网络建设运转维护项目执行数为1803.24万元，而该项目绩效自评表执行数为1804.24，不一致。",
)
def performance(ctx: AuditContext) -> Iterator[Check]:
    """Each project quoted in 预算绩效情况说明 (全年预算数, 执行数, 完成率) matches its project
    self-evaluation table, and its 完成率 recomputes. Catches a narrative and an attachment that
    disagree."""
    projects = [f for f in facts(ctx) if f.kind == "performance" and "budget" in f.values and "actual" in f.values]
    if not projects:
        yield ctx.skip("narrative", "情况说明中未识别到项目绩效自评数据")
        return
    _h, rows = ctx.report.attachments.get("project_self_evaluation", (None, []))
    budget_rows = [r for r in rows if r["row_type"] == "budget"]
    for fact in projects:
        subject = fact_subject(fact)
        name = plain_name(fact.subject).removesuffix("项目")
        match = next((r for r in budget_rows if name and name in plain_name(r["project"])), None)
        rate = fact.values.get("rate")
        if rate is not None:
            outcome = compare_ratio(rate.value, fact.values["actual"].value, fact.values["budget"].value)
            if outcome in ("error",):
                message = (
                    f"情况说明第{fact.span.page}页{fact.subject}完成预算{rate.text}，按执行数"
                    f"{fact.values['actual'].text}÷预算数{fact.values['budget'].text}计算不符。"
                )
                yield ctx.fail(
                    subject + "/rate",
                    "error",
                    message,
                    tables=[],
                    actual=fmt_pct(rate.value),
                    evidence=[fact_evidence(fact)],
                )
            elif outcome == "undefined":
                message = f"情况说明第{fact.span.page}页{fact.subject}预算数为零，完成率{rate.text}无从计算。"
                yield ctx.fail(
                    subject + "/rate",
                    "warning",
                    message,
                    tables=[],
                    actual=fmt_pct(rate.value),
                    evidence=[fact_evidence(fact)],
                )
            else:
                yield ctx.passed(subject + "/rate")
        if match is None:
            yield ctx.skip(subject, "未找到该项目的绩效自评表")
            continue
        for key in ("budget", "actual"):
            q = fact.values[key]
            try:
                att = Decimal(match[key])
            except Exception:  # noqa: BLE001 - an unreadable attachment figure
                yield ctx.skip(f"{subject}/{key}", "自评表数字无法读取")
                continue
            if agree(q.value, "", att, "") == "equal":
                yield ctx.passed(f"{subject}/{key}")
                continue
            label = "预算数" if key == "budget" else "执行数"
            message = (
                f"情况说明第{fact.span.page}页{fact.subject}{label}为{q.text}，而该项目绩效自评表{label}为"
                f"{match[key]}，不一致。"
            )
            ev = Evidence(int(match["page"]), None, match["project"], key, None, match[key])
            yield ctx.fail(
                f"{subject}/{key}",
                "error",
                message,
                tables=[],
                expected=match[key],
                actual=fmt(q.value),
                difference=diff(q.value, att),
                evidence=[fact_evidence(fact), ev],
            )
