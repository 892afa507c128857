"""No hidden global state (issue 23): importing any module of the package changes no
matplotlib rcParams, no torch thread count and no random state; the course style is applied by
an explicit call (or a context) only."""

import json
import pkgutil
import subprocess
import sys

import matplotlib as mpl

import reprcourse
from reprcourse.figures import STYLE, course_style, use_course_style

MODULES = sorted(m.name for m in pkgutil.walk_packages(reprcourse.__path__, "reprcourse."))

PROBE = """
import json, sys
import matplotlib as mpl, numpy as np, torch, random
np.random.seed(0); torch.manual_seed(0); random.seed(0)
before = dict(mpl.rcParams); threads = torch.get_num_threads()
import importlib
for name in sys.argv[1:]:
    importlib.import_module(name)
changed = sorted(k for k, v in mpl.rcParams.items() if before[k] != v)
print(json.dumps({"rc": changed, "threads": [threads, torch.get_num_threads()],
                  "np": float(np.random.random()), "torch": float(torch.rand(1)),
                  "py": random.random()}))
"""


def probe(modules):
    out = subprocess.run([sys.executable, "-c", PROBE, *modules], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_importing_every_module_changes_no_global_state():
    assert len(MODULES) > 20
    clean, loaded = probe([]), probe(MODULES)
    assert loaded["rc"] == [], f"rcParams changed on import: {loaded['rc']}"
    assert loaded["threads"][0] == loaded["threads"][1]
    for key in ("np", "torch", "py"):                      # no generator was drawn from
        assert loaded[key] == clean[key], key


def test_course_style_is_a_context_and_use_course_style_is_explicit():
    key = "legend.frameon"
    assert STYLE[key] is False
    with mpl.rc_context({key: True}):
        with course_style():
            assert mpl.rcParams[key] is False
        assert mpl.rcParams[key] is True                    # restored on exit
        use_course_style(retina=False)
        assert mpl.rcParams[key] is False                   # applied only when asked
