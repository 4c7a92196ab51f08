"""pass: stack-to-tree : wasm -> tree

Turns each function's flat instruction sequence into structured statements
over expression trees, by simulating the operand stack with trees instead
of values.

    i32.const 3 / local.get $x / i32.mul          =>  (i32.mul (i32.const 3) (local.get $x))
    <stack: e1 e2> local.set $y e3                =>  (let (t1) e1) (let (t2) e2) (local.set $y e3)
    call $f  ;; two results                       =>  (let (t1 t2) (call $f))
    block (result i32) ... end                    =>  (block $block0 (result $block0_0) ...)
                                                      and `(local.get $block0_0)` is pushed
    br $l v / br_if $l v c / br_table ... v i     =>  (br $l v) / (br_if $l v c) / (br_table ... v i)
    br to the function's outermost label          =>  (return v)
    br_table to the function's label              =>  the body becomes (block $func ...), then a return
    return_call $f a b                            =>  (return_call (call $f a b))
    call_ref $t a r                               =>  (call_ref $t a r)
    br_on_null $l r                               =>  (let (t1) r) (br_if $l (ref.is_null t1)), t1 pushed
    br_on_non_null $l r                           =>  (let (t1) r) (br_if $l t1 (i32.eqz (ref.is_null t1)))

Exceptions are propagated by returning (`ir/throws.py` says which calls
may throw; in a module without tags nothing does, and nothing below
appears).  `throw` sets the pending exception and goes to the innermost
handler of the function -- the dispatch code of its `try_table` -- or
returns; so does a call that may throw, if it comes back with one pending:

    throw $e a                                    =>  (throw $e a) (br $dispatch1) / (return 0...)
    call $f   ;; $f may throw                     =>  (let (t1) (call $f)) (br_if $dispatch1 (exn.pending))
    try_table $l (catch $e $h) body end           =>  (block $try_table2
                                                        (block $dispatch1 body (br $try_table2))
                                                        (if (exn.is $e) (then (let (t2) (exn.value 0))
                                                          (exn.clear) (br $h t2)))
                                                        (br $dispatch0) / (return 0...))

The legacy `try` is the same block, its handlers' code in the `if`s of its
dispatch (the caught exception kept in a local for `rethrow`); `delegate l`
makes the dispatch code go on to the handler around label l.

Rules:

* An expression stays on the simulated stack until something consumes it.
  When a statement is emitted while values are still on the stack, those
  values were computed *before* the statement, so each becomes a pending
  temporary (`let`) emitted ahead of it.  Constants and temporaries need no
  `let`.  Whether a pending temporary really needs a C variable is decided
  later, by `fold-temps`, once effects are known.
* Block results, block and loop parameters get locals of their own: a
  branch carries values to its target (`br` keeps them as operands; the
  assignment happens in `lower-control`), and the code after the block reads
  the result locals.  The fall-through end of a block or `if` with results is
  an explicit `br` to its own label.  A loop's results are assigned at the end
  of its body (branches to a loop go to its top, never to its end).
* `br_if` with values leaves them on the stack too: they become
  temporaries used twice, which `fold-temps` always keeps.
* Code after an unconditional branch is unreachable (the validator has
  checked it) and is dropped.
* Functions and Wasm locals are named as `ir/wasm_names.py` says; the
  locals this pass adds are named after what they hold (`t1`, `block3_r0`,
  `loop2_p0`).

Design decision: typing needs no help from the validator; every stack entry
carries its Wasm type, known from the instruction that pushed it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from wastrel.ir import nodes as n
from wastrel.ir.fast_init import slot_setters
from wastrel.ir.ops import OPERATORS, PERFORM_ARITY, is_load, is_store, numeric_arity, numeric_result_type
from wastrel.ir.simd import BY_NAME as SIMD
from wastrel.ir.types import difference, is_ref, non_null, ref_type, reference
from wastrel.ir.wasm import ArrayType, Catch, FieldType, FuncType, Instr, Module, StructType
from wastrel.ir.wasm_names import distinct, function_names, local_names
from wastrel.passes.framework import declare_pass
from wastrel.ir.throws import Throws, throws_of


@declare_pass("stack-to-tree", takes="wasm", gives="tree", requires=("validate",), local=True)
def stack_to_tree(module: Module, part: range | None = None) -> n.Program:
    # With `part` (positions among the defined functions), only those: a big
    # module is translated part by part (`manager.run_in_parts`).  (No
    # docstring: the module's is the pass's.)
    names = function_names(module)
    base = module.num_imported_funcs
    throws = throws_of(module)
    funcs = tuple(
        _FunctionBuilder(module, base + i, names[base + i], throws).build(module.funcs[i].locals, module.funcs[i].body)
        for i in (range(len(module.funcs)) if part is None else part)
    )
    return n.Program(wasm=module, funcs=funcs)


# The nodes made most (graphviz: 100,000 LocalGet, 55,000 Const, 50,000
# numeric Op) are made without an `__init__` call, as `ir/shapes.py` makes
# nodes: a new object, its slots filled by their setters (the effect is
# None until annotate-effects).  That saves 0.02 s of graphviz's 0.3.
_new_node = object.__new__
_set_effect = slot_setters(n.Node)["effect"]
_set_local_get_index = slot_setters(n.LocalGet)["index"]
_set_const_type, _set_const_value = (slot_setters(n.Const)[f] for f in ("type", "value"))
_set_op_op, _set_op_args, _set_op_imm = (slot_setters(n.Op)[f] for f in ("op", "args", "imm"))


@dataclass
class _Frame:
    kind: str  # "func" | "block" | "loop" | "if"
    label: str
    type: FuncType
    params: tuple[int, ...] = ()  # locals holding the block's parameters
    results: tuple[int, ...] = ()  # locals receiving the block's results
    body: list[n.Stmt] = field(default_factory=list)
    stack: list[tuple[n.Expr, str]] = field(default_factory=list)
    clean: int = 0  # the stack's first `clean` entries are constants or temporaries
    unreachable: bool = False
    dead_depth: int = 0  # nesting depth inside unreachable code
    cond: n.Expr | None = None  # for `if`
    then: tuple[n.Stmt, ...] | None = None  # for `if`, once `else` is seen
    # try_table and try: where the body's exceptions go, and what happens there
    dispatch: str | None = None
    catches: tuple[tuple[Catch, _Frame], ...] = ()  # try_table: each clause and its target
    try_body: tuple[n.Stmt, ...] | None = None  # try: the body, once a handler starts
    handlers: list[n.Stmt] = field(default_factory=list)  # try: the dispatch code so far
    handler: tuple[int | None] | None = None  # try, in a handler: (its tag,), (None,) for catch_all
    caught: int | None = None  # try, in a handler: the local holding the caught exception


class _FunctionBuilder:
    def __init__(self, module: Module, index: int, name: str, throws: Throws):
        self.module = module
        self.throws = throws
        self.index = index
        self.name = name
        self.type = module.func_type(index)
        self.local_types: list[str] = []
        self.local_names: list[str] = []
        self.labels = 0
        self.temps = 0
        self.frames: list[_Frame] = []
        self.frame: _Frame  # the innermost of `frames` (kept by `enter_frame`, `leave_frame`)
        self.func_block = False  # a br_table targets the function's label
        self.body: tuple[Instr, ...] = ()  # the function's instructions
        self.position = 0  # of the instruction being translated, in `body`

    # -- locals --------------------------------------------------------------

    def new_local(self, type_: str, name: str) -> int:
        self.local_types.append(type_)
        self.local_names.append(name)
        return len(self.local_types) - 1

    def new_label(self, kind: str) -> str:
        self.labels += 1
        return f"{kind}{self.labels}"

    # -- the stack -----------------------------------------------------------

    # (The handlers of the commonest instructions push with
    # `self.frame.stack.append` themselves: a call fewer for each of
    # graphviz's 275,000 pushes.)
    def push(self, expr: n.Expr, type_: str) -> None:
        self.frame.stack.append((expr, type_))

    def pop(self) -> n.Expr:
        frame = self.frame
        stack = frame.stack
        expr = stack.pop()[0]
        if frame.clean > len(stack):
            frame.clean = len(stack)
        return expr

    def pop_n(self, count: int) -> tuple[n.Expr, ...]:
        if count == 0:
            return ()
        frame = self.frame
        stack = frame.stack
        height = len(stack) - count
        if count == 2:  # (binary operators, stores: without a list)
            popped = (stack[-2][0], stack[-1][0])
        else:
            popped = tuple([e for e, _ in stack[height:]])
        del stack[height:]
        if frame.clean > height:
            frame.clean = height
        return popped

    def flush_stack(self) -> None:
        """Bind every non-trivial value still on the stack to a pending temporary."""
        frame = self.frame
        stack = frame.stack
        for i in range(frame.clean, len(stack)):
            expr, type_ = stack[i]
            if not isinstance(expr, (n.Const, n.TempRef)):
                temp = self.new_temp(type_)
                frame.body.append(n.Let((temp,), expr))
                stack[i] = (n.TempRef(temp), type_)
        frame.clean = len(stack)

    def new_temp(self, type_: str) -> int:
        self.temps += 1
        return self.new_local(type_, f"t{self.temps}")

    def emit(self, stmt: n.Stmt) -> None:
        frame = self.frame
        if frame.clean < len(frame.stack):  # (most statements find nothing to flush)
            self.flush_stack()
        frame.body.append(stmt)

    # -- building --------------------------------------------------------------

    def build(self, declared_locals: tuple[str, ...], body: tuple[Instr, ...]) -> n.Function:
        types = self.type.params + declared_locals
        for t, name in zip(types, local_names(self.module, self.index, len(types))):
            self.new_local(t, name)
        self.enter_frame(_Frame("func", "func", self.type))
        self.body = body
        handlers = _HANDLERS
        for position, instr in enumerate(body):  # (the handler looked up here: one call fewer per instruction)
            self.position = position
            if self.frame.unreachable:
                self.skip(instr)
                continue
            handlers[instr.op](self, instr.args)
        return n.Function(
            index=self.index,
            name=self.name,
            type=self.type,
            local_types=tuple(self.local_types),
            local_names=distinct(self.local_names),
            body=self.result_body,
        )

    def skip(self, instr: Instr) -> None:
        frame = self.frame
        if instr.op in ("block", "loop", "if", "try", "try_table"):
            frame.dead_depth += 1
        elif instr.op in ("end", "delegate"):
            if frame.dead_depth:
                frame.dead_depth -= 1
            elif instr.op == "end":
                self.end()
            else:
                self.delegate(instr.args)
        elif instr.op == "else" and not frame.dead_depth:
            self.else_()
        elif instr.op in ("catch", "catch_all") and not frame.dead_depth:
            self.catch(instr.args)

    def mark_unreachable(self) -> None:
        self.frame.unreachable = True
        self.frame.stack.clear()
        self.frame.clean = 0

    @property
    def current_op(self) -> str:
        """The instruction being translated (for the handlers of several)."""
        return self.body[self.position].op

    @property
    def next_op(self) -> str | None:
        """The instruction after it, if any."""
        following = self.position + 1
        return self.body[following].op if following < len(self.body) else None

    # -- variables -------------------------------------------------------------

    def local_get(self, args: tuple) -> None:
        index = args[0]
        node = _new_node(n.LocalGet)  # n.LocalGet(index)
        _set_local_get_index(node, index)
        _set_effect(node, None)
        self.frame.stack.append((node, self.local_types[index]))

    def local_set(self, args: tuple) -> None:
        self.emit(n.LocalSet(args[0], self.pop()))

    def local_tee(self, args: tuple) -> None:
        index = args[0]
        tee = n.LocalTee(index, self.pop())
        self.frame.stack.append((tee, self.local_types[index]))

    def global_get(self, args: tuple) -> None:
        self.push(n.GlobalGet(args[0]), self.module.global_types()[args[0]].type)

    def global_set(self, args: tuple) -> None:
        self.emit(n.GlobalSet(args[0], self.pop()))

    # -- other operators ---------------------------------------------------------

    def drop(self, args: tuple) -> None:
        self.emit(n.Eval(self.pop()))

    def select(self, args: tuple) -> None:
        cond = self.pop()
        b, type_ = self.frame.stack.pop()
        self.frame.clean = min(self.frame.clean, len(self.frame.stack))
        a = self.pop()
        self.push(n.Op("select", (a, b, cond)), type_)

    def nop(self, args: tuple) -> None:
        pass

    def memory_size(self, args: tuple) -> None:
        self.push(n.Op("memory.size", (), args), self.module.memory_types()[args[0]].address_type)

    def memory_grow(self, args: tuple) -> None:
        self.push(n.Op("memory.grow", (self.pop(),), args), self.module.memory_types()[args[0]].address_type)

    def ref_null(self, args: tuple) -> None:
        self.push(n.Const(args[0], None), args[0])

    def ref_func(self, args: tuple) -> None:
        self.push(n.Op("ref.func", (), args), "funcref")

    def ref_is_null(self, args: tuple) -> None:
        self.push(n.Op("ref.is_null", (self.pop(),)), "i32")

    def ref_as_non_null(self, args: tuple) -> None:
        ref, t = self.frame.stack[-1]
        self.pop()
        self.push(n.Op("ref.as_non_null", (ref,)), non_null(t))

    def table_get(self, args: tuple) -> None:
        self.push(n.Op("table.get", (self.pop(),), args), self.module.table_types()[args[0]].elem)

    def table_size(self, args: tuple) -> None:
        self.push(n.Op("table.size", (), args), self.module.table_types()[args[0]].address_type)

    def table_grow(self, args: tuple) -> None:
        self.push(n.Op("table.grow", self.pop_n(2), args), self.module.table_types()[args[0]].address_type)

    # -- GC: objects, casts, i31 ---------------------------------------------------

    def struct_type(self, index: int) -> StructType:
        t = self.module.types[index]
        assert isinstance(t, StructType)
        return t

    def array_element(self, index: int) -> FieldType:
        t = self.module.types[index]
        assert isinstance(t, ArrayType)
        return t.element

    def struct_new(self, args: tuple) -> None:
        operands = self.pop_n(len(self.struct_type(args[0]).fields))
        self.push(n.Op("struct.new", operands, args), reference(False, args[0]))

    def struct_new_default(self, args: tuple) -> None:
        self.push(n.Op("struct.new_default", (), args), reference(False, args[0]))

    def struct_get(self, args: tuple) -> None:
        field = self.struct_type(args[0]).fields[args[1]]
        self.push(n.Op(self.current_op, (self.pop(),), args), field.unpacked)

    def array_new(self, args: tuple) -> None:
        op = self.current_op
        count = {"array.new_default": 1, "array.new_fixed": args[-1] if op == "array.new_fixed" else 0}.get(op, 2)
        self.push(n.Op(op, self.pop_n(count), args), reference(False, args[0]))

    def array_get(self, args: tuple) -> None:
        self.push(n.Op(self.current_op, self.pop_n(2), args), self.array_element(args[0]).unpacked)

    def array_len(self, args: tuple) -> None:
        self.push(n.Op("array.len", (self.pop(),)), "i32")

    def ref_test(self, args: tuple) -> None:
        self.push(n.Op("ref.test", (self.pop(),), args), "i32")

    def ref_cast(self, args: tuple) -> None:
        self.push(n.Op("ref.cast", (self.pop(),), args), args[0])

    def br_on_cast(self, args: tuple) -> None:
        """Like br_on_null: the reference in a temporary, tested, and left on
        the stack with the type of what does not branch."""
        depth, first, to = args
        self.flush_stack()
        ref = self.frame.stack[-1][0]
        test: n.Expr = n.Op("ref.test", (ref,), (to,))
        rest = difference(first, to)
        if self.current_op == "br_on_cast_fail":
            test, rest = n.Op("i32.eqz", (test,)), to
        self.conditional_branch(depth, test)
        self.pop()
        self.push(ref, rest)

    def convert(self, args: tuple) -> None:
        ref, t = self.frame.stack[-1]
        self.pop()
        target = "any" if self.current_op == "any.convert_extern" else "extern"
        self.push(n.Op(self.current_op, (ref,)), reference(ref_type(t).nullable, target))  # type: ignore[union-attr]

    def ref_i31(self, args: tuple) -> None:
        self.push(n.Op("ref.i31", (self.pop(),)), "(ref i31)")

    def i31_get(self, args: tuple) -> None:
        self.push(n.Op(self.current_op, (self.pop(),)), "i32")

    def ref_eq(self, args: tuple) -> None:
        self.push(n.Op("ref.eq", self.pop_n(2)), "i32")

    # -- calls -----------------------------------------------------------------

    def call(self, args: tuple) -> None:
        ftype = self.module.func_type(args[0])
        self.call_result(n.Call(args[0], self.pop_n(len(ftype.params))), ftype, self.throws.call("call", args))

    def call_indirect(self, args: tuple) -> None:
        ftype = self.module.types[args[0]]
        callee = self.pop()
        operands = self.pop_n(len(ftype.params))
        self.call_result(n.CallIndirect(args[0], args[1], operands, callee), ftype, self.throws.call("call_indirect", args))

    def return_call(self, args: tuple) -> None:
        ftype = self.module.func_type(args[0])
        self.emit(n.ReturnCall(n.Call(args[0], self.pop_n(len(ftype.params)))))
        self.mark_unreachable()

    def return_call_indirect(self, args: tuple) -> None:
        ftype = self.module.types[args[0]]
        callee = self.pop()
        operands = self.pop_n(len(ftype.params))
        self.emit(n.ReturnCall(n.CallIndirect(args[0], args[1], operands, callee)))
        self.mark_unreachable()

    def call_ref(self, args: tuple) -> None:
        ftype = self.module.types[args[0]]
        callee = self.pop()
        self.call_result(n.CallRef(args[0], self.pop_n(len(ftype.params)), callee), ftype, self.throws.call("call_ref", args))

    def return_call_ref(self, args: tuple) -> None:
        ftype = self.module.types[args[0]]
        callee = self.pop()
        self.emit(n.ReturnCall(n.CallRef(args[0], self.pop_n(len(ftype.params)), callee)))
        self.mark_unreachable()

    def call_result(self, call: n.Expr, ftype: FuncType, may_throw: bool) -> None:
        """The call's results pushed; a call that may throw is a statement of
        its own, followed by the test of a pending exception -- unless what
        comes next is the function's return, with no handler around: then
        returning is propagating."""
        may_throw = may_throw and not self.returns_next()
        if not ftype.results:
            self.emit(n.Eval(call))
        elif len(ftype.results) == 1 and not may_throw:
            self.push(call, ftype.results[0])
        else:
            temps = tuple(self.new_temp(t) for t in ftype.results)
            self.emit(n.Let(temps, call))
            for temp, t in zip(temps, ftype.results):
                self.push(n.TempRef(temp), t)
        if may_throw:
            self.emit(self.propagate(when=n.Op("exn.pending", ())))

    # -- exceptions ----------------------------------------------------------------

    def returns_next(self) -> bool:
        """Is the next instruction a return, outside any try?"""
        in_try = any(f.dispatch is not None and f.handler is None and f.try_body is None for f in self.frames)
        ends = self.next_op == "return" or self.next_op == "end" and self.frame.kind == "func"
        return ends and not in_try

    def propagate(self, when: n.Expr | None = None, outside: int | None = None) -> n.Stmt:
        """Go on with the pending exception (if `when`): to the dispatch code
        of the innermost try around the code (around frame `outside`, if
        given), or out of the function, returning zeros."""
        frames = self.frames if outside is None else self.frames[: outside + 1]
        for frame in reversed(frames):
            if frame.dispatch is not None and frame.handler is None and frame.try_body is None:
                if when is None:
                    return n.Br(frame.dispatch, ())
                return n.BrIf(frame.dispatch, (), when)
        out = n.Return(tuple(n.Const(t, _zero(t)) for t in self.type.results))
        return out if when is None else n.If(self.new_label("if"), (), when, (out,), ())

    def throw(self, args: tuple) -> None:
        params = self.module.types[self.module.tag_types()[args[0]]].params
        self.emit(n.Perform("throw", self.pop_n(len(params)), args))
        self.emit(self.propagate())
        self.mark_unreachable()

    def throw_ref(self, args: tuple) -> None:
        self.emit(n.Perform("throw_ref", (self.pop(),)))
        self.emit(self.propagate())
        self.mark_unreachable()

    def rethrow(self, args: tuple) -> None:
        caught = self.target(args[0]).caught
        assert caught is not None
        self.emit(n.Perform("throw_ref", (n.LocalGet(caught),)))
        self.emit(self.propagate())
        self.mark_unreachable()

    def try_table(self, args: tuple) -> None:
        block_type, catches = args
        targets = tuple((catch, self.target(catch.depth)) for catch in catches)
        self.enter("try_table", block_type)
        self.frame.dispatch = self.new_label("dispatch")
        self.frame.catches = targets

    def try_(self, args: tuple) -> None:
        self.enter("try", args[0])
        self.frame.dispatch = self.new_label("dispatch")

    def leave_try_part(self) -> None:
        """The end of a try's body or of one of its handlers: both go on
        after the try; a handler joins the dispatch code."""
        frame = self.frame
        if not frame.unreachable:
            self.fall_through()
            if not frame.type.results:
                frame.body.append(n.Br(frame.label, ()))
        if frame.handler is None:
            frame.try_body = tuple(frame.body)
        elif frame.handler[0] is None:
            frame.handlers += frame.body
        else:
            cond = n.Op("exn.is", (), frame.handler)
            frame.handlers.append(n.If(self.new_label("if"), (), cond, tuple(frame.body), ()))

    def catch(self, args: tuple) -> None:
        """A legacy handler: the payload on the stack, the exception kept."""
        self.leave_try_part()
        frame = self.frame
        frame.handler = (args[0] if args else None,)
        frame.body, frame.stack, frame.clean, frame.unreachable = [], [], 0, False
        frame.caught = self.new_local("exnref", f"{frame.label}_exn")
        frame.body.append(n.LocalSet(frame.caught, n.Op("exn.ref", ())))
        if args:
            params = self.module.types[self.module.tag_types()[args[0]]].params
            for value, t in zip(self.payload(params), params):
                self.push(value, t)
        frame.body.append(n.Perform("exn.clear", ()))

    def payload(self, types: tuple[str, ...]) -> list[n.Expr]:
        """The pending exception's values, each read into a temporary."""
        values: list[n.Expr] = []
        for k, t in enumerate(types):
            temp = self.new_temp(t)
            self.frame.body.append(n.Let((temp,), n.Op("exn.value", (), (k, t))))
            values.append(n.TempRef(temp))
        return values

    def delegate(self, args: tuple) -> None:
        """A legacy try whose exceptions go on to the handler around label
        `args[0]` (counted from outside the try)."""
        self.leave_try_part()
        self.frame.handlers.append(self.propagate(outside=len(self.frames) - 2 - args[0]))
        self.finish_block(self.try_block(self.frame, caught_all=True))

    def try_block(self, frame: _Frame, caught_all: bool) -> n.Stmt:
        """The block of a try_table or try: its body inside the dispatch
        block, then the dispatch code: the legacy try's handlers, or the
        try_table's catch clauses; then, unless one catches everything,
        on to the next handler out."""
        assert frame.try_body is not None and frame.dispatch is not None
        dispatch = list(frame.handlers)
        for catch, target in frame.catches:
            body: list[n.Stmt] = []
            frame.body = body
            params = self.module.types[self.module.tag_types()[catch.tag]].params if catch.tag is not None else ()
            values = self.payload(params)
            if catch.kind.endswith("_ref"):
                temp = self.new_temp("exnref")
                body.append(n.Let((temp,), n.Op("exn.ref", ())))
                values.append(n.TempRef(temp))
            body.append(n.Perform("exn.clear", ()))
            body.append(n.Return(tuple(values)) if target.kind == "func" else n.Br(target.label, tuple(values)))
            if catch.tag is None:
                dispatch += body
                caught_all = True
                break
            dispatch.append(n.If(self.new_label("if"), (), n.Op("exn.is", (), (catch.tag,)), tuple(body), ()))
        if not caught_all:
            dispatch.append(self.propagate(outside=len(self.frames) - 2))
        return n.Block(frame.label, frame.results, (n.Block(frame.dispatch, (), frame.try_body), *dispatch))


    # -- structured control ------------------------------------------------------

    def enter(self, kind: str, block_type: FuncType, cond: n.Expr | None = None) -> None:
        label = self.new_label(kind)
        values = self.pop_n(len(block_type.params))
        self.flush_stack()
        params: tuple[int, ...] = ()
        results: tuple[int, ...] = ()
        if values:  # (most blocks have neither parameters nor results: no generator made for them)
            params = tuple(self.new_local(t, f"{label}_p{i}") for i, t in enumerate(block_type.params))
            for local, value in zip(params, values):
                self.frame.body.append(n.LocalSet(local, value))
        if block_type.results:
            results = tuple(self.new_local(t, f"{label}_r{i}") for i, t in enumerate(block_type.results))
        frame = _Frame(kind, label, block_type, params, results, cond=cond)
        if params:
            frame.stack = [(n.LocalGet(p), t) for p, t in zip(params, block_type.params)]
        self.enter_frame(frame)

    def enter_frame(self, frame: _Frame) -> None:
        self.frames.append(frame)
        self.frame = frame

    def leave_frame(self) -> _Frame:
        frame = self.frames.pop()
        self.frame = self.frames[-1]
        return frame

    def block(self, args: tuple) -> None:
        self.enter("block", args[0])

    def loop(self, args: tuple) -> None:
        self.enter("loop", args[0])

    def if_(self, args: tuple) -> None:
        cond = self.pop()
        self.enter("if", args[0], cond)

    def fall_through(self) -> None:
        """Deliver the values at the end of a reachable block body."""
        frame = self.frame
        values = self.pop_n(len(frame.type.results))
        if frame.kind == "loop":
            for local, value in zip(frame.results, values):
                frame.body.append(n.LocalSet(local, value))
        elif frame.kind == "func":
            if values:
                frame.body.append(n.Return(values))
        elif values:
            frame.body.append(n.Br(frame.label, values))

    def else_(self) -> None:
        frame = self.frame
        if not frame.unreachable:
            self.fall_through()
        frame.then = tuple(frame.body)
        frame.body = []
        frame.unreachable = False
        frame.stack = [(n.LocalGet(p), t) for p, t in zip(frame.params, frame.type.params)]

    def end(self, args: tuple = ()) -> None:
        frame = self.frame
        if frame.kind in ("try", "try_table"):
            self.leave_try_part()
            self.finish_block(self.try_block(frame, caught_all=frame.handler == (None,)))
            return
        if not frame.unreachable:
            self.fall_through()
        if frame.kind == "func":
            self.result_body = tuple(frame.body)
            if self.func_block:
                values = tuple(n.LocalGet(r) for r in frame.results)
                self.result_body = (n.Block(frame.label, frame.results, self.result_body), n.Return(values))
            return
        body = tuple(frame.body)
        if frame.kind == "block":
            stmt: n.Stmt = n.Block(frame.label, frame.results, body)
        elif frame.kind == "loop":
            stmt = n.Loop(frame.label, frame.params, body)
        else:
            assert frame.cond is not None
            if frame.then is None:  # no else: the parameters pass through
                then, els = body, _pass_through(frame)
            else:
                then, els = frame.then, body
            stmt = n.If(frame.label, frame.results, frame.cond, then, els)
        self.finish_block(stmt)

    def finish_block(self, stmt: n.Stmt) -> None:
        """The current block done as `stmt`: its results on the stack around it."""
        frame = self.leave_frame()
        self.frame.body.append(stmt)
        for local, t in zip(frame.results, frame.type.results):
            self.push(n.LocalGet(local), t)

    # -- branches --------------------------------------------------------------

    def target(self, depth: int) -> _Frame:
        return self.frames[-1 - depth]

    def branch_arity(self, frame: _Frame) -> int:
        return len(frame.type.params if frame.kind == "loop" else frame.type.results)

    def br(self, args: tuple) -> None:
        target = self.target(args[0])
        values = self.pop_n(self.branch_arity(target))
        self.emit(n.Return(values) if target.kind == "func" else n.Br(target.label, values))
        self.mark_unreachable()

    def br_if(self, args: tuple) -> None:
        self.conditional_branch(args[0], self.pop())

    def br_on_null(self, args: tuple) -> None:
        """The reference is bound to a temporary (flushed), tested, and left
        on the stack, known to be non-null, if the branch is not taken."""
        ref, t = self.frame.stack[-1]
        self.flush_stack()
        ref = self.frame.stack[-1][0]
        self.pop()
        self.conditional_branch(args[0], n.Op("ref.is_null", (ref,)))
        self.push(ref, non_null(t))

    def br_on_non_null(self, args: tuple) -> None:
        """The reference goes with the branch; if it is not taken, it is dropped."""
        self.flush_stack()
        ref = self.frame.stack[-1][0]
        self.conditional_branch(args[0], n.Op("i32.eqz", (n.Op("ref.is_null", (ref,)),)))
        self.pop()

    def conditional_branch(self, depth: int, cond: n.Expr) -> None:
        """br_if: the values the target takes (the top of the stack) go
        with the branch when `cond` holds, and stay on the stack."""
        target = self.target(depth)
        arity = self.branch_arity(target)
        if arity:
            # The values go to the target if the branch is taken and stay on
            # the stack if not: bind them to temporaries used twice.
            self.flush_stack()
            values = tuple(e for e, _ in self.frame.stack[-arity:])
        else:
            values = ()
        if target.kind == "func":
            stmt: n.Stmt = n.If(self.new_label("if"), (), cond, (n.Return(values),), ())
        else:
            stmt = n.BrIf(target.label, values, cond)
        self.emit(stmt)

    def br_table(self, args: tuple) -> None:
        depths, default = args
        index = self.pop()
        values = self.pop_n(self.branch_arity(self.target(default)))
        labels = tuple(self.label_of(d) for d in depths)
        self.emit(n.BrTable(labels, self.label_of(default), values, index))
        self.mark_unreachable()

    def label_of(self, depth: int) -> str:
        """The label of a br_table target; the function's own label becomes a
        block around the whole body, whose end returns its result locals."""
        frame = self.target(depth)
        if frame.kind == "func" and not frame.results:
            frame.results = tuple(self.new_local(t, f"func_r{i}") for i, t in enumerate(self.type.results))
            self.func_block = True
        elif frame.kind == "func":
            self.func_block = True
        return frame.label

    def return_(self, args: tuple) -> None:
        self.emit(n.Return(self.pop_n(len(self.type.results))))
        self.mark_unreachable()

    def unreachable(self, args: tuple) -> None:
        self.emit(n.Unreachable())
        self.mark_unreachable()


def _zero(t: str) -> int | None:
    """A value of type `t` to return while an exception propagates (any would do)."""
    return None if is_ref(t) else 0


def _pass_through(frame: _Frame) -> tuple[n.Stmt, ...]:
    if not frame.results:
        return ()
    return (n.Br(frame.label, tuple(n.LocalGet(p) for p in frame.params)),)


Handler = Callable[[_FunctionBuilder, tuple], None]


def _generic_handler(op: str) -> Handler:
    """The translation of an instruction that `_HANDLERS` does not name:
    a constant, a SIMD instruction, a load or store, or another operator
    that pops its operands and pushes its result or performs an effect
    (made once per operator, then kept in `_HANDLERS`)."""
    if op.endswith(".const"):
        t = op[: -len(".const")]

        def const(b: _FunctionBuilder, args: tuple) -> None:
            node = _new_node(n.Const)  # n.Const(t, args[0])
            _set_const_type(node, t)
            _set_const_value(node, args[0])
            _set_effect(node, None)
            b.frame.stack.append((node, t))

        return const
    if op in SIMD:
        info = OPERATORS[op]
        arity = len(info.params)
        if info.results:
            result = info.results[0]
            return lambda b, args: b.frame.stack.append((n.Op(op, b.pop_n(arity), args), result))
        return lambda b, args: b.emit(n.Perform(op, b.pop_n(arity), args))
    if is_load(op):
        loaded = numeric_result_type(op)
        return lambda b, args: b.frame.stack.append((n.Op(op, (b.pop(),), args), loaded))
    if is_store(op):
        return lambda b, args: b.emit(n.Perform(op, b.pop_n(2), args))
    if op in PERFORM_ARITY:
        count = PERFORM_ARITY[op]
        return lambda b, args: b.emit(n.Perform(op, b.pop_n(count), args))
    arity, result = numeric_arity(op), numeric_result_type(op)

    def numeric(b: _FunctionBuilder, args: tuple) -> None:
        node = _new_node(n.Op)  # n.Op(op, operands)
        _set_op_op(node, op)
        _set_op_args(node, (b.pop(),) if arity == 1 else b.pop_n(arity))
        _set_op_imm(node, ())
        _set_effect(node, None)
        b.frame.stack.append((node, result))

    return numeric


class _Handlers(dict[str, Handler]):
    """Instruction -> its translation: the named ones, and the others'
    made when first met (`_generic_handler`), so that `build` looks each
    instruction's up with one subscript (cheaper than `dict.get`)."""

    def __missing__(self, op: str) -> Handler:
        handler = self[op] = _generic_handler(op)
        return handler


_B = _FunctionBuilder
_HANDLERS = _Handlers({
    "local.get": _B.local_get, "local.set": _B.local_set, "local.tee": _B.local_tee,
    "global.get": _B.global_get, "global.set": _B.global_set,
    "drop": _B.drop, "select": _B.select, "nop": _B.nop,
    "memory.size": _B.memory_size, "memory.grow": _B.memory_grow,
    "ref.null": _B.ref_null, "ref.func": _B.ref_func, "ref.is_null": _B.ref_is_null,
    "table.get": _B.table_get, "table.size": _B.table_size, "table.grow": _B.table_grow,
    "call": _B.call, "call_indirect": _B.call_indirect, "call_ref": _B.call_ref,
    "return_call": _B.return_call, "return_call_indirect": _B.return_call_indirect,
    "return_call_ref": _B.return_call_ref, "ref.as_non_null": _B.ref_as_non_null,
    "br_on_null": _B.br_on_null, "br_on_non_null": _B.br_on_non_null,
    "throw": _B.throw, "throw_ref": _B.throw_ref, "rethrow": _B.rethrow,
    "try_table": _B.try_table, "try": _B.try_, "catch": _B.catch, "catch_all": _B.catch,
    "delegate": _B.delegate,
    "block": _B.block, "loop": _B.loop, "if": _B.if_, "else": lambda b, a: b.else_(), "end": _B.end,
    "br": _B.br, "br_if": _B.br_if, "br_table": _B.br_table,
    "return": _B.return_, "unreachable": _B.unreachable,
    "struct.new": _B.struct_new, "struct.new_default": _B.struct_new_default,
    "struct.get": _B.struct_get, "struct.get_s": _B.struct_get, "struct.get_u": _B.struct_get,
    "array.new": _B.array_new, "array.new_default": _B.array_new, "array.new_fixed": _B.array_new,
    "array.new_data": _B.array_new, "array.new_elem": _B.array_new,
    "array.get": _B.array_get, "array.get_s": _B.array_get, "array.get_u": _B.array_get, "array.len": _B.array_len,
    "ref.test": _B.ref_test, "ref.cast": _B.ref_cast, "br_on_cast": _B.br_on_cast, "br_on_cast_fail": _B.br_on_cast,
    "any.convert_extern": _B.convert, "extern.convert_any": _B.convert,
    "ref.i31": _B.ref_i31, "i31.get_s": _B.i31_get, "i31.get_u": _B.i31_get, "ref.eq": _B.ref_eq,
})  # fmt: skip
