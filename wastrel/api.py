"""wastrel as a Python library: load a module, instantiate it, call its exports.

    import wastrel
    module = wastrel.load("fib.wat")                # a path, or the bytes of a .wasm or .wat
    instance = module.instantiate(imports={"env": {"log": print}})
    instance.exports.fib(30)                        # also instance.exports["fib"]
    instance.exports.memory.read(0, 16)             # bytes; .write(offset, data); .size

Under it is native code: the module goes through the same pipeline as
`wastrel run`, c-print writes it for embedding (its imports from the host
through trampolines, backend_c/linking.EmbedLinker) and the C compiler
makes it a shared object, cached like programs.  The runtime is a shared
library of its own (libwastrel.so), loaded once; each instance loads its
own copy of the module's shared object, so that instances of one module
have their own state (a module's instance state is static C).  Calls run
on the caller's thread but on the runtime's Wasm stack (runtime/embed.c),
whose guard makes deep recursion a trap, never a crash.

Values are converted by the export's type: i32 and i64 from and to Python
ints (arguments wrap, results are signed, as wasmtime's), f32 and f64
from and to floats; a reference (funcref, externref, anyref, ...) is None
for null, else an opaque `Ref` that can be passed back; a Python object
given for an externref comes back as itself.  A trap raises `Trap` with the
spec's message; the instance stays usable, as the spec says.  `proc_exit`
raises `Exit`.  A host function is any Python callable; if it raises, the
call traps ("host function failed") and the exception is raised again by
the call into Wasm, chained.

WASI: an instance whose module imports wasi_snapshot_preview1 gets it, with
the arguments, environment and directories of `WasiConfig` (directories
through openat2's RESOLVE_BENEATH, not a namespace: the process is the
host's).  WASI's state (descriptors, arguments) is one per process.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wastrel.backend_c.c_print import ModulePrinter
from wastrel.backend_c.linking import EmbedLinker, LinkError
from wastrel.backend_c.toolchain import Toolchain, build_shared_object, compiler_digest, runtime_library
from wastrel.deep import run_deep
from wastrel.frontend.decode import decode_module
from wastrel.frontend.errors import WasmError
from wastrel.frontend.text import read_module_text
from wastrel.ir.wasm import Module as WasmModule
from wastrel.passes.manager import RunOptions, build_pipeline, run_pipeline

__all__ = ["load", "Module", "Instance", "Exports", "Function", "Memory", "Ref", "Trap", "Exit", "WasiConfig", "LinkError", "WasmError"]


class Trap(Exception):
    """A trap in Wasm code: `message` is the spec's (\"integer divide by zero\", ...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Exit(Exception):
    """The module called WASI's proc_exit."""

    def __init__(self, status: int) -> None:
        super().__init__(f"exit status {status}")
        self.status = status


@dataclass
class WasiConfig:
    """What a WASI instance sees: its arguments, environment ("K=V" or a
    mapping) and directories (guest name -> host path, or host paths
    preopened under their own names)."""

    argv: list[str] = field(default_factory=lambda: ["wasm"])
    env: Mapping[str, str] | Iterable[str] = ()
    dirs: Mapping[str, str] | Iterable[str] = ()


class Ref:
    """A non-null reference from Wasm code (a function, an object, ...),
    opaque: it can only be passed back.  While it lives, the object it
    refers to does too (the runtime holds it for the collector)."""

    __slots__ = ("address", "_slot", "__weakref__")

    def __init__(self, address: int) -> None:
        self.address = address
        self._slot = _runtime.w_embed_hold(address) if _runtime is not None else None

    def __del__(self) -> None:
        if self._slot is not None and _runtime is not None:
            _runtime.w_embed_release(self._slot)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ref) and other.address == self.address

    def __hash__(self) -> int:
        return hash(self.address)

    def __repr__(self) -> str:
        return f"<wastrel.Ref {self.address:#x}>"


# -- the runtime, loaded once -------------------------------------------------------


class _Value(ctypes.Union):
    _fields_ = [
        ("i32", ctypes.c_uint32), ("i64", ctypes.c_uint64), ("f32", ctypes.c_float), ("f64", ctypes.c_double),
        ("ref", ctypes.c_void_p), ("v128", ctypes.c_uint8 * 16),
    ]  # fmt: skip


assert ctypes.sizeof(_Value) == 16

_HOST = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
_THUNK = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p)
_OK, _TRAP, _EXIT, _EXCEPTION = range(4)


class _Export(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("params", ctypes.c_char_p), ("results", ctypes.c_char_p), ("thunk", ctypes.c_void_p)]


class _MemoryExport(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("memory", ctypes.c_void_p)]


class _MemoryState(ctypes.Structure):  # w_memory (runtime/wastrel.h)
    _fields_ = [("base", ctypes.c_void_p), ("size", ctypes.c_uint64), ("max_pages", ctypes.c_uint64)]


_runtime_lock = threading.Lock()
_runtime: ctypes.CDLL | None = None


def _runtime_library(toolchain: Toolchain) -> ctypes.CDLL:
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            lib = ctypes.CDLL(str(runtime_library(toolchain)), mode=ctypes.RTLD_GLOBAL)
            status = ctypes.POINTER(ctypes.c_int)
            lib.w_embed_call.argtypes = [*[ctypes.c_void_p] * 4, ctypes.c_char_p, ctypes.c_size_t, status]
            lib.w_embed_instantiate.argtypes = [*[ctypes.c_void_p] * 2, ctypes.c_char_p, ctypes.c_size_t, status]
            strings, ints = ctypes.POINTER(ctypes.c_char_p), ctypes.POINTER(ctypes.c_int)
            lib.w_embed_wasi_new.argtypes = [ctypes.c_int, strings, ctypes.c_int, strings, ctypes.c_int, ints, strings]
            lib.w_embed_wasi_new.restype = ctypes.c_void_p
            lib.w_memory_grow.argtypes = [ctypes.c_void_p, ctypes.c_uint32]
            lib.w_memory_grow.restype = ctypes.c_uint32
            lib.w_embed_hold.argtypes = [ctypes.c_void_p]
            lib.w_embed_hold.restype = ctypes.c_uint32
            lib.w_embed_release.argtypes = [ctypes.c_uint32]
            _runtime = lib
        return _runtime


# -- modules ---------------------------------------------------------------------------


def load(source: str | os.PathLike[str] | bytes, toolchain: Toolchain | None = None) -> Module:
    """A module from a path (.wasm or .wat) or from bytes (binary, or text)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = "<bytes>"
    else:
        path = Path(source)
        data = path.read_bytes()
        name = str(path)
    return Module(data, name, toolchain or Toolchain())


def _read(data: bytes) -> WasmModule:
    if data[:4] == b"\0asm":
        return decode_module(data)
    return read_module_text(data.decode("utf-8"))


class Module:
    """A compiled module, ready to be instantiated any number of times."""

    def __init__(self, data: bytes, name: str, toolchain: Toolchain) -> None:
        self.name = name
        self._toolchain = toolchain
        key = hashlib.sha256(b"embed\0" + data + b"\0" + toolchain.identity().encode() + compiler_digest().encode()).hexdigest()[:32]
        try:
            self._wasm, self._host_types, c_module = run_deep(lambda: _compile(data))
        except WasmError as e:
            raise WasmError(e.kind, f"{name}: {e.message}", e.offset, line=e.line, column=e.column) from None
        self._shared_object = build_shared_object(c_module, key, toolchain)

    @property
    def imports(self) -> list[tuple[str, str, str]]:
        """(module, name, kind) of each import."""
        return [(i.module, i.name, i.kind) for i in self._wasm.imports]

    @property
    def exports(self) -> list[tuple[str, str]]:
        """(name, kind) of each export."""
        return [(e.name, e.kind) for e in self._wasm.exports]

    def instantiate(self, imports: Mapping[str, Mapping[str, Callable[..., Any]]] | None = None, wasi: WasiConfig | None = None) -> Instance:
        return Instance(self, imports or {}, wasi)


def _compile(data: bytes) -> tuple[WasmModule, list[tuple[str, str, Any]], Any]:
    """The module, its host imports (module, name, type) and its C for
    embedding (run_deep: no depth limit, the cyclic collector paused)."""
    wasm = _read(data)
    names = [p.name for p in build_pipeline()]
    program = run_pipeline(wasm, RunOptions(stop_after=names[names.index("c-print") - 1]), start_after="decode")
    linker = EmbedLinker()
    c_module = ModulePrinter(program, linker=linker).c_module()  # (LinkError: an import a host cannot give)
    from wastrel.backend_c.host import HOST_FUNCTIONS  # (the runtime's: WASI, bench)

    functions = [i for i in wasm.imports if i.kind == "func" and (i.module, i.name) not in HOST_FUNCTIONS]
    host = [(i.module, i.name, ftype) for i, (_, ftype) in zip(functions, linker.host_imports)]
    return wasm, host, c_module


# -- instances -------------------------------------------------------------------------

_LETTER_OF = {"i32": "i", "i64": "I", "f32": "f", "f64": "F", "v128": "V"}
_copies = tempfile.mkdtemp(prefix="wastrel-instances-")  # each instance's copy of its module's shared object
_externs: dict[int, object] = {}  # host reference number -> the Python object given for an externref
_extern_numbers: dict[int, int] = {}  # id(object) -> its number


def _host_ref(obj: object) -> int:
    """The word for a Python object passed as an externref (W_HOST_REF)."""
    number = _extern_numbers.setdefault(id(obj), len(_extern_numbers))
    _externs[number] = obj
    return (number + 1) << 1


class Instance:
    """An instance of a module: its own memories, tables, globals."""

    def __init__(self, module: Module, imports: Mapping[str, Mapping[str, Callable[..., Any]]], wasi: WasiConfig | None) -> None:
        runtime = _runtime_library(module._toolchain)
        self._runtime = runtime
        copy = Path(tempfile.mkstemp(dir=_copies, suffix=".so")[1])
        shutil.copyfile(module._shared_object, copy)
        self._lib = ctypes.CDLL(str(copy), mode=ctypes.RTLD_LOCAL)
        os.unlink(copy)  # (loaded: the file is no longer needed)
        self._failure: BaseException | None = None
        self._callbacks = []
        hosts = (ctypes.c_void_p * max(len(module._host_types), 1)).in_dll(self._lib, "w_embed_hosts")
        for k, (mod, name, ftype) in enumerate(module._host_types):
            function = imports.get(mod, {}).get(name)
            if function is None:
                raise LinkError(f"unknown import: {mod}.{name} (not in `imports`)")
            callback = _HOST(self._host_function(function, ftype))
            self._callbacks.append(callback)
            hosts[k] = ctypes.cast(callback, ctypes.c_void_p)
        self._wasi = None
        if any(i.module == "wasi_snapshot_preview1" for i in module._wasm.imports):
            self._wasi, self._wasi_strings = _wasi_state(runtime, wasi or WasiConfig())
        message = ctypes.create_string_buffer(128)
        status = ctypes.c_int(0)
        instantiate = ctypes.cast(self._lib.w_program_instantiate, ctypes.c_void_p)
        result = runtime.w_embed_instantiate(instantiate, self._wasi, message, len(message), ctypes.byref(status))
        self._memories = {}
        for entry in _table(self._lib, "w_program_memories", _MemoryExport):
            self._memories[entry.name.decode()] = Memory(entry.memory, runtime)
        self._raise(result, message, status)
        functions = {entry.name.decode(): Function(self, entry) for entry in _table(self._lib, "w_program_exports", _Export)}
        self.exports = Exports({**functions, **self._memories})

    def _host_function(self, function: Callable[..., Any], ftype: Any) -> Callable[[int, int], int]:
        params, results = ftype.params, ftype.results

        def call(args: int, out: int) -> int:
            try:
                values = (_Value * max(len(params), 1)).from_address(args)
                result = function(*(_from_value(t, values[i]) for i, t in enumerate(params)))
                if results:
                    outs = (_Value * len(results)).from_address(out)
                    items = [result] if len(results) == 1 else list(result)
                    if len(items) != len(results):
                        raise TypeError(f"host function returned {len(items)} values, expected {len(results)}")
                    for i, (t, v) in enumerate(zip(results, items)):
                        _to_value(t, v, outs[i])
                return 0
            except BaseException as e:  # the call traps; Function.__call__ raises it again
                self._failure = e
                return 1

        return call

    def _raise(self, result: int, message: ctypes.Array, status: ctypes.c_int) -> None:
        if result == _OK:
            return
        failure, self._failure = self._failure, None
        if result == _TRAP:
            trap = Trap(message.value.decode())
            if failure is not None:
                raise trap from failure
            raise trap
        if result == _EXIT:
            raise Exit(status.value)
        raise Trap("uncaught exception")


def _table(lib: ctypes.CDLL, name: str, entry_type: type) -> list:
    """The entries of a NULL-terminated table the module's C defines."""
    address = ctypes.addressof(entry_type.in_dll(lib, name))
    entries = []
    while True:
        entry = entry_type.from_address(address + len(entries) * ctypes.sizeof(entry_type))
        if not entry.name:
            return entries
        entries.append(entry)


def _wasi_state(runtime: ctypes.CDLL, config: WasiConfig) -> tuple[int, tuple[ctypes.Array, ...]]:
    """A WASI state of its own for an instance (runtime/embed.c), and the
    strings it refers to (to be kept alive with the instance)."""
    argv = [os.fsencode(a) for a in config.argv]
    env_items = config.env.items() if isinstance(config.env, Mapping) else (item.split("=", 1) for item in config.env)
    env = [os.fsencode(f"{k}={v}") for k, v in env_items]
    dirs = list(config.dirs.items() if isinstance(config.dirs, Mapping) else ((d, d) for d in config.dirs))
    descriptors = [os.open(host, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC) for _, host in dirs]
    strings = (
        (ctypes.c_char_p * (len(argv) + 1))(*argv),
        (ctypes.c_char_p * (len(env) + 1))(*env),
        (ctypes.c_char_p * (len(dirs) + 1))(*(os.fsencode(guest) for guest, _ in dirs)),
    )
    fds = (ctypes.c_int * (len(dirs) + 1))(*descriptors)
    state = runtime.w_embed_wasi_new(len(argv), strings[0], len(env), strings[1], len(dirs), fds, strings[2])
    if not state:
        raise MemoryError("no memory for a WASI instance")
    return state, strings


class Exports:
    """An instance's exports, by attribute or by name."""

    def __init__(self, items: dict[str, Any]) -> None:
        self._items = items

    def __getattr__(self, name: str) -> Any:
        try:
            return self._items[name]
        except KeyError:
            raise AttributeError(f"no export named {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._items[name]

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class Function:
    """An exported function; calling it converts arguments and results by its type."""

    def __init__(self, instance: Instance, entry: _Export) -> None:
        self._instance = instance
        self.name = entry.name.decode()
        self.params = entry.params.decode()
        self.results = entry.results.decode()
        self._thunk = entry.thunk
        # 16-byte aligned w_value arrays (a v128 member is read with aligned loads)
        self._buffer = ctypes.create_string_buffer(16 * (len(self.params) + len(self.results) + 2) + 16)
        base = (ctypes.addressof(self._buffer) + 15) & ~15
        self._args = (_Value * max(len(self.params), 1)).from_address(base)
        self._out = (_Value * max(len(self.results), 1)).from_address(base + 16 * max(len(self.params), 1))
        self._message = ctypes.create_string_buffer(128)
        self._status = ctypes.c_int(0)

    def __call__(self, *args: Any) -> Any:
        if len(args) != len(self.params):
            raise TypeError(f"{self.name} takes {len(self.params)} arguments, got {len(args)}")
        for i, (letter, value) in enumerate(zip(self.params, args)):
            _to_value(letter, value, self._args[i])
        instance = self._instance
        result = instance._runtime.w_embed_call(
            self._thunk, ctypes.addressof(self._args), ctypes.addressof(self._out), instance._wasi,
            self._message, len(self._message), ctypes.byref(self._status),
        )  # fmt: skip
        instance._raise(result, self._message, self._status)
        values = [_from_value(letter, self._out[i]) for i, letter in enumerate(self.results)]
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)

    def __repr__(self) -> str:
        return f"<wastrel.Function {self.name} [{self.params}] -> [{self.results}]>"


class Memory:
    """An exported linear memory."""

    def __init__(self, address: int, runtime: ctypes.CDLL) -> None:
        self._address = address
        self._state = _MemoryState.from_address(address)
        self._runtime = runtime

    @property
    def size(self) -> int:
        """Its size in bytes."""
        return self._state.size

    @property
    def pages(self) -> int:
        return self._state.size >> 16

    def _check(self, offset: int, length: int) -> None:
        if offset < 0 or length < 0 or offset + length > self._state.size:
            raise IndexError(f"bytes [{offset}, {offset + length}) are outside the memory of {self._state.size} bytes")

    def read(self, offset: int, length: int) -> bytes:
        self._check(offset, length)
        return ctypes.string_at(self._state.base + offset, length)

    def write(self, offset: int, data: bytes) -> None:
        self._check(offset, len(data))
        ctypes.memmove(self._state.base + offset, bytes(data), len(data))

    def grow(self, pages: int) -> int:
        """memory.grow: the old size in pages, or -1."""
        old = self._runtime.w_memory_grow(self._address, pages)
        return -1 if old == 0xFFFFFFFF else old


# -- values ------------------------------------------------------------------------------


def _letter(t: str) -> str:
    from wastrel.backend_c.names import TYPE_LETTER

    return _LETTER_OF.get(t) or TYPE_LETTER[t]


def _to_value(t: str, value: Any, out: _Value) -> None:
    """A Python value into a w_value, by type letter (or Wasm type)."""
    letter = t if len(t) == 1 else _letter(t)
    if letter == "i":
        out.i32 = int(value) & 0xFFFFFFFF
    elif letter == "I":
        out.i64 = int(value) & 0xFFFFFFFFFFFFFFFF
    elif letter == "f":
        out.f32 = float(value)
    elif letter == "F":
        out.f64 = float(value)
    elif letter == "V":
        ctypes.memmove(out.v128, int(value).to_bytes(16, "little"), 16)
    elif value is None:
        out.ref = None
    elif isinstance(value, Ref):
        out.ref = value.address
    elif letter in "ea":
        out.ref = _host_ref(value)
    else:
        raise TypeError(f"a reference of this type must be None or a Ref from Wasm code, not {value!r}")


def _from_value(t: str, value: _Value) -> Any:
    letter = t if len(t) == 1 else _letter(t)
    if letter == "i":
        return ctypes.c_int32(value.i32).value
    if letter == "I":
        return ctypes.c_int64(value.i64).value
    if letter == "f":
        return value.f32
    if letter == "F":
        return value.f64
    if letter == "V":
        return int.from_bytes(bytes(value.v128), "little")
    address = value.ref
    if not address:
        return None
    if address & 1 == 0 and (address >> 1) - 1 in _externs:
        return _externs[(address >> 1) - 1]
    return Ref(address)
