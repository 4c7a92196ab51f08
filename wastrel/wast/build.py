"""One spec script as one C program.

`ScriptBuild` takes the script's commands one by one (the runner calls its
methods in order) and decides, for each, where it is checked:

* in Python, at once: `assert_invalid`, `assert_malformed` (the module must
  be rejected by the decoder, text reader or validator) and
  `assert_unlinkable` (by the linker);
* in the C program, later: instantiating modules and running actions, with
  what the script expects of them, as harness steps.

Every module gets a symbol prefix (`m1_`, `m2_`, ...); imports resolve to
the C names of the instances registered so far (see `linker`).

A module that needs a feature wastrel lacks is skipped, with the feature
named, and so is everything that needs it: the actions on it, and the
modules that import from it (the linker sees an `Absent` instance); the
rest of the script runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from wastrel.backend_c.c_print import ModulePrinter
from wastrel.backend_c.context import TypeIds
from wastrel.backend_c.linking import LinkError
from wastrel.frontend.errors import WasmError
from wastrel.ir.nodes import Program
from wastrel.ir.wasm import Module
from wastrel.passes.manager import RunOptions, build_pipeline, run_pipeline
from wastrel.wast.harness import PRELUDE, SPECTEST_C, Expected, Step, Value, global_exports, steps_c
from wastrel.wast.linker import Absent, Instance, ScriptLinker, Spectest


def _feature(e: WasmError) -> str:
    return e.message.removeprefix("unsupported feature: ")


@dataclass
class Outcome:
    """An assertion decided in Python."""

    line: int
    passed: bool
    message: str = ""


@dataclass
class ScriptBuild:
    name: str
    type_ids: TypeIds = field(default_factory=TypeIds)
    registry: dict[str, Instance | Spectest | Absent] = field(default_factory=lambda: {"spectest": Spectest()})
    named: dict[str, Instance | Absent] = field(default_factory=dict)
    current: Instance | Absent | None = None
    modules_c: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    decided: list[Outcome] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, the feature it needs)
    definitions: dict[str | None, Callable[[], Module]] = field(default_factory=dict)

    # -- modules ---------------------------------------------------------------

    def module(self, line: int, load: Callable[[], Module], name: str | None, expect_trap: str | None = None) -> None:
        """A module command (or assert_uninstantiable, with the trap it expects)."""
        try:
            instance: Instance | Absent = self.instantiate(load())
        except WasmError as e:
            if e.kind == "unsupported":
                self.skip(line, _feature(e))
                self.current = Absent(_feature(e))
                if name:
                    self.named[name] = self.current
                return
            self.current = None
            self.decided.append(Outcome(line, False, f"module rejected: {e}"))
            return
        except LinkError as e:
            self.current = None
            self.decided.append(Outcome(line, False, f"module rejected: {e}"))
            return
        if name:
            self.named[name] = instance
        step = Step(line, "S_INSTANTIATE", instance.ctx.prefix, linkable=instance.linkable)
        if expect_trap is None:
            self.current = instance
        else:
            step.outcome, step.trap = "O_TRAP", expect_trap
        self.steps.append(step)

    def instantiate(self, module: Module) -> Instance:
        last = [p.name for p in build_pipeline() if p.gives == "c"][-1]  # the tree c-print takes
        program: Program = run_pipeline(module, RunOptions(stop_after=last), start_after="decode")
        prefix = f"m{len(self.modules_c) + 1}_"
        linker = ScriptLinker(self.registry)
        printer = ModulePrinter(program, prefix, linker, self.type_ids)
        text = printer.text()
        ctx = printer.ctx
        exported = [(e.name, module.global_types()[e.index].type, ctx.globals[e.index]) for e in module.exports if e.kind == "global"]
        parts = [f"/* module {prefix[:-1]} */", text, global_exports(prefix, exported)]
        linkable = "NULL"
        if linker.runtime_checks:
            linkable = f"{prefix}linkable"
            parts.append(f"static int {linkable}(void) {{ return {' && '.join(linker.runtime_checks)}; }}")
        self.modules_c.append("\n".join(parts) + "\n")
        return Instance(module, ctx, linkable)

    def define(self, name: str | None, load: Callable[[], Module]) -> None:
        """`(module definition ...)`: instantiated later, by `(module instance ...)`."""
        self.definitions[name] = load

    def definition(self, name: str | None) -> Callable[[], Module]:
        return self.definitions[name]

    def skip(self, line: int, feature: str) -> None:
        self.skipped.append((line, feature))

    def register(self, as_name: str, name: str | None) -> None:
        instance = self.named.get(name) if name else self.current
        if instance is not None:
            self.registry[as_name] = instance

    def instance(self, name: str | None) -> Instance | Absent | None:
        return self.named.get(name) if name else self.current

    # -- assertions decided in Python ---------------------------------------------

    def rejected(self, line: int, load: Callable[[], Module], what: str) -> None:
        """assert_invalid / assert_malformed: loading (decode, validate) must fail."""
        try:
            module = load()
            run_pipeline(module, RunOptions(stop_after="validate"), start_after="decode")
        except WasmError as e:
            if e.kind == "unsupported":
                self.skip(line, _feature(e))
            else:
                self.decided.append(Outcome(line, True))
            return
        self.decided.append(Outcome(line, False, f"module accepted, expected {what}"))

    def unlinkable(self, line: int, load: Callable[[], Module], message: str) -> None:
        try:
            instance = self.instantiate(load())
        except LinkError:
            self.decided.append(Outcome(line, True))
            return
        except WasmError as e:
            if e.kind == "unsupported":
                self.skip(line, _feature(e))
            else:
                self.decided.append(Outcome(line, False, f"module rejected: {e}"))
            return
        if instance.linkable == "NULL":
            self.decided.append(Outcome(line, False, f"module linked, expected \"{message}\""))
        else:  # only the sizes of imported memories or tables can still fail it
            step = Step(line, "S_INSTANTIATE", instance.ctx.prefix, linkable=instance.linkable)
            step.outcome, step.trap = "O_UNLINKABLE", message
            self.steps.append(step)

    # -- actions -------------------------------------------------------------------

    def action(
        self,
        line: int,
        kind: str,
        module_name: str | None,
        field_name: str,
        args: list[Value],
        outcome: str = "O_ANY",
        results: list[Expected] | None = None,
        trap: str = "",
    ) -> None:
        instance = self.instance(module_name)
        if instance is None:
            self.decided.append(Outcome(line, False, f"no module {module_name or '(current)'}"))
            return
        if isinstance(instance, Absent):
            self.skip(line, instance.feature)
            return
        wanted = "global" if kind == "get" else "func"
        exported = [e for e in instance.module.exports if e.kind == wanted]
        position = next((k for k, e in enumerate(exported) if e.name == field_name), None)
        if position is None:
            self.decided.append(Outcome(line, False, f"no exported {wanted} {field_name!r}"))
            return
        table = "globals" if kind == "get" else "exports"
        target = f"&{instance.ctx.prefix}{table}[{position}]"
        step_kind = "S_GET" if kind == "get" else "S_INVOKE"
        self.steps.append(
            Step(line, step_kind, instance.ctx.prefix, target=target, args=args, outcome=outcome, results=results or [], trap=trap)
        )

    # -- the C program ---------------------------------------------------------------

    def c_source(self) -> str:
        return "\n".join([PRELUDE, SPECTEST_C, *self.modules_c, self.type_ids.c_table(), steps_c(self.steps, self.name)])
