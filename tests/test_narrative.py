"""Narrative facts: what the 情况说明 text says, as typed facts.

Each PDF is read once per module (read_report costs about a second); the
assertions name the printed figures of the seed report (wuchang-bigdata-2023),
a Shanghai-style synthetic sample and the two real Shanghai reports.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auditlib.reading.narrative import (
    KINDS,
    Fact,
    canonical_subject,
    facts_from_text,
    narrative_facts,
    parse_percent,
    parse_quantity,
)
from auditlib.reading.pipeline import read_report

from conftest import RAW, REAL_PDFS

D = Decimal


# ---------------------------------------------------------------- helpers


def pick(facts: list[Fact], kind: str, subject: str | None = None, **values: str) -> list[Fact]:
    """Facts of a kind (and subject) whose named values equal the given ones."""
    out = []
    for f in facts:
        if f.kind != kind or (subject is not None and f.subject != subject):
            continue
        if all(k in f.values and f.values[k].value == D(v) for k, v in values.items()):
            out.append(f)
    return out


def one(facts: list[Fact], kind: str, subject: str | None = None, **values: str) -> Fact:
    found = pick(facts, kind, subject, **values)
    assert len(found) == 1, (kind, subject, values, [(f.subject, f.values) for f in facts if f.kind == kind])
    return found[0]


def val(f: Fact, key: str) -> Decimal:
    return f.values[key].value


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def seed_report():
    return read_report(RAW / "wuchang-bigdata-2023.pdf")


@pytest.fixture(scope="module")
def seed(seed_report) -> list[Fact]:
    return narrative_facts(seed_report)


@pytest.fixture(scope="module")
def shanghai_sample() -> list[Fact]:
    return narrative_facts(read_report(RAW / "sample-shanghai-education-2024.pdf"))


def _real(name: str):
    if not REAL_PDFS.is_dir():
        pytest.skip(f"{REAL_PDFS} is absent: real-PDF narrative tests need the shared folder beside the project")
    return read_report(REAL_PDFS / name)


@pytest.fixture(scope="module")
def finance_report():
    return _real("shanghai-putuo-finance-bureau-2024.pdf")


@pytest.fixture(scope="module")
def finance(finance_report) -> list[Fact]:
    return narrative_facts(finance_report)


@pytest.fixture(scope="module")
def planning() -> list[Fact]:
    return narrative_facts(_real("shanghai-putuo-planning-resources-bureau-2024.pdf"))


# ---------------------------------------------------------------- seed report


def test_seed_yoy_income_total(seed):
    f = one(seed, "yoy", "收入合计")
    assert val(f, "current") == D("2360.7")
    assert val(f, "change") == D("2196.6")
    assert val(f, "change_pct") == D("48.2")
    assert f.values["change_pct"].unit == "%" and not f.values["change_pct"].missing_percent
    assert f.words["direction"] == "减少"
    assert f.words["pct_direction"] == "下降"
    assert f.words["previous_year"] == "2022"
    assert f.words["reason"] == "项目减少"
    assert f.span.page == 15
    # the same figures for the other totals, each with its own subject
    for subject in ("收支总计", "支出合计", "财政拨款收支总计", "一般公共预算财政拨款支出"):
        g = one(seed, "yoy", subject)
        assert (val(g, "change"), val(g, "change_pct")) == (D("2196.6"), D("48.2"))
    # "比2022年度决算数减少2,196.6万元。减少主要原因是项目减少。"
    g = one(seed, "yoy", "一般公共预算财政拨款收入")
    assert val(g, "current") == D("2360.7") and val(g, "change") == D("2196.6")
    assert "change_pct" not in g.values and g.words["reason"] == "项目减少"


def test_seed_completion_per_item(seed):
    f = one(seed, "completion", "一般公共服务支出/政府办公厅（室）及相关机构事务/事业运行")
    assert (val(f, "budget"), val(f, "actual"), val(f, "rate")) == (D("351.84"), D("346.09"), D("98.4"))
    assert f.words["item_index"] == "1"
    assert f.words["comparison"] == "" and f.words["reason"] == ""
    assert f.span.page == 15
    # 2. starts on the next page
    g = one(
        seed, "completion", "一般公共服务支出/政府办公厅（室）及相关机构事务/其他政府办公厅（室）及相关机构事务支出"
    )
    assert g.span.page == 16 and g.words["item_index"] == "2"
    items = [f for f in seed if f.kind == "completion" and "item_index" in f.words and "/" in f.subject]
    assert [f.words["item_index"] for f in items] == [str(i) for i in range(1, 11)]
    # a reason spread over a line break, with its comparison word
    h = one(seed, "completion", "卫生健康支出/行政事业单位医疗/事业单位医疗")
    assert h.words["comparison"] == "小于" and h.words["reason"] == "医保调标"
    total = one(seed, "completion", "一般公共预算财政拨款支出")
    assert (val(total, "budget"), val(total, "actual"), val(total, "rate")) == (D("2313.95"), D("2360.7"), D("102"))


def test_seed_completion_zero_budget(seed):
    # item 7 prints no "（项）" marker: the trailing name is still the 项
    f = one(seed, "completion", "卫生健康支出/行政事业单位医疗/其他行政事业单位医疗支出")
    assert val(f, "budget") == D("0") and val(f, "actual") == D("0.28") and val(f, "rate") == D("280")
    assert f.words["comparison"] == "大于"
    assert f.words["reason"] == "增加子女统筹经费支出"


def test_seed_three_public(seed):
    f = one(seed, "completion", "三公经费")
    assert (val(f, "budget"), val(f, "actual"), val(f, "rate")) == (D("0.68"), D("0"), D("0"))
    assert f.words["comparison"] == "小于"
    assert f.words["reason"] == "全年无“三公”经费支出"
    car = one(seed, "completion", "公务用车购置及运行维护费")  # printed "公务用车购置及运行费"
    assert "budget" not in car.values and val(car, "actual") == D("0") and val(car, "rate") == D("0")
    assert car.words["item_index"] == "2" and car.words["reason"] == "本单位未配备公务用车"
    assert one(seed, "completion", "因公出国(境)费").words["item_index"] == "1"
    assert one(seed, "completion", "公务接待费").words["reason"] == "全年无公务接待费支出"


def test_seed_procurement(seed):
    f = one(seed, "procurement")
    expected = {
        "total": "1842.35",
        "goods": "260.06",
        "works": "0",
        "services": "1582.29",
        "sme": "1203.47",
        "sme_share": "65.3",
        "small_micro": "1008.14",
        "small_micro_share": "83.8",
        "goods_sme_share": "79.4",
        "works_sme_share": "0",
        "services_sme_share": "63",
    }
    assert {k: str(v.value) for k, v in f.values.items()} == expected
    assert val(f, "total") == val(f, "goods") + val(f, "works") + val(f, "services")
    assert f.values["total"].text == "1,842.35万元"
    # procurement figures are not repeated as bare amounts
    assert not [a for a in seed if a.kind == "amount" and "采购" in a.subject]


def test_seed_split(seed):
    f = one(seed, "split", "一般公共预算财政拨款基本支出")
    assert (val(f, "total"), val(f, "人员经费"), val(f, "公用经费")) == (D("481.74"), D("407.42"), D("74.32"))
    assert val(f, "人员经费") + val(f, "公用经费") == val(f, "total")
    assert f.words["人员经费_items"].startswith("基本工资、津贴补贴、绩效工资")
    assert f.words["人员经费_items"].endswith("其他对个人和家庭的补助")
    assert f.words["公用经费_items"] == "办公费、邮电费、差旅费、劳务费、委托业务费、工会经费、福利费、办公设备购置"
    # the parts are also plain amounts
    assert val(one(seed, "amount", "人员经费"), "amount") == D("407.42")


def test_seed_vehicles_and_operating_cost(seed):
    f = one(seed, "vehicles", "车辆")
    assert val(f, "total") == D("0") and f.values["total"].unit == "辆"
    assert f.values["副部(省)级及以上领导用车"].value == D("0")
    assert "其他用车" in f.values and "离退休干部服务用车" in f.values
    assert f.values["equipment_over_1m"].unit == "台(套)"
    types = [k for k in f.values if k.endswith("用车")]
    assert len(types) == 8 and sum(val(f, k) for k in types) == val(f, "total")
    oc = one(seed, "operating_cost")
    assert oc.words == {"none": "true"} and oc.values == {}
    # "单价 100 万元(含)以上" is not an amount
    assert not [a for a in seed if a.kind == "amount" and a.values["amount"].value == D("100")]


def test_seed_performance(seed):
    f = one(seed, "performance", projects="3", funds="1878.96")
    assert val(f, "share") == D("100") and f.words["of"] == "一般公共预算项目支出总额"
    p = one(seed, "performance", "网络建设运转维护项目")
    assert (val(p, "budget"), val(p, "actual"), val(p, "rate")) == (D("1820.03"), D("1803.24"), D("99.1"))
    assert one(seed, "performance", "部门整体支出").values["funds"].value == D("2360.7")
    names = [f.subject for f in seed if f.kind == "performance" and "budget" in f.values]
    assert names == ["网络建设运转维护项目", "武昌区营商环境监督系统项目", "疫情数据流调平台项目"]


def test_seed_shares(seed):
    f = one(seed, "share", "一般公共服务支出")
    assert val(f, "amount") == D("2168.83") and val(f, "share") == D("91.9")
    assert f.words["of"] == "一般公共预算财政拨款支出" and f.words["of_inferred"] == "true"
    structure = {
        f.subject: (val(f, "amount"), val(f, "share"))
        for f in seed
        if f.kind == "share" and f.words.get("of") == "一般公共预算财政拨款支出"
    }
    assert structure == {
        "一般公共服务支出": (D("2168.83"), D("91.9")),
        "社会保障和就业支出": (D("45.92"), D("1.9")),
        "卫生健康支出": (D("90.7"), D("3.9")),
        "住房保障支出": (D("55.25"), D("2.3")),
    }
    basic = one(seed, "share", "基本支出")
    assert val(basic, "amount") == D("481.74") and val(basic, "share") == D("20.4")
    assert basic.words["of"] == "本年支出" and "of_inferred" not in basic.words
    assert one(seed, "share", "财政拨款收入").words["of"] == "本年收入"
    assert one(seed, "share", "授予小微企业合同金额").words["of"] == "授予中小企业合同金额"


def test_seed_empty_statements(seed):
    funds = {f.words["fund"]: f for f in seed if f.kind == "empty_statement"}
    assert set(funds) == {"government_fund", "state_capital"}
    assert funds["government_fund"].span.text == "本部门当年无政府性基金预算财政拨款收入支出。"
    assert funds["state_capital"].span.section.startswith("八、")


def test_seed_spans_point_at_the_text(seed_report, seed):
    """start/end index section.text; span.text is that slice without whitespace;
    the page printed it (found again, whitespace-insensitively, on that page)."""
    by_title = {}
    for s in seed_report.sections:
        by_title.setdefault(s.title, []).append(s)
    assert seed, "no facts"
    for f in seed:
        sections = by_title[f.span.section]
        assert any(_squash(s.text[f.span.start : f.span.end]) == _squash(f.span.text) for s in sections), f
        assert any(f.span.page in s.pages for s in sections)
        head = f.span.text[:6]
        assert head in _squash(seed_report.page_texts[f.span.page - 1]), (f.span.page, head)
    assert {f.kind for f in seed} <= set(KINDS)


def test_seed_deterministic_and_ordered(seed_report, seed):
    assert narrative_facts(seed_report) == seed
    titles = [s.title for s in seed_report.sections]
    assert len(set(titles)) == len(titles)
    positions = [(titles.index(f.span.section), f.span.start) for f in seed]
    assert positions == sorted(positions)


# ---------------------------------------------------------------- Shanghai-style sample


def test_shanghai_sample_totals_and_shares(shanghai_sample):
    f = shanghai_sample
    assert val(one(f, "amount", "收支总计"), "amount") == D("7480.96")
    y = one(f, "yoy", "收入合计")
    assert (val(y, "current"), val(y, "change"), val(y, "change_pct")) == (D("7374.66"), D("368.73"), D("5.26"))
    assert y.words["direction"] == "增加" and y.words["pct_direction"] == "增长"
    # "其中：财政拨款收入7282.86万元，占98.76%" refers to the previous sentence's total
    s = one(f, "share", "财政拨款收入")
    assert val(s, "share") == D("98.76") and s.words["of"] == "收入合计"
    assert {x.subject: val(x, "share") for x in f if x.kind == "share" and x.words.get("of") == "支出合计"} == {
        "基本支出": D("63.99"),
        "项目支出": D("36.01"),
    }


def test_shanghai_sample_completion_items(shanghai_sample):
    items = [x for x in shanghai_sample if x.kind == "completion" and x.subject.startswith("教育支出/")]
    assert len(items) == 12
    first = one(shanghai_sample, "completion", "教育支出/教育管理事务/行政运行")
    assert (val(first, "budget"), val(first, "actual"), val(first, "rate")) == (D("645.47"), D("699.32"), D("108.34"))
    assert first.words["comparison"] == "大于" and first.words["reason"] == "年中人员调资及新进人员增加了人员经费"
    flat = one(shanghai_sample, "completion", "教育支出/教育管理事务/一般行政管理事务")
    assert flat.words["comparison"] == "持平" and flat.words["reason"] == ""
    # the government-fund item is a completion too
    lot = one(shanghai_sample, "completion", "其他支出/彩票公益金安排的支出/用于教育事业的彩票公益金支出")
    assert val(lot, "rate") == D("96.16")
    # 三公 sub-items inside item 2
    assert val(one(shanghai_sample, "completion", "公务用车运行维护费"), "actual") == D("7.92")
    assert val(one(shanghai_sample, "completion", "三公经费"), "rate") == D("87.80")


def test_shanghai_sample_operating_cost_procurement(shanghai_sample):
    f = shanghai_sample
    assert val(one(f, "operating_cost"), "amount") == D("225.01")
    y = one(f, "yoy", "机关运行经费")
    assert (val(y, "current"), val(y, "change"), val(y, "change_pct")) == (D("225.01"), D("6.75"), D("2.91"))
    assert y.words["direction"] == "减少" and y.words["reason"].startswith("严格落实过紧日子要求")
    p = one(f, "procurement")
    assert (val(p, "total"), val(p, "goods"), val(p, "works"), val(p, "services")) == (
        D("1873.35"),
        D("612.40"),
        D("356.80"),
        D("904.15"),
    )
    assert val(p, "sme") == D("1466.35") and val(p, "reserved_sme") == D("980.00")
    assert val(p, "sme_from_other") == D("498.20")
    three = [
        x
        for x in f
        if x.kind == "yoy"
        and x.words["previous_year"] == "2023"
        and x.subject in ("因公出国(境)费", "公务用车购置及运行维护费", "公务接待费")
    ]
    assert [(x.subject, x.words["direction"]) for x in three] == [
        ("因公出国(境)费", "持平"),
        ("公务用车购置及运行维护费", "减少"),
        ("公务接待费", "减少"),
    ]
    v = one(f, "vehicles", "车辆")
    assert val(v, "total") == D("2") and val(v, "机要通信用车") == D("1") and val(v, "equipment_over_1m") == D("1")


# ---------------------------------------------------------------- real Shanghai reports


def test_real_finance_bureau(finance, finance_report):
    f = finance
    y = one(f, "yoy", "收支总计")
    assert (val(y, "current"), val(y, "change"), val(y, "change_pct")) == (D("2995.39"), D("56.95"), D("1.87"))
    s = one(f, "share", "财政拨款收入")
    assert val(s, "amount") == D("2940.05") and val(s, "share") == D("99.79") and s.words["of"] == "收入合计"
    assert {x.subject: val(x, "share") for x in f if x.kind == "share" and x.words.get("of") == "支出合计"} == {
        "基本支出": D("79.49"),
        "项目支出": D("20.51"),
    }
    items = [x for x in f if x.kind == "completion" and "/" in x.subject]
    assert len(items) == 11
    first = one(f, "completion", "一般公共服务支出/财政事务/行政运行")
    assert (val(first, "budget"), val(first, "actual")) == (D("1560.05"), D("1511.89"))
    assert "rate" not in first.values and first.words["comparison"] == "小于"
    assert first.words["reason"] == "人员进出及退休变化，减少人员经费开支"
    # item 4 is printed out of order in the text layer of other tools; here it is whole
    assert val(one(f, "completion", "一般公共服务支出/财政事务/财政委托业务支出"), "actual") == D("449.52")
    assert one(f, "completion", "住房保障支出/住房改革支出/购房补贴").words["comparison"] == "持平"
    assert val(one(f, "operating_cost"), "amount") == D("184.65")
    oc = one(f, "yoy", "机关运行经费")
    assert (val(oc, "change"), val(oc, "change_pct")) == (D("2.55"), D("1.40"))
    assert oc.values["change_pct"].text == "1.40%"
    p = one(f, "procurement")
    # printed as 4.79 + 0 + 246.47 = 251.26 against 251.25: a real residual inside the rounding band
    assert val(p, "total") == D("251.25")
    assert (val(p, "goods"), val(p, "works"), val(p, "services")) == (D("4.79"), D("0"), D("246.47"))
    sp = one(f, "split")
    assert val(sp, "人员经费") + val(sp, "公用经费") == val(sp, "total") == D("2336.91")
    assert val(one(f, "vehicles", "车辆"), "equipment_over_1m") == D("2")
    tp = one(f, "completion", "三公经费")
    assert (val(tp, "budget"), val(tp, "actual")) == (D("0.95"), D("0.00"))
    assert {x.words["fund"] for x in f if x.kind == "empty_statement"} == {
        "government_fund",
        "state_capital",
        "three_public",
    }
    pages = {x.span.page for x in f}
    assert pages <= set(range(20, 26)) and len(pages) >= 3


def test_real_planning_bureau(planning):
    f = planning
    # "增长 13.95。": a growth rate printed without its % sign
    y = one(f, "yoy", "一般公共预算财政拨款支出")
    assert val(y, "change_pct") == D("13.95") and y.values["change_pct"].missing_percent
    assert val(one(f, "yoy", "财政拨款收支总计"), "change_pct") == D("13.95")
    items = [x for x in f if x.kind == "completion" and "/" in x.subject]
    assert len(items) == 13
    assert one(f, "completion", "卫生健康支出/行政事业单位医疗/行政单位医疗").values["rate"].value == D("94.43")
    # "下降（增长）27.78%": both words kept
    t = one(f, "yoy", "三公经费")
    assert t.words["pct_direction"] == "下降" and t.words["pct_direction_alt"] == "增长"
    recv = one(f, "yoy", "公务接待费")
    assert val(recv, "change") == D("0.15") and recv.words["reason"].startswith("严格落实中央八项规定")
    oc = one(f, "yoy", "机关运行经费")
    assert (val(oc, "current"), val(oc, "change"), val(oc, "change_pct")) == (D("142.80"), D("13.52"), D("8.65"))
    p = one(f, "procurement")
    # 122.43 + 1387.72 + 809.07 = 2319.22 against 2319.21: again a printed 0.01 residual
    assert val(p, "total") == D("2319.21")
    assert (val(p, "goods"), val(p, "works"), val(p, "services")) == (D("122.43"), D("1387.72"), D("809.07"))
    assert val(p, "small_micro_from_reserved") == D("164.87")
    assert val(one(f, "vehicles", "公务用车保有量"), "total") == D("0")


def test_real_template_is_all_placeholders():
    report = _real("shanghai-2024-final-accounts-template.pdf")
    facts = narrative_facts(report)
    placeholders = [f for f in facts if f.kind == "placeholder"]
    assert len(placeholders) > 100
    assert not [f for f in facts if f.kind in ("amount", "share", "yoy", "completion")]
    total = [f for f in placeholders if f.subject == "收支总计"]
    assert total and "XXX万元" in total[0].words["text"]


# ---------------------------------------------------------------- mutants


def test_mutant_placeholder_and_missing_percent():
    facts = narrative_facts(read_report(RAW / "mutants" / "wuchang-bigdata-2023-m04-form.pdf"))
    ph = one(facts, "placeholder")
    assert ph.subject == "政府采购" and ph.words["placeholder"] == "XX"
    p = one(facts, "procurement")
    assert "total" not in p.values and p.words["total_placeholder"] == "XX"
    assert p.values["sme_share"].missing_percent and val(p, "sme_share") == D("65.3")
    assert one(facts, "share", "授予中小企业合同金额").values["share"].missing_percent


# ---------------------------------------------------------------- text-level cases


def test_share_without_percent_sign():
    facts = facts_from_text("基本支出481.74万元，占76.23；项目支出1,878.96万元，占本年支出79.6%。", "三、支出", 4)
    s = one(facts, "share", "基本支出")
    assert s.values["share"].missing_percent and s.values["share"].value == D("76.23")
    assert s.values["share"].text == "76.23"
    ok = one(facts, "share", "项目支出")
    assert not ok.values["share"].missing_percent and ok.values["share"].unit == "%"
    assert ok.values["amount"].value == D("1878.96") and ok.values["amount"].text == "1,878.96万元"
    assert all(f.span.page == 4 and f.span.section == "三、支出" for f in facts)


def test_placeholder():
    facts = facts_from_text("2023年度收入合计XX万元，与2022年度相比，收入合计减少××万元，下降xx%。")
    ph = [f for f in facts if f.kind == "placeholder"]
    assert [f.words["placeholder"] for f in ph] == ["XX", "××", "xx"]
    assert ph[0].subject == "收入合计" and "收入合计XX万元" in ph[0].words["text"]
    assert not pick(facts, "yoy") and not pick(facts, "amount")
    # Latin words are not placeholders
    assert not pick(facts_from_text("政务公益WIFI设备XBRL标准。"), "placeholder")


def test_yoy_on_zero_base_keeps_places():
    facts = facts_from_text("机关运行经费支出307.82万元，比2023年度增加307.82万元，增长100.00%。主要原因是新增机构。")
    y = one(facts, "yoy", "机关运行经费")
    assert y.values["change_pct"].value == D("100.00")
    assert y.values["change_pct"].value.as_tuple().exponent == -2
    assert (val(y, "current"), val(y, "change")) == (D("307.82"), D("307.82"))
    assert y.words["reason"] == "新增机构"
    assert val(one(facts, "operating_cost"), "amount") == D("307.82")


def test_completion_rate_on_zero_budget_and_no_rate():
    facts = facts_from_text(
        "1、教育支出（类）普通教育（款）初中教育（项）。主要用于：课程建设。年初预算为0万元，支出决算为369.47万元，"
        "完成年初预算的95.89%。决算数大于预算数的主要原因：年中追加。\n"
        "2、教育支出（类）普通教育（款）高中教育（项）。年初预算数为0.00万元，决算数37.02万元，因年初未安排预算，"
        "不计算完成率。决算数大于年初预算数的主要原因是年中追加。"
    )
    a = one(facts, "completion", "教育支出/普通教育/初中教育")
    assert (val(a, "budget"), val(a, "rate")) == (D("0"), D("95.89"))
    assert a.words["reason"] == "年中追加" and a.words["item_index"] == "1"
    b = one(facts, "completion", "教育支出/普通教育/高中教育")
    assert "rate" not in b.values and b.words["no_rate"] == "true" and b.words["comparison"] == "大于"


def test_broken_lines_spaces_and_offsets():
    text = "2023 年度收入合计\n2,360.7 万\n元，与 2022 年度相比，收入合计减少 2,196.6\n万元，下降 48.2%，主要原因\n是项目减少。\n"
    facts = facts_from_text(text, "二、收入", 15)
    y = one(facts, "yoy", "收入合计")
    assert val(y, "change") == D("2196.6") and val(y, "current") == D("2360.7")
    assert y.words["reason"] == "项目减少"
    a = one(facts, "amount", "收入合计")
    assert a.values["amount"].text == "2,360.7万元"
    for f in facts:
        assert _squash(text[f.span.start : f.span.end]) == _squash(f.span.text)
    # two numbers on consecutive lines never merge
    two = facts_from_text("共有车辆 3\n辆，其中：执法执勤用车2辆、其他用车1辆。")
    assert val(one(two, "vehicles"), "total") == D("3")


def test_other_producers_wording():
    facts = facts_from_text(
        "（1）一般公共服务支出（类）人大事务（款）行政运行（项）：调整预算数为１２.５万元，决算为１２.５万元，完成预算的１００％。"
        "（2）一般公共服务支出（类）人大事务（款）代表工作（项）：年初预算数为 3.00 万元，决算数 2.40 万元，完成年初预算的 80%。"
    )
    f = one(facts, "completion", "一般公共服务支出/人大事务/行政运行")
    assert val(f, "budget") == D("12.5") and f.values["budget"].text == "１２.５万元" and val(f, "rate") == D("100")
    assert f.words["item_index"] == "1"
    assert one(facts, "completion", "一般公共服务支出/人大事务/代表工作").words["item_index"] == "2"
    yuan = facts_from_text("2023 年度收入合计 31,690,155.97 元，较上年减少 1,267,606.24 元，同比下降 4.2%。")
    y = one(yuan, "yoy", "收入合计")
    assert y.values["change"].unit == "元" and val(y, "change") == D("1267606.24") and val(y, "change_pct") == D("4.2")
    assert y.words["previous_year"] == "上年"
    flat = facts_from_text(
        "2024年度“三公”经费财政拨款支出决算数与2023年度持平。其中：因公出国（境）费支出决算持平；公务接待费支出决算减少0.15万元，下降27.78%。"
    )
    assert [(x.subject, x.words["direction"]) for x in flat if x.kind == "yoy"] == [
        ("三公经费", "持平"),
        ("因公出国(境)费", "持平"),
        ("公务接待费", "减少"),
    ]


def test_split_with_share_between():
    facts = facts_from_text(
        "一般公共预算财政拨款基本支出 481.74 万元。其中：人员经费 407.42 万元，占 84.6%，主要包括：基本工资、津贴补贴等；"
        "公用经费 74.32 万元，主要包括：办公费、邮电费。"
    )
    f = one(facts, "split")
    assert val(f, "人员经费") == D("407.42") and f.words["人员经费_items"] == "基本工资、津贴补贴"
    assert f.words["公用经费_items"] == "办公费、邮电费"
    assert one(facts, "share", "人员经费").words["of"] == "一般公共预算财政拨款基本支出"


def test_empty_statements_and_no_operating_cost():
    facts = facts_from_text(
        "本部门当年无政府性基金预算财政拨款收入支出。本单位2024年度无国有资本经营预算财政拨款收入和支出。"
        "说明：本部门当年无财政拨款“三公”经费支出。本单位没有机关运行经费支出。"
    )
    assert [f.words["fund"] for f in facts if f.kind == "empty_statement"] == [
        "government_fund",
        "state_capital",
        "three_public",
    ]
    assert one(facts, "operating_cost").words["none"] == "true"
    # a reason that says "无…支出" is not an empty-table statement
    r = facts_from_text(
        "“三公”经费全年预算为0.68万元，支出决算为0万元，完成全年预算的0%。决算数小于全年预算数的主要原因：全年无“三公”经费支出。"
    )
    assert not pick(r, "empty_statement") and one(r, "completion", "三公经费").words["reason"] == "全年无“三公”经费支出"


def test_canonical_subjects():
    assert canonical_subject("2023年度收、支总计") == ("收支总计", None)
    assert canonical_subject("本年收入合计") == ("收入合计", None)
    assert canonical_subject("其中：因公出国（境）费支出决算") == ("因公出国(境)费", None)
    assert canonical_subject("2024年度“三公”经费财政拨款支出决算数") == ("三公经费", None)
    assert canonical_subject("一般公共服务(类)支出") == ("一般公共服务支出", None)
    assert canonical_subject("1. 一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）2010350事业运行（项）") == (
        "一般公共服务支出/政府办公厅（室）及相关机构事务/事业运行",
        "2010350",
    )


# ---------------------------------------------------------------- parse helpers


def test_parse_quantity_examples():
    q = parse_quantity("2,360.7万元")
    assert q.value == D("2360.7") and q.unit == "万元" and q.text == "2,360.7万元" and not q.missing_percent
    assert parse_quantity("1,842.35 万元").value == D("1842.35")
    assert parse_quantity("0").value == D("0") and parse_quantity("0.00").value.as_tuple().exponent == -2
    assert parse_quantity("0 台（套）").unit == "台（套）"
    assert parse_quantity("４８．２％").value == D("48.2") and parse_quantity("４８．２％").unit == "％"
    with pytest.raises(ValueError):
        parse_quantity("XX万元")
    assert parse_percent("48.2%") == D("48.2") and parse_percent("76.23") == D("76.23")
    assert parse_percent("100.00 ％") == D("100.00") and parse_percent("增长") is None


_FW = str.maketrans("0123456789.%", "０１２３４５６７８９．％")
amounts = st.builds(
    lambda n, places, neg: (-1 if neg else 1) * D(n).scaleb(-places),
    st.integers(min_value=0, max_value=10**13),
    st.integers(min_value=0, max_value=2),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(amounts, st.booleans(), st.sampled_from(["万元", "元", " 万元", "%", "", "辆"]), st.booleans())
def test_parse_quantity_roundtrip(value, separators, unit, fullwidth):
    text = (f"{value:,f}" if separators else f"{value:f}") + unit
    if fullwidth:
        text = text.translate(_FW)
    q = parse_quantity(text)
    assert q.value == value
    assert q.value.as_tuple().exponent == value.as_tuple().exponent
    assert q.unit.strip() == unit.strip().translate(_FW if fullwidth else {})


@settings(max_examples=300, deadline=None)
@given(amounts, st.booleans(), st.sampled_from(["%", "％", " %", ""]))
def test_parse_percent_roundtrip(value, separators, sign):
    text = (f"{value:,f}" if separators else f"{value:f}") + sign
    p = parse_percent(text)
    assert p == value and p.as_tuple().exponent == value.as_tuple().exponent


@settings(max_examples=150, deadline=None)
@given(amounts.map(abs), amounts.map(abs), st.booleans())
def test_share_sentence_roundtrip(amount, share, separators):
    """Any printed amount and share come back exactly from a sentence."""
    a = f"{amount:,f}" if separators else f"{amount:f}"
    facts = facts_from_text(f"其中：基本支出{a}万元，占本年支出{share:f}%。")
    s = one(facts, "share", "基本支出")
    assert val(s, "amount") == amount and val(s, "share") == share
    assert val(s, "share").as_tuple().exponent == share.as_tuple().exponent


_TOKENS = st.sampled_from(
    [
        "收入合计",
        "2,360.7",
        "万元",
        "元",
        "，",
        "。",
        "；",
        "：",
        "\n",
        " ",
        "占",
        "%",
        "76.23",
        "与2022年度相比",
        "增加",
        "减少",
        "增长",
        "下降",
        "持平",
        "年初预算数为",
        "决算数",
        "完成年初预算的",
        "1.",
        "（类）",
        "（款）",
        "（项）",
        "一般公共服务支出",
        "主要原因是",
        "XX",
        "其中",
        "人员经费",
        "公用经费",
        "基本支出",
        "政府采购支出总额",
        "货物",
        "共有车辆",
        "辆",
        "单价100万元（含）以上设备",
        "台（套）",
        "项目3个",
        "资金",
        "执行数为",
        "无政府性基金预算财政拨款收入支出",
        "机关运行经费",
        "（一）",
        "0",
        "0.00",
        "１２",
        "％",
        "、",
        "收、支总计",
        "比上年",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_TOKENS, max_size=40))
def test_any_text_gives_consistent_spans(parts):
    """Scrambled report wording never raises, and every span slices back to its text."""
    text = "".join(parts)
    for f in facts_from_text(text, "s", 1):
        assert f.kind in KINDS
        assert _squash(text[f.span.start : f.span.end]) == _squash(f.span.text)
