"""The claims issue's measurements in one table: sentence classifiers, quantities, attribution, speed.

    python bench/claims.py [--data ../shared/data] [--n 300] [--skip-attribution]

- subjectivity macro-F1 on CheckThat 2023 dev_test and check-worthiness positive-class F1 on
  CT24 dev-test, with the shipped models and their stored thresholds (floors 0.78 / 0.80 from the
  issue, beside the best published results);
- quantities: precision / recall against the hand-written Raqqa gold (bench/quantities.py);
- attribution on PolNeAR dev (bench/attribution.py, about a minute; its own results file);
- speed: sentences/s of the whole extract stage (NER, attribution, quantities, both sentence
  classifiers) on the first N articles of bench/corpus/articles.jsonl (built by
  bench/build_corpus.py), next to the other per-article stages measured on the same articles.

Writes bench/results/claims.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts"), str(ROOT / "bench")]
from classifier_data import load_checkworthy, load_subjectivity, macro_f1, pos_f1  # noqa: E402
from datapath import data_root  # noqa: E402
from quantities import evaluate as evaluate_quantities  # noqa: E402

from parallax.extract.extractor import extract_batch  # noqa: E402
from parallax.ingest.readers import IngestOptions, iter_inputs  # noqa: E402
from parallax.models.classifiers import load_classifier  # noqa: E402
from parallax.pipeline import prepare  # noqa: E402
from parallax.types import Article, Rejection  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "claims.json"
CORPUS = ROOT / "bench" / "corpus" / "articles.jsonl"
# From the issue (best published results on the official test sets).
FLOORS = {"subjectivity_macro_f1": 0.78, "checkworthy_pos_f1": 0.80}


def classifiers(data: Path) -> dict[str, float]:
    """Held-out quality of the two sentence classifiers, at their stored thresholds."""
    subj = load_classifier("subjectivity")
    split = load_subjectivity(data)["dev_test_en"]
    chk = load_classifier("checkworthy")
    cw = load_checkworthy(data)["dev-test"]
    return {
        "subjectivity_macro_f1": round(macro_f1(split.labels, subj.predict_proba(split.texts), subj.threshold), 4),
        "checkworthy_pos_f1": round(pos_f1(cw.labels, chk.predict_proba(cw.texts), chk.threshold), 4),
    }


def speed(n: int) -> dict[str, Any]:
    """Sentences/s of extract on real articles, warm (models loaded by a first small batch)."""
    if not CORPUS.exists():
        return {"skipped": f"{CORPUS} missing: run python bench/build_corpus.py"}
    articles: list[Article] = []
    t0 = time.perf_counter()
    for unit in iter_inputs([CORPUS], IngestOptions()):
        art = unit if isinstance(unit, Rejection) else prepare(unit)
        if isinstance(art, Article):
            articles.append(art)
        if len(articles) >= n:
            break
    prep_s = time.perf_counter() - t0
    extract_batch(articles[:4])  # load spaCy and the classifiers outside the timing
    t0 = time.perf_counter()
    for i in range(0, len(articles), 128):  # the pipeline's batch size
        extract_batch(articles[i:i + 128])
    extract_s = time.perf_counter() - t0
    sentences = sum(len(a.sentences) for a in articles)
    return {
        "articles": len(articles), "sentences": sentences,
        "extract_s": round(extract_s, 2),
        "extract_sentences_per_s": round(sentences / extract_s, 1),
        "extract_articles_per_s": round(len(articles) / extract_s, 1),
        "ingest_clean_segment_articles_per_s": round(len(articles) / prep_s, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--n", type=int, default=300, help="articles for the speed measurement")
    ap.add_argument("--skip-attribution", action="store_true")
    args = ap.parse_args()

    out: dict[str, Any] = {"date": dt.date.today().isoformat(), "floors": FLOORS}
    out["classifiers"] = classifiers(args.data)
    q = evaluate_quantities()
    out["quantities"] = {k: q[k] for k in ("value", "value_unit") if k in q}
    att_path = ROOT / "bench" / "results" / "attribution.json"
    if not args.skip_attribution:
        subprocess.run([sys.executable, str(ROOT / "bench" / "attribution.py"), "--data", str(args.data)],
                       check=True, stdout=subprocess.DEVNULL)
    if att_path.exists():  # with --skip-attribution: the last run's numbers, said so
        att = json.loads(att_path.read_text())["metrics"]
        out["attribution_polnear_dev"] = {
            role: {"exact_f1": att[role]["exact"]["f1"], "overlap_f1": att[role]["overlap"]["f1"]}
            for role in ("cue", "source_ent", "content")
        }
        out["attribution_rerun"] = not args.skip_attribution
    out["speed"] = speed(args.n)

    print(f"{'measure':44} {'value':>8} {'floor':>8}")
    for k, v in out["classifiers"].items():
        print(f"{k:44} {v:8.4f} {FLOORS[k]:8.2f}")
    for level, m in out["quantities"].items():
        print(f"{'quantities ' + level + ' P/R (Raqqa gold)':44} {m['precision']:.2f}/{m['recall']:.2f}")
    for role, m in out.get("attribution_polnear_dev", {}).items():
        print(f"{'PolNeAR dev ' + role + ' F1 exact/overlap':44} {m['exact_f1']:.2f}/{m['overlap_f1']:.2f}")
    for k, v in out["speed"].items():
        print(f"{'speed ' + k:44} {v}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
