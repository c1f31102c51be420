#!/usr/bin/python3
"""What psutil pays to list processes: psutil.process_iter(['name', 'ppid', 'status']).

Prints one number, the microseconds per process (best of several rounds), which
bm_process_listing compares with the C++ listing. psutil 5.9 keeps the Process objects of
the previous call (psutil._pmap); it is cleared each round to measure a fresh listing,
as the C++ side makes fresh handles.
"""
import time

import psutil


def one_round():
    getattr(psutil, '_pmap', {}).clear()
    start = time.perf_counter()
    count = sum(1 for _ in psutil.process_iter(['name', 'ppid', 'status']))
    return (time.perf_counter() - start) / count


def main():
    one_round()  # warm up: imports, boot time, first /proc scan
    print("%.3f" % (min(one_round() for _ in range(20)) * 1e6))


if __name__ == "__main__":
    main()
