"""Whether two CRM records are the same person, and carrying a recruiter's pick to other accounts.

The rule (one, used wherever Ringside matches people across accounts): the same normalised name
(case, accents, spacing and apostrophe styles ignored), and company and e-mail each agreeing where
both records give one. A shared office line makes several people match one number; the record the
recruiter picks in one account is the truth for every account where that person is found.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from app.core.models import AccountResult, LookupStatus, Record

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=1024)  # the card merges its people again on every update, with the same few names
def normalised(text: str) -> str:
    """"  Daniel  O’Connor " → "daniel o'connor"; "Zoë" → "zoe"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split()).casefold()


def _agree(a: str, b: str) -> bool:
    return not a.strip() or not b.strip() or normalised(a) == normalised(b)


def same_person(a: Record, b: Record) -> bool:
    """Same normalised name, and company and e-mail agreeing where both records give one."""
    name = normalised(a.name)
    return bool(name) and name == normalised(b.name) and _agree(a.company, b.company) and _agree(a.email, b.email)


def is_guess(record: Record) -> bool:
    """A record the CRM described as one of several matches it did not describe (TrackerRMS's
    checkPerson on a shared line): never logged against unless the recruiter picks it."""
    return record.one_of > 1


@dataclass(frozen=True)
class Carried:
    """Where a pick lands in another account: `record` to select there (`added`: not among that
    account's matches yet — a described-by-name record whose id the connector resolves), or None
    when it can't be carried (the recruiter picks there)."""

    account_id: str
    record: Record | None
    added: bool = False


def carry(picked: Record, result: AccountResult, *, by_name: bool) -> Carried | None:
    """The pick of `picked` carried to another account's `result`. None when there is nothing to
    decide there (no matches, or the account is the picked one's). `by_name`: the account finds
    records by name (TrackerRMS's getRecords), so a person it matched without describing can be named."""
    if result.account_id == picked.account_id or result.status is not LookupStatus.FOUND or not result.records:
        return None
    same = [r for r in result.records if same_person(r, picked)]
    if len(same) == 1:
        return Carried(result.account_id, same[0])
    if same:  # the same person twice in one CRM: the recruiter decides there
        return Carried(result.account_id, None)
    guesses = [r for r in result.records if is_guess(r)]
    if guesses and by_name:
        guess = guesses[0]
        label = guess.type_label.split(" · ")[0] if guess.type is picked.type else ""
        named = Record(account_id=result.account_id, type=picked.type, id=None,
                       name=picked.name, job_title=picked.job_title, company=picked.company, email=picked.email,
                       link=guess.link, type_label=label)
        return Carried(result.account_id, named, added=True)
    return Carried(result.account_id, None)


def ambiguous(result: AccountResult, selected: str | None) -> bool:
    """An account whose match is not settled: several records, or one that is a guess, and no pick."""
    if result.status is not LookupStatus.FOUND or not result.records or selected is not None:
        return False
    return len(result.records) > 1 or any(is_guess(r) for r in result.records)
