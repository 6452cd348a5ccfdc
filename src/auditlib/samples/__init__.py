"""The sample corpus: departments described in YAML, rendered to PDF, mutated.

Real reports cannot be downloaded where this project is built and tested, so it
makes its own, as close to real ones as it can (see docs/department-format.md).
"""
