"""The reading child's limits (auditlib.running.sandbox), each provoked by a function that misbehaves
the way a hostile PDF makes the compiled readers misbehave: a segfault, memory without end, a loop
in C where no Python signal handler runs, CPU spent in a tight loop. No PDF needed; the PDFs that do
this are in test_hostile_end_to_end.py."""

from __future__ import annotations

import ctypes
import os
import re
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from auditlib.reading.pdf import InputError
from auditlib.running import sandbox
from auditlib.running.read_guard import guarded
from auditlib.running.sandbox import Limits

pytestmark = pytest.mark.skipif(not sandbox.available(), reason="reading children need Linux fork")


def _segfault() -> None:
    ctypes.string_at(0)


def _grow_without_end() -> None:
    held = []
    while True:
        held.append(bytearray(32 * 1024 * 1024))


def _one_huge_allocation() -> bytearray:
    return bytearray(4 * 1024 * 1024 * 1024)


def _catastrophic_regex() -> None:
    re.match(r"(a+)+$", "a" * 40 + "b")  # C code: SIGALRM handlers would never run


def _spin() -> None:
    while True:
        pass


def _print_and_return() -> str:
    print("noise from the child")
    sys.stderr.write("more noise\n")
    return "result"


def test_result_comes_back_and_the_child_prints_nothing(capfd):
    assert guarded(Limits(timeout=10), _print_and_return) == "result"
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_a_segfault_is_a_clean_input_error():
    with pytest.raises(InputError, match=r"^reading crashed \(signal 11, SIGSEGV\)$"):
        guarded(Limits(timeout=10), _segfault)


@pytest.mark.parametrize("fn", [_grow_without_end, _one_huge_allocation])
def test_memory_over_the_cap_stops_the_child(fn):
    with pytest.raises(InputError, match=r"^exceeds the memory limit \(--max-memory 400 MB\)$"):
        guarded(Limits(timeout=20, max_memory_mb=400), fn)
    assert sandbox.last_child.peak_rss_mb < 400 + 64


def test_a_loop_in_c_is_killed_at_the_wall_clock_limit():
    start = time.monotonic()
    with pytest.raises(InputError, match=r"^over --timeout 1.5 s$"):
        guarded(Limits(timeout=1.5), _catastrophic_regex)
    assert time.monotonic() - start < 5


@pytest.mark.slow  # a second of CPU, seconds of wall time on a busy machine
def test_cpu_time_limit():
    with pytest.raises(InputError, match=r"^over the CPU-time limit \(1 s\)$"):
        guarded(Limits(timeout=20, cpu_limit=1), _spin)


def test_input_errors_and_bugs_keep_their_kind():
    def refuse() -> None:
        raise InputError("not a PDF (a PNG image)")

    def bug() -> None:
        raise KeyError("a bug")

    with pytest.raises(InputError, match=r"^not a PDF \(a PNG image\)$"):
        guarded(Limits(timeout=10), refuse)
    with pytest.raises(KeyError) as caught:
        guarded(Limits(timeout=10), bug)
    assert "in the reading child process" in caught.value.__notes__[0]


def test_the_child_dies_with_its_parent(tmp_path):
    """kill -9 of the process that reads: its reading child must not live on."""
    pidfile = tmp_path / "child.pid"
    script = textwrap.dedent(
        f"""
        import os, time
        from auditlib.running.read_guard import guarded
        from auditlib.running.sandbox import Limits
        def hang():
            open({str(pidfile)!r}, "w").write(str(os.getpid()))
            time.sleep(120)
        guarded(Limits(timeout=120), hang)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script])
    try:
        for _ in range(200):
            if pidfile.exists() and pidfile.read_text():
                break
            time.sleep(0.05)
        child = int(pidfile.read_text())
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        for _ in range(100):
            if not _alive(child):
                break
            time.sleep(0.05)
        assert not _alive(child), "the reading child outlived its parent"
    finally:
        proc.kill()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False
