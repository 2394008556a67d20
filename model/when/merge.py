"""Merging neighbouring atoms that belong together ("torsdag" + "kl 14", "tis" + "17/3",
"i början av" + "mars") into one."""

from __future__ import annotations

import re
from datetime import date, timedelta

from model.when.patterns import _GAP, _Atom, _ci
from model.when.resolve import _add_months, _monday, _next_dm, _safe_date


def _apply_part(t: tuple[int, int], pm: bool | None) -> tuple[int, int]:
    if pm and t[0] < 12:
        return t[0] + 12, t[1]
    return t


def _final_time(at: _Atom) -> tuple[int, int]:
    """Clock time after the SPEC afternoon rule (1-7 without am/pm = afternoon)."""
    assert at.hm is not None
    h, mi = at.hm
    if at.pm is not None and at.ampm is None:
        if at.pm:
            return _apply_part((h, mi), True)
        return (h, mi)
    if at.ampm is None and not at.padded and 1 <= h <= 7:
        return h + 12, mi
    return h, mi


def _date_with_weekday(day_atom: _Atom, wd: int, ref: date) -> date | None:
    """Pick the year (or month) of a yearless date so that it falls on weekday ``wd``."""
    if day_atom.d is None:
        return None
    if not day_atom.yearless:
        return day_atom.d
    if day_atom.dayonly:
        y, mo = ref.year, ref.month
        recent = _safe_date(y, mo, day_atom.day)
        if recent and recent < ref and (ref - recent).days <= 6 and recent.weekday() == wd:
            return recent  # a diary's "Mon 14th" written on Thursday the 17th: this week's Monday
        for _ in range(28):
            dd = _safe_date(y, mo, day_atom.day)
            if dd and dd >= ref and dd.weekday() == wd:
                return dd
            y, mo = _add_months(y, mo, 1)
        return day_atom.d
    spec = day_atom.d  # the SPEC reading: next one on or after ref
    if spec.weekday() == wd:
        if day_atom.extra.get("reading") == "both" and (spec.year > ref.year or (spec - ref).days > 300):
            # day/month only a year on, and month/day sooner on the same weekday: the writer's
            # ("Thurs 12/11" written on 3 December 2025 is 11 December, not 12 November 2026;
            # "Mon 12/7" written on 4 December 2026 is 7 December, not 12 July 2027)
            md = _next_dm(ref, day_atom.day, day_atom.n)
            if md and md.weekday() == wd and md < spec:
                return md
        return spec
    recent = _safe_date(spec.year - 1, day_atom.n, day_atom.day)
    if recent and recent.weekday() == wd and (ref - recent).days <= 31:
        return recent  # "Sunday, Feb 10" written two days later
    later = _safe_date(spec.year + 1, day_atom.n, day_atom.day)
    fits = [later] if later and later.weekday() == wd else []
    if day_atom.extra.get("reading") == "both":
        # Month/day, where the weekday fits it and day/month only a year later or never:
        # the writer's weekday rules day/month out ("Fri 12/11" written on 4 December 2026).
        md = _next_dm(ref, day_atom.day, day_atom.n)
        if md and md.weekday() == wd:
            fits.append(md)
    return min(fits, default=spec)


_DAYLIKE = ("date", "wd", "dt")


_COARSE = ("week", "month", "quarter", "year")


def _merge_pair(a: _Atom, b: _Atom, ref: date) -> _Atom | None:
    """Merge two neighbouring atoms (``a`` before ``b``) or return None."""
    ka, kb = a.kind, b.kind
    span = (a.start, b.end)
    # "sometime next week", "nån gång i höst", "later next month": the filler is a lead-in
    if ka == "fuzzy" and a.edge == "filler" and kb not in ("edge", "weekof", "part"):
        at = _Atom(a.start, b.end, kb, d=b.d, hm=b.hm, ampm=b.ampm, padded=b.padded, y=b.y, n=b.n)
        at.wd, at.wd_mode, at.yearless, at.dayonly, at.day = b.wd, b.wd_mode, b.yearless, b.dayonly, b.day
        at.pm, at.edge, at.past, at.has_time = b.pm, b.edge, b.past, b.has_time
        return at
    # end of day / after lunch + a day ("EOD Friday", "tomorrow after lunch"): that day
    if (a.edge == "ofday") != (b.edge == "ofday") and ka in ("date", "wd") and kb in ("date", "wd"):
        e, d = (a, b) if a.edge == "ofday" else (b, a)
        if d.hm is not None:
            return None
        at = _Atom(*span, d.kind, d=d.d, wd=d.wd, wd_mode=d.wd_mode, pm=e.pm)
        at.past = d.past
        return at
    # weekday + date / date + weekday
    if ka == "wd" and kb == "date" or ka == "date" and kb == "wd":
        w, d = (a, b) if ka == "wd" else (b, a)
        if d.wd >= 0:
            return None
        dd = _date_with_weekday(d, w.wd, ref)
        if ka == "date" and dd is not None and d.d is not None and (dd.month, dd.day) != (d.d.month, d.d.day):
            # a weekday after a date that fits it only read month/day is a day of its own
            # ("avtalet fr.o.m. 1/6, tis kl 10"), not a reason to read the date another way
            return None
        return _Atom(*span, "date", d=dd, pm=d.pm, wd=w.wd)
    # weekday + week ("tisdag nästa vecka", "torsdag v. 49")
    if ka == "wd" and kb == "week" or ka == "week" and kb == "wd":
        w, wk = (a, b) if ka == "wd" else (b, a)
        if wk.d is None or w.wd_mode:
            return None
        return _Atom(*span, "date", d=wk.d + timedelta(days=w.wd), wd=w.wd)
    # "w/c 13 April", "the week of October 6th"
    if ka == "weekof" and kb in ("date", "wd"):
        return _Atom(*span, "week", d=_monday(b.d)) if b.d else None
    # day + part of day
    if ka in ("date", "wd") and kb == "part" or ka == "part" and kb in ("date", "wd"):
        d, p = (a, b) if kb == "part" else (b, a)
        if d.hm is not None:
            return None
        at = _Atom(*span, "date" if d.kind == "date" else "wd", d=d.d, wd=d.wd, wd_mode=d.wd_mode, pm=p.pm)
        at.past = d.past
        return at
    # time + part ("3 in the afternoon", "tonight at 8")
    if ka == "time" and kb == "part" or ka == "part" and kb == "time":
        t, p = (a, b) if ka == "time" else (b, a)
        at = _Atom(
            *span,
            "time",
            hm=t.hm,
            ampm=t.ampm,
            padded=t.padded,
            pm=p.pm if t.ampm is None else None,
            has_time=True,
        )
        return at
    # day + time
    if ka in ("date", "wd") and kb == "time" or ka == "time" and kb in ("date", "wd"):
        d, t = (a, b) if kb == "time" else (b, a)
        if d.hm is not None:
            return None
        tt = _Atom(
            t.start,
            t.end,
            "time",
            hm=t.hm,
            ampm=t.ampm,
            padded=t.padded,
            pm=t.pm if t.pm is not None else d.pm,
        )
        h, mi = _final_time(tt)
        at = _Atom(*span, "dt", d=d.d, hm=(h, mi), has_time=True, padded=True)
        at.past = d.past
        return at
    # "today in one hour": the offset is more precise
    if ka == "date" and kb == "dt" and a.d == b.d:
        return _Atom(*span, "dt", d=b.d, hm=b.hm, padded=True)
    # time + week/month/quarter/year: stays coarse ("kl 12 nästa vecka")
    if ka == "time" and kb in _COARSE or ka in _COARSE and kb == "time":
        c = b if ka == "time" else a
        at = _Atom(*span, c.kind, d=c.d, y=c.y, n=c.n, has_time=True)
        return at
    # month or quarter + the year it falls in ("Q1 next year", "i mars nästa år", "next year in Q2")
    if ka in ("month", "quarter") and kb == "year" or ka == "year" and kb in ("month", "quarter"):
        p, y = (a, b) if kb == "year" else (b, a)
        if y.edge or p.past or y.past:
            return None
        return _Atom(*span, p.kind, y=y.y, n=p.n, edge=p.edge)
    # "i början av" + month/week/quarter/year/date
    if ka == "edge" and kb in _COARSE:
        at = _Atom(*span, kb, d=b.d, y=b.y, n=b.n, edge=a.edge)
        return at
    if ka == "edge" and kb in ("date",) and b.d is not None and not b.yearless:
        return None
    return None


# whole hours after a day, written like a date: "Tues 3 Feb 9-11", "tors 5/2 13-15", "Thursday
# 3 Dec, 9–11"
_HOURS = re.compile(
    r"[ \t]*,?[ \t]+(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\w/:–-]|[.,]\d)"
    r"(?=[ \t]*(?:$|[^\w\s]|(?:at|in|on|i|på|pa|hos|with|med|och|and|for|för|to|till|am|pm|kl)\b))",
    re.IGNORECASE | re.MULTILINE,
)


def _attach_hour_ranges(atoms: list[_Atom], text: str, ref: date) -> list[_Atom]:
    """A day followed by a range of whole hours ("9-11") becomes that day at the first hour;
    the range is not read as a date (9 November) nor left out."""
    out: list[_Atom] = []
    i = 0
    while i < len(atoms):
        a = atoms[i]
        m = _HOURS.match(text, a.end) if a.kind in ("date", "wd") and a.hm is None else None
        if m is not None and int(m[1]) < int(m[2]) <= 24:
            nxt = atoms[i + 1] if i + 1 < len(atoms) else None
            inside = nxt is not None and nxt.start < m.end()
            if not inside or (nxt.start >= m.start(1) and nxt.end <= m.end()):
                hours = _Atom(m.start(1), m.end(), "time", hm=(int(m[1]), 0), has_time=True)
                merged = _merge_pair(a, hours, ref)
                if merged is not None:
                    out.append(merged)
                    i += 2 if inside else 1
                    continue
        out.append(a)
        i += 1
    return out


# Where a day's meeting is, between the day and its clock time ("Mon at his office 10am", "tis
# hos dem kl 9")
_PLACE_GAP = _ci(
    r"^[ \t]+(?:at|in|på|pa|hos|@)[ \t]+(?:(?:his|her|their|our|your|my|the|deras|hans|hennes|vårt|vår|ert|er)[ \t]+)?"
    r"[^\W\d_]+[ \t]+(?:at[ \t]+|kl\.?[ \t]*|@[ \t]*)?$"
)
_RANGE_GAP = _ci(r"^\s*(?:-|–|till|to|until|untill|thru|through|och|and|men\s+före|but\s+before)\s*$")


def _merge(atoms: list[_Atom], text: str, ref: date, phase: int) -> list[_Atom]:
    """Merge neighbours; phase 0 joins days, weeks and markers, phase 1 adds clock times."""
    changed = True
    while changed and len(atoms) > 1:
        changed = False
        out: list[_Atom] = []
        i = 0
        while i < len(atoms):
            if i + 1 < len(atoms):
                a, b = atoms[i], atoms[i + 1]
                gap = text[a.end : b.start]
                if "\n" in gap:  # a line break ends a time expression: lists, logs, minutes
                    out.append(a)
                    i += 1
                    continue
                if phase == 1 and a.kind == "time" and b.kind == "time" and _RANGE_GAP.match(gap):
                    # "9:30 - 11:00": keep the start, span the whole range
                    hm = a.hm
                    if a.ampm is None and b.ampm == "pm" and hm is not None and hm[0] < 12:
                        hm = (hm[0] + 12, hm[1])  # "3:30 to 6 PM"
                    out.append(
                        _Atom(
                            a.start,
                            b.end,
                            "time",
                            hm=hm,
                            ampm=a.ampm or b.ampm,
                            padded=a.padded,
                            pm=a.pm,
                            has_time=True,
                        )
                    )
                    i += 2
                    changed = True
                    continue
                if (
                    len(gap) <= 16
                    and _GAP.match(gap)
                    and (phase == 1 or "time" not in (a.kind, b.kind))
                    or phase == 1
                    and b.kind == "time"
                    and a.kind in ("date", "wd")
                    and _PLACE_GAP.match(gap)
                ):
                    merged = _merge_pair(a, b, ref)
                    if merged is not None:
                        out.append(merged)
                        i += 2
                        changed = True
                        continue
            out.append(atoms[i])
            i += 1
        atoms = out
    return _attach_hour_ranges(atoms, text, ref) if phase == 1 else atoms


# A sentence that ends before the clock time: "Möte 4/3. Ring Eva kl 10" is 10 today
_SENTENCE_GAP = re.compile(r"[.!?]\s+[A-ZÅÄÖ]")
_ANCHOR_DAYS = 62  # how far ahead a day may lie to give a clock time after it its date


def anchor_clock_times(atoms: list[_Atom], text: str, ref: date) -> list[_Atom]:
    """A clock time on its own takes the day named before it on the same line and in the same
    sentence, when that day is still ahead ("Ons 4/3: ring Bergs om offerten kl 10" is 10:00
    on 4 March, not today); with no such day it stays on the reference date."""
    out = list(atoms)
    for i in range(1, len(out)):
        at, before = out[i], out[i - 1]
        if at.kind != "time" or before.kind not in ("date", "wd", "dt") or before.d is None:
            continue
        gap = text[before.end : at.start]
        ahead = (before.d - ref).days
        # (a yearless day long ahead is more often one just past: "Offert skickad 24/2, ring kl 14")
        if not 0 < ahead <= _ANCHOR_DAYS or before.past or "\n" in gap or _SENTENCE_GAP.search(gap):
            continue
        out[i] = _Atom(at.start, at.end, "dt", d=before.d, hm=_final_time(at), has_time=True)
    return out
