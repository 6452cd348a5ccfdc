"""Make a child process end when the process that started it dies, even by ``kill -9``.

Why: a batch starts pool workers, kernel templates, kernels and reading children. When the batch
process is killed without a chance to clean up, nothing else would stop them: they would go on
auditing departments that are never recorded. Linux delivers a chosen signal to a process whose
parent thread ends (``prctl(PR_SET_PDEATHSIG)``); we ask for SIGKILL. Elsewhere this is a no-op
(the children then end when their pipes close, as before).

Call :func:`die_with_parent` first thing in the child. The race where the parent died between the
fork and the ``prctl`` call is closed by comparing the parent pid with the one seen before.
"""

from __future__ import annotations

import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(expected_parent: int | None = None, sig: int = signal.SIGKILL) -> bool:
    """Ask the kernel to send ``sig`` to this process when its parent dies; True when armed.

    ``expected_parent`` is the parent's pid as the parent knew it before starting this process: if
    the current parent differs, the parent is already gone and this process exits at once.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)
    return True
