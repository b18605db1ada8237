"""The garbage collector, tuned for a long-running server process.

Almost everything a request allocates is freed by reference counting the moment the
request ends; the cyclic collector finds next to nothing (its full collections under load
free zero objects). Left at its defaults it still walks every object alive, which after
start-up means the whole app: the imported modules, the routes, SQLAlchemy's mappers.
Under load that was a full collection of 50 to 70 ms more than once a second, stalling
every request in flight, and about a tenth of the worker's CPU.
"""

from __future__ import annotations

import gc

# Allocations (less deallocations) between two youngest-generation collections; the
# interpreter's default is 700, a few requests' worth.
YOUNG_GENERATION_THRESHOLD = 10_000


def settle_after_start_up() -> None:
    """Keep what start-up built out of every later collection, and collect less often.

    ``gc.freeze()`` moves every object alive now into a permanent generation that the
    collector never walks. Such objects are still freed by reference counting; only a
    reference cycle among them would now outlive its use, and start-up's objects live
    as long as the process anyway.
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)
