"""The resolved time mention that find_times returns."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TimeMention:
    """One resolved time expression.

    ``value`` is ``YYYY-MM-DDTHH:MM`` (datetime), ``YYYY-MM-DD`` (date), ``YYYY-Www``
    (week), ``YYYY-MM`` (month), ``YYYY-Qn`` (quarter), ``YYYY`` (year) or ``None``
    (fuzzy).
    """

    start: int
    end: int
    text: str
    granularity: str
    value: str | None
    has_time: bool
    past: bool
    deadline: bool

    @property
    def clear(self) -> bool:
        """True for a concrete day (``date`` or ``datetime``)."""
        return self.granularity in ("date", "datetime")
