"""Senses of polysemous words as discourse atoms (chapter 4; Arora, Li, Liang, Ma & Risteski 2018).

Arora et al. observe that the vector of a word with several meanings is close to a weighted
sum of the vectors of its senses, and recover the senses by sparse coding all word vectors
over a learned dictionary: each atom (a "discourse atom") is a direction in word space, and
its nearest words say what it is about. A word's largest coefficients point to its senses.
"""

from __future__ import annotations

import numpy as np

from ._torch import to_numpy
from ._validation import check_array, check_dictionary, check_int, check_matching_features

__all__ = ["atom_neighbours", "word_senses"]


def atom_neighbours(D, vectors, words, n_near=6):
    """The ``n_near`` words closest in cosine to each atom.

    Parameters
    ----------
    D : array of shape (n_features, n_atoms)
    vectors : array of shape (n_words, n_features)
    words : sequence of str, length n_words
    n_near : int >= 1

    Returns
    -------
    list of n_atoms lists of ``n_near`` words, the closest first

    Raises
    ------
    ValueError
        If shapes disagree or ``len(words) != n_words``.
    """
    V = to_numpy(check_array(vectors, "vectors", shape_hint="(n_words, n_features)"))
    D = to_numpy(check_dictionary(D, "D"))
    check_matching_features(V, D, x_name="vectors")
    if len(words) != len(V):
        raise ValueError(f"words has {len(words)} entries but vectors has {len(V)} rows")
    n_near = check_int(n_near, "n_near", low=1, high=len(V))
    cos = (V / np.linalg.norm(V, axis=1, keepdims=True)) @ (D / np.linalg.norm(D, axis=0))
    top = np.argsort(-cos, axis=0)[:n_near]                        # (n_near, n_atoms)
    return [[words[i] for i in top[:, j]] for j in range(D.shape[1])]


def word_senses(word, words, H, neighbours, n_senses=5):
    """The atoms with the largest positive coefficients in ``word``'s code, with their words.

    Parameters
    ----------
    word : str
    words : sequence of str, length n_words
    H : array of shape (n_words, n_atoms)
        Sparse codes of the word vectors.
    neighbours : list of lists of str
        :func:`atom_neighbours` of the dictionary.
    n_senses : int >= 1

    Returns
    -------
    list of (coefficient, atom index, nearest words), largest coefficient first

    Raises
    ------
    KeyError
        If ``word`` is not in ``words``.
    """
    index = {w: i for i, w in enumerate(words)}
    if word not in index:
        raise KeyError(f"{word!r} is not among the {len(words)} words")
    n_senses = check_int(n_senses, "n_senses", low=1)
    h = to_numpy(H)[index[word]]
    order = [j for j in np.argsort(-h) if h[j] > 0][:n_senses]
    return [(float(h[j]), int(j), neighbours[j]) for j in order]
