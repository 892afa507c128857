"""Shared fixtures."""

import os

import pytest
import torch
from hypothesis import settings

# Property tests draw the same examples on every run, so `make test` passes or fails the same
# way on every machine; HYPOTHESIS_PROFILE=explore draws fresh ones (to hunt for new bugs).
settings.register_profile("ci", derandomize=True)
settings.register_profile("explore", derandomize=False, max_examples=200)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny problems: one intra-op thread is fastest and avoids OpenMP spin-waits on a busy
    2-core machine. Use with ``pytestmark = pytest.mark.usefixtures("one_torch_thread")``."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
