"""The card's body: a merged block for each person several accounts found, and an `AccountSection`
for every other account (still looking, no match, failed, or several matches to pick from).

Recomputed from each `CallView`, so the card fills in as each account answers: an account joins a
person's block once its answer shows the same person (`core.person_merge`). Only blocks and sections
whose content changed are rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QVBoxLayout, QWidget

from app.core.person_merge import Person, merge_people
from app.core.ports import NewRecordKind
from app.core.views import CallView
from app.ui.card.person import PersonBlock
from app.ui.card.rows import AccountSection

W = TypeVar("W", bound=QWidget)


class CardBody:
    """Keeps `layout` (the card's scrolling sections host) in step with a view's accounts. What leaves
    it goes to `retire` (hidden now, deleted once the card has painted without it)."""

    def __init__(self, layout: QVBoxLayout, *, picked: Callable[[str, str], None],
                 sign_in: Callable[[str], None], create: Callable[[str, NewRecordKind], None],
                 retire: Callable[[QWidget], None]) -> None:
        self._layout = layout
        self._picked, self._sign_in, self._create = picked, sign_in, create
        self._retire = retire
        self.sections: dict[str, AccountSection] = {}
        self.people: dict[str, PersonBlock] = {}  # keyed by the person's first account
        self.order: list[PersonBlock | AccountSection] = []  # as shown, top to bottom
        self._ready_people: dict[str, PersonBlock] = {}  # built ahead by `prepare`, hidden

    def render(self, view: CallView) -> None:
        people = merge_people(view.accounts)
        merged: dict[str, Person] = {a: p for p in people for a in p.account_ids}
        order: list[PersonBlock | AccountSection] = []
        for result in view.accounts:
            person = merged.get(result.account_id)
            if person is not None:
                if person.account_ids[0] == result.account_id:
                    order.append(self._person_block(result.account_id, person))
                continue
            section = self._section(result.account_id, result.account_label)
            section.update_result(result, view.selected.get(result.account_id))
            section.create_bar.update_view(view, result)
            order.append(section)
        self._drop(self.sections, {a for a in self.sections if a not in merged and _listed(view, a)})
        self._drop(self.people, {p.account_ids[0] for p in people})
        self.order = order
        if view.complete:  # every answer is in: what was built ahead and not taken is stale
            self.drop_ready()
        for index, widget in enumerate(order):
            if self._layout.indexOf(widget) != index:
                self._layout.insertWidget(index, widget)
                widget.show()

    def prepare(self, view: CallView) -> None:
        """Build ahead, hidden, the rows each account's section would show for `view`'s answers (the
        spare card, for the last caller calling again), and the blocks of the people several found."""
        host = self._layout.parentWidget()
        for person in merge_people(view.accounts):
            block = PersonBlock(self._retire)
            block.setParent(host)  # a child from the start: polished with the card, deleted with it
            block.hide()
            block.show_person(person)
            block.build_ahead(person)
            self._ready_people[person.account_ids[0]] = block
        for result in view.accounts:
            section = self.sections.get(result.account_id)
            if section is not None:
                section.prepare(result)

    def lay_out_ready(self, width: int) -> None:
        """Lay the blocks `prepare` built out, hidden, `width` pixels wide (the card's, once styled): shown,
        a block is laid out at its size, a hidden widget's default one unless done here, and each of its
        wrapped labels laid out at that width for nothing."""
        for block in self._ready_people.values():
            block.lay_out(width)

    def drop_ready(self) -> None:
        """Discard what `prepare` built and no answer took."""
        for block in self._ready_people.values():
            block.setParent(None)  # off the card at once (hidden anyway), deleted on a later turn
            block.deleteLater()
        self._ready_people.clear()
        for section in self.sections.values():
            section.drop_ready()
        for shown in self.people.values():
            shown.drop_ahead()

    def _person_block(self, key: str, person: Person) -> PersonBlock:
        block = self.people.get(key)
        if block is None:  # one built ahead only rebuilds the parts that differ
            ready = self._ready_people.pop(key, None)
            block = self.people[key] = ready if ready is not None else PersonBlock(self._retire)
        block.show_person(person)
        return block

    def _section(self, account_id: str, account_label: str) -> AccountSection:
        section = self.sections.get(account_id)
        if section is None:
            section = AccountSection(account_id, account_label)
            section.recordPicked.connect(self._picked)
            # Through a lambda: `sign_in` is a method of the long-lived controls, and PySide keeps a
            # connection to a plain object's bound method (about 160 bytes) after the section is gone.
            section.signInRequested.connect(lambda account_id: self._sign_in(account_id))
            section.create_bar.createRequested.connect(self._create)
            self.sections[account_id] = section
        return section

    def _drop(self, widgets: dict[str, W], keep: set[str]) -> None:
        for key in [k for k in widgets if k not in keep]:
            gone = widgets.pop(key)
            self._layout.removeWidget(gone)
            self._retire(gone)


def _listed(view: CallView, account_id: str) -> bool:
    return any(a.account_id == account_id for a in view.accounts)
