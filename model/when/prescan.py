"""The pre-scan: each pattern is tried only at the word starts where it can begin, read off
its parse tree once; patterns it cannot read are searched in full."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from itertools import compress
from re import _constants as _sre
from re import _parser as _sre_parser
from typing import Any

from model.when.rules import _DIGIT_LED, _OFFSET_RULES, _RULES, _TOKEN, _gate_open

_KEY_LEN = 5  # leading characters of a match that decide where a pattern is tried


def _key(chars: str) -> str:
    """``chars`` as a key: a ``\\d`` character becomes "#", a ``\\s`` character " "."""
    return "".join("#" if c.isdecimal() else " " if c.isspace() else c for c in chars)


class _Unindexable(Exception):
    """The match starts of a pattern cannot be narrowed down (search it in full)."""


# A partial beginning of a match: (key so far, a word boundary holds before it, key final).
_KeyState = tuple[str, bool, bool]


_WORD_CATEGORIES = (_sre.CATEGORY_WORD, _sre.CATEGORY_UNI_WORD)


def _class_chars(items: list[tuple[Any, Any]]) -> set[tuple[str, bool]] | None:
    """The (key character, is a word character) pairs that a character class (or literal)
    can match, or None when they are too many to list (``\\w``, ``.``, a negated class)."""
    out: set[tuple[str, bool]] = set()
    for op, av in items:
        if op is _sre.LITERAL:
            chars = chr(av)
        elif op is _sre.RANGE and av[1] - av[0] <= 256:
            chars = "".join(map(chr, range(av[0], av[1] + 1)))
        elif op is _sre.CATEGORY and av in (_sre.CATEGORY_DIGIT, _sre.CATEGORY_UNI_DIGIT):
            out.add(("#", True))
            continue
        elif op is _sre.CATEGORY and av in (_sre.CATEGORY_SPACE, _sre.CATEGORY_UNI_SPACE):
            out.add((" ", False))
            continue
        else:
            return None
        out.update((_key(c), c.isalnum() or c == "_") for c in chars)
    return out


def _no_word_before(op: Any, av: Any) -> bool:
    """True for "\\b" and for a negative look-behind whose class holds ``\\w`` ("(?<![\\w.])")."""
    if op is _sre.AT:
        return av in (_sre.AT_BOUNDARY, _sre.AT_UNI_BOUNDARY)
    if op is not _sre.ASSERT_NOT or av[0] != -1 or len(av[1].data) != 1:
        return False
    sub_op, items = av[1].data[0]
    return (
        sub_op is _sre.IN
        and (_sre.NEGATE, None) not in items
        and any(o is _sre.CATEGORY and a in _WORD_CATEGORIES for o, a in items)
    )


def _walk(seq: Any, states: set[_KeyState], specials: set[str]) -> set[_KeyState]:
    """Advance partial beginnings over a parsed pattern sequence. It over-estimates (look-
    arounds are skipped, repeats may stop anywhere), so every real match begins with a key.

    A key must begin at the start of a word (a word character after "\\b" or a look-behind
    without ``\\w``) or with a punctuation mark, which is added to ``specials``."""
    for op, av in seq.data:
        live = {s for s in states if not s[2]}
        if not live:
            break
        done = states - live
        if op is _sre.LITERAL or op is _sre.IN:
            chars = _class_chars([(op, av)] if op is _sre.LITERAL else av)
            grown: set[_KeyState] = set()
            for key, bound, _ in live:
                if chars is None:  # unknown characters: the key ends here
                    if not key:
                        raise _Unindexable
                    grown.add((key, bound, True))
                    continue
                for c, word in chars:
                    if not key:
                        if c == " " or word and not bound:
                            raise _Unindexable  # could begin anywhere
                        if not word:
                            specials.add(c)
                    grown.add((key + c, bound, len(key) + 1 >= _KEY_LEN))
            states = done | grown
        elif op is _sre.AT or op is _sre.ASSERT_NOT or op is _sre.ASSERT:
            if _no_word_before(op, av):
                states = done | {(key, bound or not key, fin) for key, bound, fin in live}
        elif op is _sre.SUBPATTERN:
            if av[1] & _sre.SRE_FLAG_IGNORECASE:
                raise _Unindexable
            states = done | _walk(av[3], live, specials)
        elif op is _sre.ATOMIC_GROUP:
            states = done | _walk(av, live, specials)
        elif op is _sre.BRANCH:
            states = done.union(*(_walk(alt, live, specials) for alt in av[1]))
        elif op is _sre.MAX_REPEAT or op is _sre.MIN_REPEAT or op is _sre.POSSESSIVE_REPEAT:
            lo, hi, sub = av
            out = set(live) if lo == 0 else set()
            cur, seen, i = live, set(), 0
            while i < hi:
                i += 1
                cur = _walk(sub, cur, specials)
                if i >= lo:
                    out |= cur
                    if frozenset(cur) in seen:
                        break  # the states repeat: more rounds add nothing
                    seen.add(frozenset(cur))
                if i > 100:
                    raise _Unindexable
            states = done | out
        else:  # back-references, conditionals: the key ends here
            if any(not key for key, _, _ in live):
                raise _Unindexable
            states = done | {(key, bound, True) for key, bound, _ in live}
    return states


def _match_keys(rx: re.Pattern[str], specials: set[str]) -> frozenset[str] | None:
    """Keys such that every match of ``rx`` begins with one of them, at a word start or at
    a punctuation mark (added to ``specials``); None if ``rx`` must be searched in full."""
    if rx.flags & re.IGNORECASE:
        return None
    found: set[str] = set()
    try:
        states = _walk(_sre_parser.parse(rx.pattern, rx.flags), {("", False, False)}, found)
    except _Unindexable:
        return None
    if any(not key for key, _, _ in states):
        return None  # it can match the empty string
    specials |= found
    return frozenset(key for key, _, _ in states)


_ALL_RULES = _RULES + _OFFSET_RULES


@dataclass(frozen=True, slots=True)
class _StartIndex:
    """Which rules may match where (built once, by :func:`_start_index`)."""

    searched: tuple[bool, ...]  # per rule of ``_ALL_RULES``: True = search it in full
    rules_by_key: dict[str, tuple[int, ...]]  # key -> rules with that key
    start_points: re.Pattern[str]  # finds each word and each punctuation mark a key begins with


@functools.cache
def _start_index() -> _StartIndex:
    """Read the keys off all rule patterns (~40 ms, so on first use, not on import)."""
    specials: set[str] = set()
    rule_keys = [_match_keys(rx, specials) for rx, _, _, _ in _ALL_RULES]
    by_key: dict[str, list[int]] = {}
    for i, keys in enumerate(rule_keys):
        for key in keys or ():
            by_key.setdefault(key, []).append(i)
    points = r"\w+" + (f"|[{''.join(map(re.escape, sorted(specials)))}]" if specials else "")
    return _StartIndex(
        tuple(keys is None for keys in rule_keys),
        {key: tuple(rules) for key, rules in by_key.items()},
        re.compile(points),
    )


_RULES_AT: dict[str, tuple[int, ...]] = {}  # cache: next characters at a start -> rules


def _rules_at(chars: str) -> tuple[int, ...]:
    """The rules (indexes into ``_ALL_RULES``) that may match at a start followed by ``chars``."""
    key = _key(chars)
    by_key = _start_index().rules_by_key
    found: set[int] = set()
    for n in range(1, len(key) + 1):
        found.update(by_key.get(key[:n], ()))
    rules = tuple(sorted(found))
    if len(_RULES_AT) >= 50_000:  # keep the cache bounded
        _RULES_AT.clear()
    _RULES_AT[chars] = rules
    return rules


def _start_positions(low: str) -> list[list[int] | None]:
    """Per rule of ``_ALL_RULES``: the ascending positions of ``low`` where a match may
    begin, or None when the rule is to be searched in full."""
    index = _start_index()
    out: list[list[int] | None] = [None if full else [] for full in index.searched]
    starts = [m.start() for m in index.start_points.finditer(low)]
    nexts = [low[p : p + _KEY_LEN] for p in starts]
    rules_at = list(map(_RULES_AT.get, nexts))
    if None in rules_at:  # not cached yet
        rules_at = [
            _rules_at(chars) if rules is None else rules for chars, rules in zip(nexts, rules_at, strict=True)
        ]
    # only the starts where some rule may match
    for p, rules in compress(zip(starts, rules_at, strict=True), rules_at):
        for i in rules:
            out[i].append(p)  # type: ignore[union-attr]
    return out


def _scan_start(low: str, starts: tuple[str, ...] | None, first_digit: int) -> int:
    """First position where a rule's match can begin (see ``_STARTS``); -1: nowhere."""
    if starts is None:
        return 0
    if starts is _DIGIT_LED:
        return first_digit
    best = -1
    for lit in starts:
        k = low.find(lit)
        if k >= 0 and (best < 0 or k < best):
            best = k
    return best


def _rule_matches(low: str, digit: re.Match[str] | None) -> list[tuple[int, re.Match[str]]]:
    """(index into ``_ALL_RULES``, match) for every match of every rule in ``low``: rule by
    rule, each left to right, as ``finditer`` gives them. ``digit``: the first digit in ``low``.

    A rule is skipped when no position can begin a match (``_start_positions``), when its
    gate is closed (``_GATES``) or its start literal is missing (``_STARTS``)."""
    positions = _start_positions(low)
    first_digit = digit.start() if digit is not None else -1
    tokens: set[str] | None = None
    out: list[tuple[int, re.Match[str]]] = []
    # only the rules that may match somewhere (about one rule in five, on a typical note)
    for i in [i for i, at in enumerate(positions) if at is None or at]:
        rx, _, gate, starts = _ALL_RULES[i]
        if gate is not None:
            if tokens is None:
                tokens = set(_TOKEN.findall(low))
                if digit is not None:
                    tokens.add("#")
            if not _gate_open(gate, tokens, low):
                continue
        pos = _scan_start(low, starts, first_digit)
        if pos < 0:
            continue
        at = positions[i]
        if at is None:
            out.extend((i, m) for m in rx.finditer(low, pos))
            continue
        match = rx.match
        for p in at:  # each start once, past the previous match (as finditer goes on)
            if p >= pos:
                m = match(low, p)
                if m is not None:
                    out.append((i, m))
                    pos = m.end()
    return out
