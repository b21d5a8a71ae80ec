"""What a user's search asks for, read the way PostgreSQL's `websearch_to_tsquery` reads it on both databases:
words that must all occur, "quoted words" that must occur together, `or` between terms, `-word` excluded."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """One thing to look for, as the user typed it (a "quoted phrase" with its quotes, or a word), and its words."""

    typed: str
    words: tuple[str, ...]
    quoted: bool

    @property
    def may_be_phrase(self) -> bool:
        """Whether PostgreSQL reads it as words that must be adjacent ("a b", but also a-b or 1.5)."""
        return self.quoted or len(self.words) > 1


def query_terms(text: str) -> tuple[list[list[Term]], list[Term]]:
    """A websearch-style query (words, "phrases", or, -word) as the terms that must all match (each a list of
    alternatives, `or` between them) and the terms that must not."""
    positives: list[list[Term]] = []
    negatives: list[Term] = []
    pending_or = False
    for negate, quoted, word in re.findall(r'(-?)(?:"([^"]*)"?|([^\s"]+))', text):
        if not quoted and word.lower() == "or" and not negate:
            pending_or = bool(positives)
            continue
        words = tuple(re.findall(r"\w+", quoted or word))
        if not words:
            continue
        term = Term(typed=f'"{quoted}"' if quoted else word, words=words, quoted=bool(quoted))
        if negate:
            negatives.append(term)
        elif pending_or:
            positives[-1].append(term)
            pending_or = False
        else:
            positives.append([term])
    return positives, negatives
