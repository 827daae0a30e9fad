"""Parallax's rule-based attribution against PolNeAR dev (source / cue / content spans).

Every dev article (84; the first annotation file per article in attributions_dev.jsonl order)
is run through split_sentences + spaCy NER + attribute(). Parallax gives a speaker name and a
cue span per sentence; source and content spans are derived from them (see DEFINITIONS).
Prints a table and writes bench/results/attribution.json. ~30 s on 2 cores.

    python bench/attribution.py [--data ../shared/data] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "scripts")]
from datapath import data_root  # noqa: E402

from parallax.extract.attribution import _CUE, SPEAKER_LABELS, attribute, quoted_spans  # noqa: E402
from parallax.extract.extractor import map_entities, ner_view  # noqa: E402
from parallax.extract.ner import spacy_ner  # noqa: E402
from parallax.text.segment import split_sentences  # noqa: E402
from parallax.types import Entity  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "attribution.json"
ROLES = ("source", "cue", "content")
_EDGE = " \t\n\xa0,.;:!?\"'“”‘’—–-―()[]"
_TOKEN = re.compile(r"\w+|[^\w\s]")
PRONOUNS = {"he", "she", "they", "it", "i", "we", "you", "who", "which", "that", "his", "her", "their", "this"}
_TITLE_TAIL = re.compile(
    r"(?:\b(?:mr|mrs|ms|dr|sen|rep|gov|gen|lt|col|sgt)\.|\b(?:president|senator|governor|secretary|the))\s+$", re.I)
_PRONOUN_TAIL = re.compile(r"\b(he|she|they|it|i|we)\s+(?:also\s+|then\s+|later\s+)?$", re.I)
DEFINITIONS = {
    "normalisation": "spans (gold and predicted) are trimmed of whitespace/punctuation/quote marks at both ends "
                     "(all-punctuation cues such as '―' kept); a role item may hold several spans (split content)",
    "exact": "predicted item == gold item of the same role (identical trimmed span lists), one-to-one",
    "overlap": "predicted and gold item of the same role share >= 1 character; one-to-one greedy by overlap "
               "size; P = matched/predicted, R = matched/gold",
    "token": "token-level F1: per document P/G = word/punct tokens covered by any predicted/gold span of the "
             "role; micro |P∩G|/|P|, |P∩G|/|G|",
    "cue_pred": "(cue_start, cue_end) of each Attribution; zero-width 'quote-continues' cues are not scored",
    "source (spec)": "case-insensitive whole-word search of the speaker name, else its last token, in the "
                     "attributed sentence, occurrence nearest the cue; no span if absent (pronoun speakers)",
    "source_ent": "spec, widened to the containing spaCy entity and leading titles ('Mr.', 'President', "
                  "'the'); if absent, the pronoun right before the cue",
    "content (spec)": "quoted span(s) if the sentence has quotation marks, else sentence minus source (spec) "
                      "and cue (all remaining pieces as one multi-span item)",
    "content_rest": "sentence minus source and cue, quotes or not; content_longest: its longest piece only",
    "relation": "prediction whose cue, source_ent and content_rest all overlap the same gold relation (1:1)",
    "missed": "gold relation whose cue overlaps no predicted cue",
}


def trim(text: str, a: int, b: int) -> tuple[int, int] | None:
    """Strip edge punctuation; a span that is all punctuation (cues '―', ':') is kept as is."""
    a0, b0 = a, b
    while a < b and text[a] in _EDGE:
        a += 1
    while b > a and text[b - 1] in _EDGE:
        b -= 1
    return (a, b) if b > a else ((a0, b0) if text[a0:b0].strip() else None)


def item(text: str, spans) -> tuple | None:
    out = tuple(sorted(s for s in (trim(text, a, b) for a, b in spans) if s))
    return out or None


def load(data: Path, limit: int | None) -> list[dict]:
    base = data / "polnear"
    docs: dict[str, dict] = {}
    for line in (base / "attributions_dev.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        art = row["article"]
        if art not in docs:
            text = (base / "dev" / "text" / f"{art}.txt").read_text(encoding="utf-8")
            docs[art] = {"article": art, "annotator": row["annotator"], "text": text, "gold": [], "others": []}
        rels = [{r: item(docs[art]["text"], [s for x in rel[r] for s in x["spans"]]) for r in ROLES}
                for rel in row["attributions"]]
        (docs[art]["gold"] if row["annotator"] == docs[art]["annotator"] else docs[art]["others"]).append(rels)
    out = [docs[k] for k in sorted(docs)]
    return out[:limit] if limit else out


def covered(spans) -> set[int]:
    return {i for a, b in spans for i in range(a, b)}


def tally(preds: list, golds: list, text: str, acc: Counter) -> None:
    """Add exact/overlap/token counts for one role of one document."""
    preds, golds = [p for p in preds if p], [g for g in golds if g]
    pairs = sorted(((len(covered(p) & covered(g)), i, j) for i, p in enumerate(preds)
                    for j, g in enumerate(golds)), reverse=True)
    used_p, used_g = set(), set()
    for size, i, j in pairs:
        if size and i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    pc, gc = covered(s for p in preds for s in p), covered(s for g in golds for s in g)
    pt, gt = {t for t in toks if t[0] in pc}, {t for t in toks if t[0] in gc}
    acc.update(pred=len(preds), gold=len(golds), exact=sum((Counter(preds) & Counter(golds)).values()),
               overlap=len(used_p), tok_pred=len(pt), tok_gold=len(gt), tok_both=len(pt & gt))


def prf(tp: int, npred: int, ngold: int) -> dict:
    p, r = tp / npred if npred else 0.0, tp / ngold if ngold else 0.0
    return {"p": round(p, 3), "r": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def metrics(acc: Counter) -> dict:
    return {"exact": prf(acc["exact"], acc["pred"], acc["gold"]),
            "overlap": prf(acc["overlap"], acc["pred"], acc["gold"]),
            "token": prf(acc["tok_both"], acc["tok_pred"], acc["tok_gold"]),
            "n_pred": acc["pred"], "n_gold": acc["gold"]}


def find_source(sent, att, text: str, ents: list[Entity], widen: bool) -> tuple | None:
    cands = []
    for name in dict.fromkeys([att.speaker, att.speaker.split()[-1]] if att.speaker.split() else []):
        cands = [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", sent.text, re.I)]
        if cands:
            break
    if not cands:
        m = _PRONOUN_TAIL.search(text[sent.start:att.cue_start]) if widen and att.cue_end > att.cue_start else None
        return ((sent.start + m.start(1), sent.start + m.end(1)),) if m else None
    a, b = min(cands, key=lambda s: min(abs(sent.start + s[0] - att.cue_end), abs(sent.start + s[1] - att.cue_start)))
    a, b = sent.start + a, sent.start + b
    if widen:
        for e in ents:
            if e.start <= a and b <= e.end:
                a, b = e.start, e.end
        while m := _TITLE_TAIL.search(text[sent.start:a]):
            a = sent.start + m.start()
    return item(text, [(a, b)])


def rest_pieces(sent, text: str, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    pieces, pos = [], sent.start
    for a, b in sorted(holes):
        pieces.append((pos, a))
        pos = max(pos, b)
    pieces.append((pos, sent.end))
    return [s for s in (trim(text, a, b) for a, b in pieces if b > a) if s]


def predict(doc: dict, nlp) -> dict:
    text = doc["text"]
    sents = split_sentences(text)
    view, pieces = ner_view(sents)  # the sentences extract lets NER read, as in analyze
    ents = map_entities([(e.start_char, e.end_char, e.label_, e.text) for e in nlp(view).ents], pieces)
    atts = attribute(text, sents, ents)
    out: dict = {k: [] for k in ("cue", "source", "source_ent", "content", "content_rest", "content_longest")}
    for group in relations(atts):
        # One relation per quotation: the sentences of a multi-sentence quote share one content item.
        main = next((a for a in group if a.cue_end > a.cue_start), group[0])
        sent = sents[main.sentence]
        out["cue"].append(((main.cue_start, main.cue_end),) if main.cue_end > main.cue_start else None)
        out["source"].append(src := find_source(sent, main, text, ents, False))
        out["source_ent"].append(find_source(sent, main, text, ents, True))
        rest: list[tuple[int, int]] = []
        quotes: list[tuple[int, int]] = []
        for att in group:
            s = sents[att.sentence]
            holes = [*(src or ()), (main.cue_start, main.cue_end)] if att is main else []
            rest += rest_pieces(s, text, holes)
            quotes += [(s.start + a, s.start + b) for a, b in quoted_spans(s.text)[0]]
        out["content"].append(item(text, quotes) if quotes else item(text, rest))
        out["content_rest"].append(item(text, rest))
        out["content_longest"].append(item(text, [max(rest, key=lambda s: s[1] - s[0])]) if rest else None)
    doc.update(sents=sents, ents=ents, atts=atts, pred=out)
    return out


def relations(atts: list) -> list[list]:
    """Attributions grouped into relations: a run of adjacent sentences of one speaker with at
    most one real cue (the others carried by a quotation that runs on) is one relation."""
    groups: list[list] = []
    for att in atts:
        prev = groups[-1] if groups else None
        if (prev and att.sentence == prev[-1].sentence + 1 and att.speaker == prev[-1].speaker
                and (att.cue == "quote-continues" or all(a.cue == "quote-continues" for a in prev))):
            prev.append(att)
        else:
            groups.append([att])
    return groups


def categorise(doc: dict, rel: dict) -> tuple[str, list[str]]:
    """Primary reason a gold relation was missed, plus every flag that applies."""
    text, sents, flags = doc["text"], doc["sents"], []
    cue = rel["cue"][0] if rel["cue"] else None
    if cue is None:
        return "no gold cue", ["no gold cue"]
    sent_i = next((i for i, s in enumerate(sents) if s.start <= cue[0] < s.end), None)
    sent = sents[sent_i] if sent_i is not None else None
    regex_hit = any(m.start() < cue[1] and cue[0] < m.end() for m in _CUE.finditer(text))
    src = rel["source"]
    src_text = " ".join(text[a:b] for a, b in src).lower() if src else ""
    if not regex_hit:
        flags.append("cue not in cue list")
    if sent and regex_hit and any(a <= cue[0] - sent.start < b for a, b in quoted_spans(sent.text)[0]):
        flags.append("cue inside quotation marks")
    if not src:
        flags.append("no explicit source")
    elif src_text in PRONOUNS:
        flags.append("pronoun source")
    else:
        hit = [e for e in doc["ents"] if e.start < src[-1][1] and src[0][0] < e.end]
        if not hit:
            flags.append("source not a named entity")
        elif not any(e.label in SPEAKER_LABELS for e in hit):
            flags.append(f"source entity label not a speaker label ({hit[0].label})")
        elif sent and not (sent.start <= src[0][0] < sent.end):
            flags.append("source in another sentence")
    if sent is not None and any(a.sentence == sent_i for a in doc["atts"]):
        flags.append("sentence already attributed via another cue")
    if rel["content"] and sent and any(not (sent.start <= a and b <= sent.end + 1) for a, b in rel["content"]):
        flags.append("content spans several sentences")
    order = ["cue not in cue list", "cue inside quotation marks", "sentence already attributed via another cue",
             "no explicit source", "pronoun source", "source not a named entity", "source in another sentence"]
    label = "source entity label not a speaker label"
    primary = next((f for f in order if f in flags), None) or next(
        (label for f in flags if f.startswith(label)), "speaker entity not next to cue")
    return primary, flags


def describe(doc: dict, g: dict, cat: tuple[str, list[str]]) -> dict:
    t, cue = doc["text"], g["cue"][0] if g["cue"] else (0, 0)
    sent = next((s for s in doc["sents"] if s.start <= cue[0] < s.end), None)
    return {"article": doc["article"], "category": cat[0], "flags": cat[1],
            "source": " ".join(t[a:b] for a, b in g["source"] or ()), "cue": t[cue[0]:cue[1]],
            "content": " … ".join(t[a:b] for a, b in g["content"] or ())[:160],
            "sentence": sent.text[:240] if sent else None,
            "parallax": [{"speaker": a.speaker, "cue": a.cue} for a in doc["atts"] if sent and
                         doc["sents"][a.sentence] == sent]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=data_root())
    ap.add_argument("--limit", type=int, help="first N articles (sorted by name) only")
    args = ap.parse_args()
    docs, nlp = load(args.data, args.limit), spacy_ner()
    accs = {k: Counter() for k in ("cue", "source", "source_ent", "content", "content_rest", "content_longest")}
    agree, in_list, rel = {r: Counter() for r in ROLES}, Counter(), Counter()
    missed, n_gold, n_pred, n_continue = [], 0, 0, 0
    for doc in docs:
        pred, gold = predict(doc, nlp), doc["gold"][0]
        n_gold, n_pred = n_gold + len(gold), n_pred + len(pred["cue"])
        n_continue += sum(a.cue == "quote-continues" for a in doc["atts"])
        for key, acc in accs.items():
            tally(pred[key], [g[key.split("_")[0]] for g in gold], doc["text"], acc)
        # Relation: cue, source (+ent) and content (rest) all overlap the same gold relation.
        used: set[int] = set()
        for i in range(len(pred["cue"])):
            trio = ((pred["cue"][i], "cue"), (pred["source_ent"][i], "source"), (pred["content_rest"][i], "content"))
            j = next((j for j, g in enumerate(gold) if j not in used and
                      all(p and g[r] and covered(p) & covered(g[r]) for p, r in trio)), None)
            if j is not None:
                used.add(j)
        rel.update(pred=len(pred["cue"]), gold=len(gold), overlap=len(used))
        pc = covered(s for p in pred["cue"] if p for s in p)
        missed += [(doc, g) for g in gold if not (g["cue"] and covered(g["cue"]) & pc)]
        regex = covered(m.span() for m in _CUE.finditer(doc["text"]))
        listed = [g for g in gold if g["cue"] and covered(g["cue"]) & regex]
        in_list.update(gold=len(listed), hit=sum(bool(covered(g["cue"]) & pc) for g in listed))
        for other in doc["gold"][1:] + doc["others"]:  # human agreement on multiply-annotated articles
            for r in ROLES:
                tally([g[r] for g in other], [g[r] for g in gold], doc["text"], agree[r])
    res = {k: metrics(v) for k, v in accs.items()}
    res["relation"] = {**rel, "matched": rel["overlap"], "overlap": prf(rel["overlap"], rel["pred"], rel["gold"])}
    cats = [categorise(d, g) for d, g in missed]
    order = random.Random(13).sample(range(len(missed)), len(missed))
    sample = [describe(*missed[i], cats[i]) for i in sorted(order[:30])]
    examples: dict[str, list] = {}
    for i in order:  # up to 3 examples per primary category, from all misses
        if len(examples.setdefault(cats[i][0], [])) < 3:
            examples[cats[i][0]].append(describe(*missed[i], cats[i]))
    cue_words = Counter(d["text"][g["cue"][0][0]:g["cue"][-1][1]].lower() for (d, g), (c, _)
                        in zip(missed, cats, strict=True) if c == "cue not in cue list")
    out = {
        "data": "PolNeAR v1.0.0 dev (networkdynamics/PolNeAR @ c3eee83); first annotation file per article",
        "articles": len(docs), "gold_relations": n_gold, "predictions": n_pred,
        "quote_continues_sentences": n_continue, "subsampled": bool(args.limit),
        "definitions": DEFINITIONS, "metrics": res,
        "human_agreement": {"articles": sum(bool(d["others"] or d["gold"][1:]) for d in docs),
                            **{r: metrics(a) for r, a in agree.items()}},
        "cue_recall_on_gold_cues_the_cue_list_matches": {**in_list, "r": round(in_list["hit"] / in_list["gold"], 3)},
        "missed": {"n": len(missed), "primary_category_counts_all": dict(Counter(c for c, _ in cats).most_common()),
                   "flag_counts_all": dict(Counter(f for _, fl in cats for f in fl).most_common()),
                   "sample_seed": 13, "sample_category_counts": dict(Counter(x["category"] for x in sample)
                                                                      .most_common()),
                   "sample": sample, "examples_by_category": examples,
                   "missed_cue_words": dict(cue_words.most_common(60))},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"PolNeAR dev: {len(docs)} articles, {n_gold} gold relations, {n_pred} predicted relations "
          f"({n_continue} sentences joined to one through a running quotation)")
    print(f"{'role':<18}{'exact P/R/F1':>20}{'overlap P/R/F1':>20}{'token P/R/F1':>20}{'pred':>6}{'gold':>6}")
    rows = [(k, res[k]) for k in ("cue", "source", "source_ent", "content", "content_rest", "content_longest")]
    rows += [(f"human {r}", out["human_agreement"][r]) for r in ROLES]
    for name, m in rows:
        cells = ["{p:.2f}/{r:.2f}/{f1:.2f}".format(**m[k]) for k in ("exact", "overlap", "token")]
        print(f"{name:<18}{cells[0]:>20}{cells[1]:>20}{cells[2]:>20}{m['n_pred']:>6}{m['n_gold']:>6}")
    print("relation overlap (cue+source_ent+content_rest): P/R/F1 {p:.2f}/{r:.2f}/{f1:.2f}".format(
        **res["relation"]["overlap"]))
    print(f"cue overlap recall on the {in_list['gold']} gold cues the cue regex matches: "
          f"{in_list['hit'] / in_list['gold']:.2f}; missed gold relations (cue not overlapped): {len(missed)}/{n_gold}")
    for c, n in out["missed"]["primary_category_counts_all"].items():
        print(f"  {n:>5}  {c}   (sample of 30: {out['missed']['sample_category_counts'].get(c, 0)})")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
