"""How the PDF password reaches the department's kernel without being written anywhere.

Why: papermill writes every parameter into the executed notebook, which a batch keeps; a password
there would sit in plain text beside the audit. So the batch leaves the notebook's ``password``
parameter empty and puts the password into the kernel's environment (``AUDITLIB_PASSWORD``) only;
``auditlib.outputs.workpaper.run_audit`` reads it from there when no password is given. Nothing in
OUT_DIR (notebook, HTML, manifest, findings) ever holds it; the manifest records only whether one
was given.
"""

from __future__ import annotations

import os

PASSWORD_VARIABLE = "AUDITLIB_PASSWORD"


def kernel_environment(password: str | None) -> dict[str, str]:
    """The variables a department's kernel needs for ``password`` (none when there is no password)."""
    return {PASSWORD_VARIABLE: password} if password else {}


def password_or_environment(password: str | None) -> str | None:
    """``password`` when given, else the one the batch put into this kernel's environment (or None)."""
    if password:
        return password
    return os.environ.get(PASSWORD_VARIABLE) or None
