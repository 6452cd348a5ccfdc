"""Subjects: what a figure is of ("收入合计", "三公经费", a 科目 path "X/Y/Z").

Why: rules look facts up by subject, so the many printed wordings of one
subject must become one name. Known totals and 三公 items map to a fixed name
(the vocabulary of ``auditlib.profiles.narrative``); 科目 phrases with
（类）（款）（项） markers become a "/" path of names, which is what the text and
the tables share; anything else keeps its printed wording minus years,
numbering and trailing 为/是/决算.
"""

from __future__ import annotations

import re

from auditlib.model.text import squash
from auditlib.profiles.narrative import (
    KEMU_LEVELS,
    PERIOD_COMPARISON_WORDS,
    SUBJECT_LEAD_WORDS,
    SUBJECT_LINK_PATTERN,
    SUBJECT_OWNER_WORDS,
    SUBJECT_VOCABULARY,
    YOY_COMPARE_VERBS,
    YOY_COMPARE_WORDS,
    YOY_PREVIOUS_YEAR_PATTERN,
)
from auditlib.reading.narrative.text import one_of

#: Item numbering at the start of a phrase: "1." "1、" "（1）" "（一）" "一、".
NUMBERING = re.compile(
    r"^(?:\d{1,3}[.、．](?!\d)|[(（](?:\d{1,3}|[一二三四五六七八九十]{1,3})[)）]|[一二三四五六七八九十]{1,3}、)"
)
LEVEL_MARK = re.compile(rf"[(（]({one_of(KEMU_LEVELS)})[)）]")
_KEMU_CODE = re.compile(r"(?<!\d)(\d{3}|\d{5}|\d{7})(?!\d)")
_YEAR = re.compile(r"\d{4}年")
_YEAR_PREFIX = re.compile(r"^.*?\d{4}年度?(?:末)?")
_ANCHOR_IN_SUBJECT = re.compile(
    rf"(?:{one_of(YOY_COMPARE_WORDS)})(?:{YOY_PREVIOUS_YEAR_PATTERN}|\d{{4}}年度?)(?:同期)?(?:决算数?)?"
    rf"(?:{one_of(YOY_COMPARE_VERBS)})?|{one_of(PERIOD_COMPARISON_WORDS)}"
)
_LEAD = re.compile(rf"^(?:{one_of(SUBJECT_LEAD_WORDS)}|[(（])+")
_OWNER = re.compile(rf"^(?:{one_of(SUBJECT_OWNER_WORDS)})")
_LINK_END = re.compile(rf"(?:{SUBJECT_LINK_PATTERN})$")
_ACTUAL_END = re.compile(r"决算数?$")
_ACTUAL_ONLY = re.compile(r"(?:支出)?决算数?")
_PHRASE_EDGES = "，,。;；:：、 "

#: The subject vocabulary, compiled: (pattern, canonical name or None = the matched text).
VOCABULARY: list[tuple[re.Pattern[str], str | None]] = [(re.compile(p), c) for p, c in SUBJECT_VOCABULARY]


def kemu_path(text: str) -> tuple[str, str | None] | None:
    """ "X（类）Y（款）Z（项）" -> ("X/Y/Z", code). None if no level marker.

    Why: the narrative names 科目 by their names with level markers, the
    tables by code and name; a path of names is what both sides share. A
    trailing name without "（项）" (seen in the seed) is kept as the 项, and the
    "X(类)支出" form of structure lists gives the 类 name "X支出".
    """
    if not LEVEL_MARK.search(text):
        return None
    code_m = _KEMU_CODE.search(text)
    code = code_m.group(1) if code_m else None
    body = _KEMU_CODE.sub("", text)
    parts = LEVEL_MARK.split(body)
    names: list[str] = []
    # parts = [name, level, name, level, ..., rest]
    for i in range(0, len(parts) - 1, 2):
        names.append(parts[i].strip("，,。.、:："))
    rest = parts[-1].strip("，,。.、:：")
    if rest:
        if rest == "支出" and names:
            names[-1] += rest
        else:
            names.append(rest)
    names = [n for n in names if n]
    return ("/".join(names), code) if names else None


def title_kemu_path(title: str) -> tuple[str, str | None] | None:
    """The 科目 path of a section title that is itself a 科目 heading ("一、X（类）…（项）")."""
    if not title or not LEVEL_MARK.search(title):
        return None
    return kemu_path(NUMBERING.sub("", squash(title)))


def clean_phrase(phrase: str) -> str:
    """Drop numbering, years, "其中", trailing 为/是/决算 from a subject phrase."""
    p = phrase.strip().strip("，,。;；:：、□ ")
    for _ in range(3):
        p = NUMBERING.sub("", p).lstrip(_PHRASE_EDGES)
        p = _LEAD.sub("", p)
    p = _ANCHOR_IN_SUBJECT.sub("", p)
    if _YEAR.search(p):
        p2 = _YEAR_PREFIX.sub("", p)
        if p2:
            p = p2
    p = _OWNER.sub("", p)
    for _ in range(3):
        p = _LINK_END.sub("", p)
        p = _ACTUAL_END.sub("", p) if not _ACTUAL_ONLY.fullmatch(p) else p
    return p.strip(_PHRASE_EDGES)


def canonical_subject(phrase: str) -> tuple[str, str | None]:
    """Normalise a printed subject phrase: (subject, 功能分类 code or None).

    Known totals and 三公 items map to one fixed name so that rules can look
    them up; 科目 phrases with （类）（款）（项） markers become a "/" path;
    anything else keeps its cleaned printed wording.
    """
    p = clean_phrase(phrase)
    if not p:
        return "", None
    path = kemu_path(p)
    if path is not None:
        return path
    for pattern, canonical in VOCABULARY:
        m = pattern.search(p)
        if m:
            return (canonical or m.group(0).removeprefix("本年")), None
    return p, None


def is_known_subject(subject: str) -> bool:
    """True if the subject contains a name of the vocabulary (a reason may then name its fact)."""
    return any(pattern.search(subject) for pattern, _ in VOCABULARY)
