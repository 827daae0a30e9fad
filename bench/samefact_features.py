"""Experiment: token-coverage (BERTScore-style) features for the same-fact pair model (issue #12).

Not shipped (docs/claims.md says why); kept so that the figures there can be reproduced. For
every claims-gold story (``bench/claims_gold.py``'s stories and split) the pairs alignment
compares get the shipped :data:`parallax.claims.samefact.FEATURES` plus three read from the
encoder's last layer per token (the int8 graph with its ``l5.ln2`` tensor as a second output,
the same pass as the sentence vector):

- ``cover_max`` / ``cover_min``: how much of each sentence the other covers (per token, the best
  cosine to a token of the other sentence, weighted by the token's IDF over the story's
  candidates), the larger and the smaller of the two;
- ``cover_f``: their harmonic mean.

Prints, for the shipped features and with the coverage features: average precision of single
features, out-of-fold pair recall at fixed precision on the tune half (5 folds by story), and
pair recall at fixed precision on the report half (trained on the whole tune half). With
``--claims T`` it also scores whole claims (``bench/claims_gold.py``'s measures) with the
coverage model at threshold T. With ``--stage-floor F`` the coverage model is a second stage:
only pairs the shipped-features model gives at least F get it (the rest are rejected), so only
their sentences would need token vectors; it prints how many pairs that is.

    python bench/samefact_features.py [--claims 0.8] [--stage-floor 0.2]

About 2 minutes on 2 cores (each story is analysed end to end).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench"), str(ROOT / "scripts")]
import claims_gold as CG  # noqa: E402
from datapath import data_root  # noqa: E402
from train_samefact import story_candidates  # noqa: E402

import parallax.claims.align as align  # noqa: E402
from parallax.claims.samefact import FEATURES, SameFactModel  # noqa: E402
from parallax.models.encoder import ensure_built, get_encoder  # noqa: E402

TOKEN_OUTPUT = "l5.ln2"  # the last layer's normalised token states, before mean pooling
POSITIVE_WEIGHT = 3.0  # as scripts/train_samefact.py


class TokenVectors:
    """Unit-length token vectors of a sentence (word pieces, [CLS]/[SEP] left out), cached."""

    def __init__(self) -> None:
        import onnx
        import onnxruntime as ort

        graph = onnx.load(str(ensure_built("int8")))
        graph.graph.output.append(onnx.helper.make_tensor_value_info(TOKEN_OUTPUT, onnx.TensorProto.FLOAT, None))
        self.session = ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])
        self.encoder = get_encoder()
        self.cache: dict[str, tuple[list[int], np.ndarray]] = {}

    def __call__(self, text: str) -> tuple[list[int], np.ndarray]:
        if text not in self.cache:
            ids = self.encoder.tokenize([text])[0]
            arr = np.asarray(ids, dtype=np.int64)[None, :]
            (states,) = self.session.run([TOKEN_OUTPUT], {"input_ids": arr, "attention_mask": np.ones_like(arr)})
            v = states[0][1:-1]
            self.cache[text] = (ids[1:-1], v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9))
        return self.cache[text]


def coverage(texts: Sequence[str], pairs: Sequence[tuple[int, int]], tokens: TokenVectors) -> list[list[float]]:
    """``cover_max``, ``cover_min``, ``cover_f`` of each pair of ``texts`` (indexes)."""
    toks = [tokens(t) for t in texts]
    df = Counter(t for ids, _ in toks for t in set(ids))
    idf = [np.array([math.log((len(texts) + 1) / (df[t] + 1)) for t in ids]) for ids, _ in toks]
    out = []
    for i, j in pairs:
        a, b = toks[i][1], toks[j][1]
        if not len(a) or not len(b):
            out.append([0.0, 0.0, 0.0])
            continue
        sims = a @ b.T
        ra = float((sims.max(1) * idf[i]).sum() / max(idf[i].sum(), 1e-9))
        rb = float((sims.max(0) * idf[j]).sum() / max(idf[j].sum(), 1e-9))
        out.append([max(ra, rb), min(ra, rb), 2 * ra * rb / max(ra + rb, 1e-9)])
    return out


def story_rows(gold: dict[str, Any], data: Path, fnc: dict[str, str] | None,
               tokens: TokenVectors) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (shipped + coverage) and gold labels of the pairs one story compares."""
    xs, ys = [np.zeros((0, len(FEATURES) + 3))], [np.zeros(0)]
    for cands, facts in story_candidates(gold, data, fnc):
        space, figs = align.story_space(cands)
        pairs, feats, _ = align.compare(cands, space, figs)
        cover = coverage([c.text for c in cands], pairs, tokens)
        rows = [list(f) + c for f, c in zip(feats, cover, strict=True)]
        xs.append(np.array(rows).reshape(len(pairs), len(FEATURES) + 3))
        ys.append(np.array([int(bool(facts[i] & facts[j])) for i, j in pairs]))
    return np.vstack(xs), np.concatenate(ys)


def recall_at(prob: np.ndarray, y: np.ndarray, precision: float) -> float:
    """Highest recall of a threshold on ``prob`` whose precision is at least ``precision``."""
    order = np.argsort(-prob)
    tp = np.cumsum(y[order])
    ok = np.where(tp / np.arange(1, len(y) + 1) >= precision)[0]
    return float(tp[ok.max()] / max(y.sum(), 1)) if len(ok) else 0.0


def _fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=5000, class_weight={0: 1.0, 1: POSITIVE_WEIGHT}).fit(x, y)


class TwoStage:
    """P(same fact) from the coverage model, but only for pairs the shipped-features model
    (``base``) gives at least ``floor``; the rest are rejected without their coverage, so only
    their sentences would need token vectors."""

    def __init__(self, base: LogisticRegression, model: LogisticRegression, floor: float, threshold: float) -> None:
        self.base, self.model, self.floor, self.threshold = base, model, floor, threshold

    def probability(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        if not len(rows):
            return np.zeros(0)
        x = np.asarray(rows, dtype=np.float64)
        gate = self.base.predict_proba(x[:, :len(FEATURES)])[:, 1] >= self.floor
        return np.where(gate, self.model.predict_proba(x)[:, 1], 0.0)


def with_coverage(model: LogisticRegression, threshold: float, tokens: TokenVectors,
                  base: LogisticRegression | None = None, floor: float = 0.0) -> Callable[..., Any]:
    """``align.compare`` with the coverage features appended, for scoring whole claims (with
    ``base``, the two-stage model of :class:`TwoStage`)."""
    shipped = align.compare

    def compare(cands: Any, space: Any, figs: Any, vectors: Any = None) -> Any:
        pairs, rows, meaning = shipped(cands, space, figs, vectors)
        cover = coverage([c.text for c in cands], pairs, tokens)
        return pairs, [list(r) + c for r, c in zip(rows, cover, strict=True)], meaning

    trial: Any = (TwoStage(base, model, floor, threshold) if base is not None else
                  SameFactModel(model.coef_[0].astype(np.float64), float(model.intercept_[0]), threshold))
    align.load_samefact = lambda: trial  # type: ignore[assignment]
    # These features are compared as first stages: the shipped cross-encoder stays out.
    align.load_second_stage = lambda: None  # type: ignore[assignment]
    return compare


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--claims", type=float, default=None, help="also score whole claims at this threshold")
    ap.add_argument("--stage-floor", type=float, default=None,
                    help="two stages: coverage only for pairs the shipped-features model gives at least this")
    args = ap.parse_args()
    stories = CG.load_gold("all")
    fnc = CG._fnc_bodies(args.data)
    tokens = TokenVectors()
    split: dict[str, list[Any]] = {"tune": [], "report": []}
    for g in stories:
        x, y = story_rows(g, args.data, fnc, tokens)
        split[CG.split_of(g["story"])].append((g["story"], x, y))
    xt = np.vstack([x for _, x, _ in split["tune"]])
    yt = np.concatenate([y for _, _, y in split["tune"]])
    groups = np.concatenate([[s] * len(y) for s, _, y in split["tune"]])
    xr = np.vstack([x for _, x, _ in split["report"]])
    yr = np.concatenate([y for _, _, y in split["report"]])
    n = len(FEATURES)
    print(f"pairs: tune {len(yt)} ({int(yt.sum())} same fact), report {len(yr)} ({int(yr.sum())})")
    singles = (("meaning", FEATURES.index("meaning")), ("cover_max", n), ("cover_min", n + 1), ("cover_f", n + 2))
    for name, col in singles:
        print(f"average precision of {name:10} tune {average_precision_score(yt, xt[:, col]):.3f}"
              f"  report {average_precision_score(yr, xr[:, col]):.3f}")
    print(f"{'features':22}{'OOF R@P.8':>11}{'OOF R@P.85':>12}{'report R@P.8':>14}{'report R@P.9':>14}")
    for name, cols in (("shipped", list(range(n))), ("shipped + coverage", list(range(n + 3)))):
        oof = np.zeros(len(yt))
        for tr, te in GroupKFold(5).split(xt, yt, groups):
            oof[te] = _fit(xt[tr][:, cols], yt[tr]).predict_proba(xt[te][:, cols])[:, 1]
        pr = _fit(xt[:, cols], yt).predict_proba(xr[:, cols])[:, 1]
        print(f"{name:22}{recall_at(oof, yt, 0.8):>11.3f}{recall_at(oof, yt, 0.85):>12.3f}"
              f"{recall_at(pr, yr, 0.8):>14.3f}{recall_at(pr, yr, 0.9):>14.3f}")
    base = model = None
    if args.stage_floor is not None:
        base = _fit(xt[:, :n], yt)
        gate_t = base.predict_proba(xt[:, :n])[:, 1] >= args.stage_floor
        gate_r = base.predict_proba(xr[:, :n])[:, 1] >= args.stage_floor
        model = _fit(xt[gate_t], yt[gate_t])
        oof = np.zeros(len(yt))
        for tr, te in GroupKFold(5).split(xt, yt, groups):
            b = _fit(xt[tr][:, :n], yt[tr])
            keep = tr[b.predict_proba(xt[tr][:, :n])[:, 1] >= args.stage_floor]
            m = _fit(xt[keep], yt[keep])
            oof[te] = np.where(b.predict_proba(xt[te][:, :n])[:, 1] >= args.stage_floor,
                               m.predict_proba(xt[te])[:, 1], 0.0)
        pr = np.where(gate_r, model.predict_proba(xr)[:, 1], 0.0)
        print(f"{'two stages':22}{recall_at(oof, yt, 0.8):>11.3f}{recall_at(oof, yt, 0.85):>12.3f}"
              f"{recall_at(pr, yr, 0.8):>14.3f}{recall_at(pr, yr, 0.9):>14.3f}")
        print(f"pairs that need coverage at floor {args.stage_floor}: tune {gate_t.mean():.3f}, "
              f"report {gate_r.mean():.3f} (same-fact pairs among them: "
              f"{yt[gate_t].sum() / max(yt.sum(), 1):.3f} / {yr[gate_r].sum() / max(yr.sum(), 1):.3f})")
    if args.claims is not None:
        full = model if model is not None else _fit(xt, yt)
        align.compare = with_coverage(full, args.claims, tokens, base,  # type: ignore[assignment]
                                      args.stage_floor or 0.0)
        rows = CG.run(stories, args.data)
        for half in ("tune", "report"):
            r = CG.summarise([x for x in rows if x["split"] == half])
            print(half, {k: r[k] for k in ("corroborated_claims", "corroborated_precision", "corroborated_recall",
                                           "pair_precision", "pair_recall", "digest_precision")})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
