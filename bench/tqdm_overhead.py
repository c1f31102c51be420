"""What tqdm costs per iteration, for bm_progress to compare with ours.

Times a bare `for i in range(N)` loop and the same loop wrapped in tqdm writing to
os.devnull (tqdm's defaults otherwise: mininterval 0.1 s, dynamic miniters, smoothing
0.3), best of 5 runs each, and prints three numbers in nanoseconds per iteration:
the overhead (tqdm minus bare), the tqdm loop, the bare loop.
Run it with /usr/bin/python3, which has tqdm 4.64.1.
"""
import os
import time

from tqdm import tqdm

N = 2_000_000


def best_of(runs, loop):
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        loop()
        best = min(best, time.perf_counter() - start)
    return best / N * 1e9


def bare():
    for _ in range(N):
        pass


def with_tqdm():
    with open(os.devnull, "w") as sink:
        for _ in tqdm(range(N), file=sink):
            pass


if __name__ == "__main__":
    bare_ns = best_of(5, bare)
    tqdm_ns = best_of(5, with_tqdm)
    print(f"{tqdm_ns - bare_ns:.3f} {tqdm_ns:.3f} {bare_ns:.3f}")
