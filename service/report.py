"""``klarsteg report``: a self-contained HTML page on a scored export, for a sales manager.

The scored file (CSV, JSONL, Excel or Parquet as written by ``klarsteg score``) is streamed once;
only aggregates are kept (per month, per group, the newest notes of each deal, phrase counts), so
large exports fit in memory. Charts are drawn with matplotlib (Agg) and embedded as SVG data URIs:
the page loads nothing from anywhere.
"""

from __future__ import annotations

import base64
import heapq
import html
import io
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from service.batch import DATE_COLUMNS, TEXT_COLUMNS, _pick, parse_row_date
from service.formats import FormatError, open_reader, to_text

VERDICTS = ("concrete", "partial", "vague", "none")
VERDICT_LABELS = {
    "concrete": "Concrete",
    "partial": "Partial",
    "vague": "Vague",
    "none": "No next step",
}
VERDICT_HELP = {
    "concrete": "what, why and an exact date are all clear",
    "partial": "a next step, with the why or the when clear but not both",
    "vague": "a next step, but neither why nor when is clear",
    "none": "no next step with the customer at all",
}
VERDICT_COLORS = {"concrete": "#2e7d4f", "partial": "#e0a526", "vague": "#e06c2e", "none": "#b23a48"}
FIELD_LABELS = {"next_step": "What happens next", "reason": "Why", "when": "When"}
PHRASE_KIND = {"when": "When", "reason": "Why", "next_step": "What"}
_PHRASE_LIMIT = 100_000


@dataclass
class ReportOptions:
    """What to break the report down by."""

    group_col: str | None = None
    deal_col: str | None = None
    stall_notes: int = 3
    text_col: str | None = None
    date_col: str | None = None
    title: str = "Follow-up quality"
    max_deals: int = 50
    top_phrases: int = 15


@dataclass(slots=True)
class ScoredNote:
    """The parts of one scored record the report uses."""

    number: int
    score: int | None
    verdict: str | None
    missing: list[str]
    vague: list[str]
    phrases: list[tuple[str, str]]
    day: date | None
    error: str | None


@dataclass
class _Tally:
    notes: int = 0
    score_sum: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    missing: Counter[str] = field(default_factory=Counter)
    vague: Counter[str] = field(default_factory=Counter)

    def add(self, note: ScoredNote) -> None:
        self.notes += 1
        self.score_sum += note.score or 0
        self.verdicts[note.verdict or "none"] += 1
        self.missing.update(note.missing)
        self.vague.update(note.vague)

    @property
    def mean(self) -> float:
        return self.score_sum / self.notes if self.notes else 0.0

    def share(self, *verdicts: str) -> float:
        return sum(self.verdicts[v] for v in verdicts) / self.notes if self.notes else 0.0


@dataclass
class ReportStats:
    """Everything the page shows, gathered in one pass."""

    source: str = ""
    rows: int = 0
    errors: int = 0
    total: _Tally = field(default_factory=_Tally)
    histogram: list[int] = field(default_factory=lambda: [0] * 10)
    phrases: Counter[tuple[str, str]] = field(default_factory=Counter)
    months: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    groups: dict[str, _Tally] = field(default_factory=lambda: defaultdict(_Tally))
    deals: dict[str, list[tuple[date, int, str, int, str]]] = field(default_factory=dict)
    first_day: date | None = None
    last_day: date | None = None

    @property
    def notes(self) -> int:
        """Notes with a score (rows that could be scored)."""
        return self.total.notes


def normalise_phrase(text: str) -> str:
    """A phrase as counted: lower case, single spaces, no surrounding punctuation."""
    text = unicodedata.normalize("NFC", text).lower()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .,;:!?-–—()[]\"'")


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    text = to_text(value).strip()
    return [p.strip() for p in text.split(",") if p.strip()] if text else []


def _truthy(value: Any) -> bool:
    return value is True or to_text(value).strip().lower() in ("true", "1", "yes")


def _int(value: Any) -> int | None:
    try:
        return int(float(to_text(value)))
    except ValueError:
        return None


def _from_result(result: dict[str, Any]) -> dict[str, Any]:
    """The SPEC JSON as the flat columns ``klarsteg score`` writes to CSV."""
    from service.formats import flatten

    return flatten(result)


def read_scored(path: Path, options: ReportOptions) -> Iterator[tuple[ScoredNote, dict[str, Any], str, str]]:
    """Stream a scored file: each note, its input values, and the names of its text and date columns."""
    with open_reader(path) as reader:
        columns = reader.columns
        nested = "result" in columns and "verdict" not in columns
        if not nested and "verdict" not in columns:
            raise FormatError(
                f"{path.name} has no Klarsteg results (no 'verdict' or 'result' column); "
                "score it first with: klarsteg score INPUT -o SCORED.csv"
            )
        text_col = _pick(columns, options.text_col, TEXT_COLUMNS, "text") or ""
        date_col = _pick(columns, options.date_col, DATE_COLUMNS, "date") or ""
        for col, what in ((options.group_col, "group"), (options.deal_col, "deal")):
            _pick(columns, col, (), what)
        for record in reader:
            values = record.values
            if nested:
                result = values.get("result")
                if isinstance(result, str) and result.strip().startswith("{"):
                    result = json.loads(result)
                flat = _from_result(result) if isinstance(result, dict) else {}
                error = to_text(values.get("error")) or (record.error or ("" if flat else "no result"))
            else:
                flat = values
                error = to_text(values.get("error")) or (record.error or "")
            day = None
            if date_col:
                try:
                    day = parse_row_date(values.get(date_col), date_col)
                except ValueError:
                    day = None
            verdict = to_text(flat.get("verdict")) or None
            if error or verdict not in VERDICTS:
                yield (
                    ScoredNote(record.number, None, None, [], [], [], day, error or "no verdict"),
                    values,
                    text_col,
                    date_col,
                )
                continue
            phrases: list[tuple[str, str]] = []
            if to_text(flat.get("when_text")) and not _truthy(flat.get("when_clear")):
                phrases.append(("when", to_text(flat["when_text"])))
            if to_text(flat.get("reason_text")) and not _truthy(flat.get("reason_clear")):
                phrases.append(("reason", to_text(flat["reason_text"])))
            if to_text(flat.get("next_step_action")) == "contact" and to_text(flat.get("next_step_text")):
                phrases.append(("next_step", to_text(flat["next_step_text"])))
            note = ScoredNote(
                record.number,
                _int(flat.get("score")),
                verdict,
                _as_list(flat.get("missing")),
                _as_list(flat.get("vague")),
                phrases,
                day,
                None,
            )
            yield note, values, text_col, date_col


def _excerpt(text: str, limit: int = 140) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def gather(path: Path, options: ReportOptions) -> ReportStats:
    """One pass over the scored file, keeping aggregates only."""
    stats = ReportStats(source=path.name)
    newest: dict[str, list[tuple[date, int, str, int, str]]] = {}
    for note, values, text_col, _date_col in read_scored(path, options):
        stats.rows += 1
        if note.error is not None:
            stats.errors += 1
            continue
        stats.total.add(note)
        stats.histogram[min(9, max(0, (note.score or 0) // 10))] += 1
        for kind, phrase in note.phrases:
            key = normalise_phrase(phrase)
            if key:
                stats.phrases[(kind, key)] += 1
        if len(stats.phrases) > _PHRASE_LIMIT:
            stats.phrases = Counter({k: c for k, c in stats.phrases.items() if c > 1})
        if note.day is not None:
            stats.months[note.day.strftime("%Y-%m")].add(note)
            stats.first_day = min(stats.first_day or note.day, note.day)
            stats.last_day = max(stats.last_day or note.day, note.day)
        if options.group_col:
            stats.groups[to_text(values.get(options.group_col)).strip() or "(blank)"].add(note)
        if options.deal_col:
            deal = to_text(values.get(options.deal_col)).strip()
            if deal:
                entry = (
                    note.day or date.min,
                    note.number,
                    note.verdict or "none",
                    note.score or 0,
                    _excerpt(to_text(values.get(text_col))) if text_col else "",
                )
                heap = newest.setdefault(deal, [])
                if len(heap) < options.stall_notes:
                    heapq.heappush(heap, entry)
                else:
                    heapq.heappushpop(heap, entry)
    for deal, notes in newest.items():
        if len(notes) >= options.stall_notes and all(n[2] in ("vague", "none") for n in notes):
            stats.deals[deal] = sorted(notes, reverse=True)
    return stats


# --------------------------------------------------------------------------- charts


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="chart" alt="" src="data:image/svg+xml;base64,{data}">'


def _figure(width: float, height: float) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#888",
            "axes.labelcolor": "#333",
            "xtick.color": "#444",
            "ytick.color": "#444",
            "svg.fonttype": "path",
        }
    )
    return plt.subplots(figsize=(width, height))


def chart_verdicts(stats: ReportStats) -> str:
    """One horizontal bar per verdict, with its share of the notes."""
    fig, ax = _figure(6.0, 2.2)
    shares = [stats.total.share(v) * 100 for v in VERDICTS]
    labels = [VERDICT_LABELS[v] for v in VERDICTS]
    bars = ax.barh(labels[::-1], shares[::-1], color=[VERDICT_COLORS[v] for v in VERDICTS][::-1])
    for bar, share in zip(bars, shares[::-1], strict=True):
        ax.text(bar.get_width() + 1, bar.get_y() + bar.get_height() / 2, f"{share:.0f}%", va="center")
    ax.set_xlim(0, max(shares + [1]) * 1.18)
    ax.set_xlabel("share of notes (%)")
    return _svg(fig)


def chart_histogram(stats: ReportStats) -> str:
    """Notes per score band of ten points, coloured from red (0) to green (100)."""
    return _svg(histogram_figure(stats))


def histogram_figure(stats: ReportStats) -> Any:
    """The histogram's matplotlib figure (whole-number count ticks)."""
    import matplotlib
    from matplotlib.ticker import MaxNLocator

    fig, ax = _figure(6.0, 2.6)
    cmap = matplotlib.colormaps["RdYlGn"]
    labels = [f"{i * 10}–{i * 10 + 9}" if i < 9 else "90–100" for i in range(10)]
    ax.bar(labels, stats.histogram, color=[cmap(0.1 + 0.8 * i / 9) for i in range(10)])
    ax.set_xlabel("score")
    ax.set_ylabel("notes")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 2.5 notes
    ax.tick_params(axis="x", labelsize=8)
    return fig


def chart_fields(stats: ReportStats) -> str:
    """For each of the three questions: share of notes where it is missing, and vague."""
    fig, ax = _figure(6.0, 2.2)
    fields = ("next_step", "reason", "when")
    n = max(1, stats.notes)
    missing = [stats.total.missing[f] / n * 100 for f in fields]
    vague = [stats.total.vague[f] / n * 100 for f in fields]
    labels = [FIELD_LABELS[f] for f in fields][::-1]
    ax.barh(labels, missing[::-1], color="#b23a48", label="missing")
    ax.barh(labels, vague[::-1], left=missing[::-1], color="#e0a526", label="vague")
    for i, (m, v) in enumerate(zip(missing[::-1], vague[::-1], strict=True)):
        ax.text(m + v + 1, i, f"{m:.0f}% missing, {v:.0f}% vague", va="center", fontsize=9)
    ax.set_xlim(0, 140)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("share of notes (%)")
    ax.legend(loc="lower right", frameon=False, fontsize=8)
    return _svg(fig)


def chart_trend(stats: ReportStats) -> str:
    """Per month: verdict shares as stacked bars, the average score as a line."""
    months = sorted(stats.months)
    fig, ax = _figure(7.5, 2.8)
    bottom = [0.0] * len(months)
    for v in VERDICTS:
        shares = [stats.months[m].share(v) * 100 for m in months]
        ax.bar(months, shares, bottom=bottom, color=VERDICT_COLORS[v], label=VERDICT_LABELS[v], width=0.7)
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    ax.set_ylabel("share of notes (%)")
    ax.set_ylim(0, 100)
    ax2 = ax.twinx()
    ax2.plot(
        months,
        [stats.months[m].mean for m in months],
        color="#1f3b57",
        marker="o",
        linewidth=2,
        label="average score",
    )
    ax2.set_ylim(0, 100)
    ax2.set_ylabel("average score")
    ax2.spines["top"].set_visible(False)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    ax.legend(
        handles,
        [h.get_label() for h in handles],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=5,
        frameon=False,
        fontsize=8,
    )
    if len(months) > 12:
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    return _svg(fig)


# --------------------------------------------------------------------------- the page

_CSS = """
:root { --ink:#1d2733; --muted:#5b6877; --line:#e3e7ec; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:15px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width:1080px; margin:0 auto; padding:32px 24px 48px; }
h1 { font-size:28px; margin:0 0 4px; }
h2 { font-size:19px; margin:0 0 6px; }
p.lead, .muted { color:var(--muted); }
section { background:#fff; border:1px solid var(--line); border-radius:10px; padding:20px 24px; margin:18px 0; }
.kpis { display:grid; grid-template-columns:repeat(5, 1fr); gap:12px; margin:20px 0; }
.kpi { background:#fff; border:1px solid var(--line); border-radius:10px; padding:14px 16px; }
.kpi b { display:block; font-size:26px; }
.kpi span { color:var(--muted); font-size:13px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:18px; }
.grid2 section { margin:0; }
img.chart { max-width:100%; height:auto; display:block; margin:8px 0; }
table { border-collapse:collapse; width:100%; font-size:14px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:600; font-size:13px; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
.pill { display:inline-block; padding:1px 8px; border-radius:10px; color:#fff; font-size:12px; white-space:nowrap; }
.bar { display:flex; height:10px; border-radius:5px; overflow:hidden; min-width:140px; background:var(--line); }
.bar i { display:block; height:100%; }
.legend span { margin-right:14px; font-size:13px; color:var(--muted); }
.legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px; }
.deal { border-top:1px solid var(--line); padding:12px 0; }
.deal h3 { font-size:16px; margin:0 0 6px; }
.deal ol { margin:0; padding-left:0; list-style:none; }
.deal li { margin:3px 0; font-size:14px; }
.deal time { color:var(--muted); display:inline-block; width:92px; font-variant-numeric:tabular-nums; }
.callout { background:#fff8e6; border:1px solid #f0dca8; border-radius:8px; padding:10px 14px; }
footer { color:var(--muted); font-size:12px; margin-top:24px; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def _pill(verdict: str) -> str:
    return f'<span class="pill" style="background:{VERDICT_COLORS[verdict]}">{_e(VERDICT_LABELS[verdict])}</span>'


def _verdict_bar(t: _Tally) -> str:
    parts = "".join(
        f'<i style="width:{t.share(v) * 100:.1f}%;background:{VERDICT_COLORS[v]}" title="{_e(VERDICT_LABELS[v])}"></i>'
        for v in VERDICTS
    )
    return f'<div class="bar">{parts}</div>'


def _legend() -> str:
    return (
        '<div class="legend">'
        + "".join(
            f'<span><i style="background:{VERDICT_COLORS[v]}"></i>{_e(VERDICT_LABELS[v])}</span>'
            for v in VERDICTS
        )
        + "</div>"
    )


def _worst_field(t: _Tally) -> str:
    counts = {f: t.missing[f] + t.vague[f] for f in FIELD_LABELS}
    worst = max(counts, key=lambda f: counts[f])
    return FIELD_LABELS[worst] if counts[worst] else "—"


def render(stats: ReportStats, options: ReportOptions) -> str:
    """The report page as one HTML string (no external resources)."""
    t = stats.total
    out: list[str] = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(options.title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(options.title)}</h1>",
    ]
    span = (
        f", written {stats.first_day:%d %b %Y} – {stats.last_day:%d %b %Y}"
        if stats.first_day and stats.last_day
        else ""
    )
    out.append(
        f"<p class='lead'>{t.notes:,} follow-up notes from <b>{_e(stats.source)}</b>{span}. "
        "A follow-up that moves a deal forward answers three questions: <b>what</b> happens next, "
        "<b>why</b> we talk again, and <b>when</b> exactly. Each note scores 0–100 on how well it "
        "answers them.</p>"
    )
    errors = f"{stats.errors:,}" if stats.errors else "0"
    out.append("<div class='kpis'>")
    for value, label in (
        (f"{t.notes:,}", "notes scored"),
        (f"{t.mean:.0f}", "average score (of 100)"),
        (_pct(t.share("concrete")), "concrete: what, why and an exact date"),
        (_pct(t.share("vague", "none")), "vague or no next step"),
        (errors, "rows that could not be scored"),
    ):
        out.append(f"<div class='kpi'><b>{value}</b><span>{_e(label)}</span></div>")
    out.append("</div>")
    if t.notes == 0:
        out.append("<section><h2>No scored notes</h2><p>The file has no rows with a score.</p></section>")
        out.append("</main></body></html>")
        return "".join(out)

    verdict_rows = "".join(
        f"<tr><td>{_pill(v)}</td><td class='num'>{t.verdicts[v]:,}</td><td class='num'>{_pct(t.share(v))}</td>"
        f"<td class='muted'>{_e(VERDICT_HELP[v])}</td></tr>"
        for v in VERDICTS
    )
    out.append(
        "<div class='grid2'>"
        f"<section id='verdicts'><h2>Verdicts</h2><p class='muted'>Share of notes per verdict.</p>"
        f"{chart_verdicts(stats)}<table><tr><th>verdict</th><th class='num'>notes</th>"
        f"<th class='num'>share</th><th>meaning</th></tr>{verdict_rows}</table></section>"
        f"<section id='scores'><h2>Score distribution</h2><p class='muted'>How many notes fall in each band of "
        f"10 points. Concrete follow-ups score 80 and up; a generic “we'll be in touch” stays below 40.</p>"
        f"{chart_histogram(stats)}</section></div>"
    )

    n = t.notes
    worst = max(FIELD_LABELS, key=lambda f: t.missing[f] + t.vague[f])
    out.append(
        "<section id='missing'><h2>Which question is left open most often</h2>"
        f"<p class='callout'><b>{_e(FIELD_LABELS[worst])}?</b> is the question the notes answer worst: "
        f"missing in {_pct(t.missing[worst] / n)} of notes and too vague in {_pct(t.vague[worst] / n)}.</p>"
        f"{chart_fields(stats)}"
        "<p class='muted'><i>Missing</i>: the note does not say it at all. <i>Vague</i>: it says something, but not "
        "enough: a generic “touch base”, a purpose like “check in”, a date coarser than a day.</p></section>"
    )

    top = stats.phrases.most_common(options.top_phrases)
    if top:
        phrase_total = sum(stats.phrases.values())
        rows = "".join(
            f"<tr><td>“{_e(phrase)}”</td><td>{_e(PHRASE_KIND[kind])}</td><td class='num'>{count:,}</td>"
            f"<td class='num'>{_pct(count / n)}</td></tr>"
            for (kind, phrase), count in top
        )
        out.append(
            "<section id='phrases'><h2>Most common vague phrases</h2>"
            "<p class='muted'>The words reps use when the follow-up is not settled: fuzzy dates, generic "
            f"purposes and “we'll be in touch”. {phrase_total:,} vague phrases in all.</p>"
            "<table><tr><th>phrase</th><th>answers</th><th class='num'>notes</th>"
            f"<th class='num'>of all notes</th></tr>{rows}</table></section>"
        )

    if stats.months:
        rows = "".join(
            f"<tr><td>{_e(m)}</td><td class='num'>{stats.months[m].notes:,}</td>"
            f"<td class='num'>{stats.months[m].mean:.0f}</td><td>{_verdict_bar(stats.months[m])}</td>"
            f"<td class='num'>{_pct(stats.months[m].share('concrete'))}</td></tr>"
            for m in sorted(stats.months)
        )
        out.append(
            "<section id='trend'><h2>Trend by month</h2><p class='muted'>Are the follow-ups getting more "
            f"concrete? Verdict shares per month (bars) and the average score (line).</p>{chart_trend(stats)}"
            f"<table><tr><th>month</th><th class='num'>notes</th><th class='num'>avg score</th>"
            f"<th>verdicts</th><th class='num'>concrete</th></tr>{rows}</table></section>"
        )

    if options.group_col and stats.groups:
        ordered = sorted(stats.groups.items(), key=lambda kv: (-kv[1].mean, kv[0]))
        rows = "".join(
            f"<tr><td>{_e(g)}</td><td class='num'>{gt.notes:,}</td><td class='num'>{gt.mean:.0f}</td>"
            f"<td>{_verdict_bar(gt)}</td><td class='num'>{_pct(gt.share('concrete'))}</td>"
            f"<td class='num'>{_pct(gt.share('vague', 'none'))}</td><td>{_e(_worst_field(gt))}</td></tr>"
            for g, gt in ordered
        )
        out.append(
            f"<section id='groups'><h2>Per {_e(options.group_col)}</h2><p class='muted'>Highest average score "
            f"first. “Open most often” is the question to coach on.</p>{_legend()}"
            f"<table><tr><th>{_e(options.group_col)}</th><th class='num'>notes</th><th class='num'>avg score</th>"
            "<th>verdicts</th><th class='num'>concrete</th><th class='num'>vague or none</th>"
            f"<th>open most often</th></tr>{rows}</table></section>"
        )

    if options.deal_col:
        k = options.stall_notes
        deals = sorted(stats.deals.items(), key=lambda kv: (kv[1][0][0], kv[1][0][1]), reverse=True)
        out.append(
            f"<section id='stalled'><h2>Stalled deals ({len(deals):,})</h2><p class='muted'>Deals whose last {k} "
            "notes all lack a concrete next step (verdict vague or no next step), newest first. These are the "
            "follow-ups that keep a dead deal alive week after week: settle a real next step with the "
            "customer, or stop spending time on them.</p>"
        )
        if not deals:
            out.append(f"<p>No deal has {k} vague notes in a row. </p>")
        for deal, notes in deals[: options.max_deals]:
            items = "".join(
                f"<li><time>{_e(d.isoformat() if d != date.min else '—')}</time> {_pill(v)} "
                f"<span class='muted'>{s}</span> {_e(x)}</li>"
                for d, _num, v, s, x in notes
            )
            out.append(f"<div class='deal'><h3>{_e(deal)}</h3><ol>{items}</ol></div>")
        if len(deals) > options.max_deals:
            out.append(f"<p class='muted'>… and {len(deals) - options.max_deals:,} more.</p>")
        out.append("</section>")

    out.append(
        f"<footer>Generated {datetime.now():%Y-%m-%d %H:%M} by Klarsteg from {stats.rows:,} rows"
        f"{f' ({stats.errors:,} could not be scored)' if stats.errors else ''}.</footer>"
    )
    out.append("</main></body></html>")
    return "".join(out)


def write_report(scored: Path, output: Path, options: ReportOptions | None = None) -> ReportStats:
    """Read a scored file and write the HTML report; returns the gathered numbers."""
    options = options or ReportOptions()
    stats = gather(scored, options)
    page = render(stats, options)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return stats
