"""Saving and loading the package's models, and the checkpoints shipped with the course.

A checkpoint holds a model's class name, its constructor ``config``, its ``state_dict`` and a
``meta`` dict (training histories, settings). Only the classes listed in
:data:`MODEL_CLASSES` can be saved and loaded: the registry is written out here, in one
place, so that loading a file never constructs a class its author did not list. A model
class of your own is saveable once you add it explicitly:
``MODEL_CLASSES["MyAutoencoder"] = MyAutoencoder`` (its constructor must accept its
``config`` as keyword arguments).
"""

from __future__ import annotations

import io
import os
import tempfile
from importlib import resources

import torch

from .autoencoders import Autoencoder
from .deep import DeepAutoencoder
from .sparse import PSD, SparseAutoencoder, ThresholdAutoencoder
from .vae import VAE

__all__ = ["MODEL_CLASSES", "save", "load", "pretrained"]

#: The saveable model classes, by the name stored in a checkpoint.
MODEL_CLASSES = {"Autoencoder": Autoencoder, "ThresholdAutoencoder": ThresholdAutoencoder,
                 "SparseAutoencoder": SparseAutoencoder, "PSD": PSD,
                 "DeepAutoencoder": DeepAutoencoder, "VAE": VAE}

_FORMAT = "reprcourse-autoencoder/1"        # the format of the shipped files; VAEs use it too


def save(model, path, *, meta=None, half=False):
    """Write ``model`` to ``path`` atomically (a temporary file, then :func:`os.replace`).

    The file holds the class name, the constructor ``config``, the ``state_dict`` (on the
    CPU; float16 if ``half``, to keep shipped checkpoints small) and ``meta`` (a dict of
    numbers, strings, lists and tensors, e.g. training histories). It is read back with
    ``torch.load(..., weights_only=True)`` before anything is written, so a checkpoint that
    :func:`load` could not read is never written. The same model and meta give the same
    bytes.

    Parameters
    ----------
    model : one of the classes in :data:`MODEL_CLASSES`
    path : str or path-like
    meta : dict, optional
    half : bool

    Raises
    ------
    TypeError
        If ``model``'s class is not in :data:`MODEL_CLASSES` or ``meta`` is not a dict.
    pickle.UnpicklingError
        If ``meta`` holds objects that ``weights_only`` loading refuses (nothing is written).
    """
    name = type(model).__name__
    if MODEL_CLASSES.get(name) is not type(model):
        raise TypeError(f"model must be one of the saveable reprcourse models "
                        f"{sorted(MODEL_CLASSES)}, got {name}; add your class to "
                        f"reprcourse.models.MODEL_CLASSES to save it")
    if meta is not None and not isinstance(meta, dict):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    payload = {"format": _FORMAT, "class": name, "config": dict(model.config),
               "state": state, "meta": dict(meta or {})}
    buffer = io.BytesIO()                  # a buffer, not a file name: torch.save would
    torch.save(payload, buffer)            # store the (random) temporary name in the archive
    blob = buffer.getvalue()
    torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    path = os.fspath(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt",
                               dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(blob)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path, *, device=None, with_meta=False):
    """Read a checkpoint written by :func:`save` (``torch.load(..., weights_only=True)``).

    Parameters
    ----------
    path : str or path-like
    device : str or torch.device, optional
        Where to put the model (CPU by default).
    with_meta : bool
        Also return the checkpoint's ``meta`` dict.

    Returns
    -------
    model : a model of one of the classes in :data:`MODEL_CLASSES`
        In eval mode, float32, on ``device``.
    meta : dict
        Only if ``with_meta``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If the file is not a reprcourse checkpoint or names a class not in
        :data:`MODEL_CLASSES`.
    """
    payload = torch.load(os.fspath(path), map_location="cpu", weights_only=True)
    if not isinstance(payload, dict) or payload.get("format") != _FORMAT:
        raise ValueError(f"{path} is not a reprcourse model checkpoint")
    cls = MODEL_CLASSES.get(payload["class"])
    if cls is None:
        raise ValueError(f"{path} holds an unknown model class {payload['class']!r}; known: "
                         f"{sorted(MODEL_CLASSES)}")
    model = cls(**payload["config"])
    model.load_state_dict(payload["state"])
    model.to(device).eval()
    return (model, payload["meta"]) if with_meta else model


def pretrained(name, *, device=None, with_meta=False):
    """Load a checkpoint shipped in ``reprcourse/assets`` (made by
    ``scripts/train_checkpoints.py``), e.g. ``pretrained("deep_mnist")``.

    Parameters
    ----------
    name : str
        The file name without ``.pt``.
    device, with_meta
        As in :func:`load`.

    Raises
    ------
    ValueError
        If no shipped checkpoint has that name (the message lists those that exist).
    """
    folder = resources.files("reprcourse") / "assets"
    names = sorted(p.name[:-3] for p in folder.iterdir() if p.name.endswith(".pt"))
    if name not in names:
        raise ValueError(f"no shipped checkpoint named {name!r}; available: {names}")
    return load(folder / f"{name}.pt", device=device, with_meta=with_meta)
