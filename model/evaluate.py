"""Metrics of predictions against annotated notes, per field, per language and per register."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scipy.stats import spearmanr

from model.data import locate
from model.schema import FIELDS, NextStep, Reason, When
from model.scoring import assess, verdict_from_gold


def gold_assessment(record: dict) -> tuple[list[str], list[str]]:
    """The ``missing`` and ``vague`` lists the gold annotation implies."""
    text = record["text"]

    def _span(field: str) -> tuple[int, int, str]:
        s = locate(text, record.get(field))
        return (s.start, s.end, s.text) if s else (0, 0, "")

    ns = rs = wh = None
    if record.get("next_step"):
        a, b, t = _span("next_step")
        g = record["next_step"]
        ns = NextStep(text=t, start=a, end=b, action=g["action"], owner=g["owner"], confidence=1)
    if record.get("reason"):
        a, b, t = _span("reason")
        rs = Reason(text=t, start=a, end=b, clear=record["reason"]["clear"], confidence=1)
    if record.get("when"):
        a, b, t = _span("when")
        g = record["when"]
        wh = When(
            text=t,
            start=a,
            end=b,
            granularity=g["granularity"],
            value=g.get("value"),
            has_time=g["granularity"] == "datetime",
            clear=g["granularity"] in ("date", "datetime"),
            confidence=1,
        )
    result = assess(ns, rs, wh, record.get("lang", "en"))
    return result.missing, result.vague


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def compare(record: dict, pred: dict) -> dict[str, Any]:
    """Per-note comparison: field matches, value/label agreement, and a list of errors."""
    text = record["text"]
    out: dict[str, Any] = {"errors": []}
    for field in FIELDS:
        gold_span = locate(text, record.get(field))
        p = pred.get(field)
        pred_span = (p["start"], p["end"]) if p else None
        g = (gold_span.start, gold_span.end) if gold_span else None
        ov = _overlap(g, pred_span) if g and pred_span else 0.0
        out[field] = {"gold": g is not None, "pred": pred_span is not None, "match": ov > 0, "overlap": ov}
        if g and not pred_span:
            out["errors"].append(f"{field}: missed {gold_span.text!r}")
        elif pred_span and not g:
            out["errors"].append(f"{field}: spurious {p['text']!r}")
        elif g and pred_span and ov == 0:
            out["errors"].append(f"{field}: {p['text']!r} instead of {gold_span.text!r}")
    gn, pn = record.get("next_step"), pred.get("next_step")
    if out["next_step"]["match"]:
        out["action_ok"] = gn["action"] == pn["action"]
        out["owner_ok"] = gn["owner"] == pn["owner"]
        if not out["action_ok"]:
            out["errors"].append(f"action: {pn['action']} instead of {gn['action']}")
        if not out["owner_ok"]:
            out["errors"].append(f"owner: {pn['owner']} instead of {gn['owner']}")
    if out["reason"]["match"]:
        out["clear_ok"] = record["reason"]["clear"] == pred["reason"]["clear"]
        if not out["clear_ok"]:
            out["errors"].append(f"reason.clear: {pred['reason']['clear']}")
    gw, pw = record.get("when"), pred.get("when")
    gval = (gw["granularity"], gw.get("value")) if gw else None
    pval = (pw["granularity"], pw.get("value")) if pw else None
    out["when_value_ok"] = gval == pval
    if gval != pval:
        out["errors"].append(f"when value: {pval} instead of {gval}")
    gold_verdict = verdict_from_gold(record)
    out["verdict_ok"] = gold_verdict == pred["verdict"]
    if not out["verdict_ok"]:
        out["errors"].append(f"verdict: {pred['verdict']} instead of {gold_verdict}")
    missing, vague = gold_assessment(record)
    out["missing_ok"] = missing == pred["missing"]
    out["vague_ok"] = vague == pred["vague"]
    return out


def _prf(rows: Sequence[dict], field: str) -> dict[str, float]:
    tp = sum(r[field]["match"] for r in rows)
    pred = sum(r[field]["pred"] for r in rows)
    gold = sum(r[field]["gold"] for r in rows)
    p = tp / pred if pred else 1.0
    rc = tp / gold if gold else 1.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    overlaps = [r[field]["overlap"] for r in rows if r[field]["match"]]
    return {
        "precision": round(p, 4),
        "recall": round(rc, 4),
        "f1": round(f1, 4),
        "span_overlap": round(sum(overlaps) / len(overlaps), 4) if overlaps else 0.0,
        "support": gold,
    }


def _mean(values: Sequence[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(records: Sequence[dict], preds: Sequence[dict], rows: Sequence[dict]) -> dict[str, Any]:
    """Aggregate metrics over a set of compared notes."""
    metrics: dict[str, Any] = {"notes": len(rows)}
    for field in FIELDS:
        metrics[field] = _prf(rows, field)
    metrics["when_value_accuracy"] = _mean([r["when_value_ok"] for r in rows])
    metrics["when_value_accuracy_gold_dated"] = _mean(
        [r["when_value_ok"] for r, rec in zip(rows, records, strict=True) if rec.get("when")]
    )
    metrics["action_accuracy"] = _mean([r["action_ok"] for r in rows if "action_ok" in r])
    metrics["owner_accuracy"] = _mean([r["owner_ok"] for r in rows if "owner_ok" in r])
    metrics["clarity_accuracy"] = _mean([r["clear_ok"] for r in rows if "clear_ok" in r])
    metrics["verdict_accuracy"] = _mean([r["verdict_ok"] for r in rows])
    metrics["missing_exact"] = _mean([r["missing_ok"] for r in rows])
    metrics["vague_exact"] = _mean([r["vague_ok"] for r in rows])
    rated = [(p["score"], rec["rating"]) for p, rec in zip(preds, records, strict=True) if rec.get("rating")]
    if len(rated) > 2 and len({s for s, _ in rated}) > 1:
        metrics["spearman_score_rating"] = round(float(spearmanr(*zip(*rated, strict=True)).statistic), 4)
    else:
        metrics["spearman_score_rating"] = None
    return metrics


def evaluate(records: Sequence[dict], preds: Sequence[dict]) -> tuple[dict[str, Any], list[dict]]:
    """Metrics overall and per language, and the list of notes with at least one error."""
    rows = [compare(r, p) for r, p in zip(records, preds, strict=True)]
    report: dict[str, Any] = {"all": summarize(records, preds, rows)}
    for lang in sorted({r["lang"] for r in records}):
        idx = [i for i, r in enumerate(records) if r["lang"] == lang]
        report[lang] = summarize([records[i] for i in idx], [preds[i] for i in idx], [rows[i] for i in idx])
    registers = sorted({r["register"] for r in records if r.get("register")})
    if registers:
        report["registers"] = {}
        for reg in registers:
            idx = [i for i, r in enumerate(records) if r.get("register") == reg]
            report["registers"][reg] = summarize(
                [records[i] for i in idx], [preds[i] for i in idx], [rows[i] for i in idx]
            )
    errors = [
        {
            "id": r["id"],
            "lang": r["lang"],
            **({"register": r["register"]} if r.get("register") else {}),
            "note_date": r["note_date"],
            "text": r["text"],
            "errors": row["errors"],
        }
        for r, row in zip(records, rows, strict=True)
        if row["errors"]
    ]
    return report, errors
