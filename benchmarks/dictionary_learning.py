"""Dictionary-learning benchmark: reprcourse ``learn_dictionary`` against scikit-learn.

Problem of DESIGN.md: centred 8×8 natural-image patches (20 000 to train on, 5 000 held
out), 256 atoms, λ = 0.5. Both learners run with their default settings:

* scikit-learn ``MiniBatchDictionaryLearning(256, alpha=0.5, batch_size=256)`` (online
  dictionary learning of Mairal et al. 2010 with LARS codes; its own early stopping);
* ``learn_dictionary(X, 256, 0.5)`` (mini-batch alternating minimisation with warm-started
  FISTA codes and block-coordinate atom updates).

Each dictionary is then judged the same way: the held-out patches are sparse-coded with one
accurate solver (``fista`` at ``tol=1e-7``, which matches scikit-learn's ``lasso_cd`` to
~1e-10 relative; ``--check-cd`` verifies it) and the held-out objective
``mean ½‖x − Dh‖² + λ‖h‖₁`` is compared. Target: reprcourse at no worse held-out objective in
at most a fifth of scikit-learn's time. One run prints the whole table.

    .venv/bin/python benchmarks/dictionary_learning.py            # full size (≈ 1-2 min)
    .venv/bin/python benchmarks/dictionary_learning.py --quick    # 5 000 patches, 64 atoms
"""

import argparse
import os
import platform
import time

import numpy as np
import torch
from sklearn.decomposition import MiniBatchDictionaryLearning, sparse_encode

from reprcourse.data import natural_patches
from reprcourse.dictionary_learning import from_sklearn, learn_dictionary
from reprcourse.sparse_coding import fista, sparse_objective


def held_out_objective(X, D, lam, check_cd=False):
    H = fista(X, D, lam, tol=1e-7, n_iter=5000)
    obj = sparse_objective(X, D, H, lam)
    if check_cd:
        H_cd = sparse_encode(X, D.T, alpha=lam, algorithm="lasso_cd", max_iter=5000)
        obj_cd = sparse_objective(X, D, H_cd, lam)
        print(f"  check: fista {obj:.8f} vs lasso_cd {obj_cd:.8f}")
    return obj


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="5 000 patches, 64 atoms")
    ap.add_argument("--n", type=int, default=None, help="training patches (default 20 000)")
    ap.add_argument("--atoms", type=int, default=None, help="atoms (default 256)")
    ap.add_argument("--lam", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--check-cd", action="store_true",
                    help="also code the held-out set with scikit-learn's lasso_cd")
    args = ap.parse_args()
    n = args.n or (5_000 if args.quick else 20_000)
    k = args.atoms or (64 if args.quick else 256)
    n_test = max(1_000, n // 4)

    X = natural_patches(n + n_test, size=8, seed=args.seed)
    X_train, X_test = X[:n], X[n:]
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.2f}, torch {torch.__version__} "
          f"({torch.get_num_threads()} threads)")
    print(f"{n} training + {n_test} held-out 8×8 patches, {k} atoms, λ={args.lam}\n")

    rows = []
    t0 = time.perf_counter()
    sk = MiniBatchDictionaryLearning(k, alpha=args.lam, batch_size=256,
                                     random_state=args.seed).fit(X_train)
    t_sk = time.perf_counter() - t0
    D_sk = from_sklearn(sk.components_)
    D_sk = D_sk / np.linalg.norm(D_sk, axis=0)
    rows.append(("scikit-learn MiniBatchDictionaryLearning", t_sk,
                 held_out_objective(X_test, D_sk, args.lam, args.check_cd),
                 f"{sk.n_steps_} steps"))

    t0 = time.perf_counter()
    D, _ = learn_dictionary(X_train, k, args.lam, seed=args.seed, progress=False)
    t_rc = time.perf_counter() - t0
    rows.append(("reprcourse learn_dictionary (defaults)", t_rc,
                 held_out_objective(X_test, D, args.lam, args.check_cd), "6 passes"))

    t0 = time.perf_counter()
    D_g, _ = learn_dictionary(X_train, k, args.lam, seed=args.seed, update="gradient",
                              progress=False)
    rows.append(("reprcourse, lecture's gradient step on D", time.perf_counter() - t0,
                 held_out_objective(X_test, D_g, args.lam), "6 passes"))

    ref = rows[0][2]
    print(f"| {'method':<42} | {'time (s)':>8} | {'time / sklearn':>14} | "
          f"{'held-out objective':>18} | {'rel. gap vs sklearn':>19} | note")
    print(f"|{'-' * 44}|{'-' * 10}|{'-' * 16}|{'-' * 20}|{'-' * 21}|------")
    for name, t, obj, note in rows:
        print(f"| {name:<42} | {t:8.2f} | {t / t_sk:14.3f} | {obj:18.5f} | "
              f"{(obj - ref) / ref:+19.2e} | {note}")
    ok = rows[1][1] <= t_sk / 5 and rows[1][2] <= ref
    print(f"\ntarget (defaults: ≤ 1/5 of scikit-learn's time, held-out objective no worse): "
          f"{'MET' if ok else 'NOT MET'} (speed-up {t_sk / rows[1][1]:.1f}×)")


if __name__ == "__main__":
    main()
