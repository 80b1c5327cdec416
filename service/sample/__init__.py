"""The sample school generator: a realistic, deterministic school year in the canonical format.

``generate_school(students=1000, year="2024/2025", seed=7)`` returns the canonical JSON document
(format v1, see :mod:`service.journal.snapshot`); ``write_school(path, ...)`` writes it as ``.json``
or ``.json.gz``.
"""

from service.sample.output import counts, dump_school, write_school
from service.sample.school import generate_school

__all__ = ["counts", "dump_school", "generate_school", "write_school"]
