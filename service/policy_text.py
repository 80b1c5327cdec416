"""The policy's deadlines in the words of the school's Регламент.

The timeliness control report, the Регламент and the Положение об электронном журнале print
these phrases, so what staff read is what the checks apply.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.policy import Deadlines, GradeBand
from service.russian import plural


@dataclass(frozen=True, slots=True)
class DeadlineWording:
    """Each deadline as a phrase that completes «Отметки … выставляются …»."""

    marks: str
    homework: str
    written: str
    tests: str

    def as_dict(self) -> dict[str, str]:
        """The phrases by name, for a template context."""
        return {
            "marks": self.marks,
            "homework": self.homework,
            "written": self.written,
            "tests": self.tests,
        }


def hours_of_day(moment: object) -> str:
    """«16.00»: a time of day as the Регламент writes it."""
    return f"{moment:%H.%M}"


def _classes(band: GradeBand) -> str:
    return f"{band.label} {'классе' if band.first == band.last else 'классах'}"


def deadline_wording(deadlines: Deadlines) -> DeadlineWording:
    """The Russian phrases of ``deadlines``."""
    bands = deadlines.homework_bands
    homework = (
        f"не позднее чем через {plural(bands[0].hours, 'час')} после окончания последнего "
        "урока класса в этот день"
    )
    if len(bands) > 1 or (bands[0].first, bands[0].last) != (1, 11):
        homework += f" в {_classes(bands[0])}" + "".join(
            f", через {plural(b.hours, 'час')} — в {_classes(b)}" for b in bands[1:]
        )
    after_work = "после проведения работы"
    return DeadlineWording(
        marks=f"в день проведения урока до {hours_of_day(deadlines.marks_until)} часов",
        homework=homework,
        written=f"не позднее чем через {plural(deadlines.written_work_days, 'день')} {after_work}",
        tests=f"не позднее чем через {plural(deadlines.test_days, 'день')} {after_work}",
    )
