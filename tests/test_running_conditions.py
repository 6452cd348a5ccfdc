"""Hostile conditions for a batch (issue 12): one batch per output folder, a full or read-only output
folder, ``kill -9`` of the batch process, input names of 250 bytes.

The full and read-only folders are real mounts (a small tmpfs, a read-only bind mount): root ignores
file modes, so ``chmod`` proves nothing. Where mounting is not allowed those tests are skipped with
the reason. One batch over two 250-byte names (Chinese and ASCII) serves most tests: it is the
batch a second one is refused from, and its output folder is copied onto the mounts.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from auditlib.outputs.files import missing_root, remove_empty, write_fault
from auditlib.running.batch.discovery import SLUG_MAX_BYTES, discover
from auditlib.running.batch.out_lock import LOCK_FILE, BatchBusy, BatchLock

from conftest import RAW, ROOT

SMALL = RAW / "sample-wuhan-small-2024.pdf"
#: 250 bytes each with ".pdf": 82 Chinese characters (3 bytes each), or 246 ASCII letters.
CJK_NAME = "湖北省武汉市财政局部门决算" * 6 + "报告" * 2 + ".pdf"
ASCII_NAME = "wuhan-small-department-final-accounts-" * 6 + "a" * 18 + ".pdf"
NAME_MAX = 255


def test_names_are_250_bytes():
    assert len(CJK_NAME.encode("utf-8")) == 250 and len(ASCII_NAME.encode("utf-8")) == 250


def _cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "auditlib.cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout
    )


def _batch_args(in_dir: Path, out: Path, jobs: int = 2) -> list[str]:
    return ["batch", str(in_dir), "--out", str(out), "--jobs", str(jobs), "--quiet", "--no-cache"]


def _one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def _mount(*args: str) -> None:
    done = subprocess.run(["mount", *args], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"mounting is not allowed here (mount {' '.join(args)}: {done.stderr.strip()})")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True)


@pytest.fixture
def tmpfs(tmp_path: Path):
    """A factory of small tmpfs mounts, unmounted at teardown."""
    mounted: list[Path] = []

    def make(size_kb: int) -> Path:
        where = tmp_path / f"tmpfs{len(mounted)}"
        where.mkdir()
        _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where))
        mounted.append(where)
        return where

    yield make
    for where in reversed(mounted):
        _umount(where)


@pytest.fixture
def read_only(tmp_path: Path):
    """A factory of read-only bind mounts of a folder, unmounted at teardown."""
    mounted: list[Path] = []

    def make(source: Path) -> Path:
        where = tmp_path / f"ro{len(mounted)}"
        where.mkdir()
        _mount("--bind", str(source), str(where))
        mounted.append(where)
        _mount("-o", "remount,ro,bind", str(where))
        probe = where / ".probe"
        try:
            probe.write_bytes(b"x")
        except OSError:
            return where
        probe.unlink()
        pytest.skip("a read-only bind mount is writable here")

    yield make
    for where in reversed(mounted):
        _umount(where)


def _fill(folder: Path, leave_kb: int) -> None:
    """Fill the filesystem of ``folder`` until about ``leave_kb`` KB are free."""
    free = shutil.disk_usage(folder).free - leave_kb * 1024
    if free > 0:
        (folder / "filler").write_bytes(b"\0" * free)


def _no_leftovers(out: Path) -> None:
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
    assert hidden == [], hidden  # no lock, staging folder, temporary manifest or private cache
    if (out / "portfolio").is_dir():
        assert not [p for p in (out / "portfolio").iterdir() if p.name.startswith(".")]


# ---------------------------------------------------------------- long names (slugs)


def test_long_names_get_short_slugs_that_fit(tmp_path: Path):
    """A 250-byte name (Chinese or ASCII): the slug keeps a readable prefix and the hash suffix, so
    every name derived from it fits NAME_MAX; two long names that share the prefix stay apart."""
    for name in (CJK_NAME, ASCII_NAME, "x" + ASCII_NAME[1:]):
        (tmp_path / name).write_bytes(b"%PDF")
    (tmp_path / "short name.pdf").write_bytes(b"%PDF")
    slugs = {job.rel: job.slug for job in discover(tmp_path)}
    assert slugs["short name.pdf"] == "short_name"
    long_slugs = [slugs[n] for n in (CJK_NAME, ASCII_NAME, "x" + ASCII_NAME[1:])]
    assert len(set(long_slugs)) == 3
    for slug in long_slugs:
        size = len(slug.encode("utf-8"))
        assert size <= SLUG_MAX_BYTES, slug
        assert re.fullmatch(r".+-[0-9a-f]{8}", slug), slug
        for derived in (f".{slug}.stage-abcdefgh", f".{slug}.failed-4194304", f".{slug}.old-4194304"):
            assert len(derived.encode("utf-8")) <= NAME_MAX
    assert slugs[CJK_NAME].startswith("湖北省武汉市财政局部门决算")
    assert slugs[ASCII_NAME].startswith("wuhan-small-department-final-accounts-")


# ---------------------------------------------------------------- the pieces, without a batch


def test_write_faults_are_recognised_through_causes_and_kernel_errors():
    class KernelError(Exception):  # what papermill raises for an error inside the kernel
        ename, evalue = "OSError", "[Errno 28] No space left on device: '/out/x.png'"

    assert write_fault(OSError(28, "No space left on device")) == "no space left on device"
    assert write_fault(OSError(30, "Read-only file system")) == "read-only file system"
    try:
        try:
            raise OSError(30, "Read-only file system")
        except OSError as inner:
            raise RuntimeError("wrapped") from inner
    except RuntimeError as outer:
        assert write_fault(outer) == "read-only file system"
    assert write_fault(KernelError()) == "no space left on device"
    assert write_fault(OSError(13, "Permission denied")) is None
    assert write_fault(ValueError("[Errno 28] in a message of a stranger")) is None


def test_a_failed_run_removes_only_the_empty_folders_it_created(tmp_path: Path):
    target = tmp_path / "a" / "b" / "c"
    root = missing_root(target)
    assert root == tmp_path / "a"
    target.mkdir(parents=True)
    (tmp_path / "a" / "keep").write_text("x")
    remove_empty(target, root)
    assert not (tmp_path / "a" / "b").exists() and (tmp_path / "a" / "keep").exists()
    assert missing_root(tmp_path) is None


def test_the_lock_refuses_a_second_holder_and_goes_with_its_file(tmp_path: Path):
    lock = BatchLock.acquire(tmp_path, "2026-01-02T03:04:05Z")
    assert (tmp_path / LOCK_FILE).read_text() == f"pid {os.getpid()} since 2026-01-02T03:04:05Z\n"
    script = (
        "import sys\nfrom pathlib import Path\nfrom auditlib.running.batch.out_lock import BatchBusy, BatchLock\n"
        "try:\n    BatchLock.acquire(Path(sys.argv[1]), 'now')\nexcept BatchBusy as exc:\n    print(exc)\n"
    )
    other = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert other.stdout.strip() == (
        f"another batch is running into this folder (pid {os.getpid()} since 2026-01-02T03:04:05Z)"
    ), other.stderr
    lock.release()
    assert not (tmp_path / LOCK_FILE).exists()
    (tmp_path / LOCK_FILE).write_text("pid 1 since long ago\n")  # left by a killed batch: no one holds it
    again = BatchLock.acquire(tmp_path, "later")
    assert (tmp_path / LOCK_FILE).read_text() == f"pid {os.getpid()} since later\n"
    with pytest.raises(BatchBusy):  # a second lock in the same process is refused too (flock is per open file)
        BatchLock.acquire(tmp_path, "again")
    again.release()


# ---------------------------------------------------------------- one batch, a second one refused


@pytest.fixture(scope="module")
def long_batch(tmp_path_factory):
    """A batch over two 250-byte names; while it runs, a second batch into the same folder."""
    base = tmp_path_factory.mktemp("conditions")
    in_dir = base / "in"
    in_dir.mkdir()
    for name in (CJK_NAME, ASCII_NAME):
        shutil.copy(SMALL, in_dir / name)
    out = base / "out"
    first = subprocess.Popen(
        [sys.executable, "-m", "auditlib.cli", *_batch_args(in_dir, out)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock = out / ".auditlib-batch.lock"
    deadline = time.monotonic() + 120
    while not lock.exists() and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    second = _cli(*_batch_args(in_dir, out)) if first.poll() is None else None
    stdout, stderr = first.communicate(timeout=600)
    return in_dir, out, (first.returncode, stdout, stderr, first.pid), second


@pytest.mark.slow
def test_second_batch_into_the_same_folder_is_refused(long_batch):
    _, out, (code, _, stderr, pid), second = long_batch
    assert code == 0, stderr
    assert second is not None, "the first batch ended before a second one could start"
    assert second.returncode == 2
    line = _one_line(second.stderr)
    assert re.fullmatch(
        rf"auditlib: {re.escape(str(out))}: another batch is running into this folder \(pid {pid} since "
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)",
        line,
    ), line
    assert second.stdout == ""
    deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
    assert len(deps) == 2 and all(e["status"] == "audited" for e in deps.values()), deps
    _no_leftovers(out)


@pytest.mark.slow
def test_250_byte_names_are_audited(long_batch):
    _, out, (code, _, stderr, _), _ = long_batch
    assert code == 0, stderr
    deps = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["departments"]
    assert sorted(e["input"] for e in deps.values()) == sorted([CJK_NAME, ASCII_NAME])
    for slug in deps:
        assert len(slug.encode("utf-8")) <= SLUG_MAX_BYTES
        assert (out / slug / "audit.html").is_file() and (out / slug / "findings.json").is_file()
        for path in (out / slug).rglob("*"):
            assert len(path.name.encode("utf-8")) <= NAME_MAX


# ---------------------------------------------------------------- read-only and full folders


@pytest.mark.slow
def test_read_only_folder(long_batch, read_only, tmp_path: Path):
    """Every department unchanged: exit 0 and nothing written. Something to write: one line, exit 2."""
    in_dir, out, (code, _, stderr, _), _ = long_batch
    assert code == 0, stderr
    ro = read_only(out)
    done = _cli(*_batch_args(in_dir, ro))
    assert done.returncode == 0, done.stderr
    assert "2 unchanged" in done.stdout and done.stderr == ""
    more = tmp_path / "in"
    shutil.copytree(in_dir, more)
    (more / "broken.pdf").write_bytes(b"%PDF-1.7 not really a PDF")
    done = _cli(*_batch_args(more, ro))
    assert done.returncode == 2
    assert _one_line(done.stderr) == f"auditlib: {ro}: cannot write (read-only file system)"


def _size_kb(folder: Path) -> int:
    """Space the files under ``folder`` take on a tmpfs (whole 4 KB pages)."""
    return sum(-(-p.stat().st_size // 4096) * 4 for p in folder.rglob("*") if p.is_file())


@pytest.mark.slow
def test_full_disk_keeps_what_was_finished(long_batch, tmpfs, tmp_path: Path):
    """A department that does not fit: one line, exit 2; the departments already done stay, recorded
    in a whole manifest.json; no staging folder, temporary file or lock left; no process left."""
    psutil = pytest.importorskip("psutil")

    in_dir, out, (code, _, stderr, _), _ = long_batch
    assert code == 0, stderr
    disk = tmpfs(_size_kb(out) + 512)
    full = disk / "out"
    shutil.copytree(out, full)
    more = tmp_path / "in"
    shutil.copytree(in_dir, more)
    (more / "another.pdf").write_bytes(b"%PDF-1.7 not really a PDF")  # fails fast, yet needs room
    _fill(disk, leave_kb=12)
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    done = _cli(*_batch_args(more, full, jobs=1))
    assert done.returncode == 2, done.stderr
    assert _one_line(done.stderr) == f"auditlib: {full}: cannot write (no space left on device)"
    deps = json.loads((full / "manifest.json").read_text(encoding="utf-8"))["departments"]
    assert deps["another"]["status"] == "pending"
    kept = [slug for slug in deps if slug != "another"]
    assert len(kept) == 2 and all(deps[s]["status"] == "unchanged" for s in kept), deps
    assert all((full / s / "findings.json").is_file() for s in kept)
    assert not (full / "another").exists()
    _no_leftovers(full)
    assert {p.pid for p in psutil.Process().children(recursive=True)} <= before


@pytest.mark.slow
def test_audit_onto_a_full_filesystem(tmpfs):
    """One line, exit 2, and no (empty) output folder left behind."""
    disk = tmpfs(256)
    _fill(disk, leave_kb=16)
    target = disk / "new" / "audit"
    done = _cli("audit", str(SMALL), "--out", str(target), "--no-cache")
    assert done.returncode == 2, done.stderr
    assert _one_line(done.stderr) == f"auditlib: {target}: cannot write (no space left on device)"
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]


# ---------------------------------------------------------------- kill -9


@pytest.mark.slow
def test_kill_9_of_the_batch_leaves_no_process(tmp_path: Path):
    """Workers, kernel templates, kernels and the resource tracker all end with the batch process."""
    psutil = pytest.importorskip("psutil")

    in_dir = tmp_path / "in"
    in_dir.mkdir()
    for name in ("small.pdf", "second.pdf", "third.pdf"):
        shutil.copy(SMALL, in_dir / name)
    batch = subprocess.Popen(
        [sys.executable, "-m", "auditlib.cli", *_batch_args(in_dir, tmp_path / "out", jobs=1)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    me = psutil.Process(batch.pid)
    family: dict[int, psutil.Process] = {}
    deadline = time.monotonic() + 120
    kernel = False
    while not kernel and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
        try:
            for p in me.children(recursive=True):
                family.setdefault(p.pid, p)
            # a kernel: batch -> worker -> template -> kernel, or batch -> worker -> kernel
            kernel = any(
                "ipykernel" in " ".join(p.cmdline()) or len(p.parents()) - len(me.parents()) >= 3
                for p in family.values()
                if p.is_running()
            )
        except psutil.Error:
            continue
    assert kernel, "no department kernel started"
    assert len(family) >= 4, family  # worker, resource tracker, templates, kernel
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    deadline = time.monotonic() + 5

    def alive() -> list[psutil.Process]:
        out = []
        for p in family.values():
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    out.append(p)
            except psutil.Error:
                pass
        return out

    while alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive()
    for p in left:  # never leave them running, whatever the outcome
        p.kill()
    assert not left, [(p.pid, p.cmdline()[:4]) for p in left]
