"""Shared paths, skip reasons and the ``slow`` marking for the test-suite."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
TRUTH = ROOT / "samples" / "truth"
DEPARTMENTS = ROOT / "samples" / "departments"
MUTATIONS = ROOT / "samples" / "mutations"
REAL_PDFS = ROOT / "tests" / "fixtures" / "real"  # three real published reports (see its README.md)

#: Slow tests (the ``slow`` marker, deselected by ``make test-fast``) in modules that also hold fast
#: ones: per module, the test functions (every parametrisation) and the module's fixtures that make a
#: test slow (a test using one, directly or through another fixture, is slow). Modules that are slow
#: as a whole say so at their top (``pytestmark = pytest.mark.slow``); a new slow test can also carry
#: ``@pytest.mark.slow`` itself. Slow means: renders sample PDFs, reads the sample or real reports
#: through the table reader, runs the command line on a report, batches, Dask, kernels, fuzzing,
#: nbval, wheels.
SLOW_IN_MODULE: dict[str, frozenset[str]] = {
    "test_narrative.py": frozenset(
        {
            "seed_report",
            "shanghai_sample",
            "finance_report",
            "planning",
            "test_real_template_is_all_placeholders",
            "test_mutant_placeholder_and_missing_percent",
        }
    ),
    "test_rules.py": frozenset({"mutant_results", "clean_results", "test_audit_command_is_deterministic"}),
    "test_mutate.py": frozenset({"test_mutant_pdf_shows_the_change"}),
    "test_generator.py": frozenset({"test_text_layer_holds_every_figure", "test_text_layer_holds_every_name"}),
    "test_plots_evidence.py": frozenset(
        {"seed", "shanghai", "test_unit_in_yuan", "test_charts_render_without_missing_glyphs"}
    ),
}

#: Fixtures of this file that make any test using them slow: the real reports, rendering PDFs.
SLOW_FIXTURES = frozenset({"real_pdfs", "need_font"})

#: A module whose top marks it slow as a whole (``pytestmark = pytest.mark.slow`` or a list that
#: starts with it).
_SLOW_MODULE = re.compile(r"^pytestmark\s*=\s*\[?\s*pytest\.mark\.slow\b", re.MULTILINE)


def sample_pdfs() -> list[Path]:
    """Every committed sample PDF (departments and mutants) that has a ground truth."""
    return sorted(p for p in RAW.rglob("*.pdf") if truth_path(p).exists())


def truth_path(pdf: Path) -> Path:
    sub = "mutants" if pdf.parent.name == "mutants" else ""
    return TRUTH / sub / f"{pdf.stem}.json"


def load_truth(pdf: Path) -> dict:
    return json.loads(truth_path(pdf).read_text(encoding="utf-8"))


def font_available() -> bool:
    from auditlib.samples.render import FontMissing, register_font

    try:
        register_font()
    except FontMissing:
        return False
    return True


@pytest.fixture(scope="session")
def need_font() -> None:
    if not font_available():
        pytest.skip("no CJK TrueType font (fonts-wqy-zenhei): cannot render sample PDFs here")


@pytest.fixture(scope="session")
def real_pdfs() -> Path:
    """The folder of the three real reports, committed in the repository (never skipped)."""
    return REAL_PDFS


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With ``-m "not slow"``, a module that is slow as a whole is not even imported: its imports
    (papermill, Dask, kernels) would cost the fast loop seconds for tests it deselects anyway."""
    if config.getoption("markexpr") != "not slow" or collection_path.suffix != ".py":
        return None
    if not collection_path.name.startswith("test_"):
        return None
    return True if _SLOW_MODULE.search(collection_path.read_text(encoding="utf-8")) else None


def _slow_names(item: pytest.Item, checked: set[str]) -> frozenset[str]:
    """SLOW_IN_MODULE's names for the item's module; a name the module no longer defines stops the
    run, so that a renamed slow test or fixture cannot slip into ``make test-fast`` unnoticed."""
    module_name = item.path.name
    names = SLOW_IN_MODULE.get(module_name, frozenset())
    module = getattr(item, "module", None)
    if names and module is not None and module_name not in checked:
        checked.add(module_name)
        stale = sorted(n for n in names if not hasattr(module, n))
        if stale:
            raise pytest.UsageError(f"tests/conftest.py SLOW_IN_MODULE: {module_name} defines no {', '.join(stale)}")
    return names


@pytest.hookimpl(tryfirst=True)  # before pytest's own hook deselects by -m
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark slow what SLOW_IN_MODULE and SLOW_FIXTURES name, and every nbval notebook cell."""
    checked: set[str] = set()
    for item in items:
        names = _slow_names(item, checked) | SLOW_FIXTURES
        used = set(getattr(item, "fixturenames", ())) | {getattr(item, "originalname", item.name)}
        if item.path.suffix == ".ipynb" or used & names:
            item.add_marker(pytest.mark.slow)
