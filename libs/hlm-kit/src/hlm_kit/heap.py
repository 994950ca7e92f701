"""How a server process's garbage collector runs once the app has started.

CPython's cycle collector runs its youngest generation every 700 allocations (net of frees) and now and
then walks every object the process holds: the imported modules, the app, its schema and models, some
hundreds of thousands of objects that live as long as the process. Under ``bench/gateway.py``'s load the
collector took 15% of the gateway's CPU, start-up included: young collections walking what every request
in flight held, and full ones of about 90 ms each, which every request waiting behind one felt as
latency (gateway/README.md, "What the home screen costs the gateway").
"""

from __future__ import annotations

import gc

# Allocations (net of frees) between two collections of the youngest generation, and how many collections
# of one generation make one of the next. Nearly all of a request's objects are freed by their reference
# counts before 20,000 more are made, so a young collection finds little to do; the older generations,
# which hold only what outlived those, are collected more rarely still.
YOUNG_THRESHOLD = 20_000
MIDDLE_THRESHOLD = 50
OLD_THRESHOLD = 100

_settled = False


def settle() -> None:
    """Once per process, when the app has started: collect what starting left behind, move every object
    that remains (modules, the app, its schema) out of the collector's sight for good (``gc.freeze``), and
    collect less often from then on. Calling it again does nothing, so a process that builds many apps (a
    test run) freezes only what it held when the first one started."""
    global _settled
    if _settled:
        return
    _settled = True
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
