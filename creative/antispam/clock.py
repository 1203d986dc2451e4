"""The one clock of the anti-spam layers (seconds since the epoch).

Form timestamps and rate-limit windows read it through `clock.now()`, so tests move time
by monkeypatching this function instead of sleeping.
"""

import time


def now():
    return time.time()
