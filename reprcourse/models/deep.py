"""Deep autoencoders (chapter 5b): greedy layer-wise pre-training, then fine-tuning.

A :class:`DeepAutoencoder` is a stack of one-hidden-layer
:class:`~reprcourse.models.Autoencoder` s: the encoder runs their encoders in order, the decoder
runs their decoders in reverse. That makes the two training stages of Hinton & Salakhutdinov
(2006) and Bengio et al. (2007) two lines of code:

* :func:`pretrain` trains the layers one at a time (greedy layer-wise): layer 1 to
  reconstruct the data, layer 2 to reconstruct layer 1's codes, and so on;
* :func:`reprcourse.models.train` on the whole model then fine-tunes every weight at once by
  backpropagation through the deep reconstruction.
"""

from __future__ import annotations

import torch

from .._validation import check_choice, check_int
from .autoencoders import ACTIVATIONS, Autoencoder, AutoencoderBase
from .training import model_generator, model_input, train

__all__ = ["DeepAutoencoder", "pretrain"]


class DeepAutoencoder(AutoencoderBase):
    r"""A deep autoencoder ``sizes[0] → sizes[1] → … → sizes[-1] → … → sizes[0]``.

    Layer i is an :class:`~reprcourse.models.Autoencoder` ``(sizes[i], sizes[i+1])``: its
    encoder uses ``activation`` (``code_activation`` for the last one, the code layer), its
    decoder ends in ``output`` for layer 0 (the data) and in ``activation`` for deeper layers
    (they reconstruct hidden activations). Hinton & Salakhutdinov (2006) used logistic units,
    a linear code layer and logistic outputs: the defaults.

    Parameters
    ----------
    sizes : sequence of int >= 1, length >= 2
        Layer widths from the data to the code, e.g. ``(784, 256, 64, 30)``.
    activation, code_activation, output : str
        Names from :data:`reprcourse.models.ACTIVATIONS`.
    tied : bool
        Tie each layer's decoder to its encoder.
    seed : None, int or torch.Generator (CPU)
        One generator initialises the layers in order.
    device : str or torch.device, optional

    Attributes
    ----------
    layers : torch.nn.ModuleList of Autoencoder

    Raises
    ------
    TypeError, ValueError
        On bad sizes or unknown activations.
    """

    def __init__(self, sizes, *, activation="sigmoid", code_activation="linear",
                 output="sigmoid", tied=False, seed=None, device=None):
        super().__init__()
        if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__") or len(sizes) < 2:
            raise ValueError(f"sizes must be a sequence of at least 2 layer widths, got {sizes!r}")
        sizes = [check_int(s, f"sizes[{i}]", low=1) for i, s in enumerate(sizes)]
        for name, value in (("activation", activation), ("code_activation", code_activation),
                            ("output", output)):
            check_choice(value, name, tuple(ACTIVATIONS))
        self.config = dict(sizes=sizes, activation=activation, code_activation=code_activation,
                           output=output, tied=bool(tied))
        gen = model_generator(seed, "cpu")
        n = len(sizes) - 1
        self.layers = torch.nn.ModuleList(
            Autoencoder(sizes[i], sizes[i + 1], tied=tied,
                        activation=code_activation if i == n - 1 else activation,
                        output=output if i == 0 else activation, seed=gen)
            for i in range(n))
        self.to(device)

    def encoder(self, x):
        for layer in self.layers:
            x = layer.encoder(x)                       # (b, sizes[i]) -> (b, sizes[i+1])
        return x

    def decoder(self, z):
        for layer in reversed(self.layers):
            z = layer.decoder(z)                       # (b, sizes[i+1]) -> (b, sizes[i])
        return z


def pretrain(model, data, *, loss="mse", epochs=10, batch_size=128, lr=1e-3, seed=None,
             corruption=None, progress=True, device=None) -> list[list[float]]:
    """Greedy layer-wise pre-training of a :class:`DeepAutoencoder` (Bengio et al. 2007).

    Layer 0 is trained by :func:`~reprcourse.models.train` to reconstruct ``data`` with
    ``loss``; layer i > 0 to reconstruct the codes of layers 0..i-1 (frozen) with the squared
    loss. With ``corruption`` every layer is a denoising autoencoder of its input (stacked
    denoising autoencoders, Vincent et al. 2010). Fine-tune afterwards with
    ``train(model, data, ...)``.

    Parameters
    ----------
    model : DeepAutoencoder
    data : array or tensor of shape (n_samples, sizes[0])
    loss : {"mse", "bce"}
        Loss of the first layer (the data's likelihood).
    epochs, batch_size, lr, corruption, progress, device
        As in :func:`~reprcourse.models.train`, for every layer.
    seed : None, int or torch.Generator
        Layer i uses ``seed + i`` (or the one generator throughout).

    Returns
    -------
    list of list of float
        The per-epoch loss history of each layer.

    Raises
    ------
    TypeError
        If ``model`` is not a DeepAutoencoder.
    ValueError
        If ``data`` does not have ``sizes[0]`` features, or on bad settings.
    """
    if not isinstance(model, DeepAutoencoder):
        raise TypeError(f"model must be a DeepAutoencoder, got {type(model).__name__}")
    if device is not None:
        model.to(device)
    _, h = model_input(data, model, name="data")                     # (n, sizes[0])
    histories = []
    for i, layer in enumerate(model.layers):
        layer_seed = seed + i if isinstance(seed, int) and not isinstance(seed, bool) else seed
        histories.append(train(layer, h, loss=loss if i == 0 else "mse", epochs=epochs,
                               batch_size=batch_size, lr=lr, seed=layer_seed,
                               corruption=corruption, progress=progress))
        with torch.no_grad():
            h = layer.encoder(h)                                       # (n, sizes[i+1])
    model.eval()
    return histories
