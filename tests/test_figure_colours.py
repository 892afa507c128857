"""Colour never carries meaning alone, and the course palette survives the common colour-vision
deficiencies (issue 25): pairs of objects that share a figure stay distinguishable after a
simulation of protanopia, deuteranopia and tritanopia (Machado, Oliveira & Fernandes 2009,
severity 1), measured as a CIELAB distance."""

import numpy as np
import pytest

from reprcourse.figures import core

#: Machado et al. (2009) simulation matrices, applied to linear RGB.
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}
#: Objects drawn in the same figure somewhere in the course.
PAIRS = [("ista", "fista"), ("true", "estimate"), ("pca", "kmeans"), ("pca", "autoencoder"),
         ("autoencoder", "vae"), ("fista", "sklearn"), ("ista", "sklearn"), ("data", "estimate"),
         ("data", "true"), ("pca", "estimate"), ("pca", "vae")]
#: A CIELAB distance (ΔE*76) below this is hard to tell apart in a thin line.
MIN_DELTA_E = 20.0


def to_linear(hex_colour):
    rgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(linear):
    """CIELAB of a linear sRGB colour (D65)."""
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(linear, 0, 1)
    xyz /= np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a, b, matrix=None):
    m = np.eye(3) if matrix is None else np.array(matrix)
    return float(np.linalg.norm(lab(m @ to_linear(a)) - lab(m @ to_linear(b))))


def test_simulation_sees_what_it_should():
    """Guard: red and green merge under deuteranopia, blue and orange do not."""
    assert delta_e("#ff0000", "#00a000", MACHADO["deuteranopia"]) < MIN_DELTA_E
    assert delta_e("#0072B2", "#E69F00", MACHADO["deuteranopia"]) > MIN_DELTA_E


@pytest.mark.parametrize("deficiency", list(MACHADO))
@pytest.mark.parametrize("a, b", PAIRS)
def test_paired_course_colours_stay_apart(a, b, deficiency):
    d = delta_e(core.COLORS[a], core.COLORS[b], MACHADO[deficiency])
    assert d >= MIN_DELTA_E, f"{a} vs {b} under {deficiency}: ΔE = {d:.1f}"


def test_okabe_ito_neighbours_stay_apart_for_deuteranopes():
    colours = core.OKABE_ITO[:6]                                   # the ones used for lines
    for i, a in enumerate(colours):
        for b in colours[i + 1:]:
            assert delta_e(a, b, MACHADO["deuteranopia"]) >= 10.0, (a, b)
