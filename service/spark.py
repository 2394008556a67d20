"""Batch scoring on Apache Spark: ``score_dataframe`` for notebooks, ``score_file_spark`` for the CLI.

``score_dataframe(df)`` adds the SPEC's fields as typed columns to a Spark DataFrame. The scoring
is a scalar pandas UDF: only the text and date columns cross to the Python workers (the other
columns stay in the JVM), and each Python worker process loads the model once, on its first
batch, and keeps it for the worker's life (Spark reuses its Python workers between tasks). A
note that cannot be scored gets an ``error`` value on its row; no note fails the job.

``score_file_spark`` is ``klarsteg score --engine spark``: it writes the same records as the local
engine (``service.batch``), with the same column detection, checks and error messages. Parquet
(a file or a folder of parts) is read by Spark itself; CSV, JSONL and Excel are parsed once by the
local engine's streaming readers (so encodings, broken rows and bad lines give the same records)
and staged as Parquet next to the output for the executors. Parquet output is a folder of parts
written by the executors; CSV, JSONL and Excel output is written in input order by the driver.

PySpark is the optional extra ``klarsteg[spark]``; it is imported inside functions only, so that
``spark_problem()`` can say what to install. Nothing here logs note text.
"""

from __future__ import annotations

import logging
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from model.artifacts import verify_artifacts
from model.pipeline import Klarsteg, NoteInput, validate_input
from model.settings import get_settings
from model.threads import limit_process_threads
from service.batch import (
    DATE_COLUMNS,
    MAX_ERROR_SAMPLES,
    BatchOptions,
    BatchSummary,
    Columns,
    note_text,
    parse_row_date,
    resolve_columns,
    score_notes,
)
from service.formats import (
    _SPAN_KEYS,
    RESULT_COLUMNS,
    FormatError,
    Reader,
    Record,
    Row,
    file_format,
    open_reader,
    open_writer,
    output_columns,
    to_text,
)

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import Column, DataFrame, SparkSession

__all__ = ["RESULT_FIELDS", "score_dataframe", "score_file_spark", "spark_problem", "spark_session"]

log = logging.getLogger("klarsteg.spark")

MIN_JAVA = 17
JAVA_INSTALL = "apt-get install openjdk-17-jre-headless"
LOAD_LOG_ENV = "KLARSTEG_SPARK_LOAD_LOG"
"""When set (in the workers' environment), each model load appends ``pid model_dir`` to this file."""

_ROW, _READ_ERROR, _VALUES, _RESULT = (
    "__klarsteg_row",
    "__klarsteg_read_error",
    "__klarsteg_values",
    "__klarsteg",
)
_NUMERIC = {"score": "int", "parts_next_step": "int", "parts_reason": "int", "parts_when": "int"}
_NUMERIC |= {f"{s}_{k}": "int" for s in ("next_step", "reason", "when") for k in ("start", "end")}
_NUMERIC |= {f"{s}_confidence": "double" for s in ("next_step", "reason", "when")}
_NUMERIC |= {"reason_clear": "boolean", "when_clear": "boolean", "when_has_time": "boolean"}
_LISTS = {"missing": ",", "vague": ",", "questions": " | "}
RESULT_FIELDS: tuple[tuple[str, str], ...] = tuple(
    (c, _NUMERIC.get(c, "array<string>" if c in _LISTS else "string")) for c in RESULT_COLUMNS
)
"""The typed result columns ``score_dataframe`` adds: the local engine's flat columns, in its order."""
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_FLAT_TYPES = {"int": "int", "double": "float", "boolean": "boolean"}  # the local Parquet types
_SMALL = ("score", "parts_next_step", "parts_reason", "parts_when")  # int16 there


# --------------------------------------------------------------------------- what is missing


def _java_major(java: str) -> int | None:
    """The major version ``java -version`` reports (8 for ``1.8.0``), or None."""
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        return None
    major = int(m[1])
    return int(m[2] or 0) if major == 1 else major


def spark_problem() -> str | None:
    """What stops the Spark engine on this machine, as one line saying what to install; None if
    nothing. Java is looked up as Spark does: ``$JAVA_HOME/bin/java``, else ``java`` on PATH."""
    if find_spec("pyspark") is None or find_spec("pandas") is None:
        return 'the Spark engine needs PySpark: pip install "klarsteg[spark]"'
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    where = f" (JAVA_HOME={home})" if home else ""
    if not java or not os.access(java, os.X_OK):
        return f"the Spark engine needs Java {MIN_JAVA} or newer and found none{where}: {JAVA_INSTALL}"
    major = _java_major(java)
    if major is None or major < MIN_JAVA:
        found = f"Java {major}" if major else "a Java that does not run"
        return f"the Spark engine needs Java {MIN_JAVA} or newer, found {found} at {java}: {JAVA_INSTALL}"
    return None


# --------------------------------------------------------------------------- the session


def spark_session(master: str = "local[*]", *, log_file: Path | None = None) -> SparkSession:
    """The active Spark session, or a new one for ``master`` set up for Klarsteg: Python workers
    run this interpreter (unless PYSPARK_PYTHON says otherwise), no web UI, UTC session time,
    quiet logging; with ``log_file`` the JVM's own output (start-up notes, logs) goes there."""
    return _session(master, log_file)[0]


def _session(master: str, log_file: Path | None) -> tuple[SparkSession, bool]:
    """The session and whether it was created here (and is therefore stopped here)."""
    from pyspark import SparkConf, SparkContext
    from pyspark.java_gateway import launch_gateway
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    conf = SparkConf().setMaster(master).setAppName("klarsteg")
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    conf.set("spark.sql.session.timeZone", "UTC").set("spark.python.worker.reuse", "true")
    gateway = None
    if log_file is not None:
        with open(log_file, "ab") as fh:  # the JVM keeps its own descriptor
            gateway = launch_gateway(conf, popen_kwargs={"stdout": fh, "stderr": fh})
    context = SparkContext(conf=conf, gateway=gateway)
    context.setLogLevel("ERROR")
    return SparkSession.builder.getOrCreate(), True


# --------------------------------------------------------------------------- in the workers

_MODELS: dict[str, Klarsteg] = {}
_MODELS_LOCK = threading.Lock()


def _model(model_dir: str | None) -> Klarsteg:
    """This worker process's model, loaded on first use and kept (one load per process)."""
    key = model_dir or ""
    with _MODELS_LOCK:
        model = _MODELS.get(key)
        if model is None:
            limit_process_threads()  # the Spark tasks are the parallelism
            model = _MODELS[key] = Klarsteg.load(model_dir)
            log.info("loaded model %s in process %d", model.version, os.getpid())
            if path := os.environ.get(LOAD_LOG_ENV):
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(f"{os.getpid()} {key or 'package'}\n")
    return model


@dataclass(frozen=True)
class _Spec:
    """How to read each row: the date column's name (for messages), a fixed date, the language."""

    date_name: str | None
    note_date: date | None
    language: str
    model_dir: str | None


def _prepare(text: Any, day: Any, read_error: Any, spec: _Spec) -> NoteInput | str:
    """The note to score, or why the row cannot be scored (the local engine's checks and words)."""
    if read_error:
        return str(read_error)
    text = "" if text is None else text if isinstance(text, str) else to_text(text)
    try:
        when = spec.note_date
        if when is None and spec.date_name is not None:
            when = parse_row_date(day, spec.date_name)
        return validate_input(text, when, spec.language)
    except ValueError as exc:
        return str(exc)
    except Exception as exc:  # a cell of an unexpected type costs its row, not the job
        return f"could not read the row ({type(exc).__name__})"


def _typed(outcome: dict[str, Any] | str) -> list[Any]:
    """One row of the typed result columns, from the SPEC JSON or an error message."""
    if isinstance(outcome, str):
        return [None] * (len(RESULT_FIELDS) - 1) + [outcome]
    row: dict[str, Any] = {c: outcome[c] for c in ("score", "verdict", "language", "model_version")}
    row |= {f"parts_{k}": v for k, v in outcome["parts"].items()}
    for name, keys in _SPAN_KEYS:
        span = outcome.get(name) or {}
        row |= {f"{name}_{k}": span.get(k) for k in keys}
    row |= {k: list(outcome[k]) for k in _LISTS}
    row["error"] = None
    return [row[c] for c, _ in RESULT_FIELDS]


def _cells(series: pd.Series) -> list[Any]:
    """A column's values with pandas' missing markers (NaN, NaT) as None."""
    return series.astype(object).where(series.notna(), None).tolist()


def _score_batch(spec: _Spec, text: pd.Series, day: pd.Series, read_error: pd.Series) -> pd.DataFrame:
    """Score one Arrow batch in a Python worker: a row of result columns for every input row."""
    import pandas as pd

    model = _model(spec.model_dir)
    prepared = [
        _prepare(t, d, e, spec) for t, d, e in zip(_cells(text), _cells(day), _cells(read_error), strict=True)
    ]
    results = iter(score_notes(model, [p for p in prepared if not isinstance(p, str)]))
    rows = [_typed(p if isinstance(p, str) else next(results)) for p in prepared]
    return pd.DataFrame(rows, columns=[c for c, _ in RESULT_FIELDS], dtype=object)


# --------------------------------------------------------------------------- DataFrames


def _col(name: str) -> Column:
    from pyspark.sql import functions as F

    return F.col("`" + name.replace("`", "``") + "`")


def _udf_column(spec: _Spec, text: Column, day: Column | None, read_error: Column | None) -> Column:
    """The struct of result columns, computed by the pandas UDF (once per row)."""
    import pandas as pd
    from pyspark.sql import functions as F

    def score_batch(text: pd.Series, day: pd.Series, read_error: pd.Series) -> pd.DataFrame:
        return _score_batch(spec, text, day, read_error)

    score_batch.__annotations__ = {"text": pd.Series, "day": pd.Series, "read_error": pd.Series}
    score_batch.__annotations__["return"] = pd.DataFrame
    struct = ", ".join(f"{c} {t}" for c, t in RESULT_FIELDS)
    udf = F.pandas_udf(score_batch, struct).asNondeterministic()  # evaluated once, never re-run
    none = F.lit(None).cast("string")
    return udf(text, none if day is None else day, none if read_error is None else read_error)


def _joined(subject: Column, body: Column) -> Column:
    """The subject as the note's first line (the local engine's ``note_text``)."""
    import pandas as pd
    from pyspark.sql import functions as F

    def join(subject: pd.Series, body: pd.Series) -> pd.Series:
        return pd.Series([note_text(b, s) for s, b in zip(_cells(subject), _cells(body), strict=True)])

    join.__annotations__ = {"subject": pd.Series, "body": pd.Series, "return": pd.Series}
    return F.pandas_udf(join, "string")(subject, body)


def _spec(cols: Columns, note_date: str | date | None, language: str, model_dir: Any) -> _Spec:
    fixed = validate_input("x", note_date, language).note_date if note_date else None
    validate_input("x", None, language)  # a bad language fails here, not in every row
    return _Spec(cols.date, fixed, language, str(model_dir) if model_dir else None)


def score_dataframe(
    df: DataFrame,
    text_col: str | None = None,
    date_col: str | None = None,
    id_col: str | None = None,
    *,
    note_date: str | date | None = None,
    language: str = "auto",
    model_dir: str | Path | None = None,
) -> DataFrame:
    """``df`` with Klarsteg's result columns added (lazily: nothing runs until an action).

    The columns are found as ``klarsteg score`` finds them (``text``, ``note``, ``anteckning``,
    ...; ``note_date``, ``date``, ``datum``, ...) unless named; ``note_date`` gives every row one
    date. The result columns are ``RESULT_FIELDS``: ``score`` int, ``verdict``, ``language``,
    ``parts_*`` int, ``next_step_text/start/end/action/owner/confidence``,
    ``reason_text/start/end/clear/confidence``,
    ``when_text/start/end/granularity/value/has_time/clear/confidence``, ``missing``, ``vague``
    and ``questions`` as array<string>, ``model_version``, and ``error`` (null when scored; the
    reason otherwise, with every result column null). Input columns keep their place; one named
    like a result column (a table scored before) receives the new value; ``id_col`` is only
    checked (it stays among the input columns). Raises ``ColumnError``
    (a ValueError) when a column is missing, ValueError for a bad ``note_date`` or ``language``.
    """
    names = list(df.columns)
    fixed = str(note_date) if note_date else None  # with a date column too: the local engine's error
    cols = resolve_columns(
        names, BatchOptions(text_col=text_col, date_col=date_col, id_col=id_col, note_date=fixed)
    )
    spec = _spec(cols, note_date, language, model_dir)
    day = None if cols.date is None else _col(cols.date)
    text = _col(cols.text) if cols.subject is None else _joined(_col(cols.subject), _col(cols.text))
    scored = df.withColumn(_RESULT, _udf_column(spec, text, day, None))
    return scored.select(*(_output(c, {n: n for n in names}) for c in output_columns(names)))


def _output(name: str, sources: dict[str, str]) -> Column:
    """Output column ``name``: a result field, or the input column it comes from."""
    from pyspark.sql import functions as F

    return (F.col(f"{_RESULT}.{name}") if name in RESULT_COLUMNS else _col(sources[name])).alias(name)


def _flat(name: str) -> Column:
    """A result column as the local engine's Parquet writes it (``flatten``'s values and types):
    absent text is "" (a nullable column, as there), absent numbers and flags are null."""
    from pyspark.sql import functions as F

    value = F.col(f"{_RESULT}.{name}")
    kind = dict(RESULT_FIELDS)[name]
    if kind not in ("string", "array<string>"):
        return value.cast("smallint" if name in _SMALL else _FLAT_TYPES[kind])
    if name in _LISTS:
        value = F.array_join(value, _LISTS[name])
    span = next((s for s, _ in _SPAN_KEYS if name.startswith(f"{s}_")), None)
    absent = (value if span is None else F.col(f"{_RESULT}.{span}_text")).isNull()
    return F.when(absent, F.lit("")).otherwise(value)


def _result_dict(row: dict[str, Any]) -> dict[str, Any]:
    """The SPEC JSON back from the typed result columns: the dict ``model_dump()`` gave, in order."""
    out = {k: row[k] for k in ("score", "verdict", "language")}
    out["parts"] = {k: row[f"parts_{k}"] for k in ("next_step", "reason", "when")}
    for name, keys in _SPAN_KEYS:
        out[name] = {k: row[f"{name}_{k}"] for k in keys} if row[f"{name}_text"] is not None else None
    out |= {k: list(row[k]) for k in _LISTS}
    out["model_version"] = row["model_version"]
    return out


# --------------------------------------------------------------------------- klarsteg score --engine spark


def _stage(reader: Reader, path: Path, keep_values: bool) -> int:
    """Write the reader's records to Parquet for the executors: the record number, any reading
    error, every cell as text (the local engine's ``to_text``) under a positional name, and with
    ``keep_values`` the record's own values, pickled: the driver's writer gets them back exactly
    (JSON numbers, Excel dates), as the local engine's writer does. Returns the count."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    fields = [pa.field(_ROW, pa.int64()), pa.field(_READ_ERROR, pa.string())]
    fields += [pa.field(_VALUES, pa.binary())] if keep_values else []
    fields += [pa.field(f"__c{i}", pa.string()) for i in range(len(reader.columns))]
    schema = pa.schema(fields)
    count = 0
    records = iter(reader)
    with pq.ParquetWriter(path, schema) as writer:
        while chunk := [r for _, r in zip(range(20_000), records, strict=False)]:
            data: dict[str, list[Any]] = {
                _ROW: [r.number for r in chunk],
                _READ_ERROR: [r.error for r in chunk],
            }
            if keep_values:
                data[_VALUES] = [pickle.dumps(r.values, protocol=5) for r in chunk]
            for i, name in enumerate(reader.columns):
                data[f"__c{i}"] = [None if (v := r.values.get(name)) is None else to_text(v) for r in chunk]
            writer.write_table(pa.Table.from_pydict(data, schema=schema))
            count += len(chunk)
    return count


def _read_parquet(spark: SparkSession, path: Path) -> tuple[DataFrame, list[str], int]:
    """A Parquet file or folder of parts with its record numbers (``_ROW``, 1 = the first record
    of the first part by path) and its columns under positional names; and the record count."""
    from pyspark.sql import functions as F

    try:
        df = spark.read.parquet(str(path))
    except Exception as exc:  # AnalysisException: no Parquet there, or not readable
        raise FormatError(
            f"{path.name} is not a readable Parquet file or folder ({_first_line(exc)})"
        ) from None
    names = list(df.columns)
    files = F.col("_metadata.file_path")
    counts = sorted((r[0], r[1]) for r in df.select(files.alias("f")).groupBy("f").count().collect())
    offsets: list[Column] = []
    total = 0
    for name, n in counts:
        offsets += [F.lit(name), F.lit(total)]
        total += n
    row = F.create_map(*offsets)[files] + F.col("_metadata.row_index") + 1 if counts else F.lit(0)
    positional = [_col(n).alias(f"__c{i}") for i, n in enumerate(names)]
    return df.select(row.cast("long").alias(_ROW), *positional), names, total


def _instant(micros: int | None) -> datetime | None:
    return None if micros is None else _EPOCH + timedelta(microseconds=micros)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:200]


def score_file_spark(
    input_path: Path, output_path: Path, options: BatchOptions | None = None, *, master: str = "local[*]"
) -> BatchSummary:
    """Score every record of ``input_path`` (a file, or a folder of Parquet parts) into
    ``output_path`` on Spark: the same records, columns and errors as ``score_file``.

    Uses the active Spark session if there is one, else starts one on ``master`` (and stops it).
    Raises ``FormatError``/``ColumnError`` (ValueError) for unusable input, ``RuntimeError`` when
    Spark fails (naming its log). ``options.workers`` and ``resume`` do not apply.
    """
    options = options or BatchOptions()
    started = time.monotonic()
    file_format(output_path)  # an unsupported output fails before Spark starts
    if options.resume:
        raise FormatError("--resume needs --engine local: a Spark run always starts from the beginning")
    if output_path.resolve() == input_path.resolve():
        raise FormatError("the output would overwrite the input; choose another output file")
    if not input_path.exists():
        raise FormatError(f"no such file: {input_path}")
    in_kind = "parquet" if input_path.is_dir() else file_format(input_path)
    fixed_date = validate_input("x", options.note_date).note_date if options.note_date else None
    verify_artifacts(Path(options.model_dir) if options.model_dir else get_settings().model_dir)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    fd, log_name = tempfile.mkstemp(prefix="klarsteg-spark-", suffix=".log")
    os.close(fd)
    work = Path(tempfile.mkdtemp(prefix=".klarsteg-staging-", dir=output_path.parent))
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    keep_log = False
    try:
        spark, owned = _session(master, Path(log_name))
        try:
            summary = _run(spark, input_path, in_kind, output_path, options, fixed_date, work)
        finally:
            if owned:
                spark.stop()
    except (PySparkException, Py4JError) as exc:
        keep_log = True
        raise RuntimeError(f"the Spark job failed ({_first_line(exc)}); Spark's log: {log_name}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if not keep_log:
            Path(log_name).unlink(missing_ok=True)
    summary.seconds = time.monotonic() - started
    return summary


def _run(
    spark: SparkSession,
    input_path: Path,
    in_kind: str,
    output_path: Path,
    options: BatchOptions,
    fixed_date: date | None,
    work: Path,
) -> BatchSummary:
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    keep_values = file_format(output_path) != "parquet" and in_kind != "parquet"
    if in_kind == "parquet":
        staged, names, total = _read_parquet(spark, input_path)
        cols = resolve_columns(names, options)
    else:
        with open_reader(input_path) as reader:
            names = reader.columns
            cols = resolve_columns(names, options)
            total = _stage(reader, work / "records.parquet", keep_values)
        staged = spark.read.parquet(str(work / "records.parquet"))
    if cols.date is None and fixed_date is None:
        logging.getLogger("klarsteg.batch").warning(
            "no date column found (looked for %s): relative dates are resolved against today. "
            "Use --date-col or --note-date.",
            ", ".join(DATE_COLUMNS),
        )
    sources = {n: f"__c{i}" for i, n in enumerate(names)}
    spec = _Spec(cols.date, fixed_date, "auto", str(options.model_dir) if options.model_dir else None)
    cores = spark.sparkContext.defaultParallelism
    parts = max(cores, min(math.ceil(total / 2000), cores * 8))
    ordered = staged.repartitionByRange(parts, _ROW).sortWithinPartitions(_ROW)
    day = None if fixed_date or not cols.date else _col(sources[cols.date])
    read_error = None if in_kind == "parquet" else _col(_READ_ERROR)
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(max(1, options.chunk_size)))
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")  # UTC instants, as read
    text = _col(sources[cols.text])
    if cols.subject is not None:
        text = _joined(_col(sources[cols.subject]), text)
    result = _udf_column(spec, text, day, read_error)
    scored = ordered.withColumn(_RESULT, result).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        error = F.col(f"{_RESULT}.error")
        n, errors = scored.agg(F.count(F.lit(1)), F.count(error)).first()  # scores every row, once
        ident = _col(sources[cols.id]) if cols.id else F.lit(None)
        failed = scored.where(error.isNotNull()).select(_ROW, ident.alias("id"), error.alias("error"))
        samples = [
            f"row {r[0]}{f' (id {to_text(r[1])})' if cols.id else ''}: {r[2]}"
            for r in failed.orderBy(_ROW).limit(MAX_ERROR_SAMPLES).collect()
        ]
        if file_format(output_path) == "parquet":
            flat = [
                _flat(c).alias(c) if c in RESULT_COLUMNS else _col(sources[c]).alias(c)
                for c in output_columns(names)
            ]
            scored.select(*flat).write.mode("overwrite").parquet(str(output_path))
        else:
            _write_in_order(scored, output_path, names, sources, keep_values, options.chunk_size)
    finally:
        scored.unpersist()
    return BatchSummary(read=n, scored=n - errors, errors=errors, workers=cores, error_samples=samples)


def _write_in_order(
    scored: DataFrame, path: Path, names: list[str], sources: dict[str, str], keep_values: bool, chunk: int
) -> None:
    """Write the scored records with the local engine's writer, in input order, chunk by chunk."""
    from pyspark.sql import functions as F
    from pyspark.sql.types import TimestampType

    # Spark hands timestamps to Python as naive local times; the local engine reads them from
    # Parquet as UTC instants. Take the microseconds and make the same datetimes.
    stamps = {f.name for f in scored.schema.fields if isinstance(f.dataType, TimestampType)}
    fields = [_ROW, _RESULT, *(sources[n] for n in names), *([_VALUES] if keep_values else [])]
    select = [F.unix_micros(_col(f)).alias(f) if f in stamps else _col(f) for f in fields]
    writer = open_writer(path, Reader(path, columns=names))
    writer.start()
    try:
        rows: list[Row] = []
        for r in scored.select(*select).toLocalIterator(prefetchPartitions=True):
            if keep_values:
                values = pickle.loads(r[_VALUES])  # written by _stage, in this run's own folder
            else:
                values = {
                    n: _instant(r[sources[n]]) if sources[n] in stamps else r[sources[n]] for n in names
                }
            result = r[_RESULT].asDict()
            error = result["error"]
            rows.append(Row(Record(r[_ROW], values), None if error else _result_dict(result), error))
            if len(rows) >= chunk:
                writer.write(rows)
                rows = []
        writer.write(rows)
    finally:
        writer.close()
