"""What decides the last bits on this machine: what a student compares before comparing numbers with a classmate.

Kernel order equals nn.RNN on any machine, because it makes nn.RNN's own calls. But nn.RNN's own bits (and so the
textbook order's distance from them) depend on the BLAS library, the CPU features it uses and the thread count.
"""

from __future__ import annotations

import os
import platform
import re
from dataclasses import asdict, dataclass

# Environment variables that change which code path MKL, OpenMP or ATen take, and so possibly the last bits.
PATH_VARIABLES = ("MKL_ENABLE_INSTRUCTIONS", "MKL_CBWR", "ATEN_CPU_CAPABILITY", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class NumericEnvironment:
    torch: str
    blas: str  # e.g. "MKL 2024.2"
    cpu_capability: str  # the vector instructions ATen's own kernels use: DEFAULT, AVX2, AVX512, …
    threads: int
    cpu: str
    variables: dict[str, str]  # those of PATH_VARIABLES that are set

    def describe(self, threads: str = "{0} threads") -> str:
        """One line, e.g. `torch 2.13.0, MKL 2024.2, AVX2, 2 threads, AMD EPYC`. `threads`: the thread count's
        words, in the reader's language."""
        parts = [f"torch {self.torch}", self.blas, self.cpu_capability, threads.format(self.threads), self.cpu]
        parts += [f"{name}={value}" for name, value in self.variables.items()]
        return ", ".join(p for p in parts if p)

    def to_dict(self) -> dict:
        return asdict(self)


def numeric_environment() -> NumericEnvironment:
    import torch

    return NumericEnvironment(
        torch=torch.__version__,
        blas=blas_name(torch.__config__.show()),
        cpu_capability=torch.backends.cpu.get_cpu_capability(),
        threads=torch.get_num_threads(),
        cpu=cpu_name(),
        variables={name: os.environ[name] for name in PATH_VARIABLES if name in os.environ},
    )


def blas_name(config: str) -> str:
    """The BLAS library named in `torch.__config__.show()`: MKL with its version, else what BLAS_INFO says."""
    mkl = re.search(r"Math Kernel Library Version (\d+(?:\.\d+)*)", config)
    if mkl:
        return f"MKL {mkl.group(1)}"
    info = re.search(r"BLAS_INFO=(\w+)", config)
    names = {"open": "OpenBLAS", "accelerate": "Accelerate", "mkl": "MKL", "flexi": "FlexiBLAS", "blis": "BLIS"}
    return names.get(info.group(1), info.group(1)) if info else "unknown BLAS"


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()
