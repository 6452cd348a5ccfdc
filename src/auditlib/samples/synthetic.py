"""Synthetic sample departments: deterministic and internally consistent.

Why this module exists: the sample corpus needs reports whose every identity
holds exactly (docs/department-format.md, docs/domain.md section 3), so that an
audit of a rendered sample must come back clean and a mutation is the only
defect a rule can find. Real reports carry their own errors; these must not.

How: each department is a short specification of *leaf* figures (functional
项 items, economic 经济分类 items, 三公 items, purchases, vehicles, previous-year
ratios). Everything printed above a leaf (类/款/合计 rows, summaries, the fiscal
summary, 人员/公用经费, shares, rates, year-on-year changes, attachment totals)
is computed here with Decimal, never typed. Amounts that a fixed-seed
``random.Random`` draws are leaves too, so the output is stable byte for byte.

Run ``python -m auditlib.samples.synthetic`` to (re)write
``samples/departments/sample-*.yaml``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import yaml

from auditlib.profiles.final_accounts import TABLES, VARIANTS

D = Decimal
ZERO = D("0.00")
CENT = D("0.01")

#: Where ``main()`` writes the descriptions (relative to the project root).
OUT_DIR = Path(__file__).resolve().parents[3] / "samples" / "departments"

# ---------------------------------------------------------------------------
# small helpers


def q(value: Any) -> Decimal:
    """Amount with two places (half-up)."""
    return D(value).quantize(CENT, rounding=ROUND_HALF_UP)


def s(value: Decimal) -> str:
    """Amount as the description stores it: plain digits, two places."""
    return format(q(value), "f")


def pct(num: Decimal, den: Decimal, places: int) -> Decimal:
    """num/den in percent, half-up at ``places`` decimals (den must not be 0)."""
    if den == 0:
        raise ZeroDivisionError("a zero base admits no percentage")
    return (D(num) * 100 / D(den)).quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


_DIGITS = "〇一二三四五六七八九"


def cn_index(n: int) -> str:
    """1 -> 一, 10 -> 十, 13 -> 十三, 26 -> 二十六."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def cn_year(year: int) -> str:
    return "".join(_DIGITS[int(c)] for c in str(year))


# ---------------------------------------------------------------------------
# classification lists (names as printed in the models)

#: 支出功能分类 类 as the seed's summary table lists them (2023 and 2024 alike).
SUMMARY_CLASSES: tuple[tuple[str, str], ...] = (
    ("201", "一般公共服务支出"),
    ("202", "外交支出"),
    ("203", "国防支出"),
    ("204", "公共安全支出"),
    ("205", "教育支出"),
    ("206", "科学技术支出"),
    ("207", "文化旅游体育与传媒支出"),
    ("208", "社会保障和就业支出"),
    ("210", "卫生健康支出"),
    ("211", "节能环保支出"),
    ("212", "城乡社区支出"),
    ("213", "农林水支出"),
    ("214", "交通运输支出"),
    ("215", "资源勘探工业信息等支出"),
    ("216", "商业服务业等支出"),
    ("217", "金融支出"),
    ("219", "援助其他地区支出"),
    ("220", "自然资源海洋气象等支出"),
    ("221", "住房保障支出"),
    ("222", "粮油物资储备支出"),
    ("223", "国有资本经营预算支出"),
    ("224", "灾害防治及应急管理支出"),
    ("229", "其他支出"),
    ("231", "债务还本支出"),
    ("232", "债务付息支出"),
    ("234", "抗疫特别国债安排的支出"),
)
CLASS_NAMES = dict(SUMMARY_CLASSES)

#: 款 names of the codes the samples use.
KUAN_NAMES: dict[str, str] = {
    "20103": "政府办公厅（室）及相关机构事务",
    "20126": "档案事务",
    "20501": "教育管理事务",
    "20502": "普通教育",
    "20503": "职业教育",
    "20507": "特殊教育",
    "20508": "进修及培训",
    "20509": "教育费附加安排的支出",
    "20701": "文化和旅游",
    "20702": "文物",
    "20703": "体育",
    "20706": "新闻出版电影",
    "20708": "广播电视",
    "20799": "其他文化旅游体育与传媒支出",
    "20802": "民政管理事务",
    "20805": "行政事业单位养老支出",
    "20808": "抚恤",
    "20810": "社会福利",
    "20811": "残疾人事业",
    "21001": "卫生健康管理事务",
    "21002": "公立医院",
    "21003": "基层医疗卫生机构",
    "21004": "公共卫生",
    "21007": "计划生育事务",
    "21011": "行政事业单位医疗",
    "21014": "优抚对象医疗",
    "21016": "老龄卫生健康事务",
    "21099": "其他卫生健康支出",
    "21201": "城乡社区管理事务",
    "21205": "城乡社区环境卫生",
    "22102": "住房改革支出",
    "22301": "解决历史遗留问题及改革成本支出",
    "22401": "应急管理事务",
    "22960": "彩票公益金安排的支出",
}

#: 经济分类 (seed list, Wuhan spelling with ASCII parentheses).
ECON_CLASSES: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "301",
        "工资福利支出",
        (
            ("30101", "基本工资"),
            ("30102", "津贴补贴"),
            ("30103", "奖金"),
            ("30106", "伙食补助费"),
            ("30107", "绩效工资"),
            ("30108", "机关事业单位基本养老保险缴费"),
            ("30109", "职业年金缴费"),
            ("30110", "职工基本医疗保险缴费"),
            ("30111", "公务员医疗补助缴费"),
            ("30112", "其他社会保障缴费"),
            ("30113", "住房公积金"),
            ("30114", "医疗费"),
            ("30199", "其他工资福利支出"),
        ),
    ),
    (
        "303",
        "对个人和家庭的补助",
        (
            ("30301", "离休费"),
            ("30302", "退休费"),
            ("30303", "退职(役)费"),
            ("30304", "抚恤金"),
            ("30305", "生活补助"),
            ("30306", "救济费"),
            ("30307", "医疗费补助"),
            ("30308", "助学金"),
            ("30309", "奖励金"),
            ("30310", "个人农业生产补贴"),
            ("30311", "代缴社会保险费"),
            ("30399", "其他对个人和家庭的补助"),
        ),
    ),
    (
        "302",
        "商品和服务支出",
        (
            ("30201", "办公费"),
            ("30202", "印刷费"),
            ("30203", "咨询费"),
            ("30204", "手续费"),
            ("30205", "水费"),
            ("30206", "电费"),
            ("30207", "邮电费"),
            ("30208", "取暖费"),
            ("30209", "物业管理费"),
            ("30211", "差旅费"),
            ("30212", "因公出国(境)费用"),
            ("30213", "维修(护)费"),
            ("30214", "租赁费"),
            ("30215", "会议费"),
            ("30216", "培训费"),
            ("30217", "公务接待费"),
            ("30218", "专用材料费"),
            ("30224", "被装购置费"),
            ("30225", "专用燃料费"),
            ("30226", "劳务费"),
            ("30227", "委托业务费"),
            ("30228", "工会经费"),
            ("30229", "福利费"),
            ("30231", "公务用车运行维护费"),
            ("30239", "其他交通费用"),
            ("30240", "税金及附加费用"),
            ("30299", "其他商品和服务支出"),
        ),
    ),
    ("307", "债务利息及费用支出", (("30701", "国内债务付息"), ("30702", "国外债务付息"))),
    (
        "310",
        "资本性支出",
        (
            ("31001", "房屋建筑物购建"),
            ("31002", "办公设备购置"),
            ("31003", "专用设备购置"),
            ("31005", "基础设施建设"),
            ("31006", "大型修缮"),
            ("31007", "信息网络及软件购置更新"),
            ("31008", "物资储备"),
            ("31009", "土地补偿"),
            ("31010", "安置补助"),
            ("31011", "地上附着物和青苗补偿"),
            ("31012", "拆迁补偿"),
            ("31013", "公务用车购置"),
            ("31019", "其他交通工具购置"),
            ("31021", "文物和陈列品购置"),
            ("31022", "无形资产购置"),
            ("31099", "其他资本性支出"),
        ),
    ),
    (
        "399",
        "其他支出",
        (
            ("39907", "国家赔偿费用支出"),
            ("39908", "对民间非营利组织和群众性自治组织补贴"),
            ("39909", "经常性赠与"),
            ("39910", "资本性赠与"),
            ("39999", "其他支出"),
        ),
    ),
)
#: Shanghai prints 301, 303, 302 and a shorter 310 (no 307, no 399).
SHANGHAI_310 = ("31001", "31002", "31003", "31007", "31013", "31019", "31021", "31022", "31099")
PERSONNEL_CLASSES = ("301", "303")
PUBLIC_CLASSES = ("302", "307", "310", "399")
#: 三公 items in the economic classification.
THREE_PUBLIC_ECON = {"abroad": "30212", "reception": "30217", "operation": "30231", "purchase": "31013"}

#: Functional items that mirror one economic item (social-security style items).
SOCIAL_ECON: dict[str, str] = {
    "2080501": "30302",
    "2080502": "30302",
    "2080505": "30108",
    "2080506": "30109",
    "2080599": "30399",
    "2080801": "30304",
    "2101101": "30110",
    "2101102": "30110",
    "2101103": "30111",
    "2101199": "30399",
    "2210201": "30113",
    "2210202": "30102",
    "2210203": "30102",
}

#: Chance (in tenths) that a drawn 年初预算 equals the 决算 exactly.
BUDGET_EQUAL_TENTHS = 3
#: A drawn 年初预算 is 决算 × (1 + k/1000) with 15 <= |k| <= 150.
BUDGET_SPREAD = (15, 150)

#: What each kind of item is mainly used for (Shanghai item sentences).
USES = {
    "run": "机关及所属单位在职人员工资福利和日常公用经费等基本支出",
    "social": "按规定为在职及退休人员缴纳和发放的社会保障及住房保障支出",
    "project": "履行部门职责、完成年度重点工作的项目支出",
}

#: What each social item is used for (Shanghai item sentences).
SOCIAL_USES = {
    "2080501": "行政单位退休人员经费支出",
    "2080502": "事业单位退休人员经费支出",
    "2080505": "在职人员基本养老保险单位缴费",
    "2080506": "在职人员职业年金单位缴费",
    "2080599": "其他行政事业单位养老支出",
    "2080801": "按规定发放的死亡抚恤金",
    "2101101": "行政单位在职人员基本医疗保险单位缴费",
    "2101102": "事业单位在职人员基本医疗保险单位缴费",
    "2101103": "公务员医疗补助缴费",
    "2101199": "其他行政事业单位医疗支出",
    "2210201": "在职人员住房公积金单位缴存",
    "2210202": "在职人员提租补贴",
    "2210203": "在职人员购房补贴",
}

REASONS = {
    ("run", "over"): "年中人员调资及新进人员增加了人员经费",
    ("run", "under"): "严格落实过紧日子要求，压减一般性支出",
    ("social", "over"): "按政策调整了缴费基数和补助标准",
    ("social", "under"): "年中人员退休、调出，实际支出减少",
    ("project", "over"): "年中追加了项目经费",
    ("project", "under"): "部分项目按合同进度支付，结余资金按规定收回",
}

VEHICLE_TYPES = {
    "wuhan": (
        ("leader", "副部(省)级及以上领导用车"),
        ("head", "主要负责人用车"),
        ("confidential", "机要通信用车"),
        ("emergency", "应急保障用车"),
        ("enforcement", "执法执勤用车"),
        ("special", "特种专业技术用车"),
        ("retired", "离退休干部服务用车"),
        ("other", "其他用车"),
    ),
    "shanghai": (
        ("leader", "部级领导干部用车"),
        ("head", "主要领导干部用车"),
        ("confidential", "机要通信用车"),
        ("emergency", "应急保障用车"),
        ("enforcement", "执法执勤用车"),
        ("special", "特种专业技术用车"),
        ("retired", "离退休干部用车"),
        ("other", "其他用车"),
    ),
}

# ---------------------------------------------------------------------------
# the computed model of one department


@dataclass
class Item:
    """One 项-level functional item with its money by fund and by use."""

    code: str
    name: str
    kind: str  # run | social | project
    spec: dict[str, Any]
    weight: int = 0
    gb_basic: Decimal = ZERO
    gb_project: Decimal = ZERO
    gb_extra: Decimal = ZERO  # general-budget income minus spending on this item
    gf: dict[str, Decimal] = field(default_factory=dict)  # opening, income, basic, project
    sc: dict[str, Decimal] = field(default_factory=dict)
    business: Decimal = ZERO
    other: Decimal = ZERO
    nf_basic: Decimal = ZERO
    nf_project: Decimal = ZERO
    budget: Decimal | None = None  # 年初预算 of the general-budget spending
    gf_budget: Decimal | None = None
    sc_budget: Decimal | None = None

    @property
    def kuan(self) -> str:
        return self.code[:5]

    @property
    def cls(self) -> str:
        return self.code[:3]

    @property
    def gb_total(self) -> Decimal:
        return self.gb_basic + self.gb_project

    @property
    def gb_income(self) -> Decimal:
        return self.gb_total + self.gb_extra

    def fund(self, which: str, key: str) -> Decimal:
        return getattr(self, which).get(key, ZERO)

    def fund_total(self, which: str) -> Decimal:
        return self.fund(which, "basic") + self.fund(which, "project")

    def fund_closing(self, which: str) -> Decimal:
        return self.fund(which, "opening") + self.fund(which, "income") - self.fund_total(which)

    @property
    def basic(self) -> Decimal:
        return self.gb_basic + self.fund("gf", "basic") + self.fund("sc", "basic") + self.nf_basic

    @property
    def project(self) -> Decimal:
        return self.gb_project + self.fund("gf", "project") + self.fund("sc", "project") + self.nf_project

    @property
    def total(self) -> Decimal:
        return self.basic + self.project

    @property
    def fiscal_income(self) -> Decimal:
        return self.gb_income + self.fund("gf", "income") + self.fund("sc", "income")

    @property
    def income_total(self) -> Decimal:
        return self.fiscal_income + self.business + self.other

    @property
    def full_name(self) -> str:
        return f"{CLASS_NAMES[self.cls]}（类）{KUAN_NAMES[self.kuan]}（款）{self.name}（项）"


@dataclass
class Project:
    code: str
    name: str
    budget: Decimal
    actual: Decimal
    info: dict[str, Any]


class Model:
    """Leaf figures of one department and everything derived from them."""

    def __init__(self, spec: dict[str, Any]):
        self.spec = spec
        self.rng = random.Random(spec["seed"])
        self.scale = 10000 if spec["unit"] == "元" else 1
        self.region = spec["variant"]  # wuhan | shanghai (profiles/variants)
        self.places = 1 if self.region == "wuhan" else 2
        self.year = spec["year"]
        self.items = [self._item(code, name, kw) for code, name, kw in spec["items"]]
        self.items.sort(key=lambda it: it.code)
        self.econ = self._economic()
        self._distribute_running()
        self._balances()
        self._budgets()
        self.projects = self._projects()
        self._check()

    # -- leaves -------------------------------------------------------------
    def draw(self, value: Any) -> Decimal:
        """A leaf amount: an exact string in the department's unit, or a (lo, hi) range in 万元."""
        if isinstance(value, str):
            return q(value)
        lo, hi = value
        lo_c = int(round(lo * 100)) * self.scale
        hi_c = int(round(hi * 100)) * self.scale
        return q(D(self.rng.randint(lo_c, hi_c)) / 100)

    def _item(self, code: str, name: str, kw: dict[str, Any]) -> Item:
        if "run" in kw:
            kind = "run"
        elif "social" in kw:
            kind = "social"
        else:
            kind = "project"
        it = Item(code=code, name=name, kind=kind, spec=kw, weight=kw.get("run", 0))
        if kind == "social":
            it.gb_basic = self.draw(kw["social"])
        if "project" in kw:
            it.gb_project = self.draw(kw["project"])
        for fund in ("gf", "sc"):
            if fund in kw:
                setattr(it, fund, {k: q(v) for k, v in kw[fund].items()})
        for key in ("business", "other", "nf_basic", "nf_project"):
            if key in kw:
                setattr(it, key, q(kw[key]))
        return it

    def _economic(self) -> dict[str, Decimal]:
        econ: dict[str, Decimal] = {}
        for code, value in self.spec["econ"].items():
            econ[code] = econ.get(code, ZERO) + self.draw(value)
        for it in self.items:
            if it.kind == "social":
                target = SOCIAL_ECON[it.code]
                econ[target] = econ.get(target, ZERO) + it.gb_basic
        return econ

    def _distribute_running(self) -> None:
        """Running items take what the economic items leave after the social items."""
        total = sum(self.econ.values(), ZERO)
        social = sum((it.gb_basic for it in self.items if it.kind == "social"), ZERO)
        residual = total - social
        runs = [it for it in self.items if it.kind == "run"]
        weights = sum(it.weight for it in runs)
        given = ZERO
        for i, it in enumerate(runs):
            if i == len(runs) - 1:
                it.gb_basic = residual - given
            else:
                it.gb_basic = (residual * it.weight / weights).quantize(CENT, rounding=ROUND_FLOOR)
                given += it.gb_basic
            if it.gb_basic <= 0:
                raise ValueError(f"{self.spec['id']}: running item {it.code} gets {it.gb_basic}")

    def _balances(self) -> None:
        sp = self.spec
        self.gb_opening = q(sp.get("gb_opening", "0"))
        self.gb_closing = q(sp.get("gb_closing", "0"))
        if self.gb_opening or self.gb_closing:
            carrier = [it for it in self.items if it.spec.get("balance")]
            if len(carrier) != 1:
                raise ValueError(f"{sp['id']}: general-budget balances need one balance item")
            carrier[0].gb_extra = self.gb_closing - self.gb_opening
        self.nf_opening = q(sp.get("nf_opening", "0"))
        self.use_nf = q(sp.get("use_nf", "0"))

    def _budget_of(self, actual: Decimal, rule: Any) -> Decimal:
        if rule == "0":
            return ZERO
        if rule == "eq":
            return actual
        if rule is None:
            if self.rng.randrange(10) < BUDGET_EQUAL_TENTHS:
                return actual
            k = self.rng.randint(*BUDGET_SPREAD) * self.rng.choice((-1, 1))
            factor = 1 + D(k) / 1000
        else:
            factor = D(rule)
        budget = q(actual * factor)
        if budget != actual and pct(actual, budget, self.places) == 100:
            budget = actual  # a rate printed as 100% must mean budget == actual
        return budget

    def _budgets(self) -> None:
        for it in self.items:
            if it.gb_total:
                it.budget = self._budget_of(it.gb_total, it.spec.get("budget"))
            if it.gf:
                it.gf_budget = self._budget_of(it.fund_total("gf"), it.spec.get("gf_budget", "eq"))
            if it.sc:
                it.sc_budget = self._budget_of(it.fund_total("sc"), it.spec.get("sc_budget", "eq"))

    def _projects(self) -> list[Project]:
        out = []
        for it in self.items:
            if not it.gb_project:
                continue
            info = dict(self.spec.get("projects", {}).get(it.code, {}))
            name = info.get("name", f"{it.name}项目")
            adjust = D(info.get("adjust", "1.02" if it.budget and it.budget > it.gb_project else "1"))
            budget = q(it.gb_project * adjust)
            if budget != it.gb_project and pct(it.gb_project, budget, 1) == 100:  # 1 place: coarsest printed
                budget = it.gb_project
            out.append(Project(it.code, name, budget, it.gb_project, info))
        return out

    # -- aggregates ----------------------------------------------------------
    def sum_items(self, fn, items=None) -> Decimal:
        return sum((fn(it) for it in (self.items if items is None else items)), ZERO)

    @property
    def econ_classes(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """Economic classes and items as printed in this style."""
        out = []
        for code, name, items in ECON_CLASSES:
            if self.region == "shanghai":
                if code in ("307", "399"):
                    continue
                items = tuple(i for i in items if code != "310" or i[0] in SHANGHAI_310)
                items = tuple((c, n.replace("(", "（").replace(")", "）")) for c, n in items)
            out.append((code, name, list(items)))
        return out

    def econ_class_total(self, cls: str) -> Decimal:
        return sum((v for k, v in self.econ.items() if k.startswith(cls)), ZERO)

    @property
    def personnel(self) -> Decimal:
        return sum((self.econ_class_total(c) for c in PERSONNEL_CLASSES), ZERO)

    @property
    def public(self) -> Decimal:
        return sum((self.econ_class_total(c) for c in PUBLIC_CLASSES), ZERO)

    @property
    def gb_basic(self) -> Decimal:
        return self.sum_items(lambda it: it.gb_basic)

    @property
    def gb_project(self) -> Decimal:
        return self.sum_items(lambda it: it.gb_project)

    @property
    def gb_total(self) -> Decimal:
        return self.gb_basic + self.gb_project

    @property
    def gb_income(self) -> Decimal:
        return self.sum_items(lambda it: it.gb_income)

    @property
    def gb_budget(self) -> Decimal:
        return self.sum_items(lambda it: it.budget or ZERO)

    def fund_sum(self, which: str, key: str) -> Decimal:
        return self.sum_items(lambda it: it.fund(which, key))

    def fund_total(self, which: str) -> Decimal:
        return self.fund_sum(which, "basic") + self.fund_sum(which, "project")

    def fund_closing(self, which: str) -> Decimal:
        return self.fund_sum(which, "opening") + self.fund_sum(which, "income") - self.fund_total(which)

    @property
    def fiscal_income(self) -> Decimal:
        return self.gb_income + self.fund_sum("gf", "income") + self.fund_sum("sc", "income")

    @property
    def fiscal_opening(self) -> Decimal:
        return self.gb_opening + self.fund_sum("gf", "opening") + self.fund_sum("sc", "opening")

    @property
    def fiscal_closing(self) -> Decimal:
        return self.gb_closing + self.fund_closing("gf") + self.fund_closing("sc")

    @property
    def fiscal_grand_total(self) -> Decimal:
        return self.fiscal_income + self.fiscal_opening

    @property
    def business(self) -> Decimal:
        return self.sum_items(lambda it: it.business)

    @property
    def other(self) -> Decimal:
        return self.sum_items(lambda it: it.other)

    @property
    def income_total(self) -> Decimal:
        return self.fiscal_income + self.business + self.other

    @property
    def basic(self) -> Decimal:
        return self.sum_items(lambda it: it.basic)

    @property
    def project(self) -> Decimal:
        return self.sum_items(lambda it: it.project)

    @property
    def spending(self) -> Decimal:
        return self.basic + self.project

    @property
    def opening(self) -> Decimal:
        return self.fiscal_opening + self.nf_opening

    @property
    def grand_total(self) -> Decimal:
        return self.income_total + self.use_nf + self.opening

    @property
    def closing(self) -> Decimal:
        return self.grand_total - self.spending

    @property
    def nf_spending(self) -> Decimal:
        return self.sum_items(lambda it: it.nf_basic + it.nf_project)

    def three(self, stage: str, key: str) -> Decimal:
        return q(self.spec["three_public"][stage][key])

    def three_total(self, stage: str) -> Decimal:
        return sum((self.three(stage, k) for k in ("abroad", "purchase", "operation", "reception")), ZERO)

    def three_vehicle(self, stage: str) -> Decimal:
        return self.three(stage, "purchase") + self.three(stage, "operation")

    @property
    def admin_running(self) -> Decimal:
        rule = self.spec["admin_running"]
        return self.public if rule == "all" else q(self.public * D(rule))

    def prev(self, key: str, current: Decimal) -> Decimal:
        """Previous-year figure: the current one times an invented ratio."""
        return q(current * D(self.spec["prev"][key]))

    @property
    def vehicles(self) -> int:
        return sum(self.spec["vehicles"].values())

    def purchase(self, key: str) -> Decimal:
        return q(self.spec["purchase"].get(key, "0"))

    @property
    def purchase_total(self) -> Decimal:
        return self.purchase("goods") + self.purchase("works") + self.purchase("services")

    @property
    def sme_total(self) -> Decimal:
        return self.purchase("goods_sme") + self.purchase("works_sme") + self.purchase("services_sme")

    @property
    def dept_budget(self) -> Decimal:
        """Whole-department budget of the self-evaluation (all funds and sources)."""
        other = self.sum_items(lambda it: (it.gf_budget or ZERO) + (it.sc_budget or ZERO))
        return self.gb_budget + other + q(self.spec.get("nf_budget", "0"))

    def _check(self) -> None:
        """Refuse a specification whose leaves break an identity (never silently fix it)."""
        sid = self.spec["id"]

        def need(ok: bool, what: str) -> None:
            if not ok:
                raise ValueError(f"{sid}: {what}")

        need(self.gb_basic == self.personnel + self.public, "基本支出 != 人员经费 + 公用经费")
        for stage in ("budget", "actual"):
            for key in THREE_PUBLIC_ECON:
                self.three(stage, key)
        for key, code in THREE_PUBLIC_ECON.items():
            need(self.econ.get(code, ZERO) <= self.three("actual", key), f"basic {code} above the 三公 table")
        need(self.admin_running <= self.public, "机关运行经费 above 公用经费")
        need(self.closing >= 0 and self.fiscal_closing >= 0, "negative closing balance")
        for which in ("gf", "sc"):
            for it in self.items:
                if getattr(it, which):
                    need(it.fund_closing(which) >= 0, f"negative {which} closing balance on {it.code}")
        need(self.sme_total <= self.purchase_total, "SME purchases above the total")
        need(self.purchase("micro") <= self.sme_total, "small/micro purchases above SME")
        for cat in ("goods", "works", "services"):
            need(self.purchase(f"{cat}_sme") <= self.purchase(cat), f"SME {cat} above {cat}")
        need((self.three("actual", "operation") > 0) == (self.vehicles > 0), "vehicle costs without vehicles")
        if self.region == "shanghai":
            need(not any(k.startswith(("307", "399")) for k in self.econ), "Shanghai prints no 307/399")
            need(all(k in SHANGHAI_310 for k in self.econ if k.startswith("310")), "310 item Shanghai does not print")
            reserved_won = self.sme_total - self.purchase("sme_other")
            need(0 <= reserved_won <= self.purchase("sme_reserved_budget"), "reserved SME purchases")
            need(self.purchase("micro") <= self.purchase("micro_reserved_budget"), "reserved small/micro purchases")
        valid_econ = {c for _, _, items in self.econ_classes for c, _ in items}
        need(set(self.econ) <= valid_econ, f"unknown economic items {sorted(set(self.econ) - valid_econ)}")
        need(self.gb_project == sum((p.actual for p in self.projects), ZERO), "projects != 项目支出")
        for code in self.spec["attach"]:
            need(any(p.code == code for p in self.projects), f"attached project {code} has no 项目支出")
        need(1 <= len(self.spec["attach"]) <= 3, "1-3 project self-evaluations")


# ---------------------------------------------------------------------------
# tables


def _cell(row: dict[str, Any], col: str, value: Decimal, zero: bool = False) -> None:
    """Set a cell: blank (omitted) for a zero unless the report prints the zero."""
    if value or zero:
        row[col] = s(value)


def hierarchy_rows(
    m: Model, items: list[Item], columns: dict[str, Any], zero_cols: tuple[str, ...] = (), total_last: bool = False
) -> list[dict[str, Any]]:
    """合计, then per 类: 类 row, per 款: 款 row and its 项 rows; every total a sum of leaves."""

    def row(code: str, name: str, group: list[Item]) -> dict[str, Any]:
        r: dict[str, Any] = {"code": code, "name": name}
        for col, fn in columns.items():
            _cell(r, col, sum((fn(it) for it in group), ZERO), col in zero_cols)
        return r

    body: list[dict[str, Any]] = []
    for cls in sorted({it.cls for it in items}):
        in_cls = [it for it in items if it.cls == cls]
        body.append(row(cls, CLASS_NAMES[cls], in_cls))
        for kuan in sorted({it.kuan for it in in_cls}):
            in_kuan = [it for it in in_cls if it.kuan == kuan]
            body.append(row(kuan, KUAN_NAMES[kuan], in_kuan))
            body.extend(row(it.code, it.name, [it]) for it in in_kuan)
    total = row("", "合计", items)
    return body + [total] if total_last else [total] + body


def summary_table(m: Model) -> dict[str, Any]:
    by_cls = {
        cls: m.sum_items(lambda it: it.total, [it for it in m.items if it.cls == cls]) for cls, _ in SUMMARY_CLASSES
    }
    use_name = "使用非财政拨款结余和专用结余" if m.region == "wuhan" else "使用非财政拨款结余（含专用结余）"
    income_lines = [
        ("一、一般公共预算财政拨款收入", m.gb_income),
        ("二、政府性基金预算财政拨款收入", m.fund_sum("gf", "income")),
        ("三、国有资本经营预算财政拨款收入", m.fund_sum("sc", "income")),
        ("四、上级补助收入", ZERO),
        ("五、事业收入", m.business),
        ("六、经营收入", ZERO),
        ("七、附属单位上缴收入", ZERO),
        ("八、其他收入", m.other),
    ]
    income = [(n, {"amount": v}) for n, v in income_lines] + [
        ("本年收入合计", {"amount": m.income_total}),
        (use_name, {"amount": m.use_nf}),
        ("年初结转和结余", {"amount": m.opening}),
        ("总计", {"amount": m.grand_total}),
    ]
    expenditure = [
        (f"{cn_index(i + 1)}、{name}", {"amount": by_cls[code]}) for i, (code, name) in enumerate(SUMMARY_CLASSES)
    ]
    n = len(expenditure)
    expenditure += [
        ("本年支出合计", {"amount": m.spending}),
        ("结余分配", {"amount": ZERO}),
        ("年末结转和结余", {"amount": m.closing}),
        ("总计", {"amount": m.grand_total}),
    ]
    rows = _summary_rows(
        m,
        income,
        expenditure,
        n_main=len(income_lines),
        n_classes=n,
        income_total_filler=True,
        expenditure_fill_count=1,
    )
    note = (
        "注：1. 本表反映部门本年度的总收支和年末结转结余情况。2. 本套报表金额单位转换时可能存在尾数误差。"
        if m.region == "wuhan"
        else "注：本表反映部门本年度的总收支和年末结转结余情况。"
    )
    return {"note": note, "rows": rows}


def _summary_rows(
    m: Model,
    income: list,
    expenditure: list,
    n_main: int,
    n_classes: int,
    income_total_filler: bool,
    expenditure_fill_count: int,
) -> list[dict[str, Any]]:
    """Both two-panel tables, laid out as the seed does in Wuhan style.

    Wuhan: the income panel's first lines are followed by filler lines up to
    the number of 类 lines, so that 本年收入合计 meets 本年支出合计; one filler
    line precedes the income 总计 when ``income_total_filler``; the expenditure
    panel has ``expenditure_fill_count`` filler lines before its 总计.
    Shanghai: no line numbers, no filler lines.
    """
    wuhan = m.region == "wuhan"
    rows: list[dict[str, Any]] = []
    line = 0

    def add(panel: str, name: str, values: dict[str, Decimal]) -> None:
        nonlocal line
        line += 1
        r: dict[str, Any] = {"panel": panel}
        if wuhan:
            r["line_no"] = line
        r["name"] = name
        for col, v in values.items():
            _cell(r, col, v)
        rows.append(r)

    for i, (name, vals) in enumerate(income):
        if wuhan and i == n_main:
            for _ in range(n_classes - n_main):
                add("income", "", {})
        if wuhan and name == "总计" and income_total_filler:
            add("income", "", {})
        add("income", name, vals)
    for name, vals in expenditure:
        if wuhan and name == "总计":
            for _ in range(expenditure_fill_count):
                add("expenditure", "", {})
        add("expenditure", name, vals)
    return rows


def fiscal_summary_table(m: Model) -> dict[str, Any]:
    funds = ("gb", "gf", "sc")
    cols = {"gb": "general_budget", "gf": "government_fund", "sc": "state_capital"}

    def spend(fund: str, items: list[Item]) -> Decimal:
        if fund == "gb":
            return m.sum_items(lambda it: it.gb_total, items)
        return m.sum_items(lambda it: it.fund_total(fund), items)

    def by_fund(values: dict[str, Decimal]) -> dict[str, Decimal]:
        out = {"total": sum(values.values(), ZERO)}
        out.update({cols[f]: values[f] for f in funds})
        return out

    income_fund = {"gb": m.gb_income, "gf": m.fund_sum("gf", "income"), "sc": m.fund_sum("sc", "income")}
    opening = {"gb": m.gb_opening, "gf": m.fund_sum("gf", "opening"), "sc": m.fund_sum("sc", "opening")}
    closing = {"gb": m.gb_closing, "gf": m.fund_closing("gf"), "sc": m.fund_closing("sc")}
    spent = {f: spend(f, m.items) for f in funds}
    prefix = ("一、", "二、", "三、") if m.region == "shanghai" else ("", "", "")
    income = [
        ("一、一般公共预算财政拨款", {"amount": income_fund["gb"]}),
        ("二、政府性基金预算财政拨款", {"amount": income_fund["gf"]}),
        ("三、国有资本经营预算财政拨款", {"amount": income_fund["sc"]}),
        ("本年收入合计", {"amount": m.fiscal_income}),
        ("年初财政拨款结转和结余", {"amount": m.fiscal_opening}),
        (f"{prefix[0]}一般公共预算财政拨款", {"amount": opening["gb"]}),
        (f"{prefix[1]}政府性基金预算财政拨款", {"amount": opening["gf"]}),
        (f"{prefix[2]}国有资本经营预算财政拨款", {"amount": opening["sc"]}),
        ("总计", {"amount": m.fiscal_grand_total}),
    ]
    expenditure = []
    for i, (code, name) in enumerate(SUMMARY_CLASSES):
        group = [it for it in m.items if it.cls == code]
        expenditure.append((f"{cn_index(i + 1)}、{name}", by_fund({f: spend(f, group) for f in funds})))
    expenditure += [
        ("本年支出合计", by_fund(spent)),
        ("年末财政拨款结转和结余", by_fund(closing)),
        ("总计", by_fund({f: spent[f] + closing[f] for f in funds})),
    ]
    rows = _summary_rows(
        m,
        income,
        expenditure,
        n_main=3,
        n_classes=len(SUMMARY_CLASSES),
        income_total_filler=False,
        expenditure_fill_count=3,
    )
    if m.region == "wuhan":
        note = (
            "注：本表反映部门本年度一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营预算财政拨款的"
            "总收支和年末结转结余情况。"
        )
    else:
        note = "注：本表反映部门本年度财政拨款总收支和结转结余情况。"
    return {"note": note, "rows": rows}


def income_table(m: Model) -> dict[str, Any]:
    items = [it for it in m.items if it.income_total]
    cols = {
        "total": lambda it: it.income_total,
        "fiscal_appropriation": lambda it: it.fiscal_income,
        "business": lambda it: it.business,
        "other": lambda it: it.other,
    }
    return {"note": "注：本表反映部门本年度取得的各项收入情况。", "rows": hierarchy_rows(m, items, cols)}


def expenditure_table(m: Model) -> dict[str, Any]:
    items = [it for it in m.items if it.total]
    cols = {"total": lambda it: it.total, "basic": lambda it: it.basic, "project": lambda it: it.project}
    zero = ("basic", "project") if m.spec.get("zero_cells") else ()
    return {"note": "注：本表反映部门本年度各项支出情况。", "rows": hierarchy_rows(m, items, cols, zero_cols=zero)}


def general_budget_table(m: Model) -> dict[str, Any]:
    items = [it for it in m.items if it.gb_total]
    cols = {"total": lambda it: it.gb_total, "basic": lambda it: it.gb_basic, "project": lambda it: it.gb_project}
    zero = ("basic", "project") if m.spec.get("zero_cells") else ()
    return {
        "note": "注：本表反映部门本年度一般公共预算财政拨款支出情况。",
        "rows": hierarchy_rows(m, items, cols, zero_cols=zero, total_last=m.region == "shanghai"),
    }


def basic_detail_table(m: Model) -> dict[str, Any]:
    zero = bool(m.spec.get("zero_cells"))
    classes = {code: (name, items) for code, name, items in m.econ_classes}
    # An empty heading continues the heading of the panel before it (公用经费 spans panels 2 and 3).
    layout = (
        [("人员经费", ("301", "303")), ("公用经费", ("302",)), ("", ("307", "310", "399"))]
        if m.region == "wuhan"
        else [("人员经费", ("301", "303")), ("公用经费", ("302", "310"))]
    )
    panels = []
    for heading, codes in layout:
        rows = []
        for code in codes:
            name, items = classes[code]
            r: dict[str, Any] = {"code": code, "name": name}
            _cell(r, "amount", m.econ_class_total(code), zero)
            rows.append(r)
            for icode, iname in items:
                r = {"code": icode, "name": iname}
                _cell(r, "amount", m.econ.get(icode, ZERO), zero)
                rows.append(r)
        panels.append({"heading": heading, "rows": rows})
    table: dict[str, Any] = {
        "note": "注：本表反映部门本年度一般公共预算财政拨款基本支出明细情况。",
        "panels": panels,
        "footer": [{"name": "人员经费合计", "amount": s(m.personnel)}, {"name": "公用经费合计", "amount": s(m.public)}],
    }
    if m.region == "shanghai":
        table["title"] = "一般公共预算财政拨款基本支出决算表"
    return table


def fund_table(m: Model, which: str) -> dict[str, Any]:
    """政府性基金 (gf) or 国有资本经营 (sc) table; empty ones keep their 合计 line and explanation."""
    sp = m.spec
    items = [it for it in m.items if getattr(it, which)]
    fund_name = "政府性基金预算财政拨款" if which == "gf" else "国有资本经营预算财政拨款"
    cols = {
        "opening_balance": lambda it: it.fund(which, "opening"),
        "income": lambda it: it.fund(which, "income"),
        "expenditure_total": lambda it: it.fund_total(which),
        "expenditure_basic": lambda it: it.fund(which, "basic"),
        "expenditure_project": lambda it: it.fund(which, "project"),
        "closing_balance": lambda it: it.fund_closing(which),
    }
    table: dict[str, Any] = {}
    full = which == "gf" or m.region == "shanghai" or sp.get("state_capital_full")
    if not full:
        table["columns"] = ["expenditure_total", "expenditure_basic", "expenditure_project"]
        cols = {k: v for k, v in cols.items() if k in table["columns"]}
    if which == "sc" and full:
        table["title"] = "国有资本经营预算财政拨款收入支出决算表"
    if m.region == "wuhan":
        table["note"] = (
            f"注：本表反映部门本年度{fund_name}收入、支出及结转和结余情况。"
            if full
            else f"注：本表反映部门本年度{fund_name}支出情况。"
        )
    else:
        table["note"] = f"注：本表反映部门本年度{fund_name}收入支出及结转和结余情况。"
    if items:
        table["rows"] = hierarchy_rows(m, items, cols)
    else:
        table["rows"] = [{"code": "", "name": "合计"}]
        if m.region == "wuhan":
            table["explanation"] = f"说明：{sp['department']}当年无{fund_name}收入支出。"
        else:
            table["explanation"] = f"说明：{sp['department']}本年度没有{fund_name}收入和支出，故本表无数据。"
    return table


def three_public_table(m: Model) -> dict[str, Any]:
    tp = m.spec["three_public"]
    table: dict[str, Any] = {"layout": tp["layout"]}
    if m.region == "wuhan":
        table["note"] = (
            "注：本表反映部门本年度财政拨款“三公”经费支出预决算情况。其中，预算数为“三公”经费全年预算数，"
            "反映按规定程序调整后的预算数；决算数是包括当年财政拨款和以前年度结转资金安排的实际支出。"
        )
    else:
        table["note"] = "注：本表反映部门本年度“三公”经费支出预决算情况。"
    if m.three_total("budget") == 0 and m.three_total("actual") == 0:
        table["rows"] = []
        table["explanation"] = f"说明：{m.spec['department']}当年无财政拨款“三公”经费支出。"
        return table
    row: dict[str, Any] = {}
    for stage in ("budget", "actual"):
        row[f"{stage}_total"] = s(m.three_total(stage))
        row[f"{stage}_abroad"] = s(m.three(stage, "abroad"))
        row[f"{stage}_vehicle_subtotal"] = s(m.three_vehicle(stage))
        row[f"{stage}_vehicle_purchase"] = s(m.three(stage, "purchase"))
        row[f"{stage}_vehicle_operation"] = s(m.three(stage, "operation"))
        row[f"{stage}_reception"] = s(m.three(stage, "reception"))
    table["rows"] = [row]
    return table


def build_tables(m: Model) -> dict[str, Any]:
    return {
        "income_expenditure_summary": summary_table(m),
        "income": income_table(m),
        "expenditure": expenditure_table(m),
        "fiscal_summary": fiscal_summary_table(m),
        "general_budget_expenditure": general_budget_table(m),
        "basic_expenditure_detail": basic_detail_table(m),
        "government_fund": fund_table(m, "gf"),
        "state_capital": fund_table(m, "sc"),
        "three_public": three_public_table(m),
    }


# ---------------------------------------------------------------------------
# narrative: shared wording, figures from the model


class Writer:
    """Sentences of the 情况说明; Wuhan wording follows the seed, Shanghai the Putuo reports."""

    def __init__(self, m: Model):
        self.m = m
        self.sp = m.spec
        self.wuhan = m.region == "wuhan"
        self.dept = self.sp["department"]
        self.y = m.year
        self.py = m.year - 1
        self.unit = self.sp["unit"]

    # -- formatting ----------------------------------------------------------
    def amt(self, v: Decimal) -> str:
        text = f"{q(v):,.2f}" if self.wuhan else f"{q(v):.2f}"
        return text + self.unit

    def pct(self, num: Decimal, den: Decimal) -> str:
        return f"{pct(num, den, self.m.places)}%"

    def change(self, cur: Decimal, prev: Decimal) -> str:
        """增加X万元，增长Y% | 减少X万元，下降Y% | 持平 (no percentage on a zero base)."""
        diff = cur - prev
        if diff == 0:
            return "持平"
        word, rate_word = ("增加", "增长") if diff > 0 else ("减少", "下降")
        text = f"{word}{self.amt(abs(diff))}"
        if prev != 0:
            text += f"，{rate_word}{self.pct(abs(diff), prev)}"
        return text

    def shares(self, parts: list[tuple[str, Decimal]], whole: Decimal, lead: str = "占") -> str:
        return "；".join(f"{name}{self.amt(v)}，{lead}{self.pct(v, whole)}" for name, v in parts if v)

    def reason(self, key: str) -> str:
        return self.sp["reasons"][key]

    # -- sections --------------------------------------------------------------
    def overall(self) -> list[str]:
        m = self.m
        prev = m.prev("total", m.grand_total)
        ch = self.change(m.grand_total, prev)
        if self.wuhan:
            verb = "持平" if ch == "持平" else f"各{ch}"
            return [
                f"{self.y}年度收、支总计{self.amt(m.grand_total)}。与{self.py}年度相比，收、支总计{verb}，"
                f"主要原因是{self.reason('total')}。"
            ]
        return [
            f"{self.dept}{self.y}年度收入支出总计{self.amt(m.grand_total)}。与{self.py}年度相比，"
            f"收入支出总计{ch}。主要原因：{self.reason('total')}。"
        ]

    def income(self) -> list[str]:
        m = self.m
        parts = [("财政拨款收入", m.fiscal_income), ("事业收入", m.business), ("其他收入", m.other)]
        prev = m.prev("income", m.income_total)
        if self.wuhan:
            return [
                f"{self.y}年度收入合计{self.amt(m.income_total)}，与{self.py}年度相比，收入合计"
                f"{self.change(m.income_total, prev)}，主要原因是{self.reason('total')}。其中："
                + self.shares(parts, m.income_total, "占本年收入")
                + "。"
            ]
        return [
            f"本年收入合计{self.amt(m.income_total)}，与{self.py}年度相比，收入合计"
            f"{self.change(m.income_total, prev)}。其中：" + self.shares(parts, m.income_total) + "。"
        ]

    def expenditure(self) -> list[str]:
        m = self.m
        parts = [("基本支出", m.basic), ("项目支出", m.project)]
        prev = m.prev("expenditure", m.spending)
        if self.wuhan:
            return [
                f"{self.y}年度支出合计{self.amt(m.spending)}，与{self.py}年度相比，支出合计"
                f"{self.change(m.spending, prev)}，主要原因是{self.reason('total')}。其中："
                + self.shares(parts, m.spending, "占本年支出")
                + "。"
            ]
        return [
            f"本年支出合计{self.amt(m.spending)}，与{self.py}年度相比，支出合计"
            f"{self.change(m.spending, prev)}。其中：" + self.shares(parts, m.spending) + "。"
        ]

    def fiscal(self) -> list[str]:
        m = self.m
        total = m.fiscal_grand_total
        ch = self.change(total, m.prev("fiscal", total))
        gb_prev = m.prev("gb_income", m.gb_income)
        funds = [
            ("一般公共预算财政拨款收入", m.gb_income),
            ("政府性基金预算财政拨款收入", m.fund_sum("gf", "income")),
            ("国有资本经营预算财政拨款收入", m.fund_sum("sc", "income")),
        ]
        listed = "；".join(f"{n}{self.amt(v)}" for n, v in funds if v)
        if self.wuhan:
            verb = "持平" if ch == "持平" else f"各{ch}"
            out = [
                f"{self.y}年度财政拨款收、支总计{self.amt(total)}。与{self.py}年度相比，财政拨款收、支总计{verb}。"
                f"主要原因是{self.reason('fiscal')}。"
            ]
        else:
            out = [
                f"{self.dept}{self.y}年度财政拨款收入支出总计{self.amt(total)}。与{self.py}年度相比，"
                f"财政拨款收入支出总计{ch}。主要原因：{self.reason('fiscal')}。"
            ]
        out.append(
            f"{self.y}年度财政拨款收入{self.amt(m.fiscal_income)}，其中：{listed}。一般公共预算财政拨款收入比"
            f"{self.py}年度决算数{self.change(m.gb_income, gb_prev)}。"
        )
        if m.fiscal_opening or m.fiscal_closing:
            out.append(
                f"年初财政拨款结转和结余{self.amt(m.fiscal_opening)}，年末财政拨款结转和结余"
                f"{self.amt(m.fiscal_closing)}。"
            )
        return out

    def _rate_sentence(self, budget: Decimal, actual: Decimal, reason: str) -> str:
        """年初预算/决算/完成率 with the right word; a zero budget admits no rate."""
        if self.wuhan:
            head = f"年初预算数为{self.amt(budget)}，决算数{self.amt(actual)}"
        else:
            head = f"年初预算为{self.amt(budget)}，支出决算为{self.amt(actual)}"
        if budget == 0:
            return f"{head}，因年初未安排预算，不计算完成率。决算数大于年初预算数的主要原因是{reason}。"
        rate = f"完成年初预算的{self.pct(actual, budget)}"
        if actual == budget:
            return f"{head}，{rate}，决算数与年初预算数持平。"
        word = "大于" if actual > budget else "小于"
        if self.wuhan:
            return f"{head}，{rate}，支出决算数{word}年初预算数的主要原因是{reason}。"
        return f"{head}，{rate}。决算数{word}预算数的主要原因：{reason}。"

    def item_reason(self, it: Item, actual: Decimal, budget: Decimal) -> str:
        direction = "over" if actual > budget else "under"
        return it.spec.get(f"reason_{direction}", REASONS[(it.kind, direction)])

    def general_budget(self) -> list[str]:
        m = self.m
        gb = m.gb_total
        out = ["（一）一般公共预算财政拨款支出决算总体情况"]
        out.append(
            f"{self.y}年度一般公共预算财政拨款支出{self.amt(gb)}，占本年支出合计的{self.pct(gb, m.spending)}。"
            f"与{self.py}年度相比，一般公共预算财政拨款支出{self.change(gb, m.prev('gb_exp', gb))}。"
            f"主要原因是{self.reason('gb')}。"
        )
        out.append("（二）一般公共预算财政拨款支出决算结构情况")
        parts = []
        for code, name in SUMMARY_CLASSES:
            v = m.sum_items(lambda it: it.gb_total, [it for it in m.items if it.cls == code])
            if v:
                parts.append((f"{name}（类）", v))
        out.append(
            f"{self.y}年度一般公共预算财政拨款支出{self.amt(gb)}，主要用于以下方面：" + self.shares(parts, gb) + "。"
        )
        out.append("（三）一般公共预算财政拨款支出决算具体情况")
        budget = m.gb_budget
        direction = "over" if gb > budget else "under"
        lead = (
            f"{self.y}年度一般公共预算财政拨款支出年初预算为{self.amt(budget)}，支出决算为{self.amt(gb)}，"
            f"完成年初预算的{self.pct(gb, budget)}。"
        )
        if gb != budget:
            word = "大于" if gb > budget else "小于"
            lead += f"决算数{word}年初预算数的主要原因是{self.reason('gb_' + direction)}。"
        out.append(lead + "其中：")
        sep = "." if self.wuhan else "、"
        for i, it in enumerate([it for it in m.items if it.gb_total], start=1):
            text = f"{i}{sep}{it.full_name}。"
            if not self.wuhan:
                use = it.spec.get("use") or SOCIAL_USES.get(it.code) or USES[it.kind]
                text += f"主要用于：{use}。"
            text += self._rate_sentence(it.budget, it.gb_total, self.item_reason(it, it.gb_total, it.budget))
            out.append(text)
        return out

    def basic(self) -> list[str]:
        m = self.m

        def names(classes: tuple[str, ...]) -> str:
            return "、".join(
                n for code, _, items in m.econ_classes if code in classes for c, n in items if m.econ.get(c)
            )

        return [
            f"{self.y}年度一般公共预算财政拨款基本支出{self.amt(m.gb_basic)}，其中：",
            f"人员经费{self.amt(m.personnel)}，主要包括：{names(PERSONNEL_CLASSES)}。",
            f"公用经费{self.amt(m.public)}，主要包括：{names(PUBLIC_CLASSES)}。",
        ]

    def fund(self, which: str) -> list[str]:
        m = self.m
        fund_name = "政府性基金预算财政拨款" if which == "gf" else "国有资本经营预算财政拨款"
        items = [it for it in m.items if getattr(it, which)]
        if not items:
            if self.wuhan:
                return [f"{self.dept}当年无{fund_name}收入支出。"]
            return [f"{self.dept}{self.y}年度无{fund_name}收入和支出。"]
        out = [
            f"{self.y}年度{fund_name}年初结转和结余{self.amt(m.fund_sum(which, 'opening'))}，本年收入"
            f"{self.amt(m.fund_sum(which, 'income'))}，本年支出{self.amt(m.fund_total(which))}，年末结转和结余"
            f"{self.amt(m.fund_closing(which))}。支出具体情况如下："
        ]
        sep = "." if self.wuhan else "、"
        for i, it in enumerate(items, start=1):
            actual = it.fund_total(which)
            budget = getattr(it, f"{which}_budget")
            text = f"{i}{sep}{it.full_name}。主要用于：{it.spec.get('use', USES['project'])}。"
            text += self._rate_sentence(budget, actual, self.item_reason(it, actual, budget))
            out.append(text)
        return out

    def three_public(self) -> list[str]:
        m = self.m
        tp = self.sp["three_public"]
        b_total, a_total = m.three_total("budget"), m.three_total("actual")
        prev = {k: q(tp["prev"][k]) for k in ("abroad", "purchase", "operation", "reception")}
        prev_total = sum(prev.values(), ZERO)
        if b_total == 0 and a_total == 0:
            ch = self.change(a_total, prev_total)
            yoy = "持平" if ch == "持平" else ch
            return [
                f"{self.dept}{self.y}年度无财政拨款“三公”经费支出，“三公”经费财政拨款全年预算为{self.amt(ZERO)}，"
                f"支出决算为{self.amt(ZERO)}，与{self.py}年度{yoy}。主要原因是{tp['reason']}。"
            ]

        def rate(a: Decimal, b: Decimal) -> str:
            return f"，完成全年预算的{self.pct(a, b)}" if b else ""

        def part(label: str, b: Decimal, a: Decimal) -> str:
            return f"{label}全年预算为{self.amt(b)}，支出决算为{self.amt(a)}{rate(a, b)}"

        out = ["（一）“三公”经费财政拨款支出决算总体情况说明"]
        word = "大于" if a_total > b_total else "小于"
        lead = f"{self.y}年度“三公”经费财政拨款支出{part('', b_total, a_total)}。"
        if a_total != b_total:
            lead += f"决算数{word}全年预算数的主要原因是{tp['reason']}。"
        prev_sentence = (
            f"与{self.py}年度相比，“三公”经费财政拨款支出决算{self.change(a_total, prev_total)}，其中："
            f"因公出国（境）费{self.change(m.three('actual', 'abroad'), prev['abroad'])}；"
            f"公务用车购置及运行维护费{self.change(m.three_vehicle('actual'), prev['purchase'] + prev['operation'])}；"
            f"公务接待费{self.change(m.three('actual', 'reception'), prev['reception'])}。"
            f"主要原因是{tp['yoy_reason']}。"
        )
        out += [lead, prev_sentence, "（二）“三公”经费财政拨款支出决算具体情况说明"]
        sep = "." if self.wuhan else "、"
        parts = [
            ("因公出国（境）费", m.three("actual", "abroad")),
            ("公务用车购置及运行维护费", m.three_vehicle("actual")),
            ("公务接待费", m.three("actual", "reception")),
        ]
        out.append(
            "“三公”经费财政拨款支出决算中，"
            + "；".join(f"{n}支出决算{self.amt(v)}，占{self.pct(v, a_total)}" for n, v in parts)
            + "。具体情况如下："
        )
        abroad = part("因公出国（境）费", m.three("budget", "abroad"), m.three("actual", "abroad"))
        out.append(
            f"1{sep}{abroad}，全年安排因公出国（境）团组{tp['groups']}个、累计{tp['travellers']}人次"
            f"{('，' + tp['abroad_use']) if tp.get('abroad_use') else ''}。"
        )
        vehicle = part("公务用车购置及运行维护费", m.three_vehicle("budget"), m.three_vehicle("actual"))
        purchase = part("公务用车购置费", m.three("budget", "purchase"), m.three("actual", "purchase"))
        operation = part("公务用车运行维护费", m.three("budget", "operation"), m.three("actual", "operation"))
        bought = f"，更新购置公务用车{tp['bought']}辆" if tp.get("bought") else ""
        out.append(
            f"2{sep}{vehicle}。其中：{purchase}{bought}；{operation}，主要用于公务用车燃料费、维修费、"
            f"过路过桥费、保险费等支出。截至{self.y}年12月31日，{self.dept}开支财政拨款的公务用车保有量为"
            f"{m.vehicles}辆。"
        )
        reception = part("公务接待费", m.three("budget", "reception"), m.three("actual", "reception"))
        out.append(
            f"3{sep}{reception}，主要用于{tp['reception_use']}，全年国内公务接待{tp['batches']}批次、"
            f"{tp['guests']}人次（其中：外宾接待0批次、0人次）。"
        )
        return out

    def admin(self) -> list[str]:
        m = self.m
        cur = m.admin_running
        ch = self.change(cur, m.prev("admin", cur))
        scope = "（行政单位和参照公务员法管理的事业单位）"
        return [
            f"{self.y}年度{self.dept}{scope}机关运行经费支出{self.amt(cur)}，比{self.py}年度{ch}。"
            f"主要原因是{self.reason('admin')}。"
        ]

    def procurement(self) -> list[str]:
        m = self.m
        total, sme, micro = m.purchase_total, m.sme_total, m.purchase("micro")
        cats = [("货物", "goods"), ("工程", "works"), ("服务", "services")]
        if self.wuhan:
            text = (
                f"{self.y}年度{self.dept}政府采购支出总额{self.amt(total)}，其中："
                + "、".join(f"政府采购{label}支出{self.amt(m.purchase(key))}" for label, key in cats)
                + "。"
            )
        else:
            text = (
                f"{self.dept}{self.y}年度政府采购金额（以合同签订为准）为{self.amt(total)}，其中："
                + "、".join(f"{label}采购金额{self.amt(m.purchase(key))}" for label, key in cats)
                + "。"
            )
        text += (
            f"授予中小企业合同金额{self.amt(sme)}，占政府采购支出总额的{self.pct(sme, total)}，其中：授予小微企业"
            f"合同金额{self.amt(micro)}，占授予中小企业合同金额的{self.pct(micro, sme)}"
        )
        shares = [
            f"{label}采购授予中小企业合同金额占{label}支出金额的{self.pct(m.purchase(key + '_sme'), m.purchase(key))}"
            for label, key in cats
            if m.purchase(key)
        ]
        missing = [label for label, key in cats if not m.purchase(key)]
        text += "；" + "，".join(shares)
        if missing:
            text += f"；本年度无{'、'.join(missing)}采购"
        out = [text + "。"]
        if not self.wuhan:
            reserved_won = sme - m.purchase("sme_other")
            out.append(
                f"{self.y}年度本部门面向中小企业预留政府采购项目预算金额{self.amt(m.purchase('sme_reserved_budget'))}，"
                f"面向小微企业预留政府采购项目预算金额{self.amt(m.purchase('micro_reserved_budget'))}。在面向中小企业"
                f"预留的政府采购项目中，由中小企业供应商中标或成交的，采购金额{self.amt(reserved_won)}；在面向小微企业"
                f"预留政府采购项目中，由小微企业供应商中标或成交的，采购金额{self.amt(micro)}；在其他政府采购项目中，"
                f"由中小企业供应商中标或成交的，采购金额{self.amt(m.purchase('sme_other'))}。"
            )
        return out

    def assets(self) -> list[str]:
        m = self.m
        v = self.sp["vehicles"]
        types = "、".join(f"{label}{v.get(key, 0)}辆" for key, label in VEHICLE_TYPES[m.region])
        price = "100万元" if self.unit == "万元" else "1,000,000元"
        return [
            f"截至{self.y}年12月31日，{self.dept}共有车辆{m.vehicles}辆，其中：{types}。单价{price}（含）以上设备"
            f"（不含车辆）{self.sp['equipment']}台（套）。"
        ]

    def performance(self) -> list[str]:
        m = self.m
        projects = m.projects
        n = len(projects)
        funds = sum((p.actual for p in projects), ZERO)
        budgets = sum((p.budget for p in projects), ZERO)
        perf = self.sp["performance"]
        out = []
        if self.wuhan:
            out.append("（一）预算绩效管理工作开展情况")
            out.append(
                f"根据预算绩效管理要求，我部门组织对{self.y}年度一般公共预算项目支出全面开展绩效自评，共涉及项目{n}个，"
                f"预算数{self.amt(budgets)}，资金{self.amt(funds)}，占一般公共预算项目支出总额的"
                f"{self.pct(funds, m.gb_project)}。从绩效评价情况来看，本部门能按照要求完成各项绩效工作，"
                f"对各项工作进行了有效的绩效监控。"
            )
            out.append("（二）部门整体支出自评结果")
            out.append(
                f"我部门组织对1个部门开展整体支出绩效自评，预算数{self.amt(m.dept_budget)}，执行数"
                f"{self.amt(m.spending)}，执行率{pct(m.spending, m.dept_budget, 2)}%。从评价情况来看，"
                f"{self.y}年度整体支出绩效良好，完成了年初制定的各项绩效目标。"
            )
            out.append("（三）项目支出自评结果")
        else:
            out.append(
                f"{self.dept}{self.y}年度预算绩效管理工作开展情况如下：本部门建立了{perf['system']}等预算绩效管理"
                f"制度，建立了“预算编制有目标、执行有监控、完成有评价、结果有应用”的预算绩效管理工作机制；"
                f"全过程绩效管理实施情况：编报绩效目标的{self.y}年度项目{n}个，涉及预算金额{self.amt(budgets)}；"
                f"绩效跟踪评价的{self.y}年度项目{n}个，涉及预算金额{self.amt(budgets)}；绩效自评的{self.y}年度"
                f"项目{n}个，涉及预算金额{self.amt(budgets)}，平均得分{perf['score']}分（其中，绩效评级为“优”"
                f"的项目{perf['excellent']}个；绩效评级为“良”的项目{n - perf['excellent']}个；绩效评级为"
                f"“合格”的项目0个；绩效评级为“不合格”的项目0个。绩效自评中共发现问题0个，已经完成整改的0个，"
                f"正在整改的0个）。"
            )
            out.append(
                f"部门整体支出绩效自评：预算数{self.amt(m.dept_budget)}，执行数{self.amt(m.spending)}，执行率"
                f"{pct(m.spending, m.dept_budget, 2)}%；项目支出绩效自评涉及资金{self.amt(funds)}，占一般公共"
                f"预算项目支出总额的{self.pct(funds, m.gb_project)}。"
            )
        attached = attached_projects(m)
        out.append(
            f"我部门在{self.y}年度部门决算中反映{len(attached)}个重点项目绩效自评结果（不包括涉密项目），具体如下："
        )
        sep = "." if self.wuhan else "、"
        for i, p in enumerate(attached, start=1):
            out.append(
                f"{i}{sep}{p.name}绩效自评综述：项目全年预算数为{self.amt(p.budget)}，执行数为{self.amt(p.actual)}，"
                f"完成预算的{self.pct(p.actual, p.budget)}。主要产出和效益是：{p.info.get('summary', '')}"
            )
        if self.wuhan:
            out.append("（四）绩效自评结果应用情况")
            out.append(
                "一是强化预算执行与监控，加强预算执行情况的反馈和沟通，确保预算执行的一致性。二是完善绩效评价体系，"
                "将绩效自评结果作为以后年度预算安排的重要依据。"
            )
        return out


SECTION_TITLES = {
    "overall": ("收入支出决算总体情况说明", "收入支出决算总体情况说明"),
    "income": ("收入决算情况说明", "收入决算情况说明"),
    "expenditure": ("支出决算情况说明", "支出决算情况说明"),
    "fiscal": ("财政拨款收入支出决算总体情况说明", "财政拨款收入支出决算总体情况说明"),
    "general_budget": ("一般公共预算财政拨款支出决算情况说明", "一般公共预算财政拨款支出决算情况说明"),
    "basic": ("一般公共预算财政拨款基本支出决算情况说明", "一般公共预算财政拨款基本支出决算情况说明"),
    "gf": ("政府性基金预算财政拨款收入支出决算情况说明", "政府性基金预算财政拨款收入支出决算情况说明"),
    "sc": ("国有资本经营预算财政拨款支出决算情况说明", "国有资本经营预算财政拨款收入支出决算情况说明"),
    "three_public": ("财政拨款“三公”经费支出决算情况说明", "财政拨款“三公”经费支出决算情况说明"),
    "admin": ("机关运行经费支出说明", "机关运行经费支出情况说明"),
    "procurement": ("政府采购支出说明", "政府采购支出情况说明"),
    "assets": ("国有资产占用情况说明", "国有资产占有使用情况说明"),
    "performance": ("预算绩效情况说明", "预算绩效管理情况"),
}
SECTION_ORDER = {
    "wuhan": (
        "overall",
        "income",
        "expenditure",
        "fiscal",
        "general_budget",
        "basic",
        "gf",
        "sc",
        "three_public",
        "admin",
        "procurement",
        "assets",
        "performance",
    ),
    "shanghai": (
        "overall",
        "income",
        "expenditure",
        "fiscal",
        "general_budget",
        "basic",
        "three_public",
        "gf",
        "sc",
        "admin",
        "procurement",
        "assets",
        "performance",
    ),
}


def narrative_sections(m: Model) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) of the 情况说明 in the style's order."""
    w = Writer(m)
    fns = {
        "overall": w.overall,
        "income": w.income,
        "expenditure": w.expenditure,
        "fiscal": w.fiscal,
        "general_budget": w.general_budget,
        "basic": w.basic,
        "gf": lambda: w.fund("gf"),
        "sc": lambda: w.fund("sc"),
        "three_public": w.three_public,
        "admin": w.admin,
        "procurement": w.procurement,
        "assets": w.assets,
        "performance": w.performance,
    }
    idx = 0 if m.region == "wuhan" else 1
    out = []
    for i, key in enumerate(SECTION_ORDER[m.region], start=1):
        out.append((f"{cn_index(i)}、{SECTION_TITLES[key][idx]}", fns[key]()))
    return out


GLOSSARY_WUHAN = (
    "一般公共预算财政拨款收入：指区级财政一般公共预算当年拨付的资金。",
    "政府性基金预算财政拨款收入：指区级财政政府性基金预算当年拨付的资金。",
    "国有资本经营预算财政拨款收入：指区级财政国有资本经营预算当年拨付的资金。",
    "上级补助收入：指从事业单位主管部门和上级单位取得的非财政补助收入。",
    "事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
    "经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    "其他收入：指单位取得的除上述“一般公共预算财政拨款收入”、“政府性基金预算财政拨款收入”、“国有资本经营预算财政拨款收入”、"
    "“上级补助收入”、“事业收入”、“经营收入”等收入以外的各项收入。",
    "使用非财政拨款结余(含专用结余)：指事业单位按预算管理要求使用非财政拨款结余(含专用结余)弥补收支差额的金额。",
    "年初结转和结余：指单位以前年度尚未完成、结转到本年仍按原规定用途继续使用的资金，或项目已完成等产生的结余资金。",
    "结余分配：指单位按照会计制度规定缴纳企业所得税以及从非财政拨款结余或经营结余中提取各类结余的情况。",
    "年末结转和结余：指单位按有关规定结转到下年或以后年度继续使用的资金，或项目已完成等产生的结余资金。",
    "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
    "项目支出：指在基本支出之外为完成特定行政任务或事业发展目标所发生的支出。",
    "经营支出：指事业单位在专业活动及辅助活动之外开展非独立核算经营活动发生的支出。",
    "“三公”经费：指部门用财政拨款安排的因公出国(境)费、公务用车购置及运行维护费和公务接待费。其中，因公出国(境)费反映单位"
    "公务出国(境)的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；公务用车购置及运行维护费反映单位公务用车"
    "购置支出(含车辆购置税、牌照费)及燃料费、维修费、过桥过路费、保险费、安全奖励费用等支出；公务接待费反映单位按规定开支的"
    "各类公务接待(含外宾接待)费用。",
    "机关运行经费：指为保障行政单位(包括参照公务员法管理的事业单位)运行用于购买货物和服务的各项资金，包括办公费、印刷费、"
    "邮电费、差旅费、会议费、福利费、日常维修费、专用材料及一般设备购置费、办公用房水电费、办公用房取暖费、办公用房物业管理费、"
    "公务用车运行维护费以及其他费用。",
)
GLOSSARY_SHANGHAI = (
    "财政拨款收入：指单位本年度从本级财政部门取得的财政拨款，包括一般公共预算财政拨款、政府性基金预算财政拨款和国有资本经营"
    "预算财政拨款。",
    "事业收入：指事业单位开展专业业务活动及其辅助活动取得的收入。",
    "经营收入：指事业单位在专业业务活动及其辅助活动之外开展非独立核算经营活动取得的收入。",
    "其他收入：指单位取得的除“财政拨款收入”、“事业收入”、“经营收入”等以外的收入。",
    "年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
    "年末结转和结余：指本年度或以前年度预算安排、因客观条件发生变化无法按原计划实施，需延迟到以后年度按有关规定继续使用的资金。",
    "基本支出：指单位为保障机构正常运转、完成日常工作任务而发生的各项支出。",
    "项目支出：指单位为完成特定的行政工作任务或事业发展目标，在基本支出之外发生的各项支出。",
    "经营支出：指事业单位在专业活动及辅助活动之外开展非独立核算经营活动发生的支出。",
    "“三公”经费：指单位使用本级财政拨款安排的因公出国（境）费、公务用车购置及运行维护费和公务接待费。其中：因公出国（境）费"
    "反映单位参加国际合作交流、重大项目洽谈、境外培训研修等的国际旅费、国外城市间交通费、住宿费、伙食费、培训费、公杂费等支出；"
    "公务接待费反映全国性专业会议、国家重大政策调研、专项检查以及外事团组接待交流等执行公务或开展业务所需住宿费、交通费、伙食费"
    "等支出；公务用车购置及运行维护费反映编制内公务车辆的报废更新，以及用于安排市内因公出差、公务文件交换、日常工作开展等所需"
    "公务用车燃料费、维修费、过路过桥费、保险费等支出。",
    "机关运行经费：指行政单位和参照公务员法管理的事业单位使用一般公共预算财政拨款安排的基本支出中的日常公用经费支出。",
)


# ---------------------------------------------------------------------------
# attachments


def attached_projects(m: Model) -> list[Project]:
    """The 1–3 projects with an attached self-evaluation (in the order the spec names them)."""
    by_code = {p.code: p for p in m.projects}
    return [by_code[c] for c in m.spec["attach"]]


DEFAULT_INDICATORS = (
    ("产出指标", "数量指标", "年度任务完成率", "≥95%", "100%"),
    ("产出指标", "质量指标", "项目验收合格率", "100%", "100%"),
    ("产出指标", "时效指标", "资金支付及时率", "≥90%", "98%"),
    ("效益指标", "社会效益指标", "服务对象覆盖面", "持续提升", "达到预期"),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%", "95%"),
)
ATTACHMENT_NOTES = (
    "备注：1. 预算执行情况口径：预算数为调整后财政资金总额(包括上年结余结转)，执行数为资金使用单位财政资金实际支出数。",
    "2. 基于经济性和必要性等因素考虑，满意度指标暂可不作为必评指标。",
    "3. 部门预算项目以二级项目填报，区级专项、上级专项转移支付项目、具有特定用途和具体使用目标的共同事权类一般性转移支付以"
    "一级项目填报。",
)


def _deviation(rate: Decimal) -> str:
    return "无偏差。" if rate >= 95 else "部分项目按合同进度支付，当年执行率未达到95%，结余资金已按规定收回。"


def build_attachments(m: Model) -> list[dict[str, Any]]:
    sp = m.spec
    y, unit = m.year, sp["unit"]
    filled = f"填报日期：{y + 1}年5月10日"
    whole_rate = pct(m.spending, m.dept_budget, 2)
    if m.nf_spending:
        note1 = "备注：1. 基本支出总额和项目支出总额为部门实际支出数（含财政拨款和非财政拨款资金）。"
    else:
        note1 = "备注：1. 基本支出总额和项目支出总额为财政资金实际支出数。"
    atts: list[dict[str, Any]] = [
        {
            "kind": "self_evaluation",
            "heading": f"一、{y}年度{sp['department']}整体绩效自评表",
            "title": f"{y}年度{sp['short']}整体绩效自评表",
            "meta": [filled],
            "fields": [
                ["单位名称", sp["department"]],
                ["基本支出总额", f"{s(m.basic)}{unit}", "项目支出总额", f"{s(m.project)}{unit}"],
            ],
            "budget": {
                "label": "部门整体支出总额",
                "budget": s(m.dept_budget),
                "actual": s(m.spending),
                "rate": f"{whole_rate}%",
            },
            "goals": [
                {"name": f"年度目标{i}", "text": g["text"], "indicators": [list(x) for x in g["indicators"]]}
                for i, g in enumerate(sp["goals"], start=1)
            ],
            "closing": [
                ["偏差大或目标未完成原因分析", _deviation(whole_rate)],
                [
                    "改进措施及结果应用方案",
                    "一、加强人员培训和能力建设，提高绩效管理人员的专业素养。二、注重结果应用，"
                    "将绩效评价结果与预算编制、执行和监督等环节紧密衔接。",
                ],
            ],
            "notes": [note1, "2. 基于经济性和必要性等因素考虑，满意度指标暂可不作为必评指标。"],
        }
    ]
    for i, p in enumerate(attached_projects(m), start=2):
        rate = pct(p.actual, p.budget, 2)
        kind = p.info.get("type", "常年性项目")
        types = "　".join(
            f"{n}、{t}{'☑' if t == kind else '☐'}" for n, t in ((1, "常年性项目"), (2, "延续性项目"), (3, "一次性项目"))
        )
        atts.append(
            {
                "kind": "project_self_evaluation",
                "heading": f"{cn_index(i)}、{y}年度{p.name}绩效自评表",
                "title": f"{y}年度{p.name}绩效自评表",
                "meta": [f"单位名称：{sp['department']}", filled],
                "project": p.name,
                "fields": [
                    ["项目名称", p.name],
                    ["主管部门", sp["department"], "项目实施单位", p.info.get("unit", sp["department"])],
                    ["项目类别", "1、部门预算项目☑　2、区级专项☐　3、上级转移支付项目☐"],
                    ["项目属性", "1、持续性项目☑　2、新增性项目☐"],
                    ["项目类型", types],
                ],
                "budget": {
                    "label": "年度财政资金总额",
                    "budget": s(p.budget),
                    "actual": s(p.actual),
                    "rate": f"{rate}%",
                },
                "goals": [
                    {
                        "name": "年度绩效目标1",
                        "text": p.info.get("goal", p.info.get("summary", "")),
                        "indicators": [list(x) for x in p.info.get("indicators", DEFAULT_INDICATORS)],
                    }
                ],
                "closing": [
                    ["偏差大或目标未完成原因分析", _deviation(rate)],
                    [
                        "改进措施及结果应用方案",
                        "进一步完善绩效评价体系，建立绩效监控机制，对预算执行过程进行实时监控和预警，"
                        "确保预算绩效目标的实现。",
                    ],
                ],
                "notes": list(ATTACHMENT_NOTES),
            }
        )
    return atts


# ---------------------------------------------------------------------------
# the document


def build_department(spec: dict[str, Any]) -> dict[str, Any]:
    """The description (docs/department-format.md) of one specification."""
    m = Model(spec)
    tables = build_tables(m)
    wuhan = m.region == "wuhan"
    dept, y = spec["department"], spec["year"]
    order = VARIANTS[m.region].order
    titles = {tid: tables[tid].get("title", TABLES[tid].title) for tid in order}
    sections = narrative_sections(m)
    attachments = build_attachments(m)
    part1 = ("一、部门主要职责", "二、机构设置情况") if wuhan else ("一、主要职能", "二、部门决算单位构成")

    toc = [f"第一部分 {dept}概况", *part1, f"第二部分 {dept}{y}年度部门决算表"]
    toc += [f"{cn_index(i)}、{titles[tid]}" for i, tid in enumerate(order, start=1)]
    toc.append(f"第三部分 {dept}{y}年度部门决算情况说明")
    toc += [title for title, _ in sections]
    toc += ["第四部分 名词解释", "第五部分 附件"]
    toc += [a["heading"] for a in attachments]

    blocks: list[dict[str, Any]] = [{"type": "toc", "lines": toc}]
    blocks += [
        {"type": "part", "text": "第一部分"},
        {"type": "title", "text": f"{dept}概况"},
        {"type": "heading", "text": part1[0]},
    ]
    blocks += [{"type": "paragraph", "text": t} for t in spec["duties"]]
    blocks.append({"type": "heading", "text": part1[1]})
    blocks += [{"type": "paragraph", "text": t} for t in units_paragraphs(m)]
    blocks += [{"type": "part", "text": "第二部分"}, {"type": "title", "text": f"{dept}{y}年度部门决算表"}]
    blocks += [{"type": "table", "id": tid} for tid in order]
    blocks += [{"type": "part", "text": "第三部分"}, {"type": "title", "text": f"{dept}{y}年度部门决算情况说明"}]
    for title, paragraphs in sections:
        blocks.append({"type": "heading", "text": title})
        # （一）… lines without a full stop are sub-headings, as in the seed description
        blocks += [
            {"type": "heading" if t.startswith("（") and not t.endswith("。") else "paragraph", "text": t}
            for t in paragraphs
        ]
    blocks += [{"type": "part", "text": "第四部分"}, {"type": "title", "text": "名词解释"}]
    glossary = GLOSSARY_WUHAN if wuhan else GLOSSARY_SHANGHAI
    blocks += [
        {"type": "paragraph", "text": f"（{cn_index(i)}）{t}" if wuhan else f"{cn_index(i)}、{t}"}
        for i, t in enumerate(glossary, start=1)
    ]
    blocks += [{"type": "part", "text": "第五部分"}, {"type": "title", "text": "附件"}]
    blocks += [{"type": "attachment", "index": i} for i in range(len(attachments))]

    if wuhan:
        cover = {"title": f"{y}年度{dept} 部门决算", "date": f"{cn_year(y + 1)}年十月"}
    else:
        cover = {"title": f"{dept} {y}年度部门决算", "date": f"{cn_year(y + 1)}年九月"}
    described: dict[str, Any] = {"id": spec["id"], "department": dept, "year": y, "unit": spec["unit"]}
    described["variant"] = spec["variant"]
    if spec.get("style"):
        described["style"] = dict(spec["style"])
    return {
        **described,
        "cover": cover,
        "blocks": blocks,
        "tables": tables,
        "attachments": attachments,
    }


def units_paragraphs(m: Model) -> list[str]:
    sp = m.spec
    dept, y = sp["department"], sp["year"]
    subs = sp["units"]
    n = len(subs)
    if m.region == "wuhan":
        out = list(sp["structure"])
        out.append(f"从单位构成看，{dept}部门决算由实行独立核算的{dept}本级决算和{n}个下属单位决算组成。")
        listed = f"：{'、'.join(u for u, _ in subs)}" if subs else ""
        out.append(f"纳入{dept}{y}年度部门决算编制范围的单位共{n + 1}个（{dept}本级和{n}个所属单位）{listed}。")
        return out
    out = [
        f"从预算单位构成看，{dept}部门决算包括：{dept}本级决算、下属行政事业单位决算。",
        f"纳入{dept}{y}年度部门决算编制范围的单位包括：",
        "序号　单位名称　备注",
        f"1　{dept}（本级）",
    ]
    out += [f"{i}　{u}　{note}" for i, (u, note) in enumerate(subs, start=2)]
    out += list(sp["structure"])
    return out


# ---------------------------------------------------------------------------
# the five departments


def leaf(code: str, name: str, **kw: Any) -> tuple[str, str, dict[str, Any]]:
    return (code, name, kw)


def _shanghai_education() -> dict[str, Any]:
    dept = "示例市示例区教育局"
    return {
        "id": "sample-shanghai-education-2024",
        "department": dept,
        "short": "示例区教育局",
        "year": 2024,
        "unit": "万元",
        "seed": 2024_0205,
        "variant": "shanghai",
        "duties": [
            "（一）贯彻执行国家和本市有关教育工作的法律、法规、规章和方针、政策，研究拟订本区教育改革与发展规划并组织实施。",
            "（二）负责本区各级各类教育的统筹规划和协调管理，推进义务教育均衡发展和基本公共教育服务均等化。",
            "（三）负责本区教育经费的统筹管理，参与拟订教育经费筹措、教育拨款和教育基建投资的政策，监督管理教育经费的使用。",
            "（四）负责本区中小学、幼儿园教师队伍建设和教师培训工作，指导学校开展教育教学改革。",
            "（五）负责本区学校体育、卫生与艺术教育以及国防教育工作，统筹推进学校安全和校园周边环境治理。",
            "（六）完成区委、区政府交办的其他任务。",
        ],
        "units": [
            ("示例市示例区教育事务服务中心", "下属事业单位"),
            ("示例市示例区第一示例幼儿园", "下属事业单位"),
            ("示例市示例区示例实验小学", "下属事业单位"),
        ],
        "structure": [
            "示例市示例区教育局内设机构6个，包括：办公室、组织人事科、财务审计科、基础教育科、学前教育科、体育卫生艺术科。"
        ],
        "items": [
            leaf("2050101", "行政运行", run=2, use="局机关在职人员工资福利和日常公用经费等基本支出"),
            leaf("2050102", "一般行政管理事务", project=(80, 150), use="教育督导、招生考试组织等行政管理事务"),
            leaf("2050199", "其他教育管理事务支出", project=(100, 200), use="教育信息化运维及教育统计等事务"),
            leaf(
                "2050201",
                "学前教育",
                run=3,
                project=(200, 400),
                business="85.60",
                nf_basic="80.00",
                use="区属幼儿园人员经费、公用经费及保教质量提升项目",
            ),
            leaf("2050202", "小学教育", run=5, project=(400, 700), use="区属小学人员经费、公用经费及办学条件改善项目"),
            leaf("2050203", "初中教育", project=(300, 500), use="初中学校课程建设和办学条件改善项目"),
            leaf("2050204", "高中教育", project=(100, 200), use="高中学校特色课程建设项目"),
            leaf(
                "2050299",
                "其他普通教育支出",
                project=(150, 300),
                other="6.20",
                nf_project="3.10",
                use="学生课后服务、校园安全等其他普通教育项目",
            ),
            leaf("2050302", "中等职业教育", project=(60, 120), use="中等职业教育专业建设和实训基地项目"),
            leaf("2050701", "特殊学校教育", project=(40, 90), use="特殊教育学校随班就读支持及康复项目"),
            leaf("2050801", "教师进修", project=(80, 160), use="中小学教师全员培训和骨干教师研修项目"),
            leaf(
                "2050999",
                "其他教育费附加安排的支出",
                project=(200, 400),
                balance=True,
                use="教育费附加安排的校舍维修和教学设施更新项目",
            ),
            leaf("2080501", "行政单位离退休", social=(20, 40)),
            leaf("2080502", "事业单位离退休", social=(60, 90)),
            leaf("2080505", "机关事业单位基本养老保险缴费支出", social=(300, 360)),
            leaf("2080506", "机关事业单位职业年金缴费支出", social=(150, 180)),
            leaf("2101101", "行政单位医疗", social=(30, 45)),
            leaf("2101102", "事业单位医疗", social=(110, 150)),
            leaf("2210201", "住房公积金", social=(260, 320)),
            leaf("2210203", "购房补贴", social=(90, 130)),
            leaf(
                "2296004",
                "用于教育事业的彩票公益金支出",
                gf={"opening": "18.60", "income": "120.00", "project": "125.30"},
                gf_budget="1.04",
                use="学生体育艺术活动和校外教育场所设施更新",
            ),
        ],
        "econ": {
            "30101": (700, 800),
            "30102": (500, 600),
            "30103": (60, 90),
            "30107": (1300, 1500),
            "30112": (15, 25),
            "30199": (100, 150),
            "30305": (5, 10),
            "30309": (2, 5),
            "30201": (40, 70),
            "30202": (5, 12),
            "30205": (15, 25),
            "30206": (40, 60),
            "30207": (8, 15),
            "30209": (60, 90),
            "30211": (5, 10),
            "30213": (30, 50),
            "30216": (8, 15),
            "30217": "0.86",
            "30226": (20, 40),
            "30227": (30, 60),
            "30228": (50, 70),
            "30229": (40, 60),
            "30231": "7.92",
            "30239": (50, 70),
            "30299": (20, 40),
            "31002": (20, 35),
            "31007": (15, 30),
        },
        "gb_opening": "35.20",
        "gb_closing": "12.40",
        "nf_opening": "42.50",
        "use_nf": "10.00",
        "nf_budget": "90.00",
        "three_public": {
            "layout": "alternating",
            "budget": {"abroad": "0.00", "purchase": "0.00", "operation": "8.50", "reception": "1.50"},
            "actual": {"abroad": "0.00", "purchase": "0.00", "operation": "7.92", "reception": "0.86"},
            "prev": {"abroad": "0.00", "purchase": "0.00", "operation": "8.10", "reception": "1.12"},
            "groups": 0,
            "travellers": 0,
            "batches": 6,
            "guests": 48,
            "reception_use": "接待兄弟区县教育部门调研交流",
            "reason": "严格落实中央八项规定精神，从严控制“三公”经费支出",
            "yoy_reason": "公务用车使用管理进一步规范，公务接待批次减少",
        },
        "purchase": {
            "goods": "612.40",
            "works": "356.80",
            "services": "904.15",
            "goods_sme": "498.20",
            "works_sme": "356.80",
            "services_sme": "611.35",
            "micro": "842.60",
            "sme_other": "498.20",
            "sme_reserved_budget": "980.00",
            "micro_reserved_budget": "850.00",
        },
        "vehicles": {"confidential": 1, "other": 1},
        "equipment": 1,
        "admin_running": "0.38",
        "prev": {
            "total": "0.94",
            "income": "0.95",
            "expenditure": "0.93",
            "fiscal": "0.95",
            "gb_income": "0.96",
            "gb_exp": "0.94",
            "admin": "1.03",
        },
        "reasons": {
            "total": "区属幼儿园和小学办学规模扩大，人员经费及办学条件改善项目支出增加",
            "fiscal": "教育费附加安排的校舍维修项目和教师培训项目增加",
            "gb": "义务教育和学前教育项目经费增加",
            "gb_over": "年中追加了学前教育和义务教育办学条件改善经费",
            "gb_under": "部分项目按合同进度支付",
            "admin": "严格落实过紧日子要求，压减了机关日常公用支出",
        },
        "performance": {"system": "《示例区教育局预算绩效管理实施办法》", "score": "96.8", "excellent": 9},
        "projects": {
            "2050202": {
                "name": "小学办学条件改善项目",
                "type": "常年性项目",
                "summary": "完成区属小学教学设施更新和功能教室改造，办学条件达标率保持100%。",
                "indicators": [
                    ("产出指标", "数量指标", "改造功能教室数", "≥20间", "24间"),
                    ("产出指标", "质量指标", "工程验收合格率", "100%", "100%"),
                    ("效益指标", "社会效益指标", "办学条件达标率", "100%", "100%"),
                    ("满意度指标", "服务对象满意度指标", "师生满意度", "≥90%", "96%"),
                ],
            },
            "2050801": {
                "name": "中小学教师培训项目",
                "type": "常年性项目",
                "summary": "完成全区中小学教师全员培训，骨干教师研修覆盖率达到预期。",
                "indicators": [
                    ("产出指标", "数量指标", "培训教师人次", "≥3000人次", "3260人次"),
                    ("产出指标", "时效指标", "培训按期完成率", "100%", "100%"),
                    ("满意度指标", "服务对象满意度指标", "参训教师满意度", "≥90%", "95%"),
                ],
            },
        },
        "attach": ["2050202", "2050801"],
        "goals": [
            {
                "text": "推进义务教育优质均衡发展，改善区属学校办学条件。",
                "indicators": [
                    ("产出指标", "数量指标", "改造功能教室数", "≥20间", "24间"),
                    ("产出指标", "质量指标", "办学条件达标率", "100%", "100%"),
                    ("效益指标", "社会效益指标", "义务教育入学率", "100%", "100%"),
                ],
            },
            {
                "text": "加强教师队伍建设，提升教育教学质量。",
                "indicators": [
                    ("产出指标", "数量指标", "培训教师人次", "≥3000人次", "3260人次"),
                    ("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", "94%"),
                ],
            },
        ],
    }


def _wuhan_health() -> dict[str, Any]:
    dept = "示例市示例区卫生健康委员会"
    return {
        "id": "sample-wuhan-health-2023",
        "department": dept,
        "short": "示例区卫生健康委员会",
        "year": 2023,
        "unit": "万元",
        "seed": 2023_0210,
        "variant": "wuhan",
        "state_capital_full": True,
        "duties": [
            "（一）贯彻执行国家、省、市卫生健康工作的法律、法规和方针、政策，拟订全区卫生健康事业发展规划并组织实施。",
            "（二）协调推进全区深化医药卫生体制改革，组织推进公立医院综合改革，健全现代医院管理制度。",
            "（三）负责全区疾病预防控制工作，组织实施免疫规划和严重危害人民健康公共卫生问题的干预措施。",
            "（四）负责全区卫生应急工作，组织指导突发公共卫生事件的预防控制和各类突发公共事件的医疗卫生救援。",
            "（五）组织实施基本公共卫生服务项目，指导基层医疗卫生机构建设和家庭医生签约服务。",
            "（六）负责全区人口监测预警和计划生育服务管理，落实老龄健康工作政策措施。",
            "（七）承担区委、区政府交办的其他事项。",
            "公开咨询电话：027-00000000",
        ],
        "units": [
            ("示例市示例区疾病预防控制中心", "下属事业单位"),
            ("示例市示例区卫生健康综合监督执法大队", "下属事业单位"),
        ],
        "structure": [
            "示例市示例区卫生健康委员会内设机构8个，包括：办公室、规划发展与信息化科、财务科、医政医管科、基层卫生健康科、"
            "疾病预防控制科、妇幼健康科、人口监测与家庭发展科。"
        ],
        "items": [
            leaf("2080501", "行政单位离退休", social=(40, 60)),
            leaf("2080502", "事业单位离退休", social=(80, 120)),
            leaf("2080505", "机关事业单位基本养老保险缴费支出", social=(280, 330)),
            leaf("2080506", "机关事业单位职业年金缴费支出", social=(130, 160)),
            leaf("2080599", "其他行政事业单位养老支出", social=(1, 3)),
            leaf("2080801", "死亡抚恤", social=(10, 30)),
            leaf("2100101", "行政运行", run=3),
            leaf("2100102", "一般行政管理事务", project=(60, 120)),
            leaf("2100199", "其他卫生健康管理事务支出", project=(100, 200)),
            leaf("2100201", "综合医院", project=(800, 1200)),
            leaf("2100202", "中医（民族）医院", project=(300, 500)),
            leaf("2100206", "妇幼保健医院", project=(200, 350)),
            leaf("2100299", "其他公立医院支出", project=(50, 120)),
            leaf("2100301", "城市社区卫生机构", project=(600, 900)),
            leaf("2100302", "乡镇卫生院", project=(150, 250)),
            leaf("2100399", "其他基层医疗卫生机构支出", project=(40, 90)),
            leaf("2100401", "疾病预防控制机构", run=4, project=(100, 200)),
            leaf("2100402", "卫生监督机构", run=2, project=(30, 60)),
            leaf("2100403", "妇幼保健机构", project=(80, 150)),
            leaf("2100408", "基本公共卫生服务", project=(900, 1300), balance=True),
            leaf("2100409", "重大公共卫生服务", project=(150, 300)),
            leaf(
                "2100410",
                "突发公共卫生事件应急处理",
                project=(50, 150),
                budget="0.30",
                reason_over="年中追加了突发公共卫生事件应急处置经费",
            ),
            leaf("2100499", "其他公共卫生支出", project=(30, 80)),
            leaf("2100716", "计划生育机构", run=1),
            leaf("2100717", "计划生育服务", project=(200, 350)),
            leaf("2100799", "其他计划生育事务支出", project=(60, 120)),
            leaf("2101101", "行政单位医疗", social=(40, 60)),
            leaf("2101102", "事业单位医疗", social=(90, 130)),
            leaf("2101103", "公务员医疗补助", social=(20, 35)),
            leaf("2101199", "其他行政事业单位医疗支出", social=(1, 4)),
            leaf("2101401", "优抚对象医疗补助", project=(20, 40)),
            leaf("2101601", "老龄卫生健康事务", project=(80, 160)),
            leaf("2109999", "其他卫生健康支出", project=(30, 90)),
            leaf("2210201", "住房公积金", social=(250, 320)),
            leaf("2210202", "提租补贴", social=(20, 40)),
            leaf("2210203", "购房补贴", social=(80, 140)),
            leaf(
                "2230104",
                "国有企业办公共服务机构移交补助支出",
                sc={"opening": "12.00", "income": "150.00", "project": "158.50"},
                sc_budget="1.01",
                use="原企业办医疗机构移交后的运行补助",
                reason_under="移交机构运行补助按实际结算",
            ),
        ],
        "econ": {
            "30101": (620, 700),
            "30102": (380, 450),
            "30103": (90, 120),
            "30107": (950, 1100),
            "30112": (12, 20),
            "30199": (60, 90),
            "30305": (6, 12),
            "30201": (40, 60),
            "30205": (5, 10),
            "30206": (20, 30),
            "30207": (10, 15),
            "30209": (60, 90),
            "30211": (8, 15),
            "30213": (20, 40),
            "30215": (3, 6),
            "30216": (5, 10),
            "30217": "1.85",
            "30226": (20, 40),
            "30227": (30, 60),
            "30228": (40, 60),
            "30229": (30, 50),
            "30231": "12.40",
            "30239": (40, 60),
            "30299": (20, 40),
            "31002": (15, 30),
            "31007": (10, 20),
            "31013": "28.60",
        },
        "gb_opening": "86.40",
        "gb_closing": "35.75",
        "three_public": {
            "layout": "grouped",
            "budget": {"abroad": "5.00", "purchase": "30.00", "operation": "16.00", "reception": "3.00"},
            "actual": {"abroad": "0.00", "purchase": "28.60", "operation": "14.35", "reception": "2.12"},
            "prev": {"abroad": "0.00", "purchase": "0.00", "operation": "15.80", "reception": "2.60"},
            "groups": 0,
            "travellers": 0,
            "bought": 1,
            "batches": 18,
            "guests": 126,
            "reception_use": "接待上级部门及兄弟区卫生健康部门调研检查",
            "reason": "严格落实中央八项规定精神，全年未安排因公出国（境）团组，公务用车购置按政府采购结果节约了资金",
            "yoy_reason": "按规定更新购置了1辆应急保障用车，公务用车运行维护费和公务接待费有所压减",
        },
        "purchase": {
            "goods": "486.30",
            "works": "0.00",
            "services": "1325.84",
            "goods_sme": "352.10",
            "works_sme": "0.00",
            "services_sme": "918.46",
            "micro": "903.25",
        },
        "vehicles": {"confidential": 1, "emergency": 4, "enforcement": 3, "special": 2},
        "equipment": 2,
        "admin_running": "0.46",
        "prev": {
            "total": "1.08",
            "income": "1.07",
            "expenditure": "1.09",
            "fiscal": "1.08",
            "gb_income": "1.10",
            "gb_exp": "1.11",
            "admin": "1.05",
        },
        "reasons": {
            "total": "疫情防控相关项目支出减少",
            "fiscal": "疫情防控相关财政拨款项目减少",
            "gb": "突发公共卫生事件应急处理等疫情防控项目支出减少",
            "gb_over": "年中追加了基本公共卫生服务和突发公共卫生事件应急处理经费",
            "gb_under": "部分项目按合同进度支付",
            "admin": "严格落实过紧日子要求，压减了办公费、会议费等日常公用支出",
        },
        "performance": {"system": "《示例区卫生健康委员会预算绩效管理办法》", "score": "95.6", "excellent": 20},
        "projects": {
            "2100408": {
                "name": "基本公共卫生服务项目",
                "type": "常年性项目",
                "summary": "全区居民电子健康档案建档率、65岁以上老年人健康管理率等指标均达到年度目标，"
                "基本公共卫生服务均等化水平持续提高。",
                "indicators": [
                    ("产出指标", "数量指标", "居民电子健康档案建档率", "≥90%", "93%"),
                    ("产出指标", "数量指标", "65岁以上老年人健康管理率", "≥70%", "73%"),
                    ("产出指标", "质量指标", "高血压患者规范管理率", "≥65%", "68%"),
                    ("效益指标", "社会效益指标", "居民健康素养水平", "持续提升", "达到预期"),
                    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "94%"),
                ],
            },
            "2100201": {
                "name": "区属公立医院运行补助项目",
                "type": "常年性项目",
                "summary": "保障区属公立医院正常运转，落实公立医院综合改革各项补助政策。",
            },
            "2100410": {
                "name": "突发公共卫生事件应急处置项目",
                "type": "一次性项目",
                "summary": "完成突发公共卫生事件应急物资储备和应急队伍演练，应急处置及时率100%。",
                "indicators": [
                    ("产出指标", "数量指标", "应急演练次数", "≥2次", "3次"),
                    ("产出指标", "时效指标", "应急处置及时率", "100%", "100%"),
                    ("效益指标", "社会效益指标", "突发事件有效处置率", "100%", "100%"),
                ],
            },
        },
        "attach": ["2100408", "2100201", "2100410"],
        "goals": [
            {
                "text": "做好基本公共卫生服务，提高居民健康管理水平。",
                "indicators": [
                    ("产出指标", "数量指标", "居民电子健康档案建档率", "≥90%", "93%"),
                    ("产出指标", "质量指标", "高血压患者规范管理率", "≥65%", "68%"),
                    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "94%"),
                ],
            },
            {
                "text": "保障区属公立医院和基层医疗卫生机构正常运转，提升医疗服务能力。",
                "indicators": [
                    ("产出指标", "数量指标", "补助医疗机构数", "12家", "12家"),
                    ("效益指标", "社会效益指标", "基层就诊率", "≥60%", "62%"),
                ],
            },
            {
                "text": "强化疾病预防控制和卫生应急能力建设。",
                "indicators": [
                    ("产出指标", "质量指标", "适龄儿童免疫规划疫苗接种率", "≥90%", "98%"),
                    ("产出指标", "时效指标", "突发公共卫生事件报告及时率", "100%", "100%"),
                ],
            },
        ],
    }


def _culture_items() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        leaf("2070101", "行政运行", run=3),
        leaf("2070102", "一般行政管理事务", project=(40, 90)),
        leaf("2070104", "图书馆", run=2, project=(150, 260), use="区图书馆运行及公共阅读推广"),
        leaf("2070105", "文化展示及纪念机构", project=(60, 120)),
        leaf("2070106", "艺术表演场所", project=(80, 150)),
        leaf("2070107", "艺术表演团体", project=(100, 180)),
        leaf("2070108", "文化活动", project=(120, 220), use="群众性节庆文化活动"),
        leaf("2070109", "群众文化", run=2, project=(150, 250), use="区文化馆运行及社区文化服务"),
        leaf("2070110", "文化和旅游交流与合作", project=(20, 50)),
        leaf("2070111", "文化创作与保护", project=(40, 90)),
        leaf("2070112", "文化和旅游市场管理", project=(30, 70)),
        leaf("2070113", "旅游宣传", project=(50, 110)),
        leaf("2070199", "其他文化和旅游支出", project=(60, 140)),
        leaf("2070204", "文物保护", project=(120, 240), use="不可移动文物修缮和日常保养"),
        leaf("2070205", "博物馆", run=1, project=(60, 120)),
        leaf("2070206", "历史名城与古迹", project=(40, 100)),
        leaf("2070299", "其他文物支出", project=(10, 30)),
        leaf("2070307", "体育场馆", run=1, project=(200, 380), use="区体育中心场馆运行维护"),
        leaf("2070308", "群众体育", project=(150, 260), use="全民健身赛事和社区健身设施更新"),
        leaf("2070399", "其他体育支出", project=(30, 80)),
        leaf("2070607", "电影", project=(20, 60), use="公益电影放映"),
        leaf("2070808", "广播电视事务", project=(30, 70)),
        leaf("2079903", "文化产业发展专项支出", project=(200, 400), use="文化创意产业扶持"),
        leaf("2079999", "其他文化旅游体育与传媒支出", project=(20, 60)),
        leaf("2080501", "行政单位离退休", social=(15, 30)),
        leaf("2080502", "事业单位离退休", social=(40, 70)),
        leaf("2080505", "机关事业单位基本养老保险缴费支出", social=(200, 260)),
        leaf("2080506", "机关事业单位职业年金缴费支出", social=(100, 130)),
        leaf("2080599", "其他行政事业单位养老支出", social=(0.5, 2)),
        leaf("2101101", "行政单位医疗", social=(20, 30)),
        leaf("2101102", "事业单位医疗", social=(70, 100)),
        leaf("2210201", "住房公积金", social=(180, 230)),
        leaf("2210203", "购房补贴", social=(60, 100)),
    ]


def _shanghai_culture() -> dict[str, Any]:
    dept = "示例市示例区文化旅游局"
    style = {"repeat_header": False, "thousands": False}
    return {
        "id": "sample-shanghai-culture-2024",
        "department": dept,
        "short": "示例区文化旅游局",
        "year": 2024,
        "unit": "万元",
        "seed": 2024_0207,
        "variant": "shanghai",
        "style": style,
        "zero_cells": True,
        "duties": [
            "（一）贯彻执行国家和本市有关文化、旅游、体育、文物工作的法律、法规、规章和方针、政策，拟订本区相关发展规划并组织实施。",
            "（二）负责推进本区公共文化服务体系建设，指导、管理全区群众文化、图书馆、文化馆等公共文化事业。",
            "（三）负责本区文物保护和博物馆事业，组织实施文物保护修缮工程。",
            "（四）统筹推进全民健身，管理区属公共体育场馆，组织开展群众性体育赛事活动。",
            "（五）负责本区旅游宣传推广和文化旅游市场管理，推动文化产业和旅游业融合发展。",
            "（六）完成区委、区政府交办的其他任务。",
        ],
        "units": [
            ("示例市示例区图书馆", "下属事业单位"),
            ("示例市示例区文化馆", "下属事业单位"),
            ("示例市示例区体育中心", "下属事业单位"),
        ],
        "structure": [],
        "items": _culture_items(),
        "econ": {
            "30101": (450, 520),
            "30102": (380, 450),
            "30103": (30, 50),
            "30107": (800, 950),
            "30112": (10, 18),
            "30199": (60, 100),
            "30305": (3, 8),
            "30201": (30, 50),
            "30202": (5, 10),
            "30205": (10, 20),
            "30206": (40, 70),
            "30207": (6, 12),
            "30209": (80, 120),
            "30211": (3, 8),
            "30213": (30, 50),
            "30216": (4, 8),
            "30217": "1.37",
            "30226": (20, 40),
            "30227": (30, 60),
            "30228": (30, 45),
            "30229": (25, 40),
            "30231": "8.12",
            "30239": (30, 50),
            "30299": (15, 30),
            "31002": (10, 25),
            "31007": (8, 20),
        },
        "three_public": {
            "layout": "alternating",
            "budget": {"abroad": "6.00", "purchase": "0.00", "operation": "9.00", "reception": "2.00"},
            "actual": {"abroad": "4.86", "purchase": "0.00", "operation": "8.12", "reception": "1.37"},
            "prev": {"abroad": "0.00", "purchase": "0.00", "operation": "8.64", "reception": "1.05"},
            "groups": 1,
            "travellers": 3,
            "batches": 9,
            "guests": 64,
            "abroad_use": "赴友好城市开展文化旅游交流合作",
            "reception_use": "接待外省市文化旅游部门考察交流",
            "reason": "严格落实中央八项规定精神，出访团组按实际行程结算，公务用车和公务接待支出从严控制",
            "yoy_reason": "本年度恢复安排1个文化交流出访团组，公务接待批次有所增加",
        },
        "purchase": {
            "goods": "235.60",
            "works": "418.90",
            "services": "1268.45",
            "goods_sme": "180.30",
            "works_sme": "418.90",
            "services_sme": "902.70",
            "micro": "1102.40",
            "sme_other": "180.30",
            "sme_reserved_budget": "1350.00",
            "micro_reserved_budget": "1120.00",
        },
        "vehicles": {"emergency": 1, "enforcement": 2},
        "equipment": 3,
        "admin_running": "0.42",
        "prev": {
            "total": "0.97",
            "income": "0.97",
            "expenditure": "0.97",
            "fiscal": "0.97",
            "gb_income": "0.97",
            "gb_exp": "0.97",
            "admin": "0.98",
        },
        "reasons": {
            "total": "文物保护修缮和群众体育项目支出增加",
            "fiscal": "文物保护修缮和群众体育项目财政拨款增加",
            "gb": "文物保护修缮和全民健身设施更新项目支出增加",
            "gb_over": "年中追加了文物保护修缮和群众文化活动经费",
            "gb_under": "部分项目按合同进度支付，结余资金按规定收回",
            "admin": "区图书馆新馆运行后机关水电费、物业管理费增加",
        },
        "performance": {"system": "《示例区文化旅游局预算绩效管理实施办法》", "score": "97.2", "excellent": 22},
        "projects": {
            "2070204": {
                "name": "文物保护修缮项目",
                "type": "延续性项目",
                "summary": "完成区级文物保护单位修缮工程，文物本体安全得到有效保障。",
                "indicators": [
                    ("产出指标", "数量指标", "修缮文物保护单位数", "3处", "3处"),
                    ("产出指标", "质量指标", "修缮工程验收合格率", "100%", "100%"),
                    ("效益指标", "社会效益指标", "文物开放利用水平", "持续提升", "达到预期"),
                ],
            },
        },
        "attach": ["2070204"],
        "goals": [
            {
                "text": "完善公共文化服务体系，丰富群众文化生活。",
                "indicators": [
                    ("产出指标", "数量指标", "举办群众文化活动场次", "≥300场", "326场"),
                    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "95%"),
                ],
            },
            {
                "text": "加强文物保护利用，推进全民健身。",
                "indicators": [
                    ("产出指标", "数量指标", "修缮文物保护单位数", "3处", "3处"),
                    ("产出指标", "数量指标", "更新社区健身设施点位", "≥30个", "34个"),
                ],
            },
        ],
    }


def _yuan_street() -> dict[str, Any]:
    dept = "示例市示例区示例街道办事处"
    return {
        "id": "sample-yuan-street-2023",
        "department": dept,
        "short": "示例区示例街道办事处",
        "year": 2023,
        "unit": "元",
        "seed": 2023_0201,
        "variant": "wuhan",
        "duties": [
            "（一）贯彻执行党和国家的路线、方针、政策以及法律、法规，落实区委、区政府的工作部署。",
            "（二）统筹辖区社区治理，指导社区居民委员会开展工作，推进基层政权建设。",
            "（三）负责辖区城市管理、环境卫生和市容秩序管理工作。",
            "（四）落实辖区民政、社会保障、残疾人服务和养老服务等民生政策。",
            "（五）负责辖区安全生产监督和应急管理工作。",
            "（六）承办区委、区政府交办的其他事项。",
            "公开咨询电话：027-00000001",
        ],
        "units": [("示例市示例区示例街道社区服务中心", "下属事业单位")],
        "structure": [
            "示例市示例区示例街道办事处内设机构6个，包括：党政办公室、社区建设办公室、城市管理办公室、民生服务办公室、"
            "平安建设办公室、经济发展办公室。"
        ],
        "items": [
            leaf("2010301", "行政运行", run=4),
            leaf("2010302", "一般行政管理事务", project=(120, 200)),
            leaf("2010350", "事业运行", run=1),
            leaf("2080208", "基层政权建设和社区治理", project=(300, 450), use="社区工作者补贴和社区治理项目"),
            leaf("2080505", "机关事业单位基本养老保险缴费支出", social=(120, 150)),
            leaf("2080506", "机关事业单位职业年金缴费支出", social=(55, 70)),
            leaf("2081002", "老年福利", project=(60, 100)),
            leaf("2081107", "残疾人生活和护理补贴", project=(30, 60)),
            leaf("2101101", "行政单位医疗", social=(18, 25)),
            leaf("2101102", "事业单位医疗", social=(5, 8)),
            leaf("2101103", "公务员医疗补助", social=(10, 15)),
            leaf("2120199", "其他城乡社区管理事务支出", project=(200, 320)),
            leaf("2120501", "城乡社区环境卫生", project=(400, 600)),
            leaf("2210201", "住房公积金", social=(100, 130)),
            leaf("2210202", "提租补贴", social=(8, 12)),
            leaf("2210203", "购房补贴", social=(30, 50)),
            leaf("2240106", "安全监管", project=(40, 80)),
        ],
        "econ": {
            "30101": (260, 300),
            "30102": (200, 240),
            "30103": (20, 35),
            "30107": (450, 520),
            "30112": (5, 9),
            "30199": (20, 35),
            "30305": (2, 5),
            "30201": (15, 25),
            "30205": (3, 6),
            "30206": (8, 14),
            "30207": (4, 8),
            "30209": (20, 35),
            "30211": (1, 3),
            "30213": (8, 15),
            "30216": (2, 4),
            "30217": "6420.00",
            "30226": (10, 20),
            "30228": (15, 22),
            "30229": (12, 20),
            "30231": "52318.40",
            "30239": (15, 25),
            "30299": (8, 15),
            "31002": (5, 12),
        },
        "three_public": {
            "layout": "grouped",
            "budget": {"abroad": "0.00", "purchase": "0.00", "operation": "60000.00", "reception": "10000.00"},
            "actual": {"abroad": "0.00", "purchase": "0.00", "operation": "52318.40", "reception": "6420.00"},
            "prev": {"abroad": "0.00", "purchase": "0.00", "operation": "55870.20", "reception": "7830.00"},
            "groups": 0,
            "travellers": 0,
            "batches": 5,
            "guests": 37,
            "reception_use": "接待上级部门及兄弟街道考察交流",
            "reason": "严格落实中央八项规定精神，压减公务用车运行维护和公务接待支出",
            "yoy_reason": "公务用车使用管理进一步规范，公务接待批次减少",
        },
        "purchase": {
            "goods": "1286400.00",
            "works": "2350000.00",
            "services": "4127563.50",
            "goods_sme": "986400.00",
            "works_sme": "2350000.00",
            "services_sme": "3265300.00",
            "micro": "5012800.00",
        },
        "vehicles": {"emergency": 1, "enforcement": 2},
        "equipment": 0,
        "admin_running": "all",
        "prev": {
            "total": "0.96",
            "income": "0.96",
            "expenditure": "0.96",
            "fiscal": "0.96",
            "gb_income": "0.96",
            "gb_exp": "0.96",
            "admin": "1.04",
        },
        "reasons": {
            "total": "城乡社区环境卫生和社区治理项目支出增加",
            "fiscal": "城乡社区环境卫生和社区治理项目财政拨款增加",
            "gb": "城乡社区环境卫生项目支出增加",
            "gb_over": "年中追加了环境卫生整治和社区治理经费",
            "gb_under": "部分项目按合同进度支付",
            "admin": "严格落实过紧日子要求，压减了办公费、差旅费等日常公用支出",
        },
        "performance": {"system": "《示例街道预算绩效管理办法》", "score": "94.5", "excellent": 7},
        "projects": {
            "2120501": {
                "name": "辖区环境卫生保洁项目",
                "type": "常年性项目",
                "summary": "完成辖区道路清扫保洁和垃圾分类收运，环境卫生考核成绩位居全区前列。",
                "indicators": [
                    ("产出指标", "数量指标", "保洁道路面积", "≥120万平方米", "126万平方米"),
                    ("产出指标", "质量指标", "垃圾分类收运达标率", "≥95%", "97%"),
                    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "93%"),
                ],
            },
            "2080208": {
                "name": "社区治理项目",
                "type": "常年性项目",
                "summary": "保障社区工作者补贴按时足额发放，社区服务能力持续提升。",
            },
        },
        "attach": ["2120501", "2080208"],
        "goals": [
            {
                "text": "提升辖区环境卫生和城市管理水平。",
                "indicators": [
                    ("产出指标", "数量指标", "保洁道路面积", "≥120万平方米", "126万平方米"),
                    ("效益指标", "社会效益指标", "市容环境考核排名", "全区前五", "全区第三"),
                ],
            },
            {
                "text": "加强社区治理，落实民生保障政策。",
                "indicators": [
                    ("产出指标", "时效指标", "补贴发放及时率", "100%", "100%"),
                    ("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "93%"),
                ],
            },
        ],
    }


def _wuhan_small() -> dict[str, Any]:
    dept = "示例市示例区档案馆"
    return {
        "id": "sample-wuhan-small-2024",
        "department": dept,
        "short": "示例区档案馆",
        "year": 2024,
        "unit": "万元",
        "seed": 2024_0126,
        "variant": "wuhan",
        "duties": [
            "（一）贯彻执行国家、省、市档案工作的法律、法规和方针、政策，统筹规划全区档案事业发展。",
            "（二）负责接收、征集、保管全区具有永久保存价值的档案和资料，维护档案的完整与安全。",
            "（三）负责馆藏档案的数字化建设和信息化管理，推进电子档案单套制管理。",
            "（四）负责馆藏档案的开放鉴定和利用服务，开展档案编研和宣传教育。",
            "（五）承担区委、区政府交办的其他事项。",
            "公开咨询电话：027-00000002",
        ],
        "units": [],
        "structure": ["示例市示例区档案馆内设机构3个，包括：综合科、业务指导科和档案管理利用科。"],
        "items": [
            leaf("2012601", "行政运行", run=1),
            leaf("2012602", "一般行政管理事务", project=(20, 40), budget="1.05"),
            leaf(
                "2012699",
                "其他档案事务支出",
                project=(30, 60),
                budget="0",
                reason_over="年中追加了馆藏档案数字化加工经费",
            ),
            leaf("2080505", "机关事业单位基本养老保险缴费支出", social=(25, 32)),
            leaf("2080506", "机关事业单位职业年金缴费支出", social=(12, 16)),
            leaf("2101101", "行政单位医疗", social=(8, 12)),
            leaf("2101103", "公务员医疗补助", social=(4, 7)),
            leaf("2210201", "住房公积金", social=(22, 28)),
            leaf("2210202", "提租补贴", social=(2, 4)),
        ],
        "econ": {
            "30101": (60, 75),
            "30102": (40, 50),
            "30103": (5, 10),
            "30107": (90, 110),
            "30112": (1, 3),
            "30201": (5, 10),
            "30205": (1, 2),
            "30206": (4, 7),
            "30207": (1, 3),
            "30209": (8, 14),
            "30211": (0.5, 1.5),
            "30213": (3, 6),
            "30226": (2, 5),
            "30228": (3, 5),
            "30229": (2, 4),
            "30299": (1, 3),
            "31002": (2, 5),
        },
        "three_public": {
            "layout": "grouped",
            "budget": {"abroad": "0.00", "purchase": "0.00", "operation": "0.00", "reception": "0.00"},
            "actual": {"abroad": "0.00", "purchase": "0.00", "operation": "0.00", "reception": "0.00"},
            "prev": {"abroad": "0.00", "purchase": "0.00", "operation": "0.00", "reception": "0.00"},
            "reason": "本单位未安排因公出国（境）团组，未配备公务用车，未发生公务接待",
        },
        "purchase": {
            "goods": "18.60",
            "works": "0.00",
            "services": "42.30",
            "goods_sme": "18.60",
            "services_sme": "42.30",
            "micro": "60.90",
        },
        "vehicles": {},
        "equipment": 0,
        "admin_running": "all",
        "prev": {
            "total": "0.91",
            "income": "0.91",
            "expenditure": "0.91",
            "fiscal": "0.91",
            "gb_income": "0.91",
            "gb_exp": "0.91",
            "admin": "1.06",
        },
        "reasons": {
            "total": "年中追加了馆藏档案数字化加工项目",
            "fiscal": "年中追加了馆藏档案数字化加工项目经费",
            "gb": "年中追加了馆藏档案数字化加工项目",
            "gb_over": "年中追加了馆藏档案数字化加工经费",
            "gb_under": "严格落实过紧日子要求，压减一般性支出",
            "admin": "严格落实过紧日子要求，压减了办公费、维修（护）费等日常公用支出",
        },
        "performance": {"system": "《示例区档案馆预算绩效管理办法》", "score": "96.0", "excellent": 2},
        "projects": {
            "2012699": {
                "name": "馆藏档案数字化加工项目",
                "type": "一次性项目",
                "summary": "完成馆藏重点档案数字化加工，档案数字化率进一步提高，档案利用效率明显提升。",
                "indicators": [
                    ("产出指标", "数量指标", "数字化加工档案页数", "≥50万页", "52.6万页"),
                    ("产出指标", "质量指标", "数字化成果验收合格率", "100%", "100%"),
                    ("效益指标", "社会效益指标", "档案利用服务效率", "持续提升", "达到预期"),
                ],
            },
        },
        "attach": ["2012699"],
        "goals": [
            {
                "text": "维护馆藏档案完整与安全，提升档案利用服务水平。",
                "indicators": [
                    ("产出指标", "数量指标", "接收进馆档案卷数", "≥3000卷", "3180卷"),
                    ("产出指标", "质量指标", "档案安全事故数", "0", "0"),
                    ("满意度指标", "服务对象满意度指标", "查档群众满意度", "≥90%", "97%"),
                ],
            },
        ],
    }


SPECS = (_shanghai_education, _wuhan_health, _shanghai_culture, _yuan_street, _wuhan_small)


def build_departments() -> list[dict[str, Any]]:
    """The synthetic departments as descriptions (docs/department-format.md)."""
    return [build_department(spec()) for spec in SPECS]


class _Dumper(yaml.SafeDumper):
    """Block style, but a row (a mapping of scalars) or a short list of scalars on one line."""


def _scalar(v: Any) -> bool:
    return not isinstance(v, (dict, list, tuple))


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> yaml.Node:
    flow = bool(data) and all(_scalar(v) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> yaml.Node:
    flow = bool(data) and all(_scalar(v) for v in data) and len(data) <= 6 and sum(len(str(v)) for v in data) <= 120
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def dump(dept: dict[str, Any]) -> str:
    """Stable YAML text of one description."""
    return yaml.dump(dept, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)


def main(out_dir: str | Path | None = None) -> list[Path]:
    """Write ``samples/departments/<id>.yaml`` for every synthetic department."""
    target = Path(out_dir) if out_dir is not None else OUT_DIR
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for dept in build_departments():
        path = target / f"{dept['id']}.yaml"
        path.write_text(dump(dept), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover
    for p in main():
        print(p)
