"""The render child process: limits itself first, then renders one request.

    python -m apps.exports.render.sandbox --cpu 60 --memory-mb 1536 --out FILE < request.json

CPU time (RLIMIT_CPU) and address space (RLIMIT_AS) are set before the request is even read,
so a hostile document can exhaust only this process. It also asks Linux to kill it when its
parent (the worker) dies. Progress goes to stderr as `progress N` lines, a failure as one
`error <reason>` line and exit status 2.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import logging
import os
import resource
import signal
import sys

PR_SET_PDEATHSIG = 1


def _limit(cpu_seconds: int, memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 2))
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except OSError:
        pass  # not Linux: the wall-clock timeout in the parent still applies


def _progress(percent: int) -> None:
    sys.stderr.write(f"progress {int(percent)}\n")
    sys.stderr.flush()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cpu", type=int, required=True)
    parser.add_argument("--memory-mb", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    _limit(args.cpu, args.memory_mb)
    if os.getppid() == 1:
        return 3  # the parent died before we could ask to follow it
    logging.basicConfig(level=logging.ERROR)
    # WeasyPrint and pypdf warn about harmless details of their own output.
    for name in ("weasyprint", "fontTools", "pypdf"):
        logging.getLogger(name).setLevel(logging.ERROR)
    try:
        request = json.load(sys.stdin)
        from apps.exports.render import render_export

        data = render_export(request, progress=_progress)
        with open(args.out, "wb") as handle:
            handle.write(data)
    except MemoryError:
        sys.stderr.write("error memory limit reached while rendering\n")
        return 2
    except RecursionError:
        sys.stderr.write("error the document is nested too deeply to render\n")
        return 2
    except Exception as exc:  # report any renderer failure as one line to the parent
        if "NO_MEMORY" in str(exc):  # cairo could not allocate a surface under RLIMIT_AS
            sys.stderr.write("error memory limit reached while rendering\n")
            return 2
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:500]
        sys.stderr.write(f"error {reason}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
