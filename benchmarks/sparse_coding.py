"""Sparse inference benchmark: reprcourse ISTA/FISTA against scikit-learn, side by side.

Problem of DESIGN.md: 20 000 centred 8×8 natural-image patches, 256 random unit-norm atoms,
λ = 0.5. Every method solves the same lasso problems; the table shows wall time, the
objective ``mean ½‖x − Dh‖² + λ‖h‖₁`` (evaluated in float64) and its gap relative to
scikit-learn's ``sparse_encode(algorithm="lasso_cd")``. Target: default ``fista`` ≥ 5× faster
than lasso_cd at a relative gap ≤ 1e-4.

    .venv/bin/python benchmarks/sparse_coding.py            # full size (≈ 1 min)
    .venv/bin/python benchmarks/sparse_coding.py --n 2000   # quick
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
import torch
from sklearn.decomposition import sparse_encode

from reprcourse.data import natural_patches
from reprcourse.sparse_coding import fista, ista, sparse_objective


def timed(fn, repeat):
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="number of patches")
    ap.add_argument("--atoms", type=int, default=256)
    ap.add_argument("--lam", type=float, default=0.5)
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs (ours)")
    ap.add_argument("--ista", action="store_true", help="also run ISTA (slow: O(1/k))")
    ap.add_argument("--no-lars", action="store_true", help="skip sklearn lasso_lars")
    args = ap.parse_args()

    X = natural_patches(args.n, size=8, seed=0)
    rng = np.random.default_rng(0)
    D = rng.standard_normal((X.shape[1], args.atoms))
    D /= np.linalg.norm(D, axis=0)
    lam = args.lam
    X32, D32 = X.astype(np.float32), D.astype(np.float32)

    runs = [
        ("sklearn lasso_cd", "float64", 1, lambda: sparse_encode(X, D.T, algorithm="lasso_cd",
                                                                  alpha=lam)),
        ("reprcourse fista (default)", "float64", args.repeat, lambda: fista(X, D, lam)),
        ("reprcourse fista", "float32", args.repeat, lambda: fista(X32, D32, lam)),
        ("reprcourse fista, no mixed precision", "float64", 1,
         lambda: fista(X, D, lam, mixed_precision=False)),
        ("reprcourse fista, no restart", "float64", 1, lambda: fista(X, D, lam, restart=False)),
    ]
    if not args.no_lars:
        runs.insert(1, ("sklearn lasso_lars", "float64", 1,
                        lambda: sparse_encode(X, D.T, algorithm="lasso_lars", alpha=lam)))
    if args.ista:
        runs.append(("reprcourse ista", "float64", 1, lambda: ista(X, D, lam)))

    fista(X[:64], D, lam)                                       # warm up torch's thread pool
    print(f"# {args.n} patches 8×8, {args.atoms} atoms, λ={lam}; torch {torch.__version__} "
          f"({torch.get_num_threads()} threads), {os.cpu_count()} CPUs, {platform.machine()}")
    rows, ref_time, ref_obj = [], None, None
    for name, dtype, repeat, fn in runs:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")                     # sklearn ConvergenceWarnings
            seconds, H = timed(fn, repeat)
        obj = sparse_objective(X, D, np.asarray(H, dtype=np.float64), lam)
        if ref_obj is None:
            ref_time, ref_obj = seconds, obj
        rows.append((name, dtype, seconds, obj, (obj - ref_obj) / ref_obj,
                     ref_time / seconds, float(np.mean(np.asarray(H) != 0))))
    header = f"{'method':38s} {'dtype':8s} {'time [s]':>9s} {'objective':>13s} " \
             f"{'rel. gap':>10s} {'speed-up':>9s} {'nnz':>6s}"
    print(header)
    print("-" * len(header))
    for name, dtype, seconds, obj, gap, speed, nnz in rows:
        print(f"{name:38s} {dtype:8s} {seconds:9.2f} {obj:13.7f} {gap:10.1e} {speed:8.1f}× "
              f"{nnz:6.3f}")
    ours = rows[[r[0] for r in rows].index("reprcourse fista (default)")]
    ok = ours[5] >= 5 and ours[4] <= 1e-4
    print(f"\ntarget (default fista ≥ 5× lasso_cd, gap ≤ 1e-4): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
