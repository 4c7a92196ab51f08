"""Validator: checks that an L-wasm `Module` is valid WebAssembly 2.0, with
the Wasm 3.0 features wastrel has (relaxed SIMD, memory64, multi-memory,
tail calls, typed function references, exception handling with its
legacy form).

Takes a `Module` (from the decoder or the text frontend) and gives nothing
back: it returns if the module is valid and raises `WasmError` of kind
"invalid" otherwise, with the spec interpreter's wording ("type mismatch",
"unknown local 5", ...) and the offset of the offending instruction or module
field.  SIMD (`v128`, the instructions of `ir/simd.py`) is Wasm 2.0 and
checked like the rest: operand types, natural alignment, lane indices.

Typed function references: a value is accepted where a supertype is
expected (`ir/types.py` has the subtype relation), a type index in a
reference type must exist (a defined type may name itself or earlier
types), and a local whose type has no default (`(ref $t)`) must be set
before it is read -- in the frame that sets it or one inside it, as the
spec's algorithm tracks it.

Module-level rules: index spaces, limits (by address type: memory64 and
table64 are Wasm 3.0), constant
expressions (only `*.const`, `ref.null`, `ref.func` and `global.get` of an
imported immutable global), declared function references, element and data
segments, the start function, unique export names.  Function bodies are
checked with the operand-stack algorithm of the spec's appendix ("Validation
Algorithm"): a stack of value types (None standing for the unknown type of
unreachable code) and a stack of control frames.
"""

from __future__ import annotations

from collections.abc import Callable, Sized
from functools import partial
from typing import NoReturn

from wastrel.frontend.errors import WasmError
from wastrel.frontend.validate_gc import GC_HANDLERS, GcInstructions
from wastrel.ir.gc import CONSTANT as GC_CONSTANT
from wastrel.ir.ops import MEMORY_ACCESS, OPERATORS
from wastrel.ir.simd import BY_NAME as SIMD
from wastrel.ir.simd import lane_count
from wastrel.ir.types import Subtyping, canonical_ids, defaultable, is_ref, non_null, reference, type_indices
from wastrel.ir.wasm import (
    NUMTYPES,
    ArrayType,
    CompositeType,
    FieldType,
    StructType,
    FuncType,
    GlobalType,
    Instr,
    Limits,
    MemoryType,
    Module,
    TableType,
)

MAX_PAGES = 65536
MAX_PAGES64 = 2**48
MAX_TABLE_SIZE = 2**32 - 1
MAX_TABLE64_SIZE = 2**64 - 1

ValType = str | None  # None: the unknown type of a polymorphic stack

# -- signatures of the instructions that only pop and push ---------------------

Signature = tuple[tuple[str, ...], tuple[str, ...]]  # (params, results)

# From the operator table the passes share (wastrel/ir/ops.py), Wasm's own operators.
SIGNATURES: dict[str, Signature] = {op: (info.params, info.results) for op, info in OPERATORS.items() if info.wasm}

CONST_OPS = frozenset(("i32.const", "i64.const", "f32.const", "f64.const", "v128.const", "ref.null", "ref.func", "global.get"))
# Wasm 3.0's extended constant expressions add integer arithmetic.
CONST_OPS |= {f"{t}.{op}" for t in ("i32", "i64") for op in ("add", "sub", "mul")}
CONST_OPS |= GC_CONSTANT  # struct.new, array.new_fixed, ref.i31, ...


# -- the module's context ---------------------------------------------------------


class _Context:
    """The index spaces of a module (the spec's context C)."""

    def __init__(self, module: Module, subtyping: Subtyping) -> None:
        self.types = module.types
        self.funcs = module.func_type_indices()
        self.tables = module.table_types()
        self.memories = module.memory_types()
        self.globals = module.global_types()
        self.tags = module.tag_types()
        self.num_imported_globals = len(module.imports_of("global"))
        self.elems = [e.type for e in module.elems]
        self.num_datas = len(module.datas)
        self.refs = _declared_refs(module)
        self.subtyping = subtyping

    def subtype(self, a: str, b: str) -> bool:
        return self.subtyping.subtype(a, b)

    def check_type(self, t: str, offset: int | None) -> None:
        """A value type naming a type index must name a defined type."""
        for index in type_indices(t):
            if index >= len(self.types):
                _fail(f"unknown type {index}", offset)

    def func_ref_type(self, index: int, offset: int | None) -> str:
        """The type of `ref.func index`: a non-null reference to its type."""
        self.func_type(index, offset)
        return reference(False, self.funcs[index])

    def func_type(self, index: int, offset: int | None) -> FuncType:
        if index >= len(self.funcs):
            _fail(f"unknown function {index}", offset)
        return self.type(self.funcs[index], offset)

    def defined(self, index: int, offset: int | None) -> CompositeType:
        """A defined type, of any kind."""
        if index >= len(self.types):
            _fail(f"unknown type {index}", offset)
        return self.types[index]

    def type(self, index: int, offset: int | None) -> FuncType:
        """A function type (of a function, tag, call_indirect, call_ref)."""
        definition = self.defined(index, offset)
        if not isinstance(definition, FuncType):
            _fail(f"type mismatch: type {index} is not a function type", offset)
        return definition

    def tag(self, index: int, offset: int | None) -> FuncType:
        """A tag's type (its parameters are the exception's payload)."""
        if index >= len(self.tags):
            _fail(f"unknown tag {index}", offset)
        return self.type(self.tags[index], offset)

    def table(self, index: int, offset: int) -> TableType:
        if index >= len(self.tables):
            _fail(f"unknown table {index}", offset)
        return self.tables[index]

    def memory(self, index: int, offset: int) -> MemoryType:
        if index >= len(self.memories):
            _fail(f"unknown memory {index}", offset)
        return self.memories[index]

    def global_(self, index: int, offset: int) -> GlobalType:
        if index >= len(self.globals):
            _fail(f"unknown global {index}", offset)
        return self.globals[index]

    def elem(self, index: int, offset: int) -> str:
        if index >= len(self.elems):
            _fail(f"unknown elem segment {index}", offset)
        return self.elems[index]

    def data(self, index: int, offset: int) -> None:
        if index >= self.num_datas:
            _fail(f"unknown data segment {index}", offset)


def _declared_refs(module: Module) -> frozenset[int]:
    """Function indices occurring outside function bodies and the start
    function: the only ones `ref.func` may take in a function body."""
    exprs = [g.init for g in module.globals]
    exprs += [e for seg in module.elems for e in seg.init]
    exprs += [e.offset_expr for e in module.elems if e.offset_expr]
    exprs += [d.offset_expr for d in module.datas if d.offset_expr]
    refs = {i.args[0] for expr in exprs for i in expr if i.op == "ref.func"}
    refs |= {e.index for e in module.exports if e.kind == "func"}
    return frozenset(refs)


def _fail(message: str, offset: int | None) -> NoReturn:
    raise WasmError("invalid", message, offset)


# -- module fields --------------------------------------------------------------


def _check_limits(limits: Limits, bound: int, what: str, offset: int | None) -> None:
    if limits.min > bound or (limits.max is not None and limits.max > bound):
        _fail(what, offset)
    if limits.max is not None and limits.min > limits.max:
        _fail("size minimum must not be greater than maximum", offset)


def _check_table(table: TableType, offset: int | None) -> None:
    if table.address_type == "i64":
        _check_limits(table.limits, MAX_TABLE64_SIZE, "table size must be at most 2^64-1", offset)
    else:
        _check_limits(table.limits, MAX_TABLE_SIZE, "table size must be at most 2^32-1", offset)


def _check_memory(memory: MemoryType, offset: int | None) -> None:
    if memory.address_type == "i64":
        _check_limits(memory.limits, MAX_PAGES64, "memory size must be at most 2^48 pages (256TiB)", offset)
    else:
        _check_limits(memory.limits, MAX_PAGES, "memory size must be at most 65536 pages (4GiB)", offset)


def _shorter(a: str, b: str) -> str:
    """The type of a length between two memories or tables: i32 if either is."""
    return "i32" if "i32" in (a, b) else "i64"


def _check_const(ctx: _Context, expr: tuple[Instr, ...], expected: str, offset: int, visible: int | None = None) -> None:
    """A constant expression whose value is of type `expected` (Wasm 3.0:
    `global.get` of any immutable global among the first `visible` -- all
    of them outside global initialisers -- and i32/i64 add, sub, mul)."""
    visible = len(ctx.globals) if visible is None else visible
    ctx.check_type(expected, offset)
    stack: list[str] = []
    for ins in expr:
        if ins.op not in CONST_OPS:
            _fail("constant expression required", ins.offset)
        if ins.op == "global.get":
            index = ins.args[0]
            if index >= visible:
                _fail(f"unknown global {index}", ins.offset)
            if ctx.globals[index].mutable:
                _fail("constant expression required", ins.offset)
            stack.append(ctx.globals[index].type)
        elif ins.op in SIGNATURES and SIGNATURES[ins.op][0]:  # add, sub, mul
            params, results = SIGNATURES[ins.op]
            if stack[-2:] != list(params):
                _fail(f"type mismatch: {ins.op} in a constant expression", ins.offset)
            stack[-2:] = results
        elif ins.op == "ref.func":
            stack.append(ctx.func_ref_type(ins.args[0], ins.offset))
        elif ins.op == "ref.null":
            ctx.check_type(ins.args[0], ins.offset)
            stack.append(ins.args[0])
        elif ins.op in GC_CONSTANT:
            stack.append(_gc_constant(ctx, ins, stack))
        else:
            stack.append(SIGNATURES[ins.op][1][0])
    if len(stack) != 1 or not ctx.subtype(stack[0], expected):
        _fail(f"type mismatch: constant expression of type [{' '.join(stack)}] where [{expected}] is expected", offset)


def _gc_constant(ctx: _Context, ins: Instr, stack: list[str]) -> str:
    """The type a GC instruction of a constant expression gives, its
    operands taken from `stack` (their number checked, not their types)."""
    if ins.op in ("ref.i31", "any.convert_extern", "extern.convert_any"):
        arity, result = 1, {"ref.i31": "(ref i31)", "any.convert_extern": "anyref", "extern.convert_any": "externref"}[ins.op]
    else:
        definition = ctx.defined(ins.args[0], ins.offset)
        fields = definition.fields if isinstance(definition, StructType) else ()
        arity = {"struct.new": len(fields), "array.new": 2, "array.new_default": 1, "array.new_fixed": ins.args[-1]}.get(ins.op, 0)
        result = reference(False, ins.args[0])
    if len(stack) < arity:
        _fail(f"type mismatch: {ins.op} in a constant expression", ins.offset)
    del stack[len(stack) - arity :]
    return result


def _check_types(module: Module) -> Subtyping:
    """Each defined type may name the types of its recursive group and of
    the groups before it; its declared supertype (GC: at most one, defined
    before it, not final) must be of its kind, with matching fields or
    signature.  Gives the module's subtype relation."""
    for group in module.rec_group_ranges():
        for index in group:
            for t in _value_types(module.types[index]):
                for named in type_indices(t):
                    if named >= group.stop:
                        _fail(f"unknown type {named}", None)
            for parent in module.subtype(index).supertypes:
                if parent >= index:
                    _fail(f"unknown type {parent}", None)
    subtyping = Subtyping(canonical_ids(module.types, module.rec_groups, module.subtypes))
    for index, definition in enumerate(module.types):
        supertypes = module.subtype(index).supertypes
        if len(supertypes) > 1:
            _fail(f"sub type {index} has more than one supertype", None)
        for parent in supertypes:
            if module.subtype(parent).final:
                _fail(f"sub type {index} of the final type {parent}", None)
            if not _matches(subtyping, definition, module.types[parent]):
                _fail(f"sub type {index} does not match its supertype {parent}", None)
    return subtyping


def _value_types(definition: CompositeType) -> tuple[str, ...]:
    if isinstance(definition, FuncType):
        return definition.params + definition.results
    fields = definition.fields if isinstance(definition, StructType) else (definition.element,)
    return tuple(f.storage for f in fields)


def _matches(subtyping: Subtyping, sub: CompositeType, parent: CompositeType) -> bool:
    """A type declared a subtype of `parent`: functions by their signatures
    (parameters contravariant, results covariant); a struct has its
    parent's fields first, an array its element; an immutable field may
    be a subtype, a mutable one must be the same type."""
    if isinstance(sub, FuncType) and isinstance(parent, FuncType):
        return (
            len(sub.params) == len(parent.params)
            and len(sub.results) == len(parent.results)
            and all(map(subtyping.subtype, parent.params, sub.params))
            and all(map(subtyping.subtype, sub.results, parent.results))
        )
    if isinstance(sub, StructType) and isinstance(parent, StructType):
        return len(sub.fields) >= len(parent.fields) and all(map(partial(_field_matches, subtyping), sub.fields, parent.fields))
    if isinstance(sub, ArrayType) and isinstance(parent, ArrayType):
        return _field_matches(subtyping, sub.element, parent.element)
    return False


def _field_matches(subtyping: Subtyping, sub: FieldType, parent: FieldType) -> bool:
    if sub.mutable != parent.mutable:
        return False
    if sub.mutable:
        return sub.storage == parent.storage or subtyping.equal(sub.storage, parent.storage)
    return sub.storage == parent.storage or subtyping.subtype(sub.storage, parent.storage)


def _check_imports(ctx: _Context, module: Module) -> None:
    for imp in module.imports:
        desc = imp.desc
        if isinstance(desc, int):
            ctx.type(desc, imp.offset)
        elif isinstance(desc, TableType):
            ctx.check_type(desc.elem, imp.offset)
            _check_table(desc, imp.offset)
        elif isinstance(desc, MemoryType):
            _check_memory(desc, imp.offset)
        else:
            ctx.check_type(desc.type, imp.offset)
    for index in range(len(ctx.tags)):
        if ctx.tag(index, None).results:
            _fail("non-empty tag result type", None)


def _check_segments(ctx: _Context, module: Module) -> None:
    for elem in module.elems:
        ctx.check_type(elem.type, elem.offset)
        for expr in elem.init:
            _check_const(ctx, expr, elem.type, elem.offset)
        if elem.mode == "active":
            table = ctx.table(elem.table, elem.offset)
            if not ctx.subtype(elem.type, table.elem):
                _fail(f"type mismatch: {elem.type} segment for a table of {table.elem}", elem.offset)
            _check_const(ctx, elem.offset_expr or (), table.address_type, elem.offset)
    for data in module.datas:
        if data.mode == "active":
            memory = ctx.memory(data.memory, data.offset)
            _check_const(ctx, data.offset_expr or (), memory.address_type, data.offset)


def _check_exports(ctx: _Context, module: Module) -> None:
    spaces: dict[str, Sized] = {"func": ctx.funcs, "table": ctx.tables, "memory": ctx.memories, "global": ctx.globals, "tag": ctx.tags}
    names: set[str] = set()
    for export in module.exports:
        if export.name in names:
            _fail(f"duplicate export name {export.name!r}", export.offset)
        names.add(export.name)
        if export.index >= len(spaces[export.kind]):
            kind = "function" if export.kind == "func" else export.kind
            _fail(f"unknown {kind} {export.index}", export.offset)


def validate_module(module: Module, on_function: Callable[[int, int], None] | None = None) -> None:
    """Raise WasmError (kind "invalid") unless `module` is valid;
    `on_function(done, total)` is told as the function bodies are checked."""
    ctx = _Context(module, _check_types(module))
    _check_imports(ctx, module)
    for func in module.funcs:
        ctx.type(func.type_index, func.offset)
        for t in func.locals:
            ctx.check_type(t, func.offset)
    for table in module.tables:
        ctx.check_type(table.type.elem, table.offset)
        _check_table(table.type, table.offset)
        if table.init is not None:  # it sees the imported globals only
            _check_const(ctx, table.init, table.type.elem, table.offset, visible=ctx.num_imported_globals)
        elif not defaultable(table.type.elem):
            _fail(f"type mismatch: a table of {table.type.elem} needs an initial value", table.offset)
    for memory in module.memories:
        _check_memory(memory, None)
    for k, glob in enumerate(module.globals):  # a global's initialiser sees the globals before it
        _check_const(ctx, glob.init, glob.type.type, glob.offset, visible=ctx.num_imported_globals + k)
    _check_segments(ctx, module)
    if module.start is not None and ctx.func_type(module.start, None) != FuncType():
        _fail("start function must have type [] -> []", None)
    _check_exports(ctx, module)
    for k, func in enumerate(module.funcs, 1):
        func_type = ctx.types[func.type_index]
        _FuncValidator(ctx, func_type, func.locals).run(func.body, func.offset)
        if on_function is not None:
            on_function(k, len(module.funcs))


# -- function bodies ----------------------------------------------------------------


class _Frame:
    """A control frame: a block, loop, if, else, or the function itself."""

    __slots__ = ("op", "params", "results", "labels", "height", "inits", "unreachable")

    def __init__(self, op: str, params: tuple[str, ...], results: tuple[str, ...], height: int, inits: int) -> None:
        self.op = op
        self.params = params
        self.results = results
        self.labels = params if op == "loop" else results  # what a branch to it takes
        self.height = height
        self.inits = inits  # locals set in enclosing frames (see _FuncValidator.set_local)
        self.unreachable = False


class _FuncValidator(GcInstructions):
    """The operand-stack validation of one function body."""

    def __init__(self, ctx: _Context, func_type: FuncType, local_types: tuple[str, ...]) -> None:
        self.ctx = ctx
        self.locals = func_type.params + local_types
        self.stack: list[ValType] = []
        self.frames = [_Frame("function", (), func_type.results, 0, 0)]
        self.offset = 0  # of the instruction being checked
        # Locals without a default value, unset until set (in this frame or
        # an enclosing one); `inits` lists those set, frames remember its length.
        self.unset = {i for i, t in enumerate(local_types, len(func_type.params)) if not defaultable(t)}
        self.inits: list[int] = []

    def fail(self, message: str) -> NoReturn:
        _fail(message, self.offset)

    def run(self, body: tuple[Instr, ...], offset: int) -> None:
        handlers, signatures, stack, frames = HANDLERS, SIGNATURES, self.stack, self.frames
        for ins in body:
            self.offset = ins.offset
            if not frames:
                self.fail("instructions after the function's final end")
            handler = handlers.get(ins.op)
            if handler is not None:
                handler(self, ins)
                continue
            sig = signatures.get(ins.op)
            if sig is None:
                self.fail(f"unknown instruction {ins.op}")
            params, results = sig
            if params:
                self.pop_vals(params)
            stack.extend(results)
        if frames:
            _fail("function body must end with end", offset)

    # -- the operand stack ----------------------------------------------------

    def pop(self, expect: ValType = None) -> ValType:
        stack, frame = self.stack, self.frames[-1]
        if len(stack) == frame.height:
            if frame.unreachable:
                return None
            self.fail(f"type mismatch: expected {expect or 'a value'} but the stack is empty")
        actual = stack.pop()
        if actual != expect and expect is not None and actual is not None and not self.ctx.subtype(actual, expect):
            self.fail(f"type mismatch: expected {expect} but got {actual}")
        return actual

    def pop_ref(self) -> ValType:
        """A reference of any type (None if unknown)."""
        actual = self.pop()
        if actual is not None and not is_ref(actual):
            self.fail(f"type mismatch: expected a reference but got {actual}")
        return actual

    def pop_vals(self, types: tuple[str, ...]) -> list[ValType]:
        if not types:  # (a third of the calls: blocks, branches and ends without values)
            return []
        stack = self.stack
        height = len(stack) - len(types)
        if height >= self.frames[-1].height:
            popped = stack[height:]
            if tuple(popped) == types:  # (the commonest case, without a `pop` call for each value)
                del stack[height:]
                return popped
        return [self.pop(t) for t in reversed(types)][::-1]

    def push_ctrl(self, op: str, block: FuncType) -> None:
        self.frames.append(_Frame(op, block.params, block.results, len(self.stack), len(self.inits)))
        self.stack.extend(block.params)

    def pop_ctrl(self) -> _Frame:
        frame = self.frames[-1]
        self.pop_vals(frame.results)
        if len(self.stack) != frame.height:
            self.fail(f"type mismatch: {len(self.stack) - frame.height} value(s) left at the end of a block")
        self.frames.pop()
        while len(self.inits) > frame.inits:  # what the block set is unset after it
            self.unset.add(self.inits.pop())
        return frame

    def set_unreachable(self) -> None:
        frame = self.frames[-1]
        del self.stack[frame.height :]
        frame.unreachable = True

    def label(self, depth: int) -> tuple[str, ...]:
        if depth >= len(self.frames):
            self.fail(f"unknown label {depth}")
        return self.frames[-1 - depth].labels

    # -- control instructions ---------------------------------------------------

    def unreachable(self, ins: Instr) -> None:
        self.set_unreachable()

    def nop(self, ins: Instr) -> None:
        pass

    def block(self, ins: Instr) -> None:
        block: FuncType = ins.args[0]
        for t in block.params + block.results:
            self.ctx.check_type(t, ins.offset)
        self.pop_vals(block.params)
        self.push_ctrl(ins.op, block)

    def if_(self, ins: Instr) -> None:
        self.pop("i32")
        self.block(ins)

    # -- exceptions ---------------------------------------------------------------

    def throw(self, ins: Instr) -> None:
        self.pop_vals(self.ctx.tag(ins.args[0], ins.offset).params)
        self.set_unreachable()

    def throw_ref(self, ins: Instr) -> None:
        self.pop("exnref")
        self.set_unreachable()

    def try_table(self, ins: Instr) -> None:
        """A block whose catch clauses branch, from outside it, with the
        exception's payload (and its reference, for the _ref ones)."""
        block, catches = ins.args
        for catch in catches:
            payload = self.ctx.tag(catch.tag, ins.offset).params if catch.tag is not None else ()
            if catch.kind.endswith("_ref"):
                payload += ("(ref exn)",)  # never null
            labels = self.label(catch.depth)
            if len(labels) != len(payload) or not all(map(self.ctx.subtype, payload, labels)):
                self.fail(f"type mismatch: {catch.kind} of [{' '.join(payload)}] to a label of [{' '.join(labels)}]")
        self.block(ins)

    def catch(self, ins: Instr) -> None:
        """The legacy try's handler of one tag: a block with its payload."""
        frame = self.end_of_try(ins)
        self.push_ctrl("catch", FuncType(self.ctx.tag(ins.args[0], ins.offset).params, frame.results))

    def catch_all(self, ins: Instr) -> None:
        frame = self.end_of_try(ins)
        self.push_ctrl("catch_all", FuncType((), frame.results))

    def end_of_try(self, ins: Instr) -> _Frame:
        if self.frames[-1].op not in ("try", "catch"):
            self.fail(f"{ins.op} without a matching try")
        return self.pop_ctrl()

    def delegate(self, ins: Instr) -> None:
        if self.frames[-1].op != "try":
            self.fail("delegate without a matching try")
        frame = self.pop_ctrl()
        self.label(ins.args[0])
        self.stack.extend(frame.results)

    def rethrow(self, ins: Instr) -> None:
        self.label(ins.args[0])
        if self.frames[-1 - ins.args[0]].op not in ("catch", "catch_all"):
            self.fail("invalid rethrow label")
        self.set_unreachable()

    def else_(self, ins: Instr) -> None:
        frame = self.pop_ctrl()
        if frame.op != "if":
            self.fail("else without a matching if")
        self.push_ctrl("else", FuncType(frame.params, frame.results))

    def end(self, ins: Instr) -> None:
        frame = self.pop_ctrl()
        if frame.op == "if" and frame.params != frame.results:
            self.fail("type mismatch: if without else must leave its parameters as results")
        self.stack.extend(frame.results)

    def br(self, ins: Instr) -> None:
        self.pop_vals(self.label(ins.args[0]))
        self.set_unreachable()

    def br_if(self, ins: Instr) -> None:
        self.pop("i32")
        labels = self.label(ins.args[0])
        self.pop_vals(labels)
        self.stack.extend(labels)

    def br_table(self, ins: Instr) -> None:
        depths, default = ins.args
        self.pop("i32")
        arity = len(self.label(default))
        for depth in depths:
            labels = self.label(depth)
            if len(labels) != arity:
                self.fail("type mismatch: br_table targets have different arities")
            self.stack.extend(self.pop_vals(labels))
        self.pop_vals(self.label(default))
        self.set_unreachable()

    def return_(self, ins: Instr) -> None:
        self.pop_vals(self.frames[0].results)
        self.set_unreachable()

    def call(self, ins: Instr) -> None:
        self.apply(self.ctx.func_type(ins.args[0], ins.offset))

    def call_indirect(self, ins: Instr) -> None:
        self.apply(self.indirect_type(ins))

    def call_ref(self, ins: Instr) -> None:
        self.apply(self.ref_callee_type(ins))

    def return_call_ref(self, ins: Instr) -> None:
        self.tail_call(self.ref_callee_type(ins))

    def ref_callee_type(self, ins: Instr) -> FuncType:
        """call_ref's and return_call_ref's callee type, the reference popped."""
        func_type = self.ctx.type(ins.args[0], ins.offset)
        self.pop(reference(True, ins.args[0]))
        return func_type

    def indirect_type(self, ins: Instr) -> FuncType:
        """call_indirect's and return_call_indirect's callee type, its
        table's index popped."""
        type_index, table_index = ins.args
        if not self.ctx.subtype(self.ctx.table(table_index, ins.offset).elem, "funcref"):
            self.fail(f"type mismatch: {ins.op} on a table of {self.ctx.tables[table_index].elem}")
        func_type = self.ctx.type(type_index, ins.offset)
        self.pop(self.ctx.tables[table_index].address_type)
        return func_type

    def return_call(self, ins: Instr) -> None:
        self.tail_call(self.ctx.func_type(ins.args[0], ins.offset))

    def return_call_indirect(self, ins: Instr) -> None:
        self.tail_call(self.indirect_type(ins))

    def tail_call(self, func_type: FuncType) -> None:
        """A tail call's callee must return what this function returns."""
        returns = self.frames[0].results
        if len(func_type.results) != len(returns) or not all(map(self.ctx.subtype, func_type.results, returns)):
            self.fail(f"type mismatch: tail call of a function returning [{' '.join(func_type.results)}]")
        self.pop_vals(func_type.params)
        self.set_unreachable()

    def apply(self, func_type: FuncType) -> None:
        self.pop_vals(func_type.params)
        self.stack.extend(func_type.results)

    # -- parametric and variable instructions -----------------------------------

    def drop(self, ins: Instr) -> None:
        self.pop()

    def select(self, ins: Instr) -> None:
        if ins.args:
            (types,) = ins.args
            if len(types) != 1:
                self.fail("invalid result arity")
            self.ctx.check_type(types[0], ins.offset)
            self.pop("i32")
            self.pop(types[0])
            self.pop(types[0])
            self.stack.append(types[0])
            return
        self.pop("i32")
        t1, t2 = self.pop(), self.pop()
        if t1 not in NUMERIC_OR_UNKNOWN or t2 not in NUMERIC_OR_UNKNOWN:
            self.fail("type mismatch: select without a type needs numeric operands")
        if t1 is not None and t2 is not None and t1 != t2:
            self.fail(f"type mismatch: select of {t2} and {t1}")
        self.stack.append(t2 if t1 is None else t1)

    def local(self, index: int) -> str:
        if index >= len(self.locals):
            self.fail(f"unknown local {index}")
        return self.locals[index]

    def local_get(self, ins: Instr) -> None:
        (index,) = ins.args
        if index >= len(self.locals):  # (`local` inlined: a quarter of all instructions are local.get)
            self.fail(f"unknown local {index}")
        if index in self.unset:
            self.fail(f"uninitialized local {index}")
        self.stack.append(self.locals[index])

    def local_set(self, ins: Instr) -> None:
        (index,) = ins.args
        self.pop(self.local(index))
        if index in self.unset:
            self.set_local(index)

    def local_tee(self, ins: Instr) -> None:
        (index,) = ins.args
        t = self.local(index)
        self.pop(t)
        if index in self.unset:
            self.set_local(index)
        self.stack.append(t)

    def set_local(self, index: int) -> None:
        """A local without a default value is set."""
        self.unset.discard(index)
        self.inits.append(index)

    def global_get(self, ins: Instr) -> None:
        self.stack.append(self.ctx.global_(ins.args[0], ins.offset).type)

    def global_set(self, ins: Instr) -> None:
        glob = self.ctx.global_(ins.args[0], ins.offset)
        if not glob.mutable:
            self.fail("global is immutable")
        self.pop(glob.type)

    # -- tables ---------------------------------------------------------------

    def table_type(self, ins: Instr) -> tuple[str, str]:
        """The table's element type and address type (i64 for a table64)."""
        table = self.ctx.table(ins.args[0], ins.offset)
        return table.elem, table.address_type

    def table_get(self, ins: Instr) -> None:
        t, at = self.table_type(ins)
        self.pop(at)
        self.stack.append(t)

    def table_set(self, ins: Instr) -> None:
        t, at = self.table_type(ins)
        self.pop_vals((at, t))

    def table_size(self, ins: Instr) -> None:
        _, at = self.table_type(ins)
        self.stack.append(at)

    def table_grow(self, ins: Instr) -> None:
        t, at = self.table_type(ins)
        self.pop_vals((t, at))
        self.stack.append(at)

    def table_fill(self, ins: Instr) -> None:
        t, at = self.table_type(ins)
        self.pop_vals((at, t, at))

    def table_copy(self, ins: Instr) -> None:
        dst, src = (self.ctx.table(index, ins.offset) for index in ins.args)
        if not self.ctx.subtype(src.elem, dst.elem):
            self.fail("type mismatch: table.copy between tables of different types")
        self.pop_vals((dst.address_type, src.address_type, _shorter(dst.address_type, src.address_type)))

    def table_init(self, ins: Instr) -> None:
        elem_index, table_index = ins.args
        table = self.ctx.table(table_index, ins.offset)
        if not self.ctx.subtype(self.ctx.elem(elem_index, ins.offset), table.elem):
            self.fail(f"type mismatch: table.init of a {table.elem} table from a {self.ctx.elems[elem_index]} segment")
        self.pop_vals((table.address_type, "i32", "i32"))

    def elem_drop(self, ins: Instr) -> None:
        self.ctx.elem(ins.args[0], ins.offset)

    # -- memories ---------------------------------------------------------------

    def memory_size(self, ins: Instr) -> None:
        self.stack.append(self.ctx.memory(ins.args[0], ins.offset).address_type)

    def memory_grow(self, ins: Instr) -> None:
        at = self.ctx.memory(ins.args[0], ins.offset).address_type
        self.pop(at)
        self.stack.append(at)

    def memory_fill(self, ins: Instr) -> None:
        at = self.ctx.memory(ins.args[0], ins.offset).address_type
        self.pop_vals((at, "i32", at))

    def memory_copy(self, ins: Instr) -> None:
        dst, src = (self.ctx.memory(index, ins.offset).address_type for index in ins.args)
        self.pop_vals((dst, src, _shorter(dst, src)))

    def memory_init(self, ins: Instr) -> None:
        data_index, memory = ins.args
        at = self.ctx.memory(memory, ins.offset).address_type
        self.ctx.data(data_index, ins.offset)
        self.pop_vals((at, "i32", "i32"))

    def data_drop(self, ins: Instr) -> None:
        self.ctx.data(ins.args[0], ins.offset)

    def memory_access(self, ins: Instr) -> None:
        """A load or store (SIMD's too): its memarg checked against the
        size it accesses, then its operands (the address first, of the
        memory's address type)."""
        align, offset, memory = ins.args[:3]
        at = self.ctx.memory(memory, ins.offset).address_type
        if 1 << align > ACCESS_BYTES[ins.op]:
            self.fail("alignment must not be larger than natural")
        if at == "i32" and offset >= 1 << 32:
            self.fail("offset out of range")
        params, results = SIGNATURES[ins.op]  # (with an i32 address)
        self.pop_vals(params if at == "i32" else (at, *params[1:]))
        self.stack.extend(results)

    def simd(self, ins: Instr) -> None:
        """A SIMD instruction: lane immediates, then a memory access's
        memarg or the operand types (ir/simd.py)."""
        op = SIMD[ins.op]
        if op.immediate in ("lane", "memarg_lane") and ins.args[-1] >= lane_count(op):
            self.fail("invalid lane index")
        if op.immediate == "shuffle" and any(lane >= 32 for lane in ins.args[0]):
            self.fail("invalid lane index")
        if op.access_bytes:
            self.memory_access(ins)
        else:
            self.apply_signature(ins.op)

    def apply_signature(self, op: str) -> None:
        params, results = SIGNATURES[op]
        self.pop_vals(params)
        self.stack.extend(results)

    # -- references ---------------------------------------------------------------

    def ref_null(self, ins: Instr) -> None:
        self.ctx.check_type(ins.args[0], ins.offset)
        self.stack.append(ins.args[0])

    def ref_is_null(self, ins: Instr) -> None:
        self.pop_ref()
        self.stack.append("i32")

    def ref_as_non_null(self, ins: Instr) -> None:
        t = self.pop_ref()
        self.stack.append(None if t is None else non_null(t))

    def br_on_null(self, ins: Instr) -> None:
        """[t* (ref null ht)] -> [t* (ref ht)], branching with t* on null."""
        t = self.pop_ref()
        labels = self.label(ins.args[0])
        self.pop_vals(labels)
        self.stack.extend(labels)  # the label's types, not what was popped (as br_if)
        self.stack.append(None if t is None else non_null(t))

    def br_on_non_null(self, ins: Instr) -> None:
        """[t* (ref null ht)] -> [t*], branching with t* (ref ht) otherwise."""
        labels = self.label(ins.args[0])
        if not labels or not is_ref(labels[-1]):
            self.fail("type mismatch: br_on_non_null needs a label of a reference type")
        t = self.pop_ref()
        if t is not None and not self.ctx.subtype(non_null(t), labels[-1]):
            self.fail(f"type mismatch: expected {labels[-1]} but got {t}")
        self.pop_vals(labels[:-1])
        self.stack.extend(labels[:-1])

    def ref_func(self, ins: Instr) -> None:
        index = ins.args[0]
        t = self.ctx.func_ref_type(index, ins.offset)
        if index not in self.ctx.refs:
            self.fail(f"undeclared function reference {index}")
        self.stack.append(t)


NUMERIC_OR_UNKNOWN = frozenset((*NUMTYPES, "v128", None))  # numbers and vectors

# The bytes each load and store accesses, SIMD's included.
ACCESS_BYTES = {op: size for op, (_, size) in MEMORY_ACCESS.items()} | {
    name: op.access_bytes for name, op in SIMD.items() if op.access_bytes
}

V = _FuncValidator
HANDLERS: dict[str, Callable[[_FuncValidator, Instr], None]] = {
    "unreachable": V.unreachable, "nop": V.nop,
    "block": V.block, "loop": V.block, "if": V.if_, "else": V.else_, "end": V.end,
    "throw": V.throw, "throw_ref": V.throw_ref, "try_table": V.try_table,
    "try": V.block, "catch": V.catch, "catch_all": V.catch_all, "delegate": V.delegate, "rethrow": V.rethrow,
    "br": V.br, "br_if": V.br_if, "br_table": V.br_table, "return": V.return_,
    "call": V.call, "call_indirect": V.call_indirect, "call_ref": V.call_ref,
    "return_call_ref": V.return_call_ref,
    "return_call": V.return_call, "return_call_indirect": V.return_call_indirect,
    "drop": V.drop, "select": V.select,
    "local.get": V.local_get, "local.set": V.local_set, "local.tee": V.local_tee,
    "global.get": V.global_get, "global.set": V.global_set,
    "table.get": V.table_get, "table.set": V.table_set, "table.size": V.table_size,
    "table.grow": V.table_grow, "table.fill": V.table_fill,
    "table.copy": V.table_copy, "table.init": V.table_init, "elem.drop": V.elem_drop,
    "memory.size": V.memory_size, "memory.grow": V.memory_grow,
    "memory.fill": V.memory_fill, "memory.copy": V.memory_copy,
    "memory.init": V.memory_init, "data.drop": V.data_drop,
    **{op: V.memory_access for op in MEMORY_ACCESS},
    **{op: V.simd for op in SIMD if SIMD[op].immediate != "none"},
    "ref.null": V.ref_null, "ref.is_null": V.ref_is_null, "ref.func": V.ref_func,
    "ref.as_non_null": V.ref_as_non_null, "br_on_null": V.br_on_null, "br_on_non_null": V.br_on_non_null,
    **GC_HANDLERS,
}  # fmt: skip
del V
