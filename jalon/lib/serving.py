"""What both entry points (WSGI and ASGI) set up for serving requests."""

import gc


def tune_garbage_collector() -> None:
    # A large page (a programme of 100 indicators x 10 periods) builds some 50,000 objects that live until
    # its response is sent. With Python's default thresholds (700, 10, 10) many of them are promoted on the
    # way and one request in eight paid for a full collection of the whole heap, about 100 ms. Collecting
    # the youngest generation every 50,000 allocations instead lets them die young (bench/README.md).
    gc.set_threshold(50_000, 10, 10)
