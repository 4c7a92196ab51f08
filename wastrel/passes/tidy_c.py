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
    """`body` without gotos to a label reached anyway (`body` itself if
    nothing changes); `follows` holds the labels that control reaches when
    it falls off the end of `body`."""
    out: list[n.Stmt] = []
    changed = False
    after, added = follows, []  # `after`: labels reached from here on
    for s in reversed(body):
        kind = type(s)
        if kind is n.CLabel:
            name = s.name  # type: ignore[attr-defined]
            if after is follows and name not in after:
                added.append(name)
            after.add(name)
        elif kind is n.CGoto and s.name in after:  # type: ignore[attr-defined]
            changed = True
            continue
        elif kind is n.CIf:
            cond = s.cond  # type: ignore[attr-defined]
            then, els = _tidy(s.then, after), _tidy(s.else_, after)  # type: ignore[attr-defined]
            after = _fresh(follows, added, after)
            if not then and not els:
                changed = True
                if not cond.effect.is_pure:
                    out.append(n.Eval(cond, effect=cond.effect))
                continue
            if then is not s.then or els is not s.else_:  # type: ignore[attr-defined]
                s, changed = n.CIf(cond, then, els), True
        elif kind is n.CLoop or kind is n.CDoWhile:
            inner = _gotos_to_breaks(_tidy(s.body, set()), after)  # type: ignore[attr-defined]
            if inner is not s.body:  # type: ignore[attr-defined]
                s, changed = replace(s, body=inner), True
            after = _fresh(follows, added, after)
        elif kind is n.CSwitch:
            s, changed = replace(s, cases=tuple((ix, _tidy(b, set())) for ix, b in s.cases), default=_tidy(s.default, set())), True  # type: ignore[attr-defined]
            after = _fresh(follows, added, after)
        else:
            after = _fresh(follows, added, after)
        out.append(s)
    _fresh(follows, added, after)
    if not changed:
        return body
    out.reverse()
    return tuple(out)


def _fresh(follows: set[str], added: list[str], after: set[str]) -> set[str]:
    """Ends a run of labels: `follows` gets back what the run added to it,
    and the labels reached from the next statement on start empty (the
    same set, if it already is)."""
    if after is follows:
        follows.difference_update(added)
        added.clear()
        return set()
    return after if not after else set()


def _gotos_to_breaks(body: tuple[n.Stmt, ...], exits: set[str]) -> tuple[n.Stmt, ...]:
    """Inside a loop followed directly by one of `exits`, `goto exit` is
    `break` (`body` itself if there is none)."""
    out: list[n.Stmt] = []
    changed = False
    for s in body:
        kind = type(s)
        if kind is n.CGoto and s.name in exits:  # type: ignore[attr-defined]
            s, changed = n.CBreak(), True
        elif kind is n.CIf:
            then, els = _gotos_to_breaks(s.then, exits), _gotos_to_breaks(s.else_, exits)  # type: ignore[attr-defined]
            if then is not s.then or els is not s.else_:  # type: ignore[attr-defined]
                s, changed = replace(s, then=then, else_=els), True
        out.append(s)
    return tuple(out) if changed else body
