"""The report's metadata: department, year and unit, from the cover and the table headers.

Why: the department and year name the report in every output; the unit decides
how figures compare. Producers print them differently ('2023年度武汉市…中心 部门决算'
or '上海市…局 2024年度部门决算'; '部门：X', '编制单位：X', '金额单位：万元'); the
patterns are the profile's (``auditlib.profiles.final_accounts.COVER``).
"""

from __future__ import annotations

import re

from auditlib.model.text import squash
from auditlib.profiles.final_accounts import COVER

_UNIT = re.compile(COVER.unit)
#: "部门：X", "编制部门：X", "编制单位：X", "单位名称：X" — but never "单位：万元" / "金额单位：元".
DEPARTMENT_LINE = re.compile(COVER.department_line)
_STOP = re.compile(COVER.department_stop)
_YEAR = re.compile(COVER.year)
_YEAR_IN_TITLE = re.compile(COVER.year_in_title)
_PART = re.compile(COVER.part_heading)
_SUFFIX = re.compile(COVER.department_suffix)


def unit_and_department(lines: list[str]) -> tuple[str | None, str | None]:
    """Unit and department named in the lines above a table."""
    unit = dept = None
    for line in lines:
        m = _UNIT.search(line.replace(" ", ""))
        if m and unit is None:
            unit = m.group(1)
        m = DEPARTMENT_LINE.search(line)
        if m and dept is None:
            candidate = _STOP.split(m.group(1))[0]
            if candidate and not candidate.startswith(("万元", "元")):
                dept = candidate
    return unit, dept


def _cover_department(line: str) -> str | None:
    """The department of a cover line naming the report ('…局 2024年度部门决算'), if any."""
    s = squash(line)
    if not any(word in s for word in COVER.report_words):
        return None
    s = _YEAR_IN_TITLE.sub("", s)
    for word in COVER.report_words:
        s = s.split(word)[0]
    s = _PART.sub("", s)
    return s if len(s) >= 4 else None


#: A place in a department's name (上海市, 普陀区, 某县, 某镇): a name without one is a wrapped tail.
_PLACE = re.compile(r"[省市区县州旗盟镇乡]")
#: A line that can hold the first part of a wrapped cover title: Chinese only (its year removed).
_TITLE_PART = re.compile(r"^[\u4e00-\u9fff（）()]{2,40}$")


def _wrapped_department(previous: str, line: str) -> str | None:
    """The department of a cover title wrapped over two lines ('上海市普陀区长征镇人民政府' /
    '街道办事处2024年度部门决算'): the previous line joined to this one, when that reads as a longer
    department name ending in a department suffix; None otherwise (keep the one-line reading)."""
    before = squash(previous)
    words = _YEAR_IN_TITLE.sub("", before)  # "2023年度示例市示例区示例" / "街道办事处 部门决算"
    if not _TITLE_PART.match(words) or any(word in before for word in COVER.report_words):
        return None
    joined = _cover_department(before + squash(line))
    return joined if joined is not None and _SUFFIX.search(joined) else None


def department_and_year(pages: list[str]) -> tuple[str | None, int | None]:
    """From the cover: '2023年度武汉市…中心 部门决算' or '上海市…局 2024年度部门决算'."""
    head = "\n".join(pages[:2])
    years = _YEAR.findall(head)
    year = int(years[0]) if years else None
    dept = None
    lines = head.splitlines()
    for k, line in enumerate(lines):
        dept = _cover_department(line)
        if dept is not None:
            if not _PLACE.search(dept):  # "街道办事处" alone: the place is on the line before
                dept = _wrapped_department(lines[k - 1] if k else "", line) or dept
            break
    if dept is None:
        for line in head.splitlines():
            s = squash(line)
            if 4 <= len(s) <= 40 and _SUFFIX.search(s):
                dept = s
                break
    return dept, year
