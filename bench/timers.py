"""Time single runs of a benchmark kernel.

A host executable (native or wastrel-compiled) is timed as a subprocess,
wall clock from spawn to exit.  A wasm module is timed inside wasmtime's
Python API: the module is compiled once up front, and each run measures
instantiation plus `_start`.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import wasmtime


class RunError(Exception):
    """A kernel exited with a non-zero status or trapped."""


@dataclass(frozen=True)
class Timing:
    seconds: float
    stdout: str


def time_executable(executable: Path, args: list[str]) -> Timing:
    started = time.perf_counter()
    result = subprocess.run([str(executable), *args], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RunError(f"{executable.name} exited with {result.returncode}:\n{result.stderr}")
    return Timing(seconds, result.stdout)


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
        started = time.perf_counter()
        try:
            start = linker.instantiate(store, self._module).exports(store)["_start"]
            assert isinstance(start, wasmtime.Func)
            start(store)
        except wasmtime.ExitTrap as exit_trap:
            if exit_trap.code != 0:
                raise RunError(f"{self._name} exited with {exit_trap.code} under wasmtime") from None
        except wasmtime.Trap as trap:
            raise RunError(f"{self._name} trapped under wasmtime: {trap}") from None
        seconds = time.perf_counter() - started
        return Timing(seconds, self._stdout.read_text())
