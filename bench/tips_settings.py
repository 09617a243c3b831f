"""Settings for the tip benchmark server (bench/bench_tips.py): the project's,
with the tip channel's knobs taken from the environment the benchmark sets."""

import os

from tuquan.settings import *  # noqa: F403

TUQUAN_TIP_SUBMIT_PER_MINUTE = int(os.environ.get("TUQUAN_TIP_SUBMIT_PER_MINUTE", 600))
TUQUAN_TIP_POW_BITS = int(os.environ.get("TUQUAN_TIP_POW_BITS", 14))
TUQUAN_TIP_SCRYPT_N = int(os.environ.get("TUQUAN_TIP_SCRYPT_N", 2**11))
