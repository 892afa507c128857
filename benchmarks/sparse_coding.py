"""Sparse inference benchmark: reprcourse's solvers against scikit-learn and SPAMS, side by side.

Three problems on centred 8×8 natural-image patches with random unit-norm atoms (DESIGN.md):
256 atoms at λ = 0.5 (the target problem), 1 024 atoms at λ = 0.5 and 256 atoms at λ = 0.05
(denser codes). For each, one table: wall time (best of ``--repeat``), speed-up over
scikit-learn's ``sparse_encode(algorithm="lasso_cd")``, the certified relative objective gap
``Σ_i gap_i / Σ_i P_i`` (:func:`reprcourse.duality_gap` in float64, an upper bound on the
relative distance to the optimum) and the mean number of non-zeros. Rows:
``sparse_encode(X, D, lam)`` (default ``algorithm="lasso_lars"``: the LARS-lasso homotopy of
:mod:`reprcourse.solvers.homotopy`, compiled with numba, the fastest exact solver on a CPU),
``algorithm="fista"`` (the batched FISTA engine of :mod:`reprcourse.solvers.engine`), and the
lecture's loop ``fista`` (fixed step 1/L) on a few samples, scaled, for scale.
With a GPU, a row runs the engine on CUDA tensors.

SPAMS (``pip install -r requirements-bench.txt``) is optional; the package never imports it.
scikit-learn is slow, so it is timed on ``--sk-n`` samples and its time scaled linearly
(its samples are independent problems); its gap is measured on those samples.

    .venv/bin/python benchmarks/sparse_coding.py            # full size (≈ 1–2 min)
    .venv/bin/python benchmarks/sparse_coding.py --quick    # smoke run (seconds)
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
import torch
from sklearn.decomposition import sparse_encode as sklearn_sparse_encode

from reprcourse import duality_gap, fista, sparse_encode
from reprcourse.data import natural_patches

try:
    import spams
except ImportError:                                               # optional peer
    spams = None

PROBLEMS = [(256, 0.5), (1024, 0.5), (256, 0.05)]


def best_time(fn, repeat):
    """Best wall time of ``repeat`` runs, and the last result."""
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def certified_gap(X, D, H, lam):
    """``Σ gap_i / Σ P_i`` in float64: an upper bound on the relative distance to the optimum."""
    X, D, H = (np.asarray(a, dtype=np.float64) for a in (X, D, H))
    primal = 0.5 * ((X - H @ D.T) ** 2).sum(1) + lam * np.abs(H).sum(1)
    return float(duality_gap(X, D, H, lam).sum() / primal.sum())


def spams_lasso(X, D, lam):
    threads = torch.get_num_threads()
    H = spams.lasso(np.asfortranarray(X.T), D=np.asfortranarray(D), lambda1=lam, mode=2,
                    numThreads=2)
    torch.set_num_threads(threads)       # SPAMS resets the OpenMP thread count it shares
    return np.asarray(H.todense()).T


def on_cuda(X, D, lam):
    """``sparse_encode(algorithm="fista")`` on CUDA tensors, finished and copied back."""
    H = sparse_encode(X, D, lam, algorithm="fista")
    torch.cuda.synchronize()
    return H.cpu().numpy()


def run_problem(X, n_atoms, lam, args):
    rng = np.random.default_rng(0)
    D = rng.standard_normal((X.shape[1], n_atoms))
    D /= np.linalg.norm(D, axis=0)
    X32, D32 = X.astype(np.float32), D.astype(np.float32)
    n, sk_n = X.shape[0], min(args.sk_n, X.shape[0])
    print(f"\n## {n} patches, {n_atoms} atoms, λ = {lam}")
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                            # sklearn ConvergenceWarning
        t, H = best_time(lambda: sklearn_sparse_encode(X[:sk_n], D.T, algorithm="lasso_cd",
                                                       alpha=lam), 1)
    rows.append(("sklearn lasso_cd" + (f" (on {sk_n}, ×{n / sk_n:g})" if sk_n < n else ""),
                 "float64", t * n / sk_n, certified_gap(X[:sk_n], D, H, lam), H))
    loop_n = min(50, n)                                            # the loop is slow: scaled
    t, H = best_time(lambda: fista(X[:loop_n], D, lam, n_iter=100_000), 1)
    rows.append((f"fista, the lecture's loop (on {loop_n}, ×{n / loop_n:g})", "float64",
                 t * n / loop_n, certified_gap(X[:loop_n], D, H, lam), H))
    runs = [("sparse_encode (default: lasso_lars)", "float64",
             lambda: sparse_encode(X, D, lam)),
            ("sparse_encode (default: lasso_lars)", "float32",
             lambda: sparse_encode(X32, D32, lam)),
            ("sparse_encode(algorithm='fista')", "float64",
             lambda: sparse_encode(X, D, lam, algorithm="fista")),
            ("sparse_encode(algorithm='fista')", "float32",
             lambda: sparse_encode(X32, D32, lam, algorithm="fista"))]
    if spams is not None:
        runs.insert(0, ("SPAMS lasso (LARS, 2 threads)", "float64",
                        lambda: spams_lasso(X, D, lam)))
    if torch.cuda.is_available():                                  # tensors on a GPU: the engine
        Xc, Dc = torch.from_numpy(X32).cuda(), torch.from_numpy(D32).cuda()
        runs.append(("sparse_encode(algorithm='fista'), CUDA", "float32",
                     lambda: on_cuda(Xc, Dc, lam)))
    times = {i: np.inf for i in range(len(runs))}
    results = {}
    for _ in range(args.repeat):                                   # interleaved: same conditions
        for i, (_, _, fn) in enumerate(runs):
            t, results[i] = best_time(fn, 1)
            times[i] = min(times[i], t)
    for i, (name, dtype, _) in enumerate(runs):
        rows.append((name, dtype, times[i], certified_gap(X, D, results[i], lam), results[i]))
    ref_time = rows[0][2]
    head = (f"{'method':42s} {'dtype':8s} {'time [s]':>9s} {'speed-up':>9s} {'cert. gap':>10s} "
            f"{'nnz':>6s}")
    print(head)
    print("-" * len(head))
    for name, dtype, t, gap, H in rows:
        nnz = float(np.mean((np.asarray(H) != 0).sum(1)))
        print(f"{name:42s} {dtype:8s} {t:9.3f} {ref_time / t:8.1f}× {gap:10.1e} {nnz:6.1f}")
    if spams is None:
        print("SPAMS lasso: not installed (pip install -r requirements-bench.txt)")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="number of patches")
    ap.add_argument("--sk-n", type=int, default=2_000, help="samples timed for scikit-learn")
    ap.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    ap.add_argument("--threads", type=int, default=2, help="torch threads (SPAMS uses 2)")
    ap.add_argument("--quick", action="store_true", help="small smoke run")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.quick:
        args.n, args.sk_n, args.repeat = 1_000, 200, 1
    X = natural_patches(args.n, size=8, seed=0)
    sparse_encode(X[:64], np.eye(64), 0.5, algorithm="fista")      # warm up torch's threads
    sparse_encode(X[:64], np.eye(64), 0.5)                         # and load the homotopy kernel
    print(f"# sparse inference; torch {torch.__version__} ({torch.get_num_threads()} threads), "
          f"{os.cpu_count()} CPUs, {platform.machine()}; SPAMS "
          f"{'present' if spams is not None else 'missing'}")
    for n_atoms, lam in PROBLEMS:
        run_problem(X, n_atoms, lam, args)


if __name__ == "__main__":
    main()
