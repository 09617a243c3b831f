"""Settings for the gates benchmark server (bench/bench_gates.py).

The project's settings, with a URLconf that adds the bare one-row insert view
used as the baseline for single scans. Both the real endpoints and the bare
view are served by the same gunicorn with the same middleware.
"""

from tuquan.settings import *  # noqa: F403

ROOT_URLCONF = "bench.gates_urls"
