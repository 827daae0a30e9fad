"""Model and extraction tools on their own: ``classify``, ``stance``, ``check``, ``attribute``."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from parallax.cli.common import db_error, fail, one_line


@click.command()
@click.argument("task", type=click.Choice(["subjectivity", "checkworthy", "clickbait", "hate", "hyperpartisan",
                                          "loaded_language"]))
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--column", default="text", show_default=True, help="Column holding the text to classify.")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Output CSV (default: stdout).")
@click.option("--threshold", type=click.FloatRange(0.0, 1.0), default=None,
              help="Label positive at this score instead of the model's tuned threshold (see --about).")
@click.option("--about", is_flag=True,
              help="Print the model's card: threshold, training data and licences, measured figures "
                   "(in- and out-of-distribution). No FILE needed.")
@click.option("--json", "as_json", is_flag=True, help="With --about: print it as JSON.")
def classify(task: str, file: Path | None, column: str, out_path: Path | None, threshold: float | None,
             about: bool, as_json: bool) -> None:
    """Add `label` and `score` columns for TASK to a CSV file (streamed in batches).

    hyperpartisan reads whole articles (put the title on the first line of the text);
    loaded_language labels a text `loaded` when it holds a persuasion-technique span (with
    --threshold: when its score reaches it).
    """
    from parallax.models.cards import format_about, model_about
    from parallax.models.classifiers import classify_texts
    from parallax.signals.loaded import find_loaded_spans, loaded_score

    if about:
        try:
            info = model_about(task)
        except (OSError, ValueError) as exc:
            fail(one_line(str(exc)), 1)
        click.echo(json.dumps(info, ensure_ascii=False, indent=1) if as_json else format_about(info))
        return
    if file is None:
        fail("missing FILE (a CSV to classify); use --about to describe the model")
    if as_json:
        fail("--json goes with --about (classify writes CSV)")
    assert file is not None  # for mypy: fail exits

    def loaded(texts: list[str]) -> list[tuple[str, float]]:
        out = []
        for text in texts:
            spans = find_loaded_spans(text)
            score = round(loaded_score(text, spans), 4)
            hit = bool(spans) if threshold is None else score >= threshold
            out.append(("loaded" if hit else "not-loaded", score))
        return out

    def label(rows: list[dict[str, str]]) -> None:
        texts = [r[column] or "" for r in rows]
        results = loaded(texts) if task == "loaded_language" else classify_texts(task, texts, threshold)
        for row, (lab, score) in zip(rows, results, strict=True):
            row["label"], row["score"] = lab, f"{score:.4f}"

    _map_csv(file, out_path, [column], ["label", "score"], label)


@click.command()
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


@click.command()
@click.argument("claim")
@click.option("--db", "db_path", type=click.Path(path_type=Path, dir_okay=False), required=True,
              help="database written by `parallax analyze`")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
def check(claim: str, db_path: Path, as_json: bool) -> None:
    """List the articles of a database that agree with, disagree with or discuss CLAIM."""
    from parallax.query import check_claim

    if not claim.strip():
        fail("the claim is empty")
    try:
        result = check_claim(db_path, claim)
    except FileNotFoundError as exc:
        fail(str(exc))
    except sqlite3.Error as exc:
        fail(db_error(db_path, exc), 1)
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


def _map_csv(file: Path, out_path: Path | None, needed: list[str], added: list[str], fn: Any) -> None:
    """Stream a CSV through ``fn`` (which fills ``added`` columns of a batch of rows) to a CSV."""
    import csv

    csv.field_size_limit(10 * 1024 * 1024)
    try:
        src = file.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        fail(str(exc))
    with src:
        reader = csv.DictReader(src)
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if reader.fieldnames is None or missing:
            fail(f"column {missing[0] if missing else needed[0]!r} not in {file.name} "
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
                fail(f"{file.name} line {reader.line_num}: {exc}")
        finally:
            if out_path:
                dest.close()


@click.command()
@click.argument("inputs", nargs=-1, required=True)
def attribute(inputs: tuple[str, ...]) -> None:
    """Print each article's sentences with their speakers and cues as JSON."""
    from parallax.pipeline import read_articles
    from parallax.types import Rejection

    for item in inputs:
        if item != "-" and not Path(item).exists():
            fail(f"no such file or folder: {item}")
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
