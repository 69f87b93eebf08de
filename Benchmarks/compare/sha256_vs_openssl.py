#!/usr/bin/env python3
"""SHA-256 of files in the page cache: swift-mlops (HashCompare, a plain release build) against
`openssl dgst -sha256`, side by side in the same run, interleaved rounds, medians and ratios.

    python3 Benchmarks/compare/sha256_vs_openssl.py [--size-mib 1024] [--rounds 5]

Prints the CPU model, the kernels' instruction set, MB/s of each side, the ratio, and the scaling of
two files on two threads against one. Both sides must produce the same digests.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from _harness import build_swift
from _markdown import cpu_model


def make_file(path: str, size: int) -> None:
    chunk = os.urandom(1 << 20)
    with open(path, "wb") as handle:
        for _ in range(size >> 20):
            handle.write(chunk)
    with open(path, "rb") as handle:  # into the page cache
        while handle.read(1 << 24):
            pass


def openssl(path: str) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(["openssl", "dgst", "-sha256", "-r", path], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, out.stdout.split()[0]


def mlops(binary: str, paths: list[str]) -> dict:
    out = subprocess.run([binary, *paths], check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    binary = build_swift("HashCompare")
    size = args.size_mib << 20
    with tempfile.TemporaryDirectory() as directory:
        first, second = os.path.join(directory, "a.bin"), os.path.join(directory, "b.bin")
        make_file(first, size)
        make_file(second, size)
        ours, theirs, pair = [], [], []
        isa = ""
        for _ in range(args.rounds):
            seconds, digest = openssl(first)
            theirs.append(seconds)
            result = mlops(binary, [first])
            isa = result["isa"]
            if result["digests"][0] != digest:
                print(f"error: digests differ: {result['digests'][0]} vs openssl {digest}", file=sys.stderr)
                return 1
            ours.append(result["seconds"])
            pair.append(mlops(binary, [first, second])["seconds"])
    mb = size / 1e6
    ours_rate = mb / statistics.median(ours)
    theirs_rate = mb / statistics.median(theirs)
    scaling = 2 * statistics.median(ours) / statistics.median(pair)
    print(f"CPU: {cpu_model()}; swift-mlops kernels: {isa}; {args.size_mib} MiB per file, median of {args.rounds}")
    print(f"| | MB/s (1 thread) |\n|---|---|\n| swift-mlops SHA256.hash(fileAt:) | {ours_rate:,.0f} |")
    print(f"| openssl dgst -sha256 | {theirs_rate:,.0f} |")
    print(f"ratio swift-mlops / openssl: {ours_rate / theirs_rate:.2f}x")
    print(f"two files on two threads: {scaling:.2f}x one file's throughput")
    return 0


if __name__ == "__main__":
    sys.exit(main())
