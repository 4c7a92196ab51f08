"""Time single runs of a benchmark kernel, in CPU time and in wall-clock time.

CPU time (user + system, all threads) is steady on a busy machine; wall
time is what a user waits.  A host executable (native or wastrel-compiled)
runs as a subprocess, timed from spawn to exit with its resource usage.  A
wasm module runs inside wasmtime's Python API: the module is compiled once
up front, and each run measures instantiation plus `_start` in this process.
"""

from __future__ import annotations

import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import wasmtime


class RunError(Exception):
    """A kernel exited with a non-zero status or trapped."""


@dataclass(frozen=True)
class Timing:
    cpu_seconds: float
    wall_seconds: float
    stdout: str


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_executable(executable: Path, args: list[str]) -> Timing:
    cpu_before, started = _children_cpu_seconds(), time.perf_counter()
    result = subprocess.run([str(executable), *args], capture_output=True, text=True)
    wall, cpu = time.perf_counter() - started, _children_cpu_seconds() - cpu_before
    if result.returncode != 0:
        raise RunError(f"{executable.name} exited with {result.returncode}:\n{result.stderr}")
    return Timing(cpu, wall, result.stdout)


class WasmtimeRunner:
    """Runs one WASI command module repeatedly; its stdout goes through `work_dir`."""

    def __init__(self, module: Path, work_dir: Path) -> None:
        self._engine = wasmtime.Engine()
        self._module = wasmtime.Module.from_file(self._engine, str(module))
        self._name = module.name
        self._stdout = work_dir / f"{module.stem}.wasmtime-stdout"

    def run(self, args: list[str]) -> Timing:
        config = wasmtime.WasiConfig()
        config.argv = [self._name, *args]
        config.stdout_file = str(self._stdout)
        config.inherit_stderr()
        store = wasmtime.Store(self._engine)
        store.set_wasi(config)
        linker = wasmtime.Linker(self._engine)
        linker.define_wasi()
        cpu_before, started = time.process_time(), time.perf_counter()
        try:
            start = linker.instantiate(store, self._module).exports(store)["_start"]
            assert isinstance(start, wasmtime.Func)
            start(store)
        except wasmtime.ExitTrap as exit_trap:
            if exit_trap.code != 0:
                raise RunError(f"{self._name} exited with {exit_trap.code} under wasmtime") from None
        except wasmtime.Trap as trap:
            raise RunError(f"{self._name} trapped under wasmtime: {trap}") from None
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_before
        return Timing(cpu, wall, self._stdout.read_text())
