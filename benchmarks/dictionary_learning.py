"""Dictionary-learning benchmark: reprcourse against scikit-learn and SPAMS, in one process.

Problem of DESIGN.md: 20 000 centred 8×8 natural-image patches, 256 atoms, λ = 0.5; the
dictionaries are judged on 5 000 *held-out* patches (``natural_patches(5000, seed=1)``).

* reprcourse ``learn_dictionary(X, 256, 0.5)`` with its defaults (three passes; online
  statistics with forgetting, warm-started FISTA codes, block-coordinate atom updates; one
  torch thread), and the same with one pass (``n_iter=1``), the fast setting; with a GPU,
  also the defaults on CUDA;
* SPAMS ``trainDL(..., mode=2, batchsize=256, numThreads=2)`` (Mairal et al.'s own online
  dictionary learning, LARS codes) given reprcourse's wall time rounded up to whole seconds
  (``iter=-T``), so at least as much time; skipped with a note when ``spams`` is not
  installed (``pip install -r requirements-bench.txt``);
* scikit-learn ``MiniBatchDictionaryLearning(256, alpha=0.5, batch_size=256)`` with its own
  stopping rule.

Every dictionary is judged the same way: its atoms are renormalised, the held-out patches
are coded with one accurate solver (``sparse_encode(..., tol=1e-6)``, the homotopy) and the held-out objective
``mean ½‖x − Dh‖² + λ‖h‖₁`` is reported. Targets (issue 16): reprcourse below SPAMS at equal
time, and ≥ 10× faster than scikit-learn at no worse objective.

    .venv/bin/python benchmarks/dictionary_learning.py            # full size (≈ 1-2 min)
    .venv/bin/python benchmarks/dictionary_learning.py --quick    # 5 000 patches, 64 atoms
"""

import argparse
import math
import os
import platform
import time

import numpy as np
import torch
from sklearn.decomposition import MiniBatchDictionaryLearning

from reprcourse.data import natural_patches
from reprcourse.dictionary_learning import from_sklearn, learn_dictionary
from reprcourse.sparse_coding import sparse_encode, sparse_objective

try:
    import spams
except ImportError:                                                # optional peer
    spams = None


def held_out_objective(X, D, lam):
    """Objective on ``X`` of unit-normalised atoms ``D`` with accurate (1e-6) codes."""
    D = np.asarray(D, dtype=np.float64)
    D = D / np.linalg.norm(D, axis=0)
    return sparse_objective(X, D, sparse_encode(X, D, lam, tol=1e-6), lam)


def timed(fit):
    t0 = time.perf_counter()
    D = fit()
    return D, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="5 000 patches, 64 atoms")
    ap.add_argument("--n", type=int, default=None, help="training patches (default 20 000)")
    ap.add_argument("--atoms", type=int, default=None, help="atoms (default 256)")
    ap.add_argument("--lam", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1, help="torch threads for reprcourse")
    ap.add_argument("--no-sklearn", action="store_true", help="skip scikit-learn (slow)")
    args = ap.parse_args()
    n = args.n or (5_000 if args.quick else 20_000)
    k = args.atoms or (64 if args.quick else 256)
    lam = args.lam

    X = natural_patches(n, size=8, seed=args.seed)
    X_test = natural_patches(max(1_000, n // 4), size=8, seed=args.seed + 1)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}, torch {torch.__version__}")
    print(f"{n} training + {len(X_test)} held-out centred 8×8 patches, {k} atoms, λ={lam}\n")

    rows = []
    X32 = X.astype(np.float32)                 # learn_dictionary computes in X's precision
    D, t_rc = timed(lambda: learn_dictionary(X32, k, lam, seed=args.seed,
                                             n_threads=args.threads)[0])
    rows.append((f"reprcourse learn_dictionary, float32 ({args.threads} thread)", t_rc,
                 held_out_objective(X_test, D, lam)))
    D, t = timed(lambda: learn_dictionary(X32, k, lam, seed=args.seed, n_iter=1,
                                          n_threads=args.threads)[0])
    rows.append(("reprcourse learn_dictionary, float32, n_iter=1", t,
                 held_out_objective(X_test, D, lam)))
    D, t = timed(lambda: learn_dictionary(X, k, lam, seed=args.seed,
                                          n_threads=args.threads)[0])
    rows.append(("reprcourse learn_dictionary, float64", t, held_out_objective(X_test, D, lam)))
    if torch.cuda.is_available():                                  # the defaults on the GPU
        Xc = torch.from_numpy(X32).cuda()
        learn_dictionary(Xc[:1024], 16, lam, n_iter=1, seed=args.seed)   # CUDA warm-up
        D, t = timed(lambda: learn_dictionary(Xc, k, lam, seed=args.seed)[0].cpu().numpy())
        rows.append((f"reprcourse learn_dictionary ({torch.cuda.get_device_name()})", t,
                     held_out_objective(X_test, D, lam)))

    if spams is None:
        print("SPAMS is not importable (pip install -r requirements-bench.txt): row skipped")
    else:
        # iter=-T runs for T whole seconds: round reprcourse's time up (SPAMS gets >= ours)
        seconds = max(1, math.ceil(t_rc))
        Xf = np.asfortranarray(X.T)
        D, t = timed(lambda: spams.trainDL(Xf, K=k, lambda1=lam, mode=2, iter=-seconds,
                                           batchsize=256, numThreads=2, verbose=False))
        rows.insert(1, (f"SPAMS trainDL (2 threads, iter=-{seconds})", t,
                        held_out_objective(X_test, D, lam)))

    t_sk = None
    if not args.no_sklearn:
        sk, t_sk = timed(lambda: MiniBatchDictionaryLearning(
            k, alpha=lam, batch_size=256, random_state=args.seed).fit(X))
        rows.append(("scikit-learn MiniBatchDictionaryLearning", t_sk,
                     held_out_objective(X_test, from_sklearn(sk.components_), lam)))

    print(f"| {'method':<44} | {'time (s)':>8} | {'held-out objective':>18} | "
          f"{'speed-up vs sklearn':>19} |")
    print(f"|{'-' * 46}|{'-' * 10}|{'-' * 20}|{'-' * 21}|")
    for name, t, obj in rows:
        speed = f"{t_sk / t:.1f}×" if t_sk else "–"
        print(f"| {name:<44} | {t:8.2f} | {obj:18.4f} | {speed:>19} |")

    print()
    if spams is not None:
        ok = rows[0][2] < rows[1][2]                               # defaults vs SPAMS
        print(f"reprcourse (defaults) below SPAMS at equal time: {'MET' if ok else 'NOT MET'}")
    if t_sk:
        sk_obj = rows[-1][2]
        best = max([t_sk / t for name, t, obj in rows
                    if name.startswith("reprcourse") and obj <= sk_obj], default=0.0)
        print(f"≥ 10× faster than scikit-learn at no worse objective: "
              f"{'MET' if best >= 10 else 'NOT MET'} (best {best:.1f}×)")


if __name__ == "__main__":
    main()
