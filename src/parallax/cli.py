"""Command line: ``parallax analyze INPUT... [--out DIR] [--db FILE]``, ``parallax serve`` and more.

Thin by design: parse arguments, call the library, print. Bad input never produces a
traceback: the error is one line on stderr and the exit code is non-zero.
"""

from __future__ import annotations

import codecs
import json
import re
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from parallax import __version__

EXIT_BAD_INPUT = 2


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> None:
    click.echo(f"parallax: error: {message}", err=True)
    sys.exit(code)


def _parse_fields(values: tuple[str, ...]) -> dict[str, str]:
    from parallax.ingest.readers import DEFAULT_FIELDS

    fields: dict[str, str] = {}
    for item in values:
        role, sep, name = item.partition("=")
        if not sep or role not in DEFAULT_FIELDS or not name:
            _fail(f"--field expects ROLE=NAME with ROLE in {', '.join(DEFAULT_FIELDS)}; got {item!r}")
        fields[role] = name
    return fields


def _parse_limits(values: tuple[str, ...]) -> Any:
    from parallax.ingest.limits import Limits

    settings: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep:
            _fail(f"--limit expects NAME=VALUE, e.g. unit_bytes=20MB; got {item!r}")
        settings[name.strip()] = value
    try:
        return Limits.from_env().replace(settings)
    except ValueError as exc:
        _fail(str(exc))


def _db_error(db: Path, exc: sqlite3.Error) -> str:
    """One line for a database fault of the run (disk full, not a database, unreadable)."""
    text = str(exc)
    if "full" in text:
        return (f"database {db}: the disk is full; free space and run again "
                "(everything committed before is kept)")
    if "not a database" in text:
        return f"--db {db} is not a Parallax (SQLite) database"
    return f"database {db}: {_one_line(text)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


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
@click.option("--processes", type=click.IntRange(min=1), default=None,
              help="Worker processes on this machine (default: one per CPU; 1: all in this process).")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Run on a new Dask LocalCluster of N worker processes (see docs/scaling.md).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:8786",
              help="Run on the existing Dask cluster of this scheduler (see docs/scaling.md).")
def analyze(inputs: tuple[str, ...], out_dir: Path, db_path: Path | None, fields: tuple[str, ...],
            encoding: str | None, limits: tuple[str, ...], quiet: bool, as_json: bool,
            processes: int | None, workers: int | None, scheduler: str | None) -> None:
    """Analyse INPUT files, folders (recursive) or - (JSONL on stdin).

    Formats: .txt, .html/.htm, .json, .jsonl, .csv/.tsv, and any of these gzipped.
    """
    from parallax.engine.executors import make_engine
    from parallax.ingest.readers import IngestOptions
    from parallax.pipeline import analyze as run

    for item in inputs:
        if item != "-" and not Path(item).exists():
            _fail(f"no such file or folder: {item}")
    if "-" in inputs and sys.stdin.isatty():
        _fail("'-' reads JSONL from stdin, but stdin is a terminal")
    if out_dir.exists() and not out_dir.is_dir():
        _fail(f"--out {out_dir} exists and is not a folder")
    db = db_path if db_path is not None else out_dir / "parallax.db"
    if db.is_dir():
        _fail(f"--db {db} is a folder, not a database file")
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            _fail(f"--encoding {encoding!r} is not an encoding Python knows (e.g. latin-1, cp1252, utf-16)")
    options = IngestOptions(fields=_parse_fields(fields), encoding=encoding, limits=_parse_limits(limits))
    options.max_unit_bytes = options.limits.unit_bytes
    show = not quiet and not as_json and sys.stderr.isatty()
    bar = _Progress(show)

    def notify(message: str) -> None:
        if not quiet:
            click.echo(f"parallax: {message}", err=True)

    if sum(x is not None for x in (processes, workers, scheduler)) > 1:
        _fail("give one of --processes, --workers and --scheduler")
    try:
        engine = make_engine(processes, workers, scheduler)
    except (OSError, RuntimeError, ValueError) as exc:
        _fail(_one_line(str(exc)), 1)
    try:
        result = run(inputs, out_dir=out_dir, db_path=db, options=options, progress=bar, notify=notify,
                     engine=engine)
    except KeyboardInterrupt:
        bar.close()
        _fail("interrupted; what was analysed is kept, run again to continue", 130)
    except sqlite3.Error as exc:
        bar.close()
        _fail(_db_error(db, exc), 1)
    except (OSError, RuntimeError, MemoryError) as exc:
        bar.close()
        _fail(_one_line(str(exc) or type(exc).__name__), 1)
    finally:
        engine.close()
    bar.close()
    if as_json:
        click.echo(json.dumps(result.report, ensure_ascii=False, indent=1))
    elif not quiet:
        click.echo(summary(result.report, result.report_html, result.db_path))
    if result.report["corpus"]["articles"] == 0:
        top = _top_reasons(result.report["corpus"]["rejected"], 1)
        _fail("no input became an article" + (f" (most common reason: {top[0][0]})" if top else ""), 1)


@main.command()
@click.argument("task", type=click.Choice(["subjectivity", "checkworthy", "clickbait", "hate", "hyperpartisan",
                                          "loaded_language"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", default="text", show_default=True, help="Column holding the text to classify.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output CSV (default: stdout).")
def classify(task: str, file: Path, column: str, out_path: Path | None) -> None:
    """Add `label` and `score` columns for TASK to a CSV file (streamed in batches).

    hyperpartisan reads whole articles (put the title on the first line of the text);
    loaded_language labels a text `loaded` when it holds a persuasion-technique span.
    """
    from parallax.models.classifiers import classify_texts
    from parallax.signals.loaded import find_loaded_spans, loaded_score

    def loaded(texts: list[str]) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            spans = find_loaded_spans(text)
            out.append(("loaded" if spans else "not-loaded", round(loaded_score(text, spans), 4)))
        return out

    def label(rows: list[dict[str, str]]) -> None:
        texts = [r[column] or "" for r in rows]
        results = loaded(texts) if task == "loaded_language" else classify_texts(task, texts)
        for row, (lab, score) in zip(rows, results, strict=True):
            row["label"], row["score"] = lab, f"{score:.4f}"

    _map_csv(file, out_path, [column], ["label", "score"], label)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--claim-column", default="claim", show_default=True, help="column with the claim (headline)")
@click.option("--text-column", default="text", show_default=True, help="column with the text to compare")
@click.option("--out", "out_path", type=click.Path(path_type=Path, dir_okay=False), help="output CSV (default stdout)")
def stance(file: Path, claim_column: str, text_column: str, out_path: Path | None) -> None:
    """Add `stance` (agree, disagree, discuss, unrelated) and its probabilities to a CSV of pairs."""
    from parallax.claims.stance import LABELS, predict_stance

    def label(rows: list[dict[str, str]]) -> None:
        results = predict_stance([(r[claim_column] or "", r[text_column] or "") for r in rows])
        for row, res in zip(rows, results, strict=True):
            row["stance"] = res.label
            row.update({f"p_{k}": f"{res.probs[k]:.4f}" for k in LABELS})

    _map_csv(file, out_path, [claim_column, text_column], ["stance"] + [f"p_{k}" for k in LABELS], label)


@main.command()
@click.argument("claim")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="database written by `parallax analyze`")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def check(claim: str, db_path: Path, as_json: bool) -> None:
    """List the articles of a database that agree with, disagree with or discuss CLAIM."""
    from parallax.query import check_claim

    if not claim.strip():
        _fail("the claim is empty")
    try:
        result = check_claim(db_path, claim)
    except FileNotFoundError as exc:
        _fail(str(exc))
    except sqlite3.Error as exc:
        _fail(_db_error(db_path, exc), 1)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
        return
    click.echo(f"{result['articles_read']} articles read for: {claim}")
    for label in ("agree", "disagree", "discuss"):
        items = result[label]
        click.echo(f"\n{label} ({len(items)})")
        for it in items:
            source = it["outlet"] or f"“{(it['title'] or it['article'])[:50]}”"
            score = f"{it['probs'][label]:.2f}" if it["probs"] else "rule"
            click.echo(f"  {score:>4}  {source}: {it['sentence'][:160]}  [{it['why']}]")


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
        _fail(f"no database at {db_path} (run `parallax analyze` first)")
    click.echo(f"Parallax: serving {db_path} at http://{host}:{port}/ (read-only; Ctrl+C stops)", err=True)
    try:
        run(db_path, host, port)
    except OSError as exc:  # port in use, database unreadable
        _fail(str(exc), 1)


def _map_csv(file: Path, out_path: Path | None, needed: list[str], added: list[str], fn: Any) -> None:
    """Stream a CSV through ``fn`` (which fills ``added`` columns of a batch of rows) to a CSV."""
    import csv

    csv.field_size_limit(10 * 1024 * 1024)
    try:
        src = file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        _fail(str(exc))
    with src:
        reader = csv.DictReader(src)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if reader.fieldnames is None or missing:
            _fail(f"column {missing[0] if missing else needed[0]!r} not in {file.name} "
                  f"(columns: {', '.join(reader.fieldnames or [])})")
        fields = list(reader.fieldnames or []) + [f for f in added if f not in (reader.fieldnames or [])]
        dest = out_path.open("w", encoding="utf-8", newline="") if out_path else sys.stdout
        try:
            writer = csv.DictWriter(dest, fieldnames=fields)
            writer.writeheader()
            batch: list[dict[str, str]] = []
            try:
                for row in reader:
                    batch.append(row)
                    if len(batch) >= 1000:
                        fn(batch)
                        writer.writerows(batch)
                        batch = []
                fn(batch)
                writer.writerows(batch)
            except (csv.Error, UnicodeDecodeError) as exc:
                _fail(f"{file.name} line {reader.line_num}: {exc}")
        finally:
            if out_path:
                dest.close()


@main.command()
@click.argument("inputs", nargs=-1, required=True)
def attribute(inputs: tuple[str, ...]) -> None:
    """Print each article's sentences with their speakers and cues as JSON."""
    from parallax.pipeline import read_articles
    from parallax.types import Rejection

    for item in inputs:
        if item != "-" and not Path(item).exists():
            _fail(f"no such file or folder: {item}")
    out: list[dict[str, Any]] = []
    for result in read_articles(inputs):
        if isinstance(result, Rejection):
            out.append({"input": result.input, "rejected": result.reason})
            continue
        article, ex = result
        by_sentence = {a.sentence: a for a in ex.attributions}
        sentences = []
        for i, s in enumerate(article.sentences):
            att = by_sentence.get(i)
            sentences.append({"start": s.start, "end": s.end, "text": s.text,
                              "speaker": att.speaker if att else None, "cue": att.cue if att else None,
                              "anonymous": att.anonymous if att else None,
                              "cue_span": [att.cue_start, att.cue_end] if att else None})
        out.append({"input": article.doc.input, "id": article.id, "title": article.doc.title,
                    "sentences": sentences,
                    "cited_sources": [{"name": c.name, "kind": c.kind} for c in ex.cited_sources]})
    click.echo(json.dumps(out, ensure_ascii=False, indent=1))


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
        _fail(f"no database at {db} (run `parallax analyze` first, or pass --db)")
    try:
        data = read_ledger(db)
    except sqlite3.Error as exc:
        _fail(_db_error(db, exc), 1)
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


class _Progress:
    """A tqdm bar on stderr counting input units, shown only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(unit=" inputs", file=sys.stderr, dynamic_ncols=True, leave=False)

    def __call__(self, event: str, n: int) -> None:
        if self.bar is None:
            return
        if event == "unit":
            self.bar.update(n)
        elif event.startswith("stage:"):
            self.bar.set_description(event.split(":", 1)[1])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# Control characters (C0 but tab and newline, DEL, C1) of titles and names from untrusted
# inputs: printed raw, "\x1b[2J" clears the user's terminal and "\x1b]0;…\x07" retitles it.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe(text: str) -> str:
    """Text from an input made safe to print on a terminal: control characters shown as ``\\x1b``."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def summary(report: dict[str, Any], html: Path | None, db: Path) -> str:
    """Terminal summary: the ledger, the stories and the main findings of each."""
    return safe(_summary(report, html, db))


def _summary(report: dict[str, Any], html: Path | None, db: Path) -> str:
    c = report["corpus"]
    lines = [
        f"{c['inputs_seen']} inputs: {c['articles']} articles, {c['duplicates']} duplicates, "
        f"{len(c['rejected'])} rejected · {c['stories']} stories · {c['outlets']} named outlets",
    ]
    if c["rejected"]:
        lines.append("  top rejection reasons:")
        for reason, n in _top_reasons(c["rejected"], 5):
            lines.append(f"    {n:>5} × {_clip(reason, 110)}")
    for r in c["rejected"][:5]:
        lines.append(f"  rejected {r['input']}: {r['reason']}")
    if len(c["rejected"]) > 5:
        lines.append(f"  … and {len(c['rejected']) - 5} more rejected (see report.json)")
    aside = c.get("set_aside")
    if aside:
        langs = ", ".join(f"{k} {v}" for k, v in aside["languages"].items())
        lines.append(f"  {aside['articles']} articles set aside from the English-only signals "
                     f"({aside['reason']}: {langs}); they form stories within their own language")
    articles = {a["id"]: a for a in report["articles"]}
    stories = sorted(report["stories"], key=lambda s: -len(s["articles"]))
    for s in stories[:10]:
        n = len(s["articles"])
        corroborated = sum(1 for cl in s["claims"] if cl["status"] == "corroborated")
        # Untitled inputs (records without a title, text without a headline) make untitled stories.
        title = s["title"] or f"(untitled) {_clip(articles[s['articles'][0]]['text'], 80)}" if s["articles"] else ""
        lines.append(
            f"\n■ {title}\n  {n} article{'s' if n != 1 else ''}, "
            f"{s['independent_origins']} independent origin{'s' if s['independent_origins'] != 1 else ''} · "
            f"{len(s['claims'])} claims, {corroborated} corroborated, {len(s['disputes'])} disputes")
        for line in [x for x in s["summary"] if not x.startswith("Disputed")][:3]:
            lines.append(f"  · {line[:160]}")
        for d in s["disputes"][:3]:
            sides = "; ".join(f"{_clip(p.get('text') or '', 48)} ({p.get('attributed_to') or 'unattributed'})"
                              for p in d["positions"][:3])
            lines.append(f"  ≠ {d['about']}: {sides}")
        for aid in s["articles"][:8]:
            a = articles[aid]
            sig = a["signals"]
            if (sig["clickbait"].get("details") or {}).get("reason") == "language not supported":
                lines.append(f"    - {(a['outlet']['name'] or a['input'])[:28]:28}  "
                             f"signals n/a (language {a.get('language')})")
                continue
            lines.append(
                f"    - {(a['outlet']['name'] or a['input'])[:28]:28}  clickbait {sig['clickbait']['score']:.2f}"
                f"  opinion {sig['opinion_share']['score']:.2f}  hate {sig['hate']['score']:.2f}"
                f"  sourcing {sig['sourcing']['score']:.2f}  slant {sig['slant']['score']:.2f}"
                + (f" (frames {d})" if (d := (sig["slant"].get("details") or {}).get("direction")) else "")
                + (f"  comments {len(a['comments'])}" if a["comments"] else ""))
    if len(stories) > 10:
        lines.append(f"\n… and {len(stories) - 10} more stories")
    if html:
        lines.append(f"\nReport: {html}\n        {html.with_name('report.json')}\nDatabase: {db}")
    return "\n".join(lines)


def _top_reasons(rejected: list[dict[str, str]], n: int) -> list[tuple[str, int]]:
    """The ``n`` most common rejection reasons, numbers and offsets folded so alike reasons count together."""
    import re
    from collections import Counter

    counts = Counter(re.sub(r"\d+", "N", r["reason"].split(" (http")[0]) for r in rejected)
    return counts.most_common(n)


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


if __name__ == "__main__":
    main()

