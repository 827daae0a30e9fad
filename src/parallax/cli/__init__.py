"""Command line: ``parallax analyze INPUT... [--out DIR] [--db FILE]``, ``parallax serve`` and more.

Thin by design: parse arguments, call the library, print. Bad input never produces a
traceback: the error is one line on stderr and the exit code is non-zero.
"""

from __future__ import annotations

import codecs
import json
import os
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from parallax import __version__
from parallax.cli.common import EXIT_BAD_INPUT, db_error, fail, one_line, safe
from parallax.cli.output import Progress, summary, top_reasons
from parallax.cli.tools import attribute, check, classify, stance

__all__ = ["EXIT_BAD_INPUT", "main", "safe", "summary"]


def _parse_fields(values: tuple[str, ...]) -> dict[str, str]:
    from parallax.ingest.readers import DEFAULT_FIELDS

    fields: dict[str, str] = {}
    for item in values:
        role, sep, name = item.partition("=")
        if not sep or role not in DEFAULT_FIELDS or not name:
            fail(f"--field expects ROLE=NAME with ROLE in {', '.join(DEFAULT_FIELDS)}; got {item!r}")
        fields[role] = name
    return fields


def _parse_limits(values: tuple[str, ...]) -> Any:
    from parallax.ingest.limits import Limits

    settings: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep:
            fail(f"--limit expects NAME=VALUE, e.g. unit_bytes=20MB; got {item!r}")
        settings[name.strip()] = value
    try:
        return Limits.from_env().replace(settings)
    except ValueError as exc:
        fail(str(exc))


def _engine_options(fn: Any) -> Any:
    """The options that choose where tasks run (analyze, watch; see docs/scaling.md)."""
    fn = click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
                      help="Run on the existing Dask cluster of this scheduler (see docs/scaling.md).")(fn)
    fn = click.option("--workers", type=click.IntRange(min=1), default=None,
                      help="Run on a new Dask LocalCluster of N worker processes (see docs/scaling.md).")(fn)
    return click.option("--processes", type=click.IntRange(min=1), default=None,
                        help="Worker processes on this machine (default: one per CPU; 1: all in this process).")(fn)


def _engine(processes: int | None, workers: int | None, scheduler: str | None) -> Any:
    """The engine the options ask for (started lazily; close it when done)."""
    from parallax.engine.executors import make_engine

    if sum(x is not None for x in (processes, workers, scheduler)) > 1:
        fail("give one of --processes, --workers and --scheduler")
    try:
        return make_engine(processes, workers, scheduler)
    except (OSError, RuntimeError, ValueError) as exc:
        fail(one_line(str(exc)), 1)


def _report_options(fn: Any) -> Any:
    """The options that choose what report.json and report.html cover (analyze, report, watch)."""
    fn = click.option("--since", default=None, metavar="DATE",
                      help="Report the stories analysed at or after DATE (2026-11-30 or an ISO time, UTC).")(fn)
    fn = click.option("--story", "story_ids", multiple=True, metavar="ID",
                      help="Report these stories (repeatable).")(fn)
    return click.option("--all", "report_all", is_flag=True,
                        help="Report the whole database (default: the stories of this run's inputs).")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="parallax")
def main() -> None:
    """Parallax: how different outlets report the same news."""


@main.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("parallax-out"),
              show_default=True, help="Folder for report.json, report.html and the database.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None,
              help="SQLite database (default: OUT/parallax.db). Analysing into it again adds to it.")
@click.option("--field", "fields", multiple=True, metavar="ROLE=NAME",
              help="Record field mapping for JSON/CSV, e.g. --field text=articleBody (repeatable).")
@click.option("--encoding", default=None, help="Encoding of input files that are not UTF-8.")
@click.option("--limit", "limits", multiple=True, metavar="NAME=VALUE",
              help="Change a reading limit, e.g. --limit unit_bytes=20MB (repeatable; see docs/reliability.md).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option("--json", "as_json", is_flag=True, help="Write the report JSON to stdout.")
@click.option("--cross-encoder", is_flag=True,
              help="Link claims with the same-fact cross-encoder too: more corroborated facts found, about "
                   "half the speed on large corpora (as PARALLAX_CROSS_ENCODER=1; with --scheduler, set that "
                   "on the workers).")
@_engine_options
@_report_options
def analyze(inputs: tuple[str, ...], out_dir: Path, db_path: Path | None, fields: tuple[str, ...],
            encoding: str | None, limits: tuple[str, ...], quiet: bool, as_json: bool, cross_encoder: bool,
            processes: int | None, workers: int | None, scheduler: str | None,
            report_all: bool, story_ids: tuple[str, ...], since: str | None) -> None:
    """Analyse INPUT files, folders (recursive) or - (JSONL on stdin).

    Formats: .txt, .html/.htm, .json, .jsonl, .csv/.tsv, and any of these gzipped.
    The report covers the stories of these inputs (see --all, --story, --since).
    """
    from parallax.pipeline import analyze as run

    for item in inputs:
        if item != "-" and not Path(item).exists():
            fail(f"no such file or folder: {item}")
    if "-" in inputs and sys.stdin.isatty():
        fail("'-' reads JSONL from stdin, but stdin is a terminal")
    db = _check_paths(out_dir, db_path)
    options = _ingest_options(fields, encoding, limits)
    select = _selection(report_all, story_ids, since)
    show = not quiet and not as_json and sys.stderr.isatty()
    bar = Progress(show)

    def notify(message: str) -> None:
        if not quiet:
            click.echo(f"parallax: {message}", err=True)

    if cross_encoder:  # before the engine starts, so that its worker processes inherit it
        from parallax.claims.samefact import CROSS_ENCODER_ENV

        os.environ[CROSS_ENCODER_ENV] = "1"
    engine = _engine(processes, workers, scheduler)
    try:
        result = run(inputs, out_dir=out_dir, db_path=db, options=options, progress=bar, notify=notify,
                     select=select, engine=engine)
    except KeyboardInterrupt:
        bar.close()
        fail("interrupted; what was analysed is kept, run again to continue", 130)
    except sqlite3.Error as exc:
        bar.close()
        fail(db_error(db, exc), 1)
    except (OSError, RuntimeError, MemoryError, ValueError) as exc:
        bar.close()
        fail(one_line(str(exc) or type(exc).__name__), 1)
    finally:
        engine.close()
    bar.close()
    _print_report(result, quiet, as_json)
    if select.kind == "run" and result.digest["corpus"]["articles"] == 0:
        top = top_reasons(result.digest["corpus"]["rejected"], 1)
        fail("no input became an article" + (f" (most common reason: {top[0][0]})" if top else ""), 1)


def _selection(report_all: bool, story_ids: tuple[str, ...], since: str | None) -> Any:
    from parallax.store.reports import Selection, parse_since

    if sum([report_all, bool(story_ids), since is not None]) > 1:
        fail("choose one of --all, --story and --since")
    if report_all:
        return Selection("all")
    if story_ids:
        return Selection("stories", stories=list(story_ids))
    if since is not None:
        try:
            return Selection("since", since=parse_since(since))
        except ValueError as exc:
            fail(str(exc))
    return Selection()


def _check_paths(out_dir: Path, db_path: Path | None) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        fail(f"--out {out_dir} exists and is not a folder")
    db = db_path if db_path is not None else out_dir / "parallax.db"
    if db.is_dir():
        fail(f"--db {db} is a folder, not a database file")
    return db


def _ingest_options(fields: tuple[str, ...], encoding: str | None, limits: tuple[str, ...]) -> Any:
    from parallax.ingest.readers import IngestOptions

    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            fail(f"--encoding {encoding!r} is not an encoding Python knows (e.g. latin-1, cp1252, utf-16)")
    options = IngestOptions(fields=_parse_fields(fields), encoding=encoding, limits=_parse_limits(limits))
    options.max_unit_bytes = options.limits.unit_bytes
    return options


def _print_report(result: Any, quiet: bool, as_json: bool) -> None:
    """The report JSON on stdout (streamed from report.json), or the terminal summary."""
    if as_json:
        if result.report_json is not None:
            with open(result.report_json, encoding="utf-8") as fh:
                shutil.copyfileobj(fh, sys.stdout)
        else:
            click.echo(result.report_text or "")
    elif not quiet:
        click.echo(summary(result.digest, result.report_html, result.db_path))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("parallax-out"),
              show_default=True, help="Folder for report.json and report.html (and the default database).")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None,
              help="SQLite database (default: OUT/parallax.db).")
@click.option("--quiet", "-q", is_flag=True, help="No summary.")
@click.option("--json", "as_json", is_flag=True, help="Write the report JSON to stdout.")
@_report_options
def report(out_dir: Path, db_path: Path | None, quiet: bool, as_json: bool, report_all: bool,
           story_ids: tuple[str, ...], since: str | None) -> None:
    """Write report.json and report.html for stories already analysed (--all, --story or --since)."""
    from parallax.pipeline import report_only

    select = _selection(report_all, story_ids, since)
    if select.kind == "run":
        fail("parallax report needs --all, --story ID or --since DATE (analyze reports its own inputs)")
    db = _check_paths(out_dir, db_path)
    if not db.is_file():
        fail(f"no database at {db} (run `parallax analyze` first, or pass --db)")
    try:
        result = report_only(db, out_dir, select)
    except sqlite3.Error as exc:
        fail(db_error(db, exc), 1)
    except (OSError, ValueError) as exc:
        fail(one_line(str(exc)), 1)
    _print_report(result, quiet, as_json)


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("parallax-out"),
              show_default=True, help="Folder for report.json, report.html and the database.")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None,
              help="SQLite database (default: OUT/parallax.db).")
@click.option("--field", "fields", multiple=True, metavar="ROLE=NAME", help="Record field mapping (as analyze).")
@click.option("--encoding", default=None, help="Encoding of input files that are not UTF-8.")
@click.option("--limit", "limits", multiple=True, metavar="NAME=VALUE", help="Change a reading limit (as analyze).")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.05),
              help="Seconds between polls of FOLDER.")
@click.option("--settle", default=2.0, show_default=True, type=click.FloatRange(0.0),
              help="Seconds a file's size and time must stay unchanged before it is read.")
@click.option("--once", is_flag=True, help="Analyse what FOLDER holds now (once it has settled), then exit.")
@click.option("--max-polls", type=click.IntRange(1), default=None, help="Exit after this many polls.")
@click.option("--quiet", "-q", is_flag=True, help="No line per batch.")
@_engine_options
@_report_options
def watch(folder: Path, out_dir: Path, db_path: Path | None, fields: tuple[str, ...], encoding: str | None,
          limits: tuple[str, ...], interval: float, settle: float, once: bool, max_polls: int | None,
          quiet: bool, processes: int | None, workers: int | None, scheduler: str | None,
          report_all: bool, story_ids: tuple[str, ...], since: str | None) -> None:
    """Analyse files as they appear in FOLDER (polling), each batch into the same database.

    A file is read once complete: write it as NAME.part and rename it, or let it settle
    (--settle). Each batch rewrites report.json and report.html for the stories it touched
    (or --all, --story, --since). Stop with Ctrl-C or SIGTERM; what was analysed is kept.
    The workers (--processes, --workers, --scheduler) stay up between batches, models loaded.
    """
    import signal
    import time

    from parallax.ingest.watch import Watcher
    from parallax.pipeline import analyze as run

    db = _check_paths(out_dir, db_path)
    options = _ingest_options(fields, encoding, limits)
    select = _selection(report_all, story_ids, since)

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    watcher = Watcher(folder, settle, ignore=(out_dir, db))
    engine = _engine(processes, workers, scheduler)
    polls = 0
    try:
        while True:
            files = watcher.poll()
            polls += 1
            if files:
                result = run(files, out_dir=out_dir, db_path=db, options=options, select=select,
                             notify=lambda m: click.echo(f"parallax: {m}", err=True), engine=engine)
                if not quiet:
                    c = result.digest["corpus"]
                    click.echo(safe(f"{len(files)} file{'s' if len(files) != 1 else ''}: {c['inputs_seen']} inputs, "
                                    f"{result.new_articles} new articles, {len(c['rejected'])} rejected · "
                                    f"{c['stories']} stories in {result.report_html or 'the report'}"))
            if (once and polls > 1 and not watcher.pending()) or (max_polls and polls >= max_polls):
                break
            time.sleep(interval)
    except KeyboardInterrupt:
        if not quiet:
            click.echo("parallax: watch stopped; what was analysed is kept", err=True)
    except sqlite3.Error as exc:
        fail(db_error(db, exc), 1)
    except (OSError, RuntimeError, MemoryError, ValueError) as exc:
        fail(one_line(str(exc) or type(exc).__name__), 1)
    finally:
        engine.close()


@main.command()
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("parallax-out/parallax.db"), show_default=True,
              help="database written by `parallax analyze`")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on (and the Host name allowed)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="port to listen on")
def serve(db_path: Path, host: str, port: int) -> None:
    """Browse a database in a local, read-only web app: stories, claims matrix, articles, search."""
    from parallax.web.app import serve as run

    if not db_path.is_file():
        fail(f"no database at {db_path} (run `parallax analyze` first)")
    click.echo(f"Parallax: serving {db_path} at http://{host}:{port}/ (read-only; Ctrl+C stops)", err=True)
    try:
        run(db_path, host, port)
    except OSError as exc:  # port in use, database unreadable
        fail(str(exc), 1)


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("parallax-out"),
              show_default=True, help="Folder of the run (its database is OUT/parallax.db).")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None,
              help="SQLite database (default: OUT/parallax.db).")
@click.option("--json", "as_json", is_flag=True, help="Print the ledger as JSON.")
@click.option("--all", "show_all", is_flag=True, help="List every unit behind each reason (default: 5).")
def ledger(out_dir: Path, db_path: Path | None, as_json: bool, show_all: bool) -> None:
    """Print the input ledger: counts, then each reason with the units behind it."""
    from parallax.query import read_ledger

    db = db_path if db_path is not None else out_dir / "parallax.db"
    if not db.is_file():
        fail(f"no database at {db} (run `parallax analyze` first, or pass --db)")
    try:
        data = read_ledger(db)
    except sqlite3.Error as exc:
        fail(db_error(db, exc), 1)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=1))
        return
    lines = [f"{data['inputs_seen']} inputs: {data['articles']} articles, {data['duplicates']} duplicates, "
             f"{data['rejected']} rejected"]
    for group in data["reasons"]:
        lines.append(f"\n{group['count']:>6}  {group['reason']}")
        units = group["units"] if show_all else group["units"][:5]
        lines += [f"        {u}" for u in units]
        if len(units) < group["count"]:
            lines.append(f"        … and {group['count'] - len(units)} more (--all lists them)")
    click.echo(safe("\n".join(lines)))


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=Path("parallax-out"),
              show_default=True, help="Folder of the run (its database is OUT/parallax.db).")
@click.option("--db", "db_path", type=click.Path(path_type=Path), default=None,
              help="SQLite database (default: OUT/parallax.db).")
@click.option("--before", default=None, metavar="DATE",
              help="Also drop the vectors of stories last aligned before DATE (YYYY-MM-DD).")
@click.option("--all", "everything", is_flag=True, help="Drop every stored sentence vector.")
@click.option("--vacuum", is_flag=True, help="Then compact the file (needs no other reader open).")
def prune(out_dir: Path, db_path: Path | None, before: str | None, everything: bool, vacuum: bool) -> None:
    """Drop stored sentence vectors, a cache that re-alignment reuses (other encoder builds always).

    A story that gains articles later encodes its sentences again; its claims come out the same.
    """
    from parallax.pipeline import prune_vectors
    from parallax.text.dates import parse_iso

    day = parse_iso(before) if before is not None else None
    if before is not None and day is None:
        fail(f"--before: {before!r} is not a date (YYYY-MM-DD)")
    db = db_path if db_path is not None else out_dir / "parallax.db"
    if not db.is_file():
        fail(f"no database at {db} (run `parallax analyze` first, or pass --db)")
    try:
        result = prune_vectors(db, day.isoformat() if day else None, everything, vacuum)
    except sqlite3.Error as exc:
        fail(db_error(db, exc), 1)
    click.echo(f"{result.deleted} sentence vectors dropped from {db}")
    if vacuum:
        click.echo("file compacted" if result.vacuumed else f"file not compacted: {result.vacuum_error}")


for _command in (classify, stance, check, attribute):
    main.add_command(_command)
