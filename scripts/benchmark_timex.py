"""Benchmark model.when.find_times (and dateparser, if installed) on the Duckling corpora.

Usage::

    .venv/bin/python scripts/benchmark_timex.py [--data DIR] [--json PATH] [--failures N]

DIR defaults to ``../shared/benchmarks/timex`` next to the repository. Each row is
resolved with its own ``ref`` (local wall-clock date and time). The first mention's
start is compared with the row's ``value`` (``end`` for ``open_before`` rows) at the
row's grain, and our granularity must fit that grain (datetime ↔ second/minute/hour,
date ↔ day, week, month, quarter, year). Seconds are compared at minute precision,
since our values stop at minutes.

Rows where SPEC deliberately differs from Duckling are listed, one per row with the
reason and the value SPEC asks for, in ``docs/timex_divergences.jsonl``. Three
figures are reported for every set:

* ``spec``: all rows; divergence rows are judged against the SPEC value (headline);
* ``duckling``: all rows judged against Duckling's value;
* ``excl``: divergence rows left out.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from model.when import TimeMention, find_times  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "timex"
DIVERGENCES = REPO / "docs" / "timex_divergences.jsonl"

GRAIN_OK = {
    "second": {"datetime"},
    "minute": {"datetime"},
    "hour": {"datetime"},
    "day": {"date"},
    "week": {"week"},
    "month": {"month"},
    "quarter": {"quarter"},
    "year": {"year"},
}

NOTES = [
    (
        "sv",
        "Bra möte med Eva Lind och hennes IT-chef idag. De kör fortfarande det gamla systemet och "
        "licenserna går ut vid årsskiftet. Hon ska prata med sin chef om budgeten för 2027 och "
        "återkommer senast fredag. Vi bokade en demo tis 17/3 kl 10 för att visa integrationen mot "
        "deras affärssystem. Skickar offert 2027-117 på 12 000 kr per månad innan dess. Ring henne "
        "på 070-123 45 67 om något.",
    ),
    (
        "sv",
        "Ringde Johan på Byggbolaget. Han var positiv men vill invänta styrelsemötet i december. "
        "Nästa steg: skicka referenscase och prisförslag nästa vecka, sedan uppföljning v. 49. "
        "De har 36 månaders avtal med nuvarande leverantör som löper ut i mars. Pratade även med "
        "Maj Andersson om utbildning, 20 timmar per vecka under införandet. Öppet 8-17 på kontoret.",
    ),
    (
        "en",
        "Call with Sarah at Nordic Freight. She liked the pilot results but needs sign-off from "
        "finance before committing. We agreed to send the revised quote by Friday and book a "
        "follow-up on Thursday at 2pm to walk through pricing for 50 users. Their contract with "
        "the current vendor ends in Q1, so timing is good. She mentioned a 3-year deal and asked "
        "about version 4.1 of the API.",
    ),
    (
        "en",
        "Met Tom and Priya at the trade fair last week. They are evaluating three vendors and "
        "will decide after the holidays. I will email the case study tomorrow morning and call "
        "Priya in two weeks to check in. Budget is around $1,200 per seat, 3/4 of the units go to "
        "the warehouse team. Order 2026-4411 is still open; she wants delivery before the end of "
        "the month if possible.",
    ),
    (
        "sv",
        "Kort avstämning med Lisa. Hon har inte hunnit titta på förslaget än, semestern kom "
        "emellan. Vi hörs efter sommaren igen, kanske i början av september. Hon nämnde att de "
        "har 5 veckors leveranstid på hårdvaran och att version 2.3 inte stöds. Jag skickar en "
        "påminnelse om ett par veckor och föreslår möte torsdag kl 14 om hon hinner innan dess.",
    ),
]


@dataclass
class Row:
    text: str
    ref: datetime
    value: datetime | None
    grain: str
    end: datetime | None
    type: str
    holiday: str | None
    locale: str
    latent: bool
    lang: str


def _naive(s: str | None) -> datetime | None:
    return None if s is None else datetime.fromisoformat(s).replace(tzinfo=None)


def load_rows(path: Path, lang: str) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            rows.append(
                Row(
                    r["text"],
                    _naive(r["ref"]),  # type: ignore[arg-type]
                    _naive(r["value"]),
                    r["grain"],
                    _naive(r["end"]),
                    r["type"],
                    r["holiday"],
                    r["locale"],
                    bool(r["latent"]),
                    lang,
                )
            )
    return rows


def truncate(dt: datetime, grain: str) -> datetime:
    """Truncate to a grain (seconds count at minute precision)."""
    if grain in ("second", "minute"):
        return dt.replace(second=0, microsecond=0)
    if grain == "hour":
        return dt.replace(minute=0, second=0, microsecond=0)
    d = dt.date()
    if grain == "week":
        d = d - timedelta(days=d.weekday())
    elif grain == "month":
        d = d.replace(day=1)
    elif grain == "quarter":
        d = date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    elif grain == "year":
        d = date(d.year, 1, 1)
    return datetime(d.year, d.month, d.day)


def mention_start(m: TimeMention) -> datetime | None:
    """Start instant of a mention's value."""
    v = m.value
    if v is None:
        return None
    if m.granularity == "datetime":
        return datetime.fromisoformat(v)
    if m.granularity == "date":
        return datetime.fromisoformat(v)
    if m.granularity == "week":
        y, w = v.split("-W")
        d = date.fromisocalendar(int(y), int(w), 1)
        return datetime(d.year, d.month, d.day)
    if m.granularity == "month":
        return datetime(int(v[:4]), int(v[5:7]), 1)
    if m.granularity == "quarter":
        return datetime(int(v[:4]), (int(v[-1]) - 1) * 3 + 1, 1)
    return datetime(int(v), 1, 1)


def expected(row: Row) -> datetime | None:
    return row.end if row.type == "open_before" else row.value


def ours(row: Row) -> tuple[str | None, datetime | None]:
    ms = [m for m in find_times(row.text, row.ref) if m.value is not None]
    if not ms:
        return None, None
    return ms[0].granularity, mention_start(ms[0])


def judge(gran: str | None, got: datetime | None, want: datetime | None, grain: str) -> bool:
    if got is None or want is None:
        return False
    if gran is not None and gran not in GRAIN_OK[grain]:
        return False
    return truncate(got, grain) == truncate(want, grain)


def load_divergences(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    out: dict[tuple[str, str], dict[str, str]] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out[(d["locale"], d["text"])] = d
    return out


def spec_target(div: dict[str, str]) -> tuple[str | None, datetime | None, str]:
    """SPEC's expectation for a divergence row: (granularity, start, grain to compare)."""
    g = div.get("spec_granularity")
    v = div.get("spec_value")
    if not g or g == "none":
        return "none", None, "day"
    if g == "fuzzy":
        return "fuzzy", None, "day"
    fake = TimeMention(0, 0, "", g, v, False, False, False)
    grain = {"datetime": "minute", "date": "day"}.get(g, g)
    return g, mention_start(fake), grain


def make_dateparser() -> Callable[[Row], tuple[str | None, datetime | None]] | None:
    try:
        import dateparser
        from dateparser.search import search_dates
    except ImportError:
        return None

    def run(row: Row) -> tuple[str | None, datetime | None]:
        settings = {"RELATIVE_BASE": row.ref, "PREFER_DATES_FROM": "future"}
        langs = [row.lang]
        try:
            found = search_dates(row.text, languages=langs, settings=settings)
            if found:
                return None, found[0][1].replace(tzinfo=None)
            d = dateparser.parse(row.text, languages=langs, settings=settings)
        except Exception:  # dateparser raises on odd input
            return None, None
        return None, None if d is None else d.replace(tzinfo=None)

    return run


def score_rows(
    rows: Iterable[Row],
    predict: Callable[[Row], tuple[str | None, datetime | None]],
    divs: dict[tuple[str, str], dict[str, str]],
    failures: list[str] | None = None,
) -> dict[str, tuple[int, int, int, int, int, int]]:
    """Per group: (spec_ok, duck_ok, excl_ok, n, n_excl, n_div)."""
    acc: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for row in rows:
        gran, got = predict(row)
        ok_duck = judge(gran, got, expected(row), row.grain)
        div = divs.get((row.locale, row.text))
        if div is not None:
            sg, sv_start, sgrain = spec_target(div)
            ok_spec = got is None if sg in ("none", "fuzzy") else judge(gran, got, sv_start, sgrain)
        else:
            ok_spec = ok_duck
        if failures is not None and not ok_spec:
            failures.append(
                f"{row.locale}\t{'H' if row.holiday else '-'}\t{row.type}\t{row.grain}\t{row.text!r}\twant={expected(row)}\tgot={gran} {got}"
            )
        for key in groups(row):
            a = acc[key]
            a[0] += ok_spec
            a[1] += ok_duck
            a[3] += 1
            if div is None:
                a[2] += ok_duck
                a[4] += 1
            else:
                a[5] += 1
    return {k: tuple(v) for k, v in acc.items()}  # type: ignore[misc]


def groups(row: Row) -> list[str]:
    out = []
    if row.lang == "sv":
        out += ["sv_all", f"sv_type_{row.type}", f"sv_grain_{row.grain}"]
        if row.type == "value":
            out.append("sv_value")
    elif row.locale == "en":
        out += ["en_base_all", f"en_type_{row.type}", f"en_grain_{row.grain}"]
        if not row.holiday:
            out.append("en_base_no_holiday_all")
            if row.type == "value":
                out.append("en_base_no_holiday")
        else:
            out.append("en_base_holiday")
    else:
        out.append("en_regional")
    return out


def negatives(path: Path, predict_any: Callable[[str, datetime], bool]) -> tuple[int, int, list[str]]:
    hits, n, texts = 0, 0, []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            n += 1
            if predict_any(r["text"], _naive(r["ref"])):  # type: ignore[arg-type]
                hits += 1
                texts.append(r["text"])
    return hits, n, texts


def speed(fn: Callable[[str, datetime], object], repeats: int) -> float:
    """Median milliseconds per note."""
    ref = datetime(2026, 11, 26, 9, 0)
    for _, text in NOTES:
        fn(text, ref)
    times = []
    for _ in range(repeats):
        for _, text in NOTES:
            t0 = time.perf_counter()
            fn(text, ref)
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def pct(ok: int, n: int) -> str:
    return f"{ok / n:6.1%}" if n else "    - "


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with duckling_*.jsonl")
    ap.add_argument("--divergences", type=Path, default=DIVERGENCES)
    ap.add_argument("--json", type=Path, help="write the headline numbers here")
    ap.add_argument("--failures", type=int, default=0, help="print up to N of our failing rows")
    ap.add_argument("--no-dateparser", action="store_true")
    args = ap.parse_args(argv)

    rows = load_rows(args.data / "duckling_sv.jsonl", "sv") + load_rows(args.data / "duckling_en.jsonl", "en")
    divs = load_divergences(args.divergences)
    fails: list[str] = []
    res = {"ours": score_rows(rows, ours, divs, fails)}
    dp = None if args.no_dateparser else make_dateparser()
    if dp is not None:
        res["dateparser"] = score_rows(rows, dp, divs)

    neg_path = args.data / "duckling_en_negative.jsonl"
    neg = {"ours": negatives(neg_path, lambda t, r: bool(find_times(t, r)))}
    note_ms = {"ours": speed(find_times, 200)}
    if dp is not None:
        from dateparser.search import search_dates

        def dp_any(t: str, r: datetime) -> bool:
            try:
                return bool(search_dates(t, languages=["en"], settings={"RELATIVE_BASE": r}))
            except Exception:
                return False

        neg["dateparser"] = negatives(neg_path, dp_any)

        def dp_note(t: str, r: datetime) -> object:
            return search_dates(
                t, languages=["sv", "en"], settings={"RELATIVE_BASE": r, "PREFER_DATES_FROM": "future"}
            )

        note_ms["dateparser"] = speed(dp_note, 3)

    systems = list(res)
    keys = sorted({k for s in systems for k in res[s]}, key=lambda k: (k.split("_")[0], len(k) > 20, k))
    header = f"{'set':32} {'rows':>5} {'div':>4}"
    for s in systems:
        header += f" | {s + ' spec':>16} {'duckling':>9} {'excl':>7}"
    print(header)
    print("-" * len(header))
    for k in keys:
        n, ndiv = res["ours"][k][3], res["ours"][k][5]
        line = f"{k:32} {n:5d} {ndiv:4d}"
        for s in systems:
            a = res[s].get(k, (0, 0, 0, 0, 0, 0))
            line += f" | {pct(a[0], a[3]):>16} {pct(a[1], a[3]):>9} {pct(a[2], a[4]):>7}"
        print(line)
    print()
    for s in systems:
        hits, n, texts = neg[s]
        print(f"{s}: negative hits {hits}/{n} {texts[:10]}")
        print(f"{s}: median ms per 70-word note {note_ms[s]:.3f}")
    if args.failures:
        print(f"\nour failures ({len(fails)}):")
        for f in fails[: args.failures]:
            print(" ", f)

    if args.json:
        out: dict[str, object] = {}
        for s in systems:
            prefix = "" if s == "ours" else f"{s}_"
            r = res[s]

            def acc(key: str, col: int = 0, r: dict = r) -> float:
                a = r.get(key, (0, 0, 0, 0, 0, 0))
                n = a[4] if col == 2 else a[3]
                return round(a[col] / n, 4) if n else 0.0

            for key in ("sv_value", "sv_all", "en_base_no_holiday", "en_base_no_holiday_all", "en_base_all"):
                out[f"{prefix}{key}_acc"] = acc(key)
                out[f"{prefix}{key}_acc_duckling"] = acc(key, 1)
                out[f"{prefix}{key}_acc_excl_divergences"] = acc(key, 2)
            out[f"{prefix}negative_hits"] = neg[s][0]
            out[f"{prefix}median_ms_per_note"] = round(note_ms[s], 4)
        out["divergence_rows"] = len(divs)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
