"""The synthetic sample departments are internally consistent (docs/domain.md section 3).

These checks read only the descriptions (the dicts ``build_departments`` returns),
never the builder's model, so they catch a builder that computes a figure one way
and prints it another. Identities are exact: the samples have no rounding residue.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from auditlib.profiles.final_accounts import SHANGHAI_ORDER, TABLE_IDS, WUHAN_ORDER
from auditlib.samples import synthetic
from auditlib.samples.model import load_department, resolve_style, validate

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "departments"
DEPTS = synthetic.build_departments()
BY_ID = {d["id"]: d for d in DEPTS}
EXPECTED_IDS = {
    "sample-shanghai-education-2024",
    "sample-wuhan-health-2023",
    "sample-shanghai-culture-2024",
    "sample-yuan-street-2023",
    "sample-wuhan-small-2024",
}
HIERARCHY_TABLES = ("income", "expenditure", "general_budget_expenditure", "government_fund", "state_capital")
AMOUNT = re.compile(r"^\d+\.\d{2}$")
NUM = r"([\d,]+\.\d{2})"


def dec(value) -> Decimal:
    """A printed amount; a blank counts as 0 inside a sum."""
    return Decimal(str(value).replace(",", "")) if value not in (None, "") else Decimal(0)


def rate(num: Decimal, den: Decimal, places: int) -> Decimal:
    return (num * 100 / den).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def check_pct(printed: str, num: Decimal, den: Decimal) -> None:
    places = len(printed.split(".")[1]) if "." in printed else 0
    assert Decimal(printed) == rate(num, den, places), (printed, num, den)


def rows(d, tid):
    return d["tables"][tid].get("rows", [])


def by_code(d, tid):
    return {r["code"]: r for r in rows(d, tid)}


def panel(d, tid, which):
    return [r for r in rows(d, tid) if r["panel"] == which and r["name"]]


def named(d, tid, which, name, nth=0):
    return [r for r in panel(d, tid, which) if r["name"] == name][nth]


def amount_columns(d, tid):
    cols = set()
    for r in rows(d, tid):
        cols |= {k for k in r if k not in ("code", "name", "panel", "line_no")}
    return sorted(cols)


def paragraphs(d, heading_prefix):
    """Texts under the 情况说明 heading whose text starts with ``heading_prefix``.

    Sub-headings (（一）…) stay in the list: they belong to their section.
    """
    out, on = [], False
    for b in d["blocks"]:
        if b["type"] == "heading" and b["text"].startswith("（"):
            if on:
                out.append(b["text"])
            continue
        if b["type"] in ("heading", "part", "title"):
            on = b["type"] == "heading" and b["text"].split("、", 1)[-1].startswith(heading_prefix)
            continue
        if on and b["type"] == "paragraph":
            out.append(b["text"])
    return out


def narrative(d):
    return "\n".join(b["text"] for b in d["blocks"] if b["type"] == "paragraph")


@pytest.fixture(params=DEPTS, ids=[d["id"] for d in DEPTS])
def dept(request):
    return request.param


# -- the set of departments ---------------------------------------------------


def test_the_five_departments():
    assert {d["id"] for d in DEPTS} == EXPECTED_IDS
    for d in DEPTS:
        assert "示例" in d["department"] and d["id"].startswith("sample-")
        assert str(d["year"]) in d["id"]
    assert BY_ID["sample-yuan-street-2023"]["unit"] == "元"
    assert BY_ID["sample-yuan-street-2023"]["variant"] == "wuhan" and "style" not in BY_ID["sample-yuan-street-2023"]
    edu = resolve_style(BY_ID["sample-shanghai-education-2024"])["style"]
    assert edu == {
        "variant": "shanghai",
        "order": list(SHANGHAI_ORDER),
        "labels": False,
        "label": None,
        "code_columns": "split",
        "line_numbers": False,
        "column_index_row": False,
        "repeat_header": True,
        "department_label": "编制部门：",
        "unit_label": "单位：",
        "thousands": True,
    }
    culture = BY_ID["sample-shanghai-culture-2024"]
    assert culture["style"] == {"repeat_header": False, "thousands": False}  # overrides of its variant
    assert resolve_style(culture)["style"]["repeat_header"] is False
    assert resolve_style(BY_ID["sample-wuhan-health-2023"])["style"]["repeat_header"] is True


def test_validates_and_round_trips(dept, tmp_path):
    validate(resolve_style(dept))
    path = tmp_path / f"{dept['id']}.yaml"
    path.write_text(synthetic.dump(dept), encoding="utf-8")
    assert load_department(path) == resolve_style(dept)


def test_amount_cells_are_plain_two_place_strings(dept):
    for tid in TABLE_IDS:
        table = dept["tables"][tid]
        all_rows = list(table.get("rows", []))
        for p in table.get("panels", []):
            all_rows += p["rows"]
        all_rows += table.get("footer", [])
        for r in all_rows:
            for k, v in r.items():
                if k not in ("code", "name", "panel", "line_no"):
                    assert isinstance(v, str) and AMOUNT.match(v), (tid, r)


def test_nine_tables_in_style_order(dept):
    order = SHANGHAI_ORDER if dept["variant"] == "shanghai" else WUHAN_ORDER
    assert set(dept["tables"]) == set(TABLE_IDS)
    assert tuple(b["id"] for b in dept["blocks"] if b["type"] == "table") == order


def test_sizes():
    for did in ("sample-wuhan-health-2023", "sample-shanghai-culture-2024"):
        for tid in ("income", "expenditure", "general_budget_expenditure"):
            assert len(rows(BY_ID[did], tid)) >= 45, (did, tid)
    small = BY_ID["sample-wuhan-small-2024"]
    for tid in ("government_fund", "state_capital"):
        assert not any(amount_columns(small, tid))
    assert rows(small, "three_public") == []
    edu = BY_ID["sample-shanghai-education-2024"]
    assert dec(by_code(edu, "government_fund")[""]["opening_balance"]) > 0
    assert dec(by_code(edu, "income")[""]["business"]) > 0 and dec(by_code(edu, "income")[""]["other"]) > 0
    health = BY_ID["sample-wuhan-health-2023"]
    sc = by_code(health, "state_capital")[""]
    for col in ("opening_balance", "income", "expenditure_total", "closing_balance"):
        assert col in sc
    tp = rows(health, "three_public")[0]
    assert dec(tp["actual_vehicle_purchase"]) > 0 and dec(tp["actual_vehicle_operation"]) > 0


# -- within tables ------------------------------------------------------------


def test_code_hierarchy(dept):
    for tid in HIERARCHY_TABLES:
        codes = by_code(dept, tid)
        body = [r for r in rows(dept, tid) if r["code"]]
        if not body:
            continue
        for col in amount_columns(dept, tid):

            def kids(parent: str, length: int, body=body):
                return [r for r in body if len(r["code"]) == length and r["code"].startswith(parent)]

            assert dec(codes[""].get(col)) == sum(dec(r.get(col)) for r in kids("", 3)), (tid, col)
            for r in body:
                n = len(r["code"])
                if n < 7:
                    assert dec(r.get(col)) == sum(dec(k.get(col)) for k in kids(r["code"], n + 2)), (tid, col, r)


def test_row_identities(dept):
    for r in rows(dept, "income"):
        parts = ("fiscal_appropriation", "superior_subsidy", "business", "operating", "subordinate_remittance", "other")
        assert dec(r["total"]) == sum(dec(r.get(c)) for c in parts), r
    for r in rows(dept, "expenditure"):
        parts = ("basic", "project", "remittance_to_superior", "operating", "subsidy_to_subordinate")
        assert dec(r["total"]) == sum(dec(r.get(c)) for c in parts), r
    for r in rows(dept, "general_budget_expenditure"):
        assert dec(r["total"]) == dec(r.get("basic")) + dec(r.get("project")), r
    for tid in ("government_fund", "state_capital"):
        cols = amount_columns(dept, tid)
        for r in rows(dept, tid):
            if "expenditure_total" in cols:
                assert dec(r.get("expenditure_total")) == dec(r.get("expenditure_basic")) + dec(
                    r.get("expenditure_project")
                )
            if "closing_balance" in cols:
                assert dec(r.get("closing_balance")) == (
                    dec(r.get("opening_balance")) + dec(r.get("income")) - dec(r.get("expenditure_total"))
                )


def test_summary_balances_and_matches_tables(dept):
    inc = panel(dept, "income_expenditure_summary", "income")
    exp = panel(dept, "income_expenditure_summary", "expenditure")
    names = [r["name"] for r in inc]
    total_at = names.index("本年收入合计")
    assert total_at == 8
    income_total = dec(inc[total_at]["amount"])
    assert income_total == sum(dec(r.get("amount")) for r in inc[:8])
    grand = dec(named(dept, "income_expenditure_summary", "income", "总计")["amount"])
    assert grand == income_total + sum(dec(r.get("amount")) for r in inc[total_at + 1 : -1])
    classes = [r for r in exp if "、" in r["name"]]
    assert [r["name"].split("、", 1)[1] for r in classes] == [n for _, n in synthetic.SUMMARY_CLASSES]
    spend = dec(named(dept, "income_expenditure_summary", "expenditure", "本年支出合计")["amount"])
    assert spend == sum(dec(r.get("amount")) for r in classes)
    closing = dec(named(dept, "income_expenditure_summary", "expenditure", "年末结转和结余").get("amount"))
    alloc = dec(named(dept, "income_expenditure_summary", "expenditure", "结余分配").get("amount"))
    assert dec(named(dept, "income_expenditure_summary", "expenditure", "总计")["amount"]) == grand
    assert grand == spend + alloc + closing
    # against the income and expenditure tables
    inc_total = by_code(dept, "income")[""]
    assert income_total == dec(inc_total["total"])
    assert sum(dec(r.get("amount")) for r in inc[:3]) == dec(inc_total.get("fiscal_appropriation"))
    assert dec(inc[4].get("amount")) == dec(inc_total.get("business"))
    assert dec(inc[7].get("amount")) == dec(inc_total.get("other"))
    exp_codes = by_code(dept, "expenditure")
    assert spend == dec(exp_codes[""]["total"])
    for (code, _), r in zip(synthetic.SUMMARY_CLASSES, classes):
        assert dec(r.get("amount")) == dec(exp_codes.get(code, {}).get("total")), code


def test_summary_layout_follows_the_style(dept):
    summary = rows(dept, "income_expenditure_summary")
    fiscal = rows(dept, "fiscal_summary")
    if dept["variant"] == "wuhan":
        assert [r["line_no"] for r in summary] == list(range(1, 63))
        assert [r["line_no"] for r in fiscal] == list(range(1, 65))
        assert named(dept, "income_expenditure_summary", "income", "本年收入合计")["line_no"] == 27
        assert named(dept, "fiscal_summary", "expenditure", "总计")["line_no"] == 64
    else:
        assert all(r["name"] and "line_no" not in r for r in summary + fiscal)


def test_fiscal_summary(dept):
    inc = panel(dept, "fiscal_summary", "income")
    funds = [dec(r.get("amount")) for r in inc[:3]]
    received = dec(named(dept, "fiscal_summary", "income", "本年收入合计")["amount"])
    assert received == sum(funds) == dec(by_code(dept, "income")[""].get("fiscal_appropriation"))
    opening_at = [r["name"] for r in inc].index("年初财政拨款结转和结余")
    opening = [dec(r.get("amount")) for r in inc[opening_at + 1 : opening_at + 4]]
    assert dec(inc[opening_at].get("amount")) == sum(opening)
    assert dec(named(dept, "fiscal_summary", "income", "总计")["amount"]) == received + sum(opening)
    cols = ("general_budget", "government_fund", "state_capital")
    exp = panel(dept, "fiscal_summary", "expenditure")
    for r in exp:
        assert dec(r.get("total")) == sum(dec(r.get(c)) for c in cols), r
    classes = [r for r in exp if "、" in r["name"]]
    spent = named(dept, "fiscal_summary", "expenditure", "本年支出合计")
    closing = named(dept, "fiscal_summary", "expenditure", "年末财政拨款结转和结余")
    grand = named(dept, "fiscal_summary", "expenditure", "总计")
    for i, c in enumerate(cols):
        assert dec(spent.get(c)) == sum(dec(r.get(c)) for r in classes)
        assert dec(closing.get(c)) == opening[i] + funds[i] - dec(spent.get(c)), c
        assert dec(grand.get(c)) == dec(spent.get(c)) + dec(closing.get(c))
    assert dec(grand["total"]) == dec(named(dept, "fiscal_summary", "income", "总计")["amount"])
    # the 一般公共预算 column is the general-budget table
    gb = by_code(dept, "general_budget_expenditure")
    assert dec(spent.get("general_budget")) == dec(gb[""]["total"])
    for (code, _), r in zip(synthetic.SUMMARY_CLASSES, classes):
        assert dec(r.get("general_budget")) == dec(gb.get(code, {}).get("total")), code
    # the fund columns are the fund tables
    for c, tid, i in (("government_fund", "government_fund", 1), ("state_capital", "state_capital", 2)):
        table = by_code(dept, tid)
        assert dec(spent.get(c)) == dec(table[""].get("expenditure_total"))
        for (code, _), r in zip(synthetic.SUMMARY_CLASSES, classes):
            assert dec(r.get(c)) == dec(table.get(code, {}).get("expenditure_total")), (tid, code)
        if "income" in amount_columns(dept, tid):
            assert funds[i] == dec(table[""].get("income"))
            assert opening[i] == dec(table[""].get("opening_balance"))
            assert dec(closing.get(c)) == dec(table[""].get("closing_balance"))
        else:
            assert funds[i] == opening[i] == dec(closing.get(c)) == 0


def test_general_budget_within_expenditure(dept):
    exp = by_code(dept, "expenditure")
    for code, r in by_code(dept, "general_budget_expenditure").items():
        for c in ("total", "basic", "project"):
            assert dec(r.get(c)) <= dec(exp[code].get(c)), (code, c)


def test_basic_detail(dept):
    table = dept["tables"]["basic_expenditure_detail"]
    assert len(table["panels"]) == (3 if dept["variant"] == "wuhan" else 2)
    items = [r for p in table["panels"] for r in p["rows"]]
    classes = {r["code"]: dec(r.get("amount")) for r in items if len(r["code"]) == 3}
    for cls, value in classes.items():
        assert value == sum(dec(r.get("amount")) for r in items if len(r["code"]) == 5 and r["code"][:3] == cls)
    footer = {r["name"]: dec(r["amount"]) for r in table["footer"]}
    assert footer["人员经费合计"] == classes["301"] + classes["303"]
    assert footer["公用经费合计"] == sum(classes.get(c, 0) for c in ("302", "307", "310", "399"))
    gb_basic = dec(by_code(dept, "general_budget_expenditure")[""]["basic"])
    assert footer["人员经费合计"] + footer["公用经费合计"] == gb_basic
    if dept["variant"] == "shanghai":
        assert set(classes) == {"301", "303", "302", "310"}


def test_three_public(dept):
    tp = rows(dept, "three_public")
    econ = {
        r["code"]: dec(r.get("amount")) for p in dept["tables"]["basic_expenditure_detail"]["panels"] for r in p["rows"]
    }
    if not tp:
        assert dept["department"] in dept["tables"]["three_public"]["explanation"]
        assert "三公" in dept["tables"]["three_public"]["explanation"]
        assert all(econ.get(c, 0) == 0 for c in ("30212", "30217", "30231", "31013"))
        return
    r = {k: dec(v) for k, v in tp[0].items()}
    for st in ("budget", "actual"):
        assert r[f"{st}_vehicle_subtotal"] == r[f"{st}_vehicle_purchase"] + r[f"{st}_vehicle_operation"]
        assert r[f"{st}_total"] == r[f"{st}_abroad"] + r[f"{st}_vehicle_subtotal"] + r[f"{st}_reception"]
    assert econ.get("30212", 0) <= r["actual_abroad"]
    assert econ.get("30217", 0) <= r["actual_reception"]
    assert econ.get("30231", 0) <= r["actual_vehicle_operation"]
    assert econ.get("31013", 0) <= r["actual_vehicle_purchase"]
    lead = paragraphs(dept, "财政拨款“三公”经费")[1]
    m = re.search(rf"全年预算为{NUM}(?:万元|元)，支出决算为{NUM}(?:万元|元)，完成全年预算的([\d.]+)%", lead)
    assert dec(m.group(1)) == r["budget_total"] and dec(m.group(2)) == r["actual_total"]
    check_pct(m.group(3), r["actual_total"], r["budget_total"])


def test_empty_fund_tables_are_explained(dept):
    for tid, fund in (("government_fund", "政府性基金"), ("state_capital", "国有资本经营")):
        table = dept["tables"][tid]
        if not amount_columns(dept, tid):
            assert table["rows"] == [{"code": "", "name": "合计"}]
            expl = table["explanation"]
            assert dept["department"] in expl and fund in expl
            other = "国有资本经营" if fund == "政府性基金" else "政府性基金"
            assert other not in expl


# -- narrative against tables --------------------------------------------------


def test_every_item_listed_with_correct_rate(dept):
    gb = rows(dept, "general_budget_expenditure")
    kuan = {r["code"]: r["name"] for r in gb if len(r["code"]) == 5}
    items = {(kuan[r["code"][:5]], r["name"]): dec(r["total"]) for r in gb if len(r["code"]) == 7}
    seen = {}
    budget_sum = Decimal(0)
    pattern = re.compile(
        rf"^\d+[.、].+?（类）(.+?)（款）(.+?)（项）。.*?年初预算(?:数)?为{NUM}(?:万元|元)，"
        rf"(?:决算数|支出决算为){NUM}(?:万元|元)(.*)$"
    )
    for text in paragraphs(dept, "一般公共预算财政拨款支出决算情况说明"):
        m = pattern.match(text)
        if not m:
            continue
        key, budget, actual, rest = (m.group(1), m.group(2)), dec(m.group(3)), dec(m.group(4)), m.group(5)
        seen[key] = actual
        budget_sum += budget
        if budget == 0:
            assert "%" not in rest and "不计算完成率" in rest
        else:
            r = re.search(r"完成年初预算的([\d.]+)%", rest)
            check_pct(r.group(1), actual, budget)
            if actual == budget:
                assert "持平" in rest and "主要原因" not in rest
            else:
                word = "大于" if actual > budget else "小于"
                assert word in rest and "主要原因" in rest, text
    assert seen == items
    total_line = [
        t for t in paragraphs(dept, "一般公共预算财政拨款支出决算情况说明") if "年初预算为" in t and "其中：" in t
    ][0]
    m = re.search(rf"年初预算为{NUM}(?:万元|元)，支出决算为{NUM}(?:万元|元)，完成年初预算的([\d.]+)%", total_line)
    assert dec(m.group(1)) == budget_sum and dec(m.group(2)) == dec(
        by_code(dept, "general_budget_expenditure")[""]["total"]
    )
    check_pct(m.group(3), dec(m.group(2)), dec(m.group(1)))


def test_zero_budget_item_has_no_rate():
    text = narrative(BY_ID["sample-wuhan-small-2024"])
    line = [t for t in text.splitlines() if "年初预算数为0.00万元" in t]
    assert len(line) == 1 and "%" not in line[0]


def test_overall_figures_and_year_on_year(dept):
    summary_total = dec(named(dept, "income_expenditure_summary", "income", "总计")["amount"])
    fiscal_total = dec(named(dept, "fiscal_summary", "income", "总计")["amount"])
    inc_total = dec(by_code(dept, "income")[""]["total"])
    spend = dec(by_code(dept, "expenditure")[""]["total"])
    gb_total = dec(by_code(dept, "general_budget_expenditure")[""]["total"])
    checks = (
        ("收入支出决算总体", summary_total),
        ("收入决算情况", inc_total),
        ("支出决算情况", spend),
        ("财政拨款收入支出决算总体", fiscal_total),
    )
    change = re.compile(rf"(增加|减少){NUM}(?:万元|元)，(增长|下降)([\d.]+)%")
    for prefix, current in checks:
        text = paragraphs(dept, prefix)[0]
        first = re.search(NUM, text)
        assert dec(first.group(1)) == current, prefix
        m = change.search(text)
        assert (m.group(1), m.group(3)) in (("增加", "增长"), ("减少", "下降"))
        diff = dec(m.group(2))
        prev = current - diff if m.group(1) == "增加" else current + diff
        check_pct(m.group(4), diff, prev)
    gb_text = paragraphs(dept, "一般公共预算财政拨款支出决算情况说明")[1]
    assert dec(re.search(NUM, gb_text).group(1)) == gb_total
    share = re.search(r"占本年支出合计的([\d.]+)%", gb_text).group(1)
    check_pct(share, gb_total, spend)


def test_shares_sum_sensibly(dept):
    texts = paragraphs(dept, "收入决算情况") + paragraphs(dept, "支出决算情况")
    texts.append(paragraphs(dept, "一般公共预算财政拨款支出决算情况说明")[3])
    for text in texts:
        shares = re.findall(r"占(?:本年收入|本年支出)?([\d.]+)%", text)
        places = len(shares[0].split(".")[1])
        half = Decimal(5).scaleb(-places - 1)
        assert abs(sum(Decimal(x) for x in shares) - 100) <= len(shares) * half, text
        amounts = [dec(a) for a in re.findall(rf"{NUM}(?:万元|元)，占", text)]
        whole = dec(re.search(NUM, text).group(1))
        for a, sh in zip(amounts, shares):
            check_pct(sh, a, whole)


def test_basic_split_in_text(dept):
    text = "".join(paragraphs(dept, "一般公共预算财政拨款基本支出决算情况说明"))
    footer = {r["name"]: r["amount"] for r in dept["tables"]["basic_expenditure_detail"]["footer"]}
    gb_basic = dec(by_code(dept, "general_budget_expenditure")[""]["basic"])
    m = re.search(rf"基本支出{NUM}.*人员经费{NUM}.*公用经费{NUM}", text)
    assert dec(m.group(1)) == gb_basic
    assert dec(m.group(2)) == dec(footer["人员经费合计"]) and dec(m.group(3)) == dec(footer["公用经费合计"])


def test_admin_running_within_public(dept):
    text = paragraphs(dept, "机关运行经费")[0]
    value = dec(re.search(rf"机关运行经费支出{NUM}", text).group(1))
    public = {r["name"]: dec(r["amount"]) for r in dept["tables"]["basic_expenditure_detail"]["footer"]}["公用经费合计"]
    assert 0 < value <= public


def test_procurement(dept):
    text = paragraphs(dept, "政府采购")[0]
    nums = [dec(x) for x in re.findall(rf"{NUM}(?:万元|元)", text)]
    total, goods, works, services, sme, micro = nums[:6]
    assert total == goods + works + services
    assert sme <= total and micro <= sme
    pcts = re.findall(r"([\d.]+)%", text)
    check_pct(pcts[0], sme, total)
    check_pct(pcts[1], micro, sme)
    for label, base in (("货物", goods), ("工程", works), ("服务", services)):
        share = re.search(rf"{label}采购授予中小企业合同金额占{label}支出金额的([\d.]+)%", text)
        if base == 0:  # a zero base admits no percentage
            assert share is None and f"无{label}" in text
        else:
            assert share is not None and Decimal(share.group(1)) <= 100


def test_vehicles_sum_by_type(dept):
    text = paragraphs(dept, "国有资产")[0]
    total = int(re.search(r"共有车辆(\d+)辆", text).group(1))
    parts = [int(x) for x in re.findall(r"用车(\d+)辆", text)]
    assert len(parts) == 8 and sum(parts) == total


def test_attachments(dept):
    atts = dept["attachments"]
    assert atts[0]["kind"] == "self_evaluation" and 1 <= len(atts) - 1 <= 3
    assert all(a["kind"] == "project_self_evaluation" for a in atts[1:])
    exp = by_code(dept, "expenditure")[""]
    whole = atts[0]["budget"]
    assert dec(whole["actual"]) == dec(exp["total"])
    check_pct(whole["rate"].rstrip("%"), dec(whole["actual"]), dec(whole["budget"]))
    fields = atts[0]["fields"][1]
    unit = dept["unit"]
    assert fields[1] == f"{exp['basic']}{unit}" and fields[3] == f"{exp['project']}{unit}"
    gb = rows(dept, "general_budget_expenditure")
    project_amounts = {dec(r.get("project")) for r in gb if len(r["code"]) == 7}
    for a in atts[1:]:
        b = a["budget"]
        check_pct(b["rate"].rstrip("%"), dec(b["actual"]), dec(b["budget"]))
        assert dec(b["actual"]) in project_amounts
        assert a["project"] in narrative(dept)
    assert sum(dec(a["budget"]["actual"]) for a in atts[1:]) <= dec(
        by_code(dept, "general_budget_expenditure")[""]["project"]
    )
    assert len([b for b in dept["blocks"] if b["type"] == "attachment"]) == len(atts)


def test_required_sections_present(dept):
    headings = [b["text"] for b in dept["blocks"] if b["type"] == "heading"]
    assert len([h for h in headings if re.match(r"^[一二三四五六七八九十]+、", h)]) >= 15
    for word in ("机关运行经费", "政府采购", "国有资产", "绩效"):
        assert any(word in h for h in headings), word
    assert any(b["type"] == "title" and b["text"] == "名词解释" for b in dept["blocks"])
    assert "XX" not in narrative(dept)


# -- stable output ---------------------------------------------------------------


def test_build_is_deterministic():
    assert synthetic.build_departments() == DEPTS


def test_main_output_equals_committed_files(tmp_path):
    written = synthetic.main(tmp_path)
    assert {p.name for p in written} == {f"{i}.yaml" for i in EXPECTED_IDS}
    committed = {p.name for p in SAMPLES.glob("sample-*.yaml")}
    assert committed == {p.name for p in written}, "run python -m auditlib.samples.synthetic"
    for p in written:
        assert p.read_bytes() == (SAMPLES / p.name).read_bytes(), p.name
