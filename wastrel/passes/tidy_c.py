"""pass: tidy-c : c -> c

Removes the jumps C does not need, so that the C reads as a person would
write it.

    goto L; L:                      =>  L:            (a jump to where control goes anyway)
    if (c) { } else { }             =>  c;            (nothing, if c is pure)
    for (;;) { ... goto L; ... } L: =>  for (;;) { ... break; ... } L:

Rules, walking each statement list from its end, knowing the labels that
control reaches when it falls off that end:

1. A `goto` to one of the labels reached anyway goes.  Labels that follow
   each other are reached together; an `if`'s arms fall into what follows
   the `if`.
2. An `if` whose arms are left empty keeps only its condition's effects.
3. Inside a loop (not inside a nested loop or a `switch`, where `break`
   means something else), a `goto` to a label right after the loop is
   `break`.

The labels nothing jumps to any more go in `remove-unused-labels`, next.

Design decision: the set of labels reached from the end of a list is
shared with the caller, not copied (nested ifs would make the copies
quadratic): the labels a list adds to it while its run of trailing labels
lasts are taken out again before it returns.
"""

from __future__ import annotations

from dataclasses import replace

from wastrel.ir import nodes as n
from wastrel.passes.framework import declare_pass, map_functions


@declare_pass("tidy-c", takes="c", gives="c", requires="shape-loops", local=True)
def tidy_c(program: n.Program) -> n.Program:
    return map_functions(program, lambda f: replace(f, body=_tidy(f.body, set())))


def _tidy(body: tuple[n.Stmt, ...], follows: set[str]) -> tuple[n.Stmt, ...]:
    """`body` without gotos to a label reached anyway; `follows` holds the
    labels that control reaches when it falls off the end of `body`."""
    out: list[n.Stmt] = []
    after, added = follows, []  # `after`: labels reached from here on
    for s in reversed(body):
        match s:
            case n.CLabel(name=name):
                if after is follows and name not in after:
                    added.append(name)
                after.add(name)
            case n.CGoto(name=name) if name in after:
                continue
            case n.CIf(cond=cond, then=then, else_=els):
                then, els = _tidy(then, after), _tidy(els, after)
                after = _fresh(follows, added, after)
                if not then and not els:
                    if not cond.effect.is_pure:  # type: ignore[union-attr]
                        out.append(n.Eval(cond, effect=cond.effect))
                    continue
                s = n.CIf(cond, then, els)
            case n.CLoop(body=inner) | n.CDoWhile(body=inner):
                s = replace(s, body=_gotos_to_breaks(_tidy(inner, set()), after))
                after = _fresh(follows, added, after)
            case n.CSwitch(cases=cases, default=default):
                s = replace(s, cases=tuple((ix, _tidy(b, set())) for ix, b in cases), default=_tidy(default, set()))
                after = _fresh(follows, added, after)
            case _:
                after = _fresh(follows, added, after)
        out.append(s)
    _fresh(follows, added, after)
    out.reverse()
    return tuple(out)


def _fresh(follows: set[str], added: list[str], after: set[str]) -> set[str]:
    """Ends a run of labels: `follows` gets back what the run added to it,
    and the labels reached from the next statement on start empty."""
    if after is follows:
        follows.difference_update(added)
        added.clear()
    return set()


def _gotos_to_breaks(body: tuple[n.Stmt, ...], exits: set[str]) -> tuple[n.Stmt, ...]:
    """Inside a loop followed directly by one of `exits`, `goto exit` is `break`."""
    out: list[n.Stmt] = []
    for s in body:
        match s:
            case n.CGoto(name=name) if name in exits:
                s = n.CBreak()
            case n.CIf(then=then, else_=els):
                s = replace(s, then=_gotos_to_breaks(then, exits), else_=_gotos_to_breaks(els, exits))
        out.append(s)
    return tuple(out)
