"""One person found by several CRMs, shown once: name, title · company, a badge per CRM (its record
type, linking to its record), open jobs once each with the CRMs that have them, then a short section
for each CRM that adds something (retailCRM's manager and orders). Renders a `core.person_merge.Person`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from app.core.models import RecordType
from app.core.person_merge import MergedJob, Person, Source
from app.ui.card.flow import FlowLayout
from app.ui.card.rows import MAX_JOBS, job_html
from app.ui.common import format as fmt
from app.ui.common.rich_text import escape
from app.ui.common.style import color
from app.ui.common.widgets import label as text_label
from app.ui.common.widgets import link_html, link_label

_BADGE_GAP = 6
_BADGE_HIGH = 20


def _and(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def badge_html(source: Source) -> str:
    """'Recruit Wizard · Contact', linking to that CRM's record, in the record type's badge colour."""
    text = escape(f"{source.account_label} · {source.record.display_type}", quote=False)
    kind = source.record.type if source.record.type is not RecordType.USER else RecordType.OTHER
    # The badge's size and weight again inline: rich text does not take the stylesheet's font for the link.
    text = f'<span style="font-size:8pt; font-weight:700;">{text}</span>'
    if not source.record.link:
        return text
    href = escape(source.record.link, quote=True)
    return f'<a href="{href}" style="color:{color(f"{kind.value}_fg")}; text-decoration:none;">{text}</a>'


def _head_of(person: Person) -> tuple[object, ...]:
    """What the header shows: the name, title · company and each CRM's badge."""
    return person.name, person.job_title, person.company, tuple((s.account_label, s.record) for s in person.sources)


def _jobs_of(person: Person) -> tuple[object, ...]:
    """What the jobs part shows (its "+N more" links to the first CRM's record)."""
    return person.jobs, person.sources[0].record.link


def _job_texts(person: Person) -> tuple[str, tuple[str, ...]]:
    """The jobs' heading, and the text of each job shown (with its CRMs when they differ by job)."""
    sets = {job.labels for job in person.jobs}
    shared = next(iter(sets)) if len(sets) == 1 else ()
    heading = f"Open jobs ({len(person.jobs)})"
    if shared:  # every job is in the same CRMs: say which once
        heading += f" · in {_and(shared)}"
    texts = []
    for job in person.jobs[:MAX_JOBS]:
        text = job_html(job.job)
        if not shared:
            where = escape(_and(job.labels), quote=False)
            text += f'<br><span style="font-size:8pt; color:{color("muted")};">in {where}</span>'
        texts.append(text)
    return heading, tuple(texts)


def _job_tip(job: MergedJob) -> str:
    lines = [fmt.job_line(job.job)]
    for account, found in job.found_in:
        bits = [b for b in (found.status, found.employment_type) if b]
        lines.append(f"{account}: {' · '.join(bits) or 'open'}" + (f" — {found.link}" if found.link else ""))
    return "\n".join(lines)


def _drop_now(widget: QWidget) -> None:
    widget.hide()
    widget.deleteLater()


@dataclass
class _SourcePart:
    """What one CRM adds, in its own box: kept while that CRM's `Source` stays the same."""

    source: Source
    box: QWidget
    labels: list[QLabel]


class PersonBlock(QFrame):
    """The merged header and body for one `Person`; `show_person` rebuilds only the parts that changed.
    `retire(widget)` takes a part that gave way off the block (the card deletes it after its paint).

    Test accessors: `person`, `badges`, `name_label`, `detail_label`, `jobs_heading`, `job_labels`,
    `source_labels` (account id -> the labels of what that CRM adds), `rebuilds`."""

    def __init__(self, retire: Callable[[QWidget], None] = _drop_now) -> None:
        super().__init__()
        self.setObjectName("accountSection")  # the same separator and spacing as an account's section
        self._retire = retire
        self.person: Person | None = None
        self.rebuilds = 0
        self.badges: list[QLabel] = []
        self.name_label = QLabel()
        self.detail_label = QLabel()
        self.jobs_heading: QLabel | None = None
        self.job_labels: list[QLabel] = []
        self.more_label: QLabel | None = None
        self.source_labels: dict[str, list[QLabel]] = {}
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._parts: list[QWidget] = []
        for _ in range(2):  # placeholders, so each part has its index in the layout from the start
            placeholder = QWidget()
            placeholder.hide()
            self._layout.addWidget(placeholder)
            self._parts.append(placeholder)
        # What each CRM adds, a box per CRM, changed one CRM at a time (the last to answer shows
        # "Loading open jobs…" until its jobs come); boxes built ahead wait hidden in `_ahead`.
        self._sources_box = QWidget()
        self._sources_box.setObjectName("personBox")
        self._sources = QVBoxLayout(self._sources_box)
        self._sources.setContentsMargins(0, 0, 0, 0)
        self._sources.setSpacing(2)
        self._sources_box.hide()
        self._layout.addWidget(self._sources_box)
        self._source_parts: dict[str, _SourcePart] = {}
        self._ahead: list[_SourcePart] = []

    def show_person(self, person: Person) -> bool:
        """Show `person`; returns whether anything changed. Only the parts that changed are built
        again (jobs and what each CRM adds arrive after the header, which then stays as it is)."""
        if person == self.person:
            return False
        before, self.person = self.person, person
        self.rebuilds += 1
        if before is None or _head_of(before) != _head_of(person):
            self._replace(0, self._build_head, person)
        if (before is None or _jobs_of(before) != _jobs_of(person)) and not self._retitle_jobs(before, person):
            self._replace(1, self._build_jobs, person)
        if before is None or before.sources != person.sources:
            self._show_sources(person)
        return True

    def build_ahead(self, person: Person) -> None:
        """Build, hidden, the box each of `person`'s CRMs shows while its open jobs load: the spare card
        (spare.py) holds the last caller's block, and the CRM that answers last then shows one ready-made."""
        for source in person.sources:
            loading = replace(source, loading=True, problem=None)
            if not any(part.source == loading for part in self._ahead):
                self._ahead.append(self._build_source(loading))

    def drop_ahead(self) -> None:
        """Discard the boxes `build_ahead` built that no answer took."""
        for part in self._ahead:
            self._retire(part.box)
        self._ahead = []

    def lay_out(self, width: int) -> None:
        """Lay the block out `width` pixels wide, hidden (CardBody.lay_out_ready says why)."""
        self.resize(width, self.heightForWidth(width))
        self._layout.activate()

    def _replace(self, slot: int, build: Callable[[QVBoxLayout, Person], None], person: Person) -> None:
        """Build one part (0 head, 1 jobs) in a box off the card, then show it once in its slot (see
        AccountSection._add_rows)."""
        old = self._parts[slot]
        box = QWidget()
        box.setObjectName("personBox")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        build(column, person)
        self._parts[slot] = box
        self._layout.removeWidget(old)
        self._retire(old)
        self._layout.insertWidget(slot, box)
        box.setVisible(column.count() > 0)

    def _build_head(self, column: QVBoxLayout, person: Person) -> None:
        first = person.sources[0].record
        self.name_label = link_label(link_html(person.name, first.link), name="recordName", has_link=bool(first.link))
        if first.link:
            self.name_label.setToolTip(f"Open {person.name} in {person.sources[0].account_label} — {first.link}")
        column.addWidget(self.name_label)
        detail = " · ".join(p for p in (person.job_title, person.company) if p)
        self.detail_label = text_label(detail, name="recordDetail", role="secondary", wrap=True)
        self.detail_label.setVisible(bool(detail))
        column.addWidget(self.detail_label)
        column.addSpacing(4)
        self.badges = []
        for source in person.sources:
            badge = link_label(badge_html(source), name="recordBadge", wrap=False, has_link=bool(source.record.link))
            badge.setProperty("recordType", source.record.type.value)
            badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            badge.setMinimumHeight(_BADGE_HIGH)  # a pill, like the type badge on a single CRM's row
            badge.setAccessibleName(f"Open {person.name} in {source.account_label}")
            if source.record.link:
                badge.setToolTip(f"Open in {source.account_label} — {source.record.link}")
            self.badges.append(badge)
        self._pack_badges(column)

    def _pack_badges(self, column: QVBoxLayout) -> None:
        """Badges left to right, wrapping to a new row when the next would not fit the card."""
        row = QWidget()
        row.setObjectName("sourceBadges")
        flow = FlowLayout(row, _BADGE_GAP)
        for badge in self.badges:
            flow.addWidget(badge)
        row.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy = row.sizePolicy()
        policy.setHeightForWidth(True)
        row.setSizePolicy(policy)
        column.addWidget(row)

    def _build_jobs(self, column: QVBoxLayout, person: Person) -> None:
        self.jobs_heading, self.job_labels, self.more_label = None, [], None
        if not person.jobs:
            return
        heading, texts = _job_texts(person)
        self.jobs_heading = text_label(heading, name="jobsHeading", role="caption", wrap=True)
        column.addSpacing(6)
        column.addWidget(self.jobs_heading)
        for job, text in zip(person.jobs, texts, strict=False):
            job_label = link_label(text, name="jobLink", has_link=bool(job.job.link))
            job_label.setToolTip(_job_tip(job))
            self.job_labels.append(job_label)
            column.addSpacing(4)
            column.addWidget(job_label)
        if len(person.jobs) > MAX_JOBS:
            first = person.sources[0].record
            self.more_label = link_label(link_html(f"+{len(person.jobs) - MAX_JOBS} more", first.link),
                                         name="moreJobs", has_link=bool(first.link))
            column.addWidget(self.more_label)

    def _retitle_jobs(self, before: Person | None, person: Person) -> bool:
        """The same jobs shown the same way, only now in more CRMs (one answered after the other): the
        heading and tooltips change in place. Returns False when the jobs part must be built again."""
        if before is None or not before.jobs or self.jobs_heading is None:
            return False
        if len(before.jobs) != len(person.jobs) or _jobs_of(before)[1:] != _jobs_of(person)[1:]:
            return False
        heading, texts = _job_texts(person)
        if _job_texts(before)[1] != texts:
            return False
        self.jobs_heading.setText(heading)
        for job_label, job in zip(self.job_labels, person.jobs, strict=False):
            job_label.setToolTip(_job_tip(job))
        return True

    def _show_sources(self, person: Person) -> None:
        """What each CRM adds beyond the header, under its name; CRMs that add nothing get no box. A CRM
        whose `Source` is unchanged keeps its box; a changed one takes a box built ahead, or a new one."""
        kept, self._source_parts = self._source_parts, {}
        shown = [s for s in person.sources if s.adds_anything]
        for index, source in enumerate(shown):
            part = kept.pop(source.account_id, None)
            if part is not None and part.source != source:
                self._drop_source(part)
                part = None
            if part is None:
                part = next((p for p in self._ahead if p.source == source), None)
                if part is not None:
                    self._ahead.remove(part)
                else:
                    part = self._build_source(source)
            if self._sources.indexOf(part.box) != index:
                self._sources.insertWidget(index, part.box)
            part.box.show()
            self._source_parts[source.account_id] = part
        for part in kept.values():
            self._drop_source(part)
        self.source_labels = {account: part.labels for account, part in self._source_parts.items()}
        self._sources_box.setVisible(bool(shown))

    def _drop_source(self, part: _SourcePart) -> None:
        self._sources.removeWidget(part.box)
        self._retire(part.box)

    def _build_source(self, source: Source) -> _SourcePart:
        """One CRM's box: its name, then what it adds (hidden until shown in its place)."""
        box = QWidget(self._sources_box)
        box.hide()
        box.setObjectName("personSource")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        shown: list[QLabel] = [text_label(source.account_label.upper(), name="accountLabel")]
        shown += [text_label(line, name="recordNote", role="secondary", wrap=True) for line in source.adds]
        if source.extra_links:
            links = " · ".join(link_html(text, url) for text, url in source.extra_links)
            shown.append(link_label(links, name="recordLinks"))
        if source.loading:
            shown.append(text_label("Loading open jobs…", name="loadingMore", role="pending"))
        if source.problem:
            shown.append(text_label(source.problem, name="sectionNote", wrap=True))
        column.addSpacing(10)
        for widget in shown:
            column.addWidget(widget)
        return _SourcePart(source, box, shown)

    def focus_chain(self) -> list[QWidget]:
        """The block's keyboard stops: the name, each badge, the jobs, then what the CRMs add."""
        stops: list[QWidget] = [self.name_label, *self.badges, *self.job_labels]
        stops += [self.more_label] if self.more_label is not None else []
        stops += [w for shown in self.source_labels.values() for w in shown]
        return [w for w in stops if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
