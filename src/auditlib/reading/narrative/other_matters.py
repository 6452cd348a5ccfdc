"""其他重要事项: 政府采购 (procurement), 国有资产占用 (vehicles, equipment) and 机关运行经费.

Each has its own wording: a procurement total followed by its categories and
the shares awarded to small enterprises; a vehicle total followed by the
vehicle types and the equipment over a value threshold; the operating cost
amount or a statement that there is none.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditlib.model.money import convert_unit
from auditlib.profiles.narrative import (
    EQUIPMENT_UNITS,
    EQUIPMENT_USUAL_THRESHOLD_YUAN,
    EQUIPMENT_VALUE_WORDS,
    OPERATING_COST,
    OPERATING_COST_NONE_WORDS,
    PROCUREMENT_CATEGORIES,
    PROCUREMENT_NONE_WORDS,
    PROCUREMENT_SCOPE_WORDS,
    PROCUREMENT_SUPPLIERS,
    VEHICLE_FLEET,
    VEHICLE_HOLD_VERBS,
    VEHICLE_TYPE_SUFFIX,
    VEHICLE_WORDS,
)
from auditlib.reading.narrative.drafts import Draft
from auditlib.reading.narrative.quantities import MONEY, NUM_B, to_decimal
from auditlib.reading.narrative.text import one_of

if TYPE_CHECKING:
    from auditlib.reading.narrative.extractor import Extractor

_CATEGORY = one_of(PROCUREMENT_CATEGORIES)
_SUPPLIER = one_of(PROCUREMENT_SUPPLIERS)
_PR_TOTAL = re.compile(
    rf"政府采购(?:支出)?(?:总额|总金额|金额|支出)(?:\(以合同签订为准\))?(?:为|是|共计|合计)?"
    rf"(?:(?P<n>{NUM_B})(?P<u>{MONEY})|(?P<ph>[Xx×*]{{1,8}})(?:万元|元))"
)
_PR_PART = re.compile(rf"(?:政府采购)?(?P<t>{_CATEGORY})(?:采购)?(?:支出|金额)?(?:为)?(?P<n>{NUM_B})(?P<u>{MONEY})")
_PR_AWARD = re.compile(
    rf"授予(?P<who>{_SUPPLIER})(?:的)?合同(?:金额)?(?:为)?(?P<n>{NUM_B})(?P<u>{MONEY})"
    rf"(?:[,，]?占[^,，;。\d□]{{0,24}}?的?(?P<p>{NUM_B})(?P<s>%)?)?"
)
_PR_TYPE_SHARE = re.compile(
    rf"(?P<t>{_CATEGORY})(?:采购)?授予中小企业(?:的)?合同金额占[^,，;。\d□]{{0,20}}?的?(?P<p>{NUM_B})(?P<s>%)?"
)
_PR_RESERVED = re.compile(
    rf"面向(?P<who>{_SUPPLIER})预留[^,，;。\d□]{{0,24}}?(?:金额)?(?:为)?(?P<n>{NUM_B})(?P<u>{MONEY})"
)
_PR_FROM = re.compile(
    rf"在(?P<where>{one_of(f'面向{w}预留' for w in PROCUREMENT_SUPPLIERS)}|其他)[^。;\d□]{{0,24}}?项目中[,，]?"
    rf"由(?P<who>{_SUPPLIER})供应商中标或成交的?[,，]?(?:采购|合同)?金额(?:为)?(?P<n>{NUM_B})(?P<u>{MONEY})"
)
_PR_NONE_WORDS = one_of(PROCUREMENT_NONE_WORDS)
_PR_NONE = re.compile(rf"(?:{_PR_NONE_WORDS})(?P<t>{_CATEGORY})?(?:政府)?采购(?:支出|业务|事项)?")
_PR_NOTHING = re.compile(rf"(?:{_PR_NONE_WORDS})政府采购")

_V_FLEET = re.compile(rf"{VEHICLE_FLEET}(?:为|是)?(?P<n>{NUM_B})辆")
_V_TOTAL = re.compile(
    rf"(?:(?:{one_of(VEHICLE_HOLD_VERBS)})(?:各类)?(?:{one_of(VEHICLE_WORDS)})|车辆)(?:共计?|总数|合计)?(?:为)?"
    rf"(?P<n>{NUM_B})辆"
)
_V_TYPE = re.compile(rf"(?P<name>[^,，、;。:\d□]{{2,24}}?{VEHICLE_TYPE_SUFFIX})(?:为)?(?P<n>{NUM_B})辆")
_V_EQUIP = re.compile(
    rf"(?:{one_of(EQUIPMENT_VALUE_WORDS)})(?P<th>{NUM_B})(?P<thu>万元|元)[^。;，,]{{0,12}}?以上(?:的)?"
    rf"(?P<cat>[^。;，,\d]{{0,24}}?)设备[^。;，,\d]{{0,24}}?(?P<n>{NUM_B})(?P<u>{one_of(EQUIPMENT_UNITS)})"
)

_OC = re.compile(rf"{OPERATING_COST}(?:支出)?(?:合计|共计|总额)?(?:为|是|:)?(?P<n>{NUM_B})(?P<u>{MONEY})")
_OC_NONE = re.compile(rf"(?:{one_of(OPERATING_COST_NONE_WORDS)})[^。;,，]{{0,12}}?{OPERATING_COST}")
_BRACKETED = re.compile(r"[(（].*?[)）]|的")


# ---------------------------------------------------------------- procurement


def find_procurement(ex: Extractor) -> None:
    """政府采购: total, goods/works/services, SME and small/micro awards and shares."""
    totals = list(_PR_TOTAL.finditer(ex.mm))
    for k, tm in enumerate(totals):
        limit = totals[k + 1].start() if k + 1 < len(totals) else len(ex.mm)
        end = _procurement_scope(ex, tm.start(), tm.end(), limit)
        f = Draft("procurement", "政府采购", ex.clause_start(tm.start()), end)
        if tm.group("n") is not None:
            f.values["total"] = ex.q(tm.start("n"), tm.end("u"))
        else:  # a placeholder where the total belongs: keep the parts
            f.words["total_placeholder"] = ex.t.s[tm.start("ph") : tm.end("ph")]
        _procurement_parts(ex, f, tm.end(), end)
        ex.consume(tm.start(), end)
        ex.add(f)
    if not totals:
        for nm in _PR_NOTHING.finditer(ex.mm):
            a, b = ex.t.sentence_of(nm.start())
            ex.add(Draft("procurement", "政府采购", a, b, words={"none": "true"}))


def _procurement_scope(ex: Extractor, start: int, total_end: int, limit: int) -> int:
    """End of the sentences, from the total's, that still speak of procurement (before ``limit``)."""
    end = total_end
    si = ex.t.sentence_index(start)
    for a, b in ex.t.sentences[si:]:
        if a >= limit:
            break
        if a > start and not any(w in ex.mm[a:b] for w in PROCUREMENT_SCOPE_WORDS):
            break
        end = min(b, limit)
    return end


def _procurement_parts(ex: Extractor, f: Draft, start: int, end: int) -> None:
    """Categories, awards, shares, reserved amounts and "no goods" statements within [start, end)."""
    for pm in _PR_PART.finditer(ex.mm, start, end):
        key = PROCUREMENT_CATEGORIES[pm.group("t")]
        if key not in f.values:
            f.values[key] = ex.q(pm.start("n"), pm.end("u"))
    for am in _PR_AWARD.finditer(ex.mm, start, end):
        key = PROCUREMENT_SUPPLIERS[am.group("who")]
        f.values.setdefault(key, ex.q(am.start("n"), am.end("u")))
        if am.group("p") is not None:
            f.values.setdefault(f"{key}_share", ex.pct(am, "p", "s"))
    for sm in _PR_TYPE_SHARE.finditer(ex.mm, start, end):
        f.values.setdefault(f"{PROCUREMENT_CATEGORIES[sm.group('t')]}_sme_share", ex.pct(sm, "p", "s"))
    for rm in _PR_RESERVED.finditer(ex.mm, start, end):
        f.values.setdefault(f"reserved_{PROCUREMENT_SUPPLIERS[rm.group('who')]}", ex.q(rm.start("n"), rm.end("u")))
    for fm in _PR_FROM.finditer(ex.mm, start, end):
        who = PROCUREMENT_SUPPLIERS[fm.group("who")]
        where = "other" if fm.group("where") == "其他" else "reserved"
        f.values.setdefault(f"{who}_from_{where}", ex.q(fm.start("n"), fm.end("u")))
    for nm in _PR_NONE.finditer(ex.mm, start, end):
        if nm.group("t"):
            f.words[f"no_{PROCUREMENT_CATEGORIES[nm.group('t')]}"] = "true"


# ---------------------------------------------------------------- vehicles and equipment


def _equipment_key(em: re.Match[str]) -> str:
    """ "equipment_over_1m" for the usual 100万元 threshold, else the printed one;
    a named category (通用/专用) is appended."""
    threshold = convert_unit(to_decimal(em.group("th")), em.group("thu"), "元")
    key = (
        "equipment_over_1m"
        if threshold == EQUIPMENT_USUAL_THRESHOLD_YUAN
        else f"equipment_over_{em.group('th')}{em.group('thu')}"
    )
    cat = _BRACKETED.sub("", em.group("cat"))
    return f"{key}_{cat}" if cat else key


def find_vehicles(ex: Extractor) -> None:
    """国有资产占用: vehicles by type and equipment over 100万元; 公务用车保有量."""
    for fm in _V_FLEET.finditer(ex.mm):
        f = Draft("vehicles", VEHICLE_FLEET, ex.clause_start(fm.start()), fm.end())
        f.values["total"] = ex.q(fm.start("n"), fm.end())
        ex.add(f)
        ex.consume(fm.start(), fm.end())
    equip_used: set[int] = set()
    for tm in _V_TOTAL.finditer(ex.mm):
        if ex.is_consumed(tm.start(), tm.end()):
            continue
        _a, b = ex.t.sentence_of(tm.start())
        f = Draft("vehicles", "车辆", ex.clause_start(tm.start()), b)
        f.values["total"] = ex.q(tm.start("n"), tm.end())
        for vm in _V_TYPE.finditer(ex.mm, tm.end(), b):
            name = ex.t.s[vm.start("name") : vm.end("name")].removeprefix("其中")
            f.values.setdefault(name, ex.q(vm.start("n"), vm.end()))
            f.end = vm.end()
        nb = ex.t.sentences[ex.t.sentence_index(b)][1] if b < len(ex.mm) else b
        for em in _V_EQUIP.finditer(ex.mm, tm.end(), nb):
            f.values.setdefault(_equipment_key(em), ex.q(em.start("n"), em.end("u")))
            f.end = em.end()
            equip_used.add(em.start())
            ex.consume(em.start(), em.end())
        ex.consume(tm.start(), f.end)
        ex.add(f)
    for em in _V_EQUIP.finditer(ex.mm):
        if em.start() in equip_used:
            continue
        f = Draft("vehicles", "设备", ex.clause_start(em.start()), em.end())
        f.values[_equipment_key(em)] = ex.q(em.start("n"), em.end("u"))
        ex.consume(em.start(), em.end())
        ex.add(f)


# ---------------------------------------------------------------- operating cost


def find_operating_cost(ex: Extractor) -> None:
    """机关运行经费: its amount (yoy comes from the yoy pass) or a "none" statement."""
    for m in _OC.finditer(ex.mm):
        f = Draft("operating_cost", OPERATING_COST, ex.clause_start(m.start()), m.end())
        f.values["amount"] = ex.q(m.start("n"), m.end("u"))
        ex.add(f)
        ex.consume(m.start("n"), m.end("u"))
    seen: set[int] = set()
    for m in _OC_NONE.finditer(ex.mm):
        a, b = ex.t.sentence_of(m.start())
        if a in seen:
            continue
        seen.add(a)
        ex.add(Draft("operating_cost", OPERATING_COST, a, b, words={"none": "true"}))
