"""form.*: units, names and years agree; no leftovers from a template."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from auditlib.model.findings import Check, Evidence
from auditlib.profiles.final_accounts import TABLES
from auditlib.reading.narrative.statements import PLACEHOLDER
from auditlib.reading.pdf import NOTE_QPDF_REPAIRED, NOTE_REPAIRED
from auditlib.reading.pipeline import DEPARTMENT_LINE as _DEPT_LINE
from auditlib.reading.precheck import NOTE_LENGTH_REPAIRED
from auditlib.reading.recognise import page_lines, title_like, title_on_page
from auditlib.rules.context import AuditContext
from auditlib.rules.narrative import facts
from auditlib.rules.registry import rule


@rule(
    "form.unit_consistent",
    "各表金额单位一致",
    "“支出决算表”金额单位为“元”，其余各表为“万元”。",
)
def unit_consistent(ctx: AuditContext) -> Iterator[Check]:
    """Every table states its unit (单位：万元 or 元) and all tables use the same one. A table whose
    unit differs from the others is an error: its figures would be read 10,000 times too large or
    small."""
    units = ctx.report.units
    if not ctx.tables:
        yield ctx.skip("units", "未找到报表")
        return
    common = Counter(units.values()).most_common(1)[0][0] if units else None
    for tid, table in ctx.tables.items():
        page = table.pages[0] if table.pages else None
        if tid not in units:
            message = f"“{TABLES[tid].title}”未注明金额单位。"
            yield ctx.fail(tid, "error", message, tables=[tid], evidence=[Evidence(page, tid, None, None, None, "")])
        elif units[tid] != common:
            line = next((ln for ln in table.header_lines if "单位" in ln), "")
            message = f"“{TABLES[tid].title}”金额单位为“{units[tid]}”，其余各表为“{common}”。"
            yield ctx.fail(tid, "error", message, tables=[tid], evidence=[Evidence(page, tid, None, None, None, line)])
        else:
            yield ctx.passed(tid)


@rule(
    "form.department_name",
    "表头部门名称一致",
    "“财政拨款收入支出决算总表”表头部门为“武汉市武昌区数据中心”，与报告部门“武汉市武昌区大数据中心”不一致。",
)
def department_name(ctx: AuditContext) -> Iterator[Check]:
    """The department named in each table's header (部门：…) is the report's department (from the
    cover). Catches tables pasted from another department's report. A header whose name is an
    unfilled placeholder is skipped: form.placeholder reports it."""
    dept = ctx.report.department
    if not dept:
        yield ctx.skip("department", "未能从封面读取部门名称")
        return
    for tid, table in ctx.tables.items():
        names = []
        for line in table.header_lines:
            m = _DEPT_LINE.search(line)
            if m:
                names.append(re.split(r"\s|公开|单位[:：]", m.group(1))[0])
        if not names:
            yield ctx.skip(tid, "表头未列示部门名称")
            continue
        name = names[-1]
        if name == dept:
            yield ctx.passed(tid)
            continue
        if PLACEHOLDER.search(name) or _BRACKET_BLANK.search(name):
            # An unfilled name ("XX局") is one defect, reported by form.placeholder, not a second one.
            yield ctx.skip(tid, f"表头部门“{name}”为占位符，见form.placeholder")
            continue
        page = table.pages[0] if table.pages else None
        message = f"“{TABLES[tid].title}”表头部门为“{name}”，与报告部门“{dept}”不一致。"
        yield ctx.fail(tid, "error", message, tables=[tid], evidence=[Evidence(page, tid, None, None, None, name)])


_NO_DIGITS = re.compile(r"[\s\d]")
_YEAR_HEADING = re.compile(r"(20\d{2})\s*年度?\s*(?:部门)?决算")
#: A balance-sheet date: 截至2023年12月31日 names the report's own year.
_AS_OF = re.compile(r"截[至止]到?(20\d{2})年12月31日")
#: A comparison with a named year followed at once by its verb (与2022年度相比, 比2022年度决算数减少):
#: the named year is the year before the report's. "与2023年度预算相比" (the year's own budget) has
#: no verb right after the year and is not read.
_COMPARED = re.compile(r"(?:与|比|较)(20\d{2})年度?(?:决算数?)?(?:相比|比较|对比|增加|减少|增长|下降|持平)")


@rule(
    "form.year_consistent",
    "标题年度一致",
    "标题“武汉市武昌区大数据中心2022年度部门决算表”的年度为2022，与报告年度2023不一致。",
)
def year_consistent(ctx: AuditContext) -> Iterator[Check]:
    """Every heading or table header that names a final-accounts year (…2023年度部门决算…) names the
    report's year, every 截至YYYY年12月31日 too, and every 与YYYY年度相比 the year before. Catches a
    heading or a sentence left over from last year's report."""
    year = ctx.report.year
    if not year:
        yield ctx.skip("year", "未能从封面读取年度")
        return
    places: list[tuple[str, int | None, str]] = []
    for section in ctx.report.sections:
        places.append((section.title, section.pages[0] if section.pages else None, "section"))
        for line in section.text.splitlines()[:2]:
            places.append((line, section.pages[0] if section.pages else None, "section"))
    for tid, table in ctx.tables.items():
        for line in table.header_lines:
            places.append((line, table.pages[0] if table.pages else None, tid))
    seen = 0
    for text, page, where in places:
        for m in _YEAR_HEADING.finditer(re.sub(r"\s+", "", text)):
            seen += 1
            found = int(m.group(1))
            subject = where + "/" + _NO_DIGITS.sub("", text)[:30]  # never the year itself
            if found == year:
                yield ctx.passed(subject)
                continue
            message = f"标题“{text.strip()}”的年度为{found}，与报告年度{year}不一致。"
            tables = [where] if where in TABLES else []
            yield ctx.fail(
                subject,
                "error",
                message,
                tables=tables,
                expected=str(year),
                actual=str(found),
                evidence=[Evidence(page, where if where in TABLES else None, None, None, None, text.strip())],
            )
    for check in _dates_in_text(ctx, year):
        seen += 1
        yield check
    if not seen:
        yield ctx.skip("year", "标题中未出现决算年度")


def _dates_in_text(ctx: AuditContext, year: int) -> Iterator[Check]:
    """Dates and compared years in the text of every page: 截至YYYY年12月31日 names the report's
    year, 与YYYY年度相比 the year before it. A date left from last year's report is the usual
    cause. Whitespace is removed first, so letter-spaced or wrapped text reads the same."""
    for number, page_text in enumerate(ctx.report.page_texts, start=1):
        text = re.sub(r"\s+", "", page_text)
        for pattern, wanted, what in ((_AS_OF, year, "截止日期"), (_COMPARED, year - 1, "比较年度")):
            for m in pattern.finditer(text):
                found = int(m.group(1))
                subject = what  # the engine numbers repeats in text order
                if found == wanted:
                    yield ctx.passed(subject)
                    continue
                if what == "截止日期":
                    message = f"第{number}页“{m.group(0)}”的年度为{found}，与报告年度{year}不一致。"
                else:
                    message = f"第{number}页“{m.group(0)}”比较的是{found}年度，报告年度{year}的上年应为{year - 1}年度。"
                yield ctx.fail(
                    subject,
                    "error",
                    message,
                    tables=[],
                    expected=str(wanted),
                    actual=str(found),
                    evidence=[Evidence(number, None, None, None, None, m.group(0))],
                )


@rule(
    "form.placeholder",
    "无遗留占位符（XX）",
    "情况说明第17页“政府采购支出总额 XX 万元”含占位符“XX”，数字或名称未填写。",
)
def placeholder(ctx: AuditContext) -> Iterator[Check]:
    """No template placeholder (XX, ××, XXX, 【单位名称】) is left where a figure or a name should be,
    in the narrative, in a table cell or in the lines around a table (title, part heading, notes). A
    leftover placeholder is an error: the figure or name it stands for is not disclosed, and the
    report was published from a template without being filled in."""
    found = False
    for fact in facts(ctx):
        if fact.kind != "placeholder":
            continue
        found = True
        text = fact.words.get("text", fact.span.text)
        message = f"情况说明第{fact.span.page}页“{text[:60]}”含占位符，数字或名称未填写。"
        yield ctx.fail(
            _placeholder_subject(fact.span.section, text),
            "error",
            message,
            tables=[],
            evidence=[Evidence(fact.span.page or None, None, None, None, None, text)],
        )
    for tid, table in ctx.tables.items():
        for problem in table.problems:
            if re.search(r"[Xx×]{2,}", problem):
                found = True
                message = f"“{TABLES[tid].title}”单元格含占位符：{problem}。"
                page = table.pages[0] if table.pages else None
                yield ctx.fail(
                    f"{tid}/{problem[:30]}",
                    "error",
                    message,
                    tables=[tid],
                    evidence=[Evidence(page, tid, None, None, None, problem)],
                )
    for check in _placeholders_around_tables(ctx):
        found = True
        yield check
    if not found:
        yield ctx.passed("document")


def _placeholder_subject(section: str, text: str) -> str:
    """A narrative placeholder by its section and its token (XX, ××, 【单位名称】), never by the text
    around it, which re-wrapping or letter spacing changes; the engine numbers repeats in text order."""
    squashed = "".join(text.split())
    token = PLACEHOLDER.search(squashed) or _BRACKET_BLANK.search(squashed)
    heading = "".join(section.split())[:12]
    return f"narrative/{heading}/{token.group(0) if token else squashed[:10]}"


#: A bracketed blank left from a template: 【单位名称】, 【部门】, 【金额】.
_BRACKET_BLANK = re.compile(r"【(?:单位|部门|项目)?(?:名称|全称)】|【(?:单位|部门|金额|数字|年度)】")


def _placeholders_around_tables(ctx: AuditContext) -> Iterator[Check]:
    """Placeholders in the lines printed around each table (its title, the part heading above it,
    the 编制单位 line, the notes under it): "XX局2023年度部门决算", 【单位名称】. A line shared by
    several tables is reported once."""
    seen: set[tuple[int | None, str]] = set()
    for tid, table in ctx.tables.items():
        page = table.pages[0] if table.pages else None
        for where, lines in (("表头", table.header_lines), ("表注", table.footer_lines)):
            for raw in lines:
                line = raw.strip()
                m = PLACEHOLDER.search(line) or _BRACKET_BLANK.search(line)
                if m is None or (page, line) in seen:
                    continue
                seen.add((page, line))
                message = f"“{TABLES[tid].title}”{where}“{line[:60]}”含占位符“{m.group(0)}”，名称或数字未填写。"
                yield ctx.fail(
                    f"{tid}/{where}/{line[:30]}",
                    "error",
                    message,
                    tables=[tid],
                    evidence=[Evidence(page, tid, None, None, None, line)],
                )


@rule(
    "form.percent_sign",
    "百分数带%号",
    "情况说明第15页“占76.23”缺少百分号。",
)
def percent_sign(ctx: AuditContext) -> Iterator[Check]:
    """Every share or rate in the narrative carries its % sign (占76.23 is a typo that leaves the
    reader guessing the unit). Missing signs are warnings."""
    found = False
    for fact in facts(ctx):
        for key, q in fact.values.items():
            if q.missing_percent:
                found = True
                message = f"情况说明第{fact.span.page}页“{fact.span.text[:60]}”中“{q.text}”缺少百分号。"
                yield ctx.fail(
                    f"{fact.kind}/{fact.subject}/{key}",
                    "warning",
                    message,
                    tables=[],
                    actual=q.text,
                    evidence=[Evidence(fact.span.page or None, None, fact.subject, key, None, fact.span.text)],
                )
    if not found:
        yield ctx.passed("document")


#: Notes (report.json) that say the file itself was damaged, with how each is told in a finding.
_DAMAGE_NOTES = {
    NOTE_QPDF_REPAIRED: "文件无法按原样打开，已由qpdf修复",
    NOTE_REPAIRED: "交叉引用表损坏，已自动修复",
    NOTE_LENGTH_REPAIRED: "数据流长度损坏，已由qpdf修复",
}


@rule(
    "form.file_intact",
    "PDF文件完整",
    "PDF文件已损坏（文件无法按原样打开，已由qpdf修复），审核基于修复后的文件，内容可能不完整，请索取完好的文件。",
)
def file_intact(ctx: AuditContext) -> Iterator[Check]:
    """The PDF file itself is intact. A damaged file (a truncated end, a broken cross-reference
    table, a stream length that points at itself) is audited from a repaired reading, which may
    have lost pages or objects that no other rule can miss: a warning, so an intact copy is asked
    for. The damage is read from ``report.json`` → ``notes`` (docs/contract.md, "Readable despite a
    defect")."""
    damage = [note for note in ctx.report.notes if note in _DAMAGE_NOTES]
    if not damage:
        yield ctx.passed("file")
        return
    told = "；".join(_DAMAGE_NOTES[note] for note in damage)
    message = f"PDF文件已损坏（{told}），审核基于修复后的文件，内容可能不完整，请索取完好的文件。"
    evidence = [Evidence(None, None, None, None, None, "; ".join(damage))]
    yield ctx.fail("file", "warning", message, tables=[], evidence=evidence)


_SECTION_NUMBER = re.compile(r"^([一二三四五六七八九十]{1,3})、")
_PART_HEADING = re.compile(r"^第[一二三四五六七八九十]+部分")
_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(text: str) -> int | None:
    """一 … 九十九 as an int (十 = 10, 十三 = 13, 二十 = 20, 二十一 = 21); None for anything else."""
    if "十" not in text:
        return _DIGITS.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    high = _DIGITS.get(tens, 0) if tens else 1
    low = _DIGITS.get(units, 0) if units else 0
    if (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
        return None
    return high * 10 + low


@rule(
    "form.section_order",
    "章节序号顺序正确",
    "第16页标题“三、支出决算情况说明”的序号排在“五、一般公共预算财政拨款支出决算情况说明”之后，章节序号顺序错乱。",
)
def section_order(ctx: AuditContext) -> Iterator[Check]:
    """The narrative's numbered headings (一、二、三、…) run in order within each part. A heading whose
    number is not above the one before it (三、 after 五、, 二、 twice) is a warning: a section moved
    or left from another report. A part heading (第二部分) or a list that starts again at 一、 begins a
    new run; a number skipped is not reported (a heading read as a sentence would look the same)."""
    previous: tuple[int, str] | None = None
    checked = 0
    for section in ctx.report.sections:
        title = section.title.strip()
        if _PART_HEADING.match(title):
            previous = None
            continue
        m = _SECTION_NUMBER.match(title)
        number = chinese_number(m.group(1)) if m else None
        if number is None:
            continue
        if number == 1 or previous is None:
            previous = (number, title)
            continue
        checked += 1
        page = section.pages[0] if section.pages else None
        subject = re.sub(r"\s+", "", title)[:20]
        if number > previous[0]:
            yield ctx.passed(subject)
        else:
            message = f"第{page}页标题“{title[:40]}”的序号排在“{previous[1][:40]}”之后，章节序号顺序错乱。"
            yield ctx.fail(
                subject, "warning", message, tables=[], evidence=[Evidence(page, None, None, None, None, title)]
            )
        previous = (number, title)
    if not checked:
        yield ctx.skip("document", "情况说明中未识别到连续编号的章节标题")


@rule(
    "form.table_title",
    "表格标题完整可读",
    "第8页的表格标题文字有误（“支出泱算衰”），该表按表头和行列识别为“支出决算表”。",
)
def table_title(ctx: AuditContext) -> Iterator[Check]:
    """Each table is printed under its title. The reader also finds a table whose title is broken
    over two lines, overprinted by a heading or emitted after the table in the text layer (no
    finding: the page reads the same), and recognises a table from its header and row labels when
    the title itself cannot be read (auditlib.reading.recognise). A title that is garbled (characters
    replaced, e.g. by a damaged font) or missing is a warning, never a missing table: the reader
    of the report cannot tell which table it is, and a search for the title finds nothing."""
    texts = ctx.report.page_texts
    for tid, table in ctx.tables.items():
        page = table.pages[0] if table.pages else None
        text = texts[page - 1] if page is not None and 0 < page <= len(texts) else ""
        if not text.strip():
            yield ctx.skip(tid, "该表所在页面无文字层，无法核对标题")
            continue
        if title_on_page(text, tid) is not None:
            yield ctx.passed(tid)
            continue
        title = TABLES[tid].title
        like = title_like(page_lines(text))
        if like is not None and like[0] == tid:
            line = like[1].strip()
            message = f"第{page}页的表格标题文字有误（“{line[:40]}”），该表按表头和行列识别为“{title}”。"
        else:
            line = ""
            message = f"第{page}页的表格未见标题，该表按表头和行列识别为“{title}”。"
        yield ctx.fail(tid, "warning", message, tables=[tid], evidence=[Evidence(page, tid, None, None, None, line)])
