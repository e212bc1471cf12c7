"""The user's own data for a generated agent: a SQLite file, or CSV files made into one.

`scan_data` reads what the user points at and says what it found before anything is generated:
the tables with their row counts and columns (types inferred from the values: INTEGER, REAL or
TEXT, and ISO dates kept as TEXT, which SQLite compares and sorts correctly), and every file it
skipped with the reason. CSV files are loaded into a new SQLite database in a temporary folder;
the generated project then opens it read-only for its SQL tool.

Reads are bounded: a CSV file over MAX_CSV_BYTES is skipped, a database over MAX_SQLITE_BYTES refused,
a table keeps at most MAX_ROWS rows (the report says when it was cut), and at most MAX_FILES files
of a folder are looked at.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from scaffolder.core.errors import UserError

MAX_CSV_BYTES = 50 * 1024 * 1024
# The database is committed to the project: GitHub refuses files over 100 MB, and a portfolio
# project that takes minutes to clone is not one anyone looks at.
MAX_SQLITE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 500_000
MAX_FILES = 100
MAX_COLUMNS = 100  # the generated SQL tool refuses wider results (SQLITE_LIMIT_COLUMN)
SQLITE_MAGIC = b"SQLite format 3\x00"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_INTEGER = re.compile(r"^[+-]?\d{1,18}$")
_LEADING_ZERO = re.compile(r"^[+-]?0\d")
_REAL = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # INTEGER, REAL or TEXT
    date: bool = False  # TEXT holding ISO dates

    def describe(self) -> str:
        return f"{self.name} {self.type}" + (" (ISO date)" if self.date else "")


@dataclass(frozen=True)
class Table:
    name: str
    rows: int
    columns: tuple[Column, ...]
    source: str  # the file it came from, relative to what the user gave
    cut: bool = False  # more rows than MAX_ROWS: only the first ones were loaded

    def describe(self) -> str:
        return f"{self.name}({', '.join(c.describe() for c in self.columns)})"


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass
class DataReport:
    """What `scan_data` found; `database` is the SQLite file the project will read."""

    source: Path
    kind: str  # "sqlite" or "csv"
    database: Path | None
    tables: list[Table] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    workdir: Path | None = None  # the temporary folder holding a database built from CSV

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    def summary(self) -> str:
        tables = ", ".join(f"{t.name} ({t.rows:,} rows{', cut' if t.cut else ''})" for t in self.tables)
        noun = "table" if len(self.tables) == 1 else "tables"
        return f"{len(self.tables)} {noun}, {self.rows:,} rows ({self.kind}): {tables}"

    def lines(self) -> list[str]:
        """The report shown before generating: one line per table, then what was skipped and why."""
        lines = [f"Found {self.summary()}."]
        for table in self.tables:
            lines.append(f"  {table.source} -> {table.describe()}")
            if table.cut:
                lines.append(f"    only the first {MAX_ROWS:,} rows were loaded")
        lines += [f"  skipped {s.path}: {s.reason}" for s in self.skipped]
        return lines

    def discard(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def identifier(text: str, fallback: str) -> str:
    """A plain SQL identifier (letters, digits, _; not starting with a digit) for a name the user chose."""
    name = re.sub(r"[^0-9a-zA-Z]+", "_", text.strip()).strip("_").lower()
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    return name


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def scan_data(path: Path) -> DataReport:
    """Scan a SQLite file, one CSV file, or a folder of CSV files (not recursive)."""
    path = Path(path).expanduser()
    if not path.exists():
        raise UserError(f"{path} does not exist.", "Give a SQLite file, a CSV file or a folder of CSV files.")
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        skipped = [Skipped(p.name, f"only the first {MAX_FILES} files are read") for p in files[MAX_FILES:]]
        sqlite_files = [p for p in files[:MAX_FILES] if _is_sqlite(p)]
        if sqlite_files and not any(p.suffix.lower() == ".csv" for p in files):
            report = _scan_sqlite(sqlite_files[0])
            report.skipped += [Skipped(p.name, "only one SQLite file is used") for p in sqlite_files[1:]]
            return report
        skipped += [
            Skipped(p.name, "a SQLite file beside CSV files: give it on its own (--data FILE)") for p in sqlite_files
        ]
        return _load_csv_files([p for p in files[:MAX_FILES] if p not in sqlite_files], path, skipped)
    if _is_sqlite(path):
        return _scan_sqlite(path)
    return _load_csv_files([path], path.parent, [])


def require_tables(report: DataReport) -> DataReport:
    """The report itself, or the sentence that says why nothing in what the user gave can be used."""
    if not report.tables:
        reasons = "; ".join(f"{s.path}: {s.reason}" for s in report.skipped[:5]) or "no file"
        raise UserError(
            f"Nothing in {report.source} can be used ({reasons}).",
            "Give a SQLite file, or CSV files (UTF-8, a header row of column names).",
        )
    return report


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _scan_sqlite(path: Path) -> DataReport:
    size = path.stat().st_size
    if size > MAX_SQLITE_BYTES:
        raise UserError(
            f"{path} is {size / 1e6:,.0f} MB, over the {MAX_SQLITE_BYTES // 1_000_000} MB a project can carry in git.",
            "Export the tables the agent needs into a smaller database or CSV files.",
        )
    report = DataReport(path, "sqlite", path)
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as err:
        raise UserError(f"{path} cannot be opened as a SQLite database: {err}.", "Check the file.") from err
    try:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        for name in names:
            columns = tuple(
                Column(str(row[1]), _affinity(str(row[2] or "")))
                for row in connection.execute(f"PRAGMA table_info({quoted(name)})")
            )
            rows = int(connection.execute(f"SELECT COUNT(*) FROM {quoted(name)}").fetchone()[0])
            report.tables.append(Table(name, rows, columns, path.name))
    except sqlite3.Error as err:
        raise UserError(f"{path} cannot be read as a SQLite database: {err}.", "Check the file.") from err
    finally:
        connection.close()
    return report


def _affinity(declared: str) -> str:
    """SQLite's own rules for a declared type, reduced to the three this reports."""
    upper = declared.upper()
    if "INT" in upper:
        return "INTEGER"
    if any(word in upper for word in ("REAL", "FLOA", "DOUB", "NUM", "DEC")):
        return "REAL"
    return "TEXT"


def _read_csv(path: Path) -> tuple[list[str], list[list[str]], bool] | str:
    """(header, rows, cut) or the reason the file cannot be used."""
    if path.suffix.lower() not in {".csv", ".tsv"}:
        return f"{path.suffix or 'a file without extension'} is not a CSV or SQLite file"
    try:
        size = path.stat().st_size
        if size > MAX_CSV_BYTES:
            return f"{size / 1e6:,.0f} MB is over the {MAX_CSV_BYTES // 1_000_000} MB limit for one CSV file"
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return "not UTF-8 text (save it as UTF-8 CSV)"
    except OSError as err:
        return f"cannot be read ({err.strerror or err})"
    if not text.strip():
        return "empty"
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
        rows: list[list[str]] = []
        cut = False
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            if len(rows) == MAX_ROWS:
                cut = True
                break
            rows.append(row)
    except csv.Error as err:
        return f"not valid CSV ({err})"
    if not any(cell.strip() for cell in header):
        return "the first line (the column names) is empty"
    if len(header) > MAX_COLUMNS:
        return f"{len(header)} columns is over the {MAX_COLUMNS}-column limit"
    if not rows:
        return "no rows under the header"
    return header, rows, cut


def _column_type(values: list[str]) -> tuple[str, bool]:
    present = [v.strip() for v in values if v.strip()]
    if not present:
        return "TEXT", False
    if any(_LEADING_ZERO.match(v) for v in present):
        return "TEXT", False  # postcodes, phone numbers, codes: "01234" is not the number 1234
    if all(_INTEGER.match(v) for v in present):
        return "INTEGER", False
    if all(_REAL.match(v) for v in present):
        return "REAL", False
    return "TEXT", all(_ISO_DATE.match(v) for v in present)


def _column_names(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, title in enumerate(header, start=1):
        name = identifier(title, f"column_{index}")
        base, suffix = name, 2
        while name in names:
            name, suffix = f"{base}_{suffix}", suffix + 1
        names.append(name)
    return names


def _convert(value: str, type_: str) -> object:
    value = value.strip()
    if not value:
        return None
    if type_ == "INTEGER":
        return int(value)
    if type_ == "REAL":
        return float(value)
    return value


def _load_csv_files(files: list[Path], root: Path, skipped: list[Skipped]) -> DataReport:
    workdir = Path(tempfile.mkdtemp(prefix="scaffolder-data-"))
    database = workdir / "data.db"
    report = DataReport(root if len(files) != 1 else files[0], "csv", database, skipped=list(skipped), workdir=workdir)
    connection = sqlite3.connect(database)
    try:
        for path in files:
            read = _read_csv(path)
            if isinstance(read, str):
                report.skipped.append(Skipped(path.name, read))
                continue
            header, rows, cut = read
            width = len(header)
            rows = [(row + [""] * width)[:width] for row in rows]  # short rows padded, long ones cut
            names = _column_names(header)
            types = [_column_type([row[i] for row in rows]) for i in range(width)]
            table = identifier(path.stem, "table")
            if any(t.name == table for t in report.tables):
                report.skipped.append(Skipped(path.name, f"a table named {table} was already made from another file"))
                continue
            columns = tuple(Column(n, t, d) for n, (t, d) in zip(names, types, strict=True))
            connection.execute(
                f"CREATE TABLE {quoted(table)} ({', '.join(f'{quoted(c.name)} {c.type}' for c in columns)})"
            )
            connection.executemany(
                f"INSERT INTO {quoted(table)} VALUES ({', '.join('?' * width)})",
                ([_convert(v, c.type) for v, c in zip(row, columns, strict=True)] for row in rows),
            )
            report.tables.append(Table(table, len(rows), columns, path.name, cut))
        connection.commit()
    finally:
        connection.close()
    if not report.tables:
        report.discard()
        report.database = None
    elif database.stat().st_size > MAX_SQLITE_BYTES:
        size = database.stat().st_size
        report.discard()
        raise UserError(
            f"The database built from {report.source} is {size / 1e6:,.0f} MB, over the"
            f" {MAX_SQLITE_BYTES // 1_000_000} MB a project can carry in git.",
            "Keep the rows the agent needs (a sample or an aggregate) and try again.",
        )
    return report
