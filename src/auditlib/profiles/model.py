"""The shape of a report profile: what a kind of report is, as data.

Why: the reader, the sample generator, the rules and the outputs all need to
know the same things about a report kind (its tables, their columns and the
header words that name them, the titles, the page plan, the cover patterns,
the producers' layout variants). Written once as frozen data, a new producer
layout or a new report kind is a new profile, not edits across modules.

Everything here is plain typed data; the behaviour that uses it lives in
``auditlib.reading`` (readers are chosen by name from a registry there) and
``auditlib.samples`` (the generator renders a named variant).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from auditlib.profiles.identities import CrossIdentity, TableIdentity


@dataclass(frozen=True)
class Column:
    """One amount column of a table.

    ``header`` is a regular expression searched in the column's printed header
    (squashed, all header rows joined); ``generic`` marks a header that also fits
    other columns (合计|小计|本年支出 …), tried only after the specific ones.
    ``group`` and ``printed`` are how the column is usually printed (a group label
    spanning several columns, and the column's own label when not ``label``).
    """

    id: str
    label: str
    header: str = ""
    generic: bool = False
    group: str | None = None
    printed: str = ""

    @property
    def printed_header(self) -> tuple[str | None, str]:
        """(group label or None, own label) as the generator prints it."""
        return self.group, self.printed or self.label

    def __iter__(self) -> Iterator[str]:
        """``for column_id, label in spec.columns`` (the pairs of the former schema)."""
        return iter((self.id, self.label))


@dataclass(frozen=True)
class Panel:
    """One side of a side-by-side table: its banner word (收入/支出) and its columns.

    A panel with a single column takes its first amount column whatever its header
    says (金额, 决算数 …); a panel with several recognises them by their headers.
    """

    id: str
    banner: str
    columns: tuple[str, ...]


@dataclass(frozen=True)
class StagedHeader:
    """Headers of a table whose columns are stage × item (三公: 预算数/决算数 × 因公出国(境)费 …).

    A column's stage is the first stage word its header contains; its item is the
    first item pattern that matches once ``group_words`` are removed. A header that
    is only the ``parent`` group (公务用车购置及运行维护费, printed over its two
    children) is ``parent_item``. Column ids are ``<stage>_<item>``.
    """

    stages: tuple[tuple[str, str], ...]
    group_words: str
    parent: str
    parent_item: str
    items: tuple[tuple[str, str], ...]
    #: Item headers as printed (they are header words, never data).
    printed: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableSpec:
    """One canonical table: id, printed title (and aliases), columns, the reader that reads it."""

    id: str
    title: str
    aliases: tuple[str, ...]
    columns: tuple[Column, ...]
    #: Name of the reader in ``auditlib.reading.readers`` (registered with ``@reader``).
    reader: str
    panels: tuple[Panel, ...] = ()
    staged: StagedHeader | None = None
    #: Rows below the data that carry their own label and figure (人员经费合计 …).
    footer: str = ""
    #: What the table must satisfy on its own (row sums, code hierarchy …), checked by table.* rules.
    identities: tuple[TableIdentity, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.columns)

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)

    @property
    def two_panel(self) -> bool:
        """True for the side-by-side income | expenditure tables."""
        return bool(self.panels)

    @property
    def panel_columns(self) -> dict[str, tuple[str, ...]]:
        """Panel id -> the columns it uses."""
        return {p.id: p.columns for p in self.panels}

    def column(self, column_id: str) -> Column:
        return next(c for c in self.columns if c.id == column_id)

    def label(self, column_id: str) -> str:
        """The Chinese label of a column (for messages and printed headers)."""
        return self.column(column_id).label

    def header_order(self, column_ids: tuple[str, ...] | None = None) -> tuple[Column, ...]:
        """Columns to try against a printed header: specific headers first, generic last."""
        cols = [c for c in self.columns if c.header and (column_ids is None or c.id in column_ids)]
        return tuple(sorted(cols, key=lambda c: c.generic))


@dataclass(frozen=True)
class HeaderVocabulary:
    """The words of table headers, which tell a header row from a data row and a column's role.

    ``labels`` are whole header cells (squashed, quotes dropped, brackets half-width);
    ``label_pattern`` matches further header cells. ``code``, ``name`` and ``line_no``
    recognise the columns that are not amounts.
    """

    labels: frozenset[str]
    label_pattern: str
    code: str
    #: A name column's header (科目名称, 项目名称 …) and the word that marks one.
    name: str
    name_word: str
    #: The printed header of the name column, which a continuation page may repeat as a row.
    name_header: str
    #: Headers of an item column (the panels of a two-panel table start with one).
    item: tuple[str, ...]
    line_no: str
    #: The 栏次 row's label.
    index: str
    #: Labels of a total row (a row led by one is data, not header).
    totals: tuple[str, ...]
    #: Headers of the columns that describe a row rather than hold amounts.
    descriptive: str


@dataclass(frozen=True)
class AttachmentVocabulary:
    """Words of the performance self-evaluation attachments (绩效自评表).

    ``title`` finds an attachment's first page (``whole`` tells the department's
    own from a project's); the rest recognise the rows of the form: the
    支出总额 cells, the project line, the budget block's header (预算数, 执行数,
    执行率), the indicator block's header (三级指标, 目标值 …), goal lines and
    the closing rows that end a block.
    """

    title: str
    title_word: str
    numbering: str
    whole: str
    totals: str
    unit_suffix: str
    project: str
    budget: str
    actual: str
    rate: str
    budget_group: str
    indicator: str
    target: str
    levels: tuple[str, str, str]
    achieved: str
    goal: str
    closing: str
    #: The last attachment runs over at most this many pages.
    last_pages: int


@dataclass(frozen=True)
class TableSignature:
    """What identifies a table on a page when its title cannot be read (auditlib.reading.recognise).

    ``words``: header labels and row labels printed in this table (squashed, brackets half-width),
    one point each when present on the page; ``absent``: words of look-alike tables that this one
    never prints, one point off each; ``title_words``: words of its title (or of the note that
    restates it) that tell this table from a look-alike (政府性基金 / 国有资本 …), three points
    when any is found anywhere on the page.
    """

    words: tuple[str, ...]
    absent: tuple[str, ...] = ()
    title_words: tuple[str, ...] = ()


@dataclass(frozen=True)
class PagePlan:
    """Where a table may continue: up to ``continuation_pages`` pages after its title page,
    each drawing at least ``min_rulings`` ruling lines; a title counts as a table's title only
    when a unit line follows within ``title_window`` lines."""

    continuation_pages: int
    min_rulings: int
    title_window: int
    unit_words: tuple[str, ...]


@dataclass(frozen=True)
class CoverPatterns:
    """How the department, the year and the unit are found (cover page and table headers)."""

    unit: str
    department_line: str
    department_stop: str
    year: str
    #: The cover line naming the report: its words, and what is cut from it around the department.
    report_words: tuple[str, ...]
    year_in_title: str
    part_heading: str
    #: A cover line that is a department's name ends with one of these.
    department_suffix: str
    #: A title prefix is a department and/or a year: it ends with one of these.
    title_prefix_end: str
    #: Numbering printed before a title (一、, 表1-1：).
    title_numbering: tuple[str, ...]


@dataclass(frozen=True)
class Variant:
    """One producer's or region's layout of the same report: data, read by reader and generator.

    ``label`` formats the table label (公开{n:02d}表; ``n`` is the table's place in
    ``order``, ``cn`` the same in Chinese numerals) or is None when none is printed;
    ``label_pattern`` is how the reader recognises such a label beside a title.
    ``header_labels`` overrides the printed header of a table's columns:
    table id -> column id -> (group label or None, own label).
    """

    name: str
    description: str
    order: tuple[str, ...]
    label: str | None
    label_pattern: str | None
    code_columns: str
    line_numbers: bool
    column_index_row: bool
    repeat_header: bool
    department_label: str
    unit_label: str
    thousands: bool
    header_labels: Mapping[str, Mapping[str, tuple[str | None, str]]] = field(default_factory=dict)

    def style(self) -> dict[str, object]:
        """The generator's style dict (docs/department-format.md)."""
        return {
            "variant": self.name,
            "order": list(self.order),
            "labels": self.label is not None,
            "label": self.label,
            "code_columns": self.code_columns,
            "line_numbers": self.line_numbers,
            "column_index_row": self.column_index_row,
            "repeat_header": self.repeat_header,
            "department_label": self.department_label,
            "unit_label": self.unit_label,
            "thousands": self.thousands,
        }


@dataclass(frozen=True)
class Profile:
    """A report kind: its tables, reading vocabulary, page plan, cover patterns and variants."""

    kind: str
    tables: Mapping[str, TableSpec]
    headers: HeaderVocabulary
    page_plan: PagePlan
    cover: CoverPatterns
    variants: Mapping[str, Variant]
    #: What pairs of tables must satisfy, each tagged with its cross.* rule.
    cross_identities: tuple[CrossIdentity, ...] = ()

    @property
    def table_ids(self) -> tuple[str, ...]:
        return tuple(self.tables)

    def label_patterns(self) -> tuple[str, ...]:
        """How every known variant prints a table label beside a title (for the reader)."""
        return tuple(dict.fromkeys(v.label_pattern for v in self.variants.values() if v.label_pattern))
