"""Fonts and files for every chart: a CJK font found (never assumed), PNG bytes that repeat.

Why: matplotlib's default DejaVu Sans has no Chinese glyphs, so labels would render as empty boxes
with a "Glyph … missing from font" warning. ``cjk_font()`` looks for Debian's WenQuanYi Zen Hei
(``fonts-wqy-zenhei``, installed by ``make setup``), then Noto Sans CJK and other known CJK fonts,
then any system font that covers 部门决算, registers it with ``font_manager.fontManager.addfont``
and raises ``FontMissing`` naming the Debian package when there is none. Styles apply only inside
``cjk_style()`` (``matplotlib.rc_context``): no leaked global state. ``png_bytes``/``save_png`` use a
fixed dpi and drop the PNG ``Software`` metadata, so the same figure gives the same bytes. Used by the
department charts (``auditlib.outputs.plots``) and the portfolio.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

#: dpi of every PNG written (fixed so the bytes are reproducible).
DPI = 120

#: Debian package that provides the preferred font (named in FontMissing).
FONT_PACKAGE = "fonts-wqy-zenhei"

#: Known CJK font files, most preferred first. ``AUDITLIB_CJK_FONT`` overrides.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
#: File-name fragments of CJK fonts, tried first when scanning the system fonts.
_NAME_HINTS = (
    "cjk",
    "wqy",
    "wenquanyi",
    "han",
    "droidsansfallback",
    "simhei",
    "simsun",
    "msyh",
    "pingfang",
    "heiti",
    "fangsong",
    "kaiti",
    "uming",
    "ukai",
    "arphic",
    "zh",
    "chinese",
)
#: Characters a usable font must cover (the labels of these charts).
FONT_PROBE = "部门决算支出合计基本项目年初预算收入财政拨款无数据万元类占完成率"


#: Chart keys of ``all_charts``, in their fixed order.
class FontMissing(RuntimeError):
    """No font with Chinese glyphs for the charts (install Debian's fonts-wqy-zenhei)."""


@dataclass(frozen=True)
class CjkFont:
    path: Path
    name: str
    #: The face's weight as matplotlib sees it (WenQuanYi Zen Hei is 500):
    #: asking for another weight would log "Failed to find font weight".
    weight: int | str = "normal"


# ---------------------------------------------------------------- font


def _covers(path: str, text: str = FONT_PROBE) -> str | None:
    """The family name of the font file when its first face covers ``text``, else None."""
    from matplotlib import ft2font

    try:
        font = ft2font.FT2Font(path)
        charmap = font.get_charmap()
    except Exception:  # unreadable or unsupported font file
        return None
    if all(ord(ch) in charmap for ch in text):
        return font.family_name
    return None


def _register(path: str) -> CjkFont | None:
    name = _covers(path)
    if name is None:
        return None
    if not any(Path(f.fname) == Path(path) for f in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    entry = next((f for f in font_manager.fontManager.ttflist if Path(f.fname) == Path(path)), None)
    if entry is None:
        return CjkFont(Path(path), name)
    return CjkFont(Path(path), entry.name, entry.weight)


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont:
    """The CJK font the charts use (found once per process, then cached).

    Order: ``$AUDITLIB_CJK_FONT``, the known files of ``FONT_CANDIDATES``
    (WenQuanYi Zen Hei first: it is what ``make setup`` installs), then every
    system font matplotlib can see, CJK-looking file names first. A font is
    accepted only when it really covers the charts' characters.
    """
    tried: list[str] = []
    override = os.environ.get("AUDITLIB_CJK_FONT", "")
    for path in (override, *FONT_CANDIDATES):
        if path and Path(path).is_file():
            tried.append(path)
            found = _register(path)
            if found:
                return found
    system = sorted(set(font_manager.findSystemFonts()) - set(tried))
    hinted = [p for p in system if any(h in Path(p).name.lower() for h in _NAME_HINTS)]
    for path in hinted + [p for p in system if p not in hinted]:
        found = _register(path)
        if found:
            return found
    raise FontMissing(
        "no font with Chinese glyphs for the charts: install Debian's "
        f"{FONT_PACKAGE} (`sudo apt-get install {FONT_PACKAGE}`, `make setup` does) "
        "or set AUDITLIB_CJK_FONT to a .ttf/.otf/.ttc file that covers Chinese"
    )


def font_available() -> bool:
    try:
        cjk_font()
    except FontMissing:
        return False
    return True


@contextmanager
def cjk_style() -> Iterator[CjkFont]:
    """Temporary rcParams for building or saving a chart (restored on exit).

    ``font.family`` is set to the concrete CJK family, so texts created here
    keep that family after the context ends. No DejaVu Sans fallback: the CJK
    fonts cover ASCII, and a fallback of another weight makes matplotlib log
    "Failed to find font weight" for every text. ``axes.unicode_minus`` is
    off: WenQuanYi has no U+2212.
    """
    font = cjk_font()
    families = [font.name]
    # Text created here stores the weight: the title is set apart by size, not bold,
    # since the CJK face has one weight only.
    with matplotlib.rc_context(
        {
            "font.family": families,
            "font.sans-serif": families,
            "axes.unicode_minus": False,
            "font.weight": font.weight,
            "axes.titleweight": font.weight,
            "axes.labelweight": font.weight,
            "figure.titleweight": font.weight,
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 10,
            "legend.fontsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.hashsalt": "auditlib",
        }
    ):
        yield font


# ---------------------------------------------------------------- files


def png_bytes(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes: fixed dpi, no ``Software`` metadata, so the
    same figure always gives the same bytes."""
    buf = io.BytesIO()
    with cjk_style(), _laid_out(fig, dpi):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None}, facecolor="white")
    return buf.getvalue()


@contextmanager
def _laid_out(fig: Figure, dpi: float) -> Iterator[None]:
    """Run the figure's constrained layout once, at the save ``dpi``, and
    detach the engine while the figure is saved (it is put back afterwards).

    Why: with a layout engine attached, ``savefig`` first makes a whole
    non-rendering draw pass only to trigger the layout, then draws again for
    the pixels; that first pass is about a tenth of a chart's cost. Laying out
    here (what that pass does first, same dpi, same renderer) and saving
    without the engine gives the same pixels and the same PNG bytes. Figures
    with another engine (or none) are saved as they are.
    """
    engine = fig.get_layout_engine()
    if not isinstance(engine, ConstrainedLayoutEngine):
        yield
        return
    # No rcParams may put an engine back when it is detached (set_layout_engine(None)).
    with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
        original_dpi = fig.dpi
        fig.dpi = dpi
        try:
            engine.execute(fig)
        except ValueError:  # as Figure.draw: a layout that cannot be made is skipped
            pass
        finally:
            fig.dpi = original_dpi
        fig.set_layout_engine(None)
    try:
        yield
    finally:
        fig.set_layout_engine(engine)


def save_png(fig: Figure, path: str | Path, dpi: int = DPI) -> Path:
    """Write the figure as a deterministic PNG (temporary file, then ``os.replace``)."""
    from auditlib.outputs.files import write_atomic

    return write_atomic(Path(path), png_bytes(fig, dpi=dpi))


# ---------------------------------------------------------------- helpers
