"""Reading and writing the files ``klarsteg score`` works on: CSV, JSONL, Excel and Parquet.

Readers stream records one at a time (never the whole file); writers take records chunk by
chunk. CSV and JSONL outputs are written to the final file as they go and can be resumed;
Excel and Parquet outputs are written to ``OUTPUT.part`` and renamed when closed.

Nothing here logs or returns note text in a message: errors name a record number and a problem.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
import os
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

log = logging.getLogger("klarsteg.batch")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

#: Suffixes of the supported formats.
FORMATS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".xlsx": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
}
#: Output formats that are appended to as they go (and can therefore be resumed).
APPENDABLE = ("csv", "jsonl")
DELIMITERS = (",", ";", "\t", "|")
_READ_BLOCK = 1 << 20
_XLSX_CELL_LIMIT = 32_767


class FormatError(ValueError):
    """A file cannot be read or written as asked."""


def file_format(path: Path) -> str:
    """The format of ``path`` from its suffix: csv, jsonl, xlsx or parquet."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise FormatError(
            f"unsupported format {path.suffix or '(no suffix)'!r} for {path.name}: "
            "use .csv, .jsonl, .xlsx or .parquet"
        )
    return kind


# --------------------------------------------------------------------------- flat result columns


_SPAN_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("next_step", ("text", "start", "end", "action", "owner", "confidence")),
    ("reason", ("text", "start", "end", "clear", "confidence")),
    ("when", ("text", "start", "end", "granularity", "value", "has_time", "clear", "confidence")),
)


def flatten(result: dict[str, Any]) -> dict[str, Any]:
    """Flat CSV columns for a score result (``parts_when``, ``next_step_action``, ...)."""
    flat: dict[str, Any] = {
        "score": result["score"],
        "verdict": result["verdict"],
        "language": result["language"],
        "parts_next_step": result["parts"]["next_step"],
        "parts_reason": result["parts"]["reason"],
        "parts_when": result["parts"]["when"],
    }
    for name, keys in _SPAN_KEYS:
        value = result.get(name) or {}
        for key in keys:
            flat[f"{name}_{key}"] = value.get(key, "")
    flat["missing"] = ",".join(result["missing"])
    flat["vague"] = ",".join(result["vague"])
    flat["questions"] = " | ".join(result["questions"])
    flat["model_version"] = result["model_version"]
    return flat


#: The columns ``klarsteg score`` adds to tabular outputs, in order; ``error`` comes last.
RESULT_COLUMNS: tuple[str, ...] = (
    "score",
    "verdict",
    "language",
    "parts_next_step",
    "parts_reason",
    "parts_when",
    *(f"{name}_{key}" for name, keys in _SPAN_KEYS for key in keys),
    "missing",
    "vague",
    "questions",
    "model_version",
    "error",
)


def output_columns(input_columns: Sequence[str]) -> list[str]:
    """Input columns, then the result columns. Input columns named like a result column (a file
    scored before) keep their place and receive the new values."""
    taken = set(input_columns)
    return [*input_columns, *(c for c in RESULT_COLUMNS if c not in taken)]


def to_text(value: Any) -> str:
    """A cell value as CSV text: ISO dates, JSON for nested values, empty for None."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dict | list | tuple):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


# --------------------------------------------------------------------------- records and readers


@dataclass(slots=True)
class Record:
    """One input record: its number (1 = the first record after any header), values, and a
    reading problem if the record is broken (it is still written out, with that error)."""

    number: int
    values: dict[str, Any]
    error: str | None = None


@dataclass
class Reader:
    """A streaming reader. ``position`` and ``total`` measure progress in ``unit``."""

    path: Path
    columns: list[str] = field(default_factory=list)
    unit: str = "rows"
    total: int | None = None
    encoding: str | None = None
    delimiter: str | None = None

    def __iter__(self) -> Iterator[Record]:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def position(self) -> int:
        """How far reading has got, in ``unit``."""
        return 0

    def close(self) -> None:
        """Release the file."""

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _unique_columns(names: Sequence[Any]) -> list[str]:
    """Header names made usable: blanks become ``column_N``, repeats get ``_2``, ``_3``."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(names, 1):
        name = to_text(raw).strip() or f"column_{i}"
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base}_{n}"
        seen.add(name)
        out.append(name)
    return out


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the whole file decodes as UTF-8 (with or without a BOM); otherwise
    ``cp1252`` (what Swedish Excel writes), or ``latin-1`` when even cp1252 does not fit."""
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                while block := fh.read(_READ_BLOCK):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return "utf-8-sig" if encoding == "utf-8" else encoding
    return "latin-1"


def detect_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line most often (outside quotes); comma by default."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class CsvReader(Reader):
    """CSV with a detected delimiter and encoding; quoted fields may hold newlines."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, unit="bytes", total=path.stat().st_size)
        self.encoding = detect_encoding(path)
        if self.encoding != "utf-8-sig":
            log.warning(
                "%s is not UTF-8; reading it as %s (Windows-1252, as Swedish Excel saves CSV). "
                "Check that å, ä and ö look right in the output.",
                path.name,
                "cp1252" if self.encoding == "cp1252" else "latin-1",
            )
        self._binary = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._text = io.TextIOWrapper(self._binary, encoding=self.encoding, newline="")
        first = self._text.readline()
        self.delimiter = detect_delimiter(first)
        self._lines = self._clean_lines(first)
        self._reader = csv.reader(self._lines, delimiter=self.delimiter)
        try:
            header = next(self._reader)
        except StopIteration:
            raise FormatError(f"{path.name} is empty: no header row") from None
        self.columns = _unique_columns(header)

    def _clean_lines(self, first: str) -> Iterator[str]:
        yield first.replace("\0", "")
        for line in self._text:
            yield line.replace("\0", "")

    @property
    def position(self) -> int:
        return self._binary.tell()

    def __iter__(self) -> Iterator[Record]:
        width = len(self.columns)
        number = 0
        while True:
            try:
                row = next(self._reader)
            except StopIteration:
                return
            except csv.Error as exc:
                number += 1
                yield Record(number, dict.fromkeys(self.columns, ""), f"unreadable CSV row ({exc})")
                continue
            if not row or (len(row) == 1 and not row[0].strip() and width > 1):
                continue  # a blank line is not a record
            number += 1
            error = None
            if len(row) != width:
                error = f"broken row: {len(row)} fields where the header has {width}"
                row = (row + [""] * width)[:width]
            yield Record(number, dict(zip(self.columns, row, strict=True)), error)

    def close(self) -> None:
        self._text.close()


class JsonlReader(Reader):
    """JSON Lines: one object per line; blank lines are skipped, broken lines become errors.
    The columns are the union of the keys, found by a first pass over the file."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, unit="bytes", total=path.stat().st_size, encoding="utf-8")
        self._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.columns = self._scan_keys()

    def _scan_keys(self) -> list[str]:
        keys: dict[str, None] = {}
        for raw in self._fh:
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            if isinstance(obj, dict) and len(keys) < 2000:
                keys.update(dict.fromkeys(str(k) for k in obj))
        self._fh.seek(0)
        return list(keys)

    @property
    def position(self) -> int:
        return self._fh.tell()

    def __iter__(self) -> Iterator[Record]:
        number = 0
        for lineno, raw in enumerate(self._fh, 1):
            if lineno == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            if not raw.strip():
                continue
            number += 1
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield Record(
                    number, {"raw": raw.decode("latin-1").rstrip("\r\n")}, f"line {lineno}: not UTF-8"
                )
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                yield Record(
                    number, {"raw": line.rstrip("\r\n")}, f"line {lineno}: not valid JSON ({exc.msg})"
                )
                continue
            if not isinstance(obj, dict):
                yield Record(number, {"raw": obj}, f"line {lineno}: not a JSON object")
                continue
            yield Record(number, {str(k): v for k, v in obj.items()})

    def close(self) -> None:
        self._fh.close()


class XlsxReader(Reader):
    """The first worksheet of an Excel workbook, read in streaming (read-only) mode. The first
    non-empty row is the header; rows with no value at all are skipped."""

    def __init__(self, path: Path) -> None:
        import openpyxl

        super().__init__(path, unit="rows")
        try:
            self._wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            raise FormatError(
                f"{path.name} is not a readable .xlsx workbook ({type(exc).__name__})"
            ) from None
        ws = self._wb.worksheets[0]
        self._rows = ws.iter_rows(values_only=True)
        header: tuple[Any, ...] | None = None
        for row in self._rows:
            if any(v not in (None, "") for v in row):
                header = row
                break
        if header is None:
            raise FormatError(f"{path.name}: the first worksheet is empty")
        while header and header[-1] in (None, ""):
            header = header[:-1]
        self.columns = _unique_columns(header)
        self.total = max(0, (ws.max_row or 1) - 1) or None
        self._done = 0

    @property
    def position(self) -> int:
        return self._done

    def __iter__(self) -> Iterator[Record]:
        width = len(self.columns)
        number = 0
        for row in self._rows:
            self._done += 1
            if not any(v not in (None, "") for v in row):
                continue
            number += 1
            error = None
            extra = [v for v in row[width:] if v not in (None, "")]
            if extra:
                error = f"broken row: {len(extra)} values beyond the header's {width} columns"
            cells = (list(row) + [None] * width)[:width]
            yield Record(number, dict(zip(self.columns, cells, strict=True)), error)

    def close(self) -> None:
        self._wb.close()


class ParquetReader(Reader):
    """A Parquet file, read one record batch at a time; column types are kept."""

    def __init__(self, path: Path, batch_size: int = 1024) -> None:
        import pyarrow.parquet as pq

        super().__init__(path, unit="rows")
        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid and OSError kinds
            raise FormatError(f"{path.name} is not a readable Parquet file ({type(exc).__name__})") from None
        self.schema = self._file.schema_arrow
        self.columns = list(self.schema.names)
        self.total = self._file.metadata.num_rows
        self._batch_size = batch_size
        self._done = 0

    @property
    def position(self) -> int:
        return self._done

    def __iter__(self) -> Iterator[Record]:
        for batch in self._file.iter_batches(batch_size=self._batch_size):
            for values in batch.to_pylist():
                self._done += 1
                yield Record(self._done, values)

    def close(self) -> None:
        self._file.close()


def open_reader(path: Path) -> Reader:
    """A streaming reader for ``path``, chosen by its suffix."""
    kind = file_format(path)
    if not path.is_file():
        raise FormatError(f"no such file: {path}")
    return {"csv": CsvReader, "jsonl": JsonlReader, "xlsx": XlsxReader, "parquet": ParquetReader}[kind](path)


# --------------------------------------------------------------------------- writers


@dataclass(slots=True)
class Row:
    """One output record: the input record, and either its result (the SPEC JSON) or an error."""

    record: Record
    result: dict[str, Any] | None
    error: str | None


class Writer:
    """Writes output rows chunk by chunk; ``write`` returns once the chunk is flushed."""

    kind = ""

    def __init__(self, path: Path, input_columns: Sequence[str]) -> None:
        self.path = path
        self.input_columns = list(input_columns)
        self.columns = output_columns(self.input_columns)

    def flat(self, row: Row) -> dict[str, Any]:
        """The row as flat columns (input values, result columns, error)."""
        out: dict[str, Any] = {c: row.record.values.get(c) for c in self.input_columns}
        if row.result is not None:
            out.update(flatten(row.result))
            out["error"] = ""
        else:
            out.update(dict.fromkeys(RESULT_COLUMNS, ""))
            out["error"] = row.error or ""
        return out

    def resume(self) -> tuple[int, dict[str, Any] | None]:
        """Records already complete in an earlier partial output, and the last one's input values."""
        raise FormatError(
            f"--resume needs a CSV or JSONL output; {self.path.suffix} cannot be appended to safely "
            "(score to .csv or .jsonl, then convert)"
        )

    def start(self) -> None:
        """Begin a fresh output."""

    def write(self, rows: Sequence[Row]) -> None:
        """Write and flush one chunk of rows."""
        raise NotImplementedError

    def close(self) -> None:
        """Finish the output (for Excel and Parquet: make the file valid and move it in place)."""


class CsvWriter(Writer):
    """Comma-separated UTF-8 with a header; every chunk is appended and flushed."""

    kind = "csv"

    def __init__(self, path: Path, input_columns: Sequence[str]) -> None:
        super().__init__(path, input_columns)
        self._fh: IO[str] | None = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._emit([self.columns])

    def resume(self) -> tuple[int, dict[str, Any] | None]:
        with open(self.path, "rb") as fh:
            data_end = 0
            offsets = _LineOffsets(fh)
            reader = csv.reader(offsets, strict=True)
            try:
                header = next(reader)
            except (StopIteration, csv.Error, UnicodeDecodeError):
                header = []
            if header[:1] and header[0].startswith("\ufeff"):
                header[0] = header[0][1:]
            if not header or not offsets.ended_line:
                fh.close()
                self.start()  # not even the header was complete: start again
                return 0, None
            if header != self.columns:
                raise FormatError(
                    f"{self.path.name} was not written by this command for this input "
                    "(its columns differ); remove it or choose another output"
                )
            data_end = offsets.consumed
            count, last = 0, None
            while True:
                try:
                    row = next(reader)
                except (StopIteration, csv.Error, UnicodeDecodeError):
                    break
                if len(row) != len(self.columns) or not offsets.ended_line:
                    break
                count += 1
                last = row
                data_end = offsets.consumed
        with open(self.path, "r+b") as fh:
            fh.truncate(data_end)
        self._fh = open(self.path, "a", encoding="utf-8", newline="")  # noqa: SIM115
        values = dict(zip(self.columns, last, strict=True)) if last else None
        return count, values

    def _emit(self, rows: Sequence[Sequence[Any]]) -> None:
        assert self._fh is not None
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerows([[to_text(v) for v in row] for row in rows])
        self._fh.write(buf.getvalue())
        self._fh.flush()

    def write(self, rows: Sequence[Row]) -> None:
        self._emit([[flat[c] for c in self.columns] for flat in map(self.flat, rows)])

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


class _LineOffsets:
    """Feeds a binary file to ``csv.reader`` line by line, counting the bytes handed over, so the
    byte offset at the end of each parsed record is known (csv.reader does not read ahead)."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self.consumed = 0
        self.ended_line = True

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        raw = self._fh.readline()
        if not raw:
            raise StopIteration
        self.consumed += len(raw)
        self.ended_line = raw.endswith(b"\n")
        return raw.decode("utf-8")


class JsonlWriter(Writer):
    """One JSON object per line: the input object plus ``result`` (or ``error``)."""

    kind = "jsonl"

    def __init__(self, path: Path, input_columns: Sequence[str]) -> None:
        super().__init__(path, input_columns)
        self._fh: IO[str] | None = None

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self.path, "w", encoding="utf-8")  # noqa: SIM115

    def resume(self) -> tuple[int, dict[str, Any] | None]:
        count, end, last = 0, 0, None
        with open(self.path, "rb") as fh:
            for raw in fh:
                if not raw.endswith(b"\n"):
                    break
                try:
                    obj = json.loads(raw)
                except ValueError:
                    break
                if not isinstance(obj, dict):
                    break
                count += 1
                end += len(raw)
                last = obj
        with open(self.path, "r+b") as fh:
            fh.truncate(end)
        self._fh = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
        return count, last

    def write(self, rows: Sequence[Row]) -> None:
        assert self._fh is not None
        lines = []
        for row in rows:
            out = dict(row.record.values)
            out.pop("result", None)
            out.pop("error", None)
            if row.result is not None:
                out["result"] = row.result
            else:
                out["error"] = row.error or "could not be scored"
            lines.append(json.dumps(out, ensure_ascii=False, default=_json_default) + "\n")
        self._fh.write("".join(lines))
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class XlsxWriter(Writer):
    """An Excel workbook written in streaming mode to ``OUTPUT.part``, renamed when closed."""

    kind = "xlsx"

    def start(self) -> None:
        import openpyxl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._part = self.path.with_name(self.path.name + ".part")
        self._wb = openpyxl.Workbook(write_only=True)
        self._ws = self._wb.create_sheet("scored")
        self._ws.append(self.columns)

    @staticmethod
    def _cell(value: Any) -> Any:
        if value is None or isinstance(value, bool | int | float | datetime | date):
            return value
        text = _ILLEGAL_XLSX.sub("", to_text(value))
        return text[:_XLSX_CELL_LIMIT]

    def write(self, rows: Sequence[Row]) -> None:
        for row in rows:
            flat = self.flat(row)
            self._ws.append([self._cell(flat[c]) for c in self.columns])

    def close(self) -> None:
        if getattr(self, "_wb", None) is not None:
            self._wb.save(self._part)
            os.replace(self._part, self.path)
            self._wb = None


class ParquetWriter(Writer):
    """Parquet with typed result columns, one row group per chunk, written to ``OUTPUT.part`` and
    renamed when closed. Input columns keep their Parquet types; from other formats they are text."""

    kind = "parquet"

    def __init__(self, path: Path, input_columns: Sequence[str], input_schema: Any = None) -> None:
        super().__init__(path, input_columns)
        self._input_schema = input_schema
        self._writer: Any = None

    def _schema(self) -> Any:
        import pyarrow as pa

        types = {
            "score": pa.int16(),
            "parts_next_step": pa.int16(),
            "parts_reason": pa.int16(),
            "parts_when": pa.int16(),
            "next_step_start": pa.int32(),
            "next_step_end": pa.int32(),
            "reason_start": pa.int32(),
            "reason_end": pa.int32(),
            "when_start": pa.int32(),
            "when_end": pa.int32(),
            "next_step_confidence": pa.float32(),
            "reason_confidence": pa.float32(),
            "when_confidence": pa.float32(),
            "reason_clear": pa.bool_(),
            "when_clear": pa.bool_(),
            "when_has_time": pa.bool_(),
        }
        fields = []
        for name in self.columns:
            if name in self.input_columns and name not in RESULT_COLUMNS:
                if self._input_schema is not None and name in self._input_schema.names:
                    fields.append(self._input_schema.field(name))
                else:
                    fields.append(pa.field(name, pa.string()))
            else:
                fields.append(pa.field(name, types.get(name, pa.string())))
        return pa.schema(fields)

    def start(self) -> None:
        import pyarrow.parquet as pq

        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._part = self.path.with_name(self.path.name + ".part")
        self._arrow_schema = self._schema()
        self._writer = pq.ParquetWriter(self._part, self._arrow_schema)

    def write(self, rows: Sequence[Row]) -> None:
        import pyarrow as pa

        if not rows:
            return
        columns: dict[str, list[Any]] = {c: [] for c in self.columns}
        typed = {f.name: f.type for f in self._arrow_schema}
        for row in rows:
            flat = self.flat(row)
            for c in self.columns:
                value = flat[c]
                if value == "" and not pa.types.is_string(typed[c]):
                    value = None
                elif pa.types.is_string(typed[c]) and value is not None:
                    value = to_text(value)
                columns[c].append(value)
        self._writer.write_table(pa.Table.from_pydict(columns, schema=self._arrow_schema))

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            os.replace(self._part, self.path)
            self._writer = None


def open_writer(path: Path, reader: Reader) -> Writer:
    """A writer for ``path`` (chosen by its suffix) with the reader's columns."""
    kind = file_format(path)
    if kind == "parquet":
        return ParquetWriter(path, reader.columns, getattr(reader, "schema", None))
    return {"csv": CsvWriter, "jsonl": JsonlWriter, "xlsx": XlsxWriter}[kind](path, reader.columns)
