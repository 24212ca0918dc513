"""core.person_merge: one person found by several accounts becomes one header, jobs once each."""

from __future__ import annotations

from app.core.models import AccountResult, Job, LookupStatus, Record, RecordType
from app.core.person_merge import merge_jobs, merge_people


def _rec(account: str, name: str = "Priya Raman", title: str = "Head of Engineering",
         company: str = "Kestrel Software", *, rtype: RecordType = RecordType.CONTACT, note: str = "",
         one_of: int = 0, links: tuple[tuple[str, str], ...] = ()) -> Record:
    return Record(account_id=account, type=rtype, id="1", name=name, job_title=title, company=company,
                  link=f"https://{account}.example/1", note=note, one_of=one_of, extra_links=links)


def _job(jid: str, title: str, employer: str = "Kestrel Software", status: str = "Open") -> Job:
    return Job(id=jid, title=title, employer=employer, status=status)


JOBS = ("Senior Backend Engineer (Python)", "Platform Engineer", "QA Test Analyst")


def _found(account: str, label: str, *records: Record, jobs: tuple[Job, ...] = (),
           complete: bool = True, error: str | None = None) -> AccountResult:
    return AccountResult(account_id=account, account_label=label, status=LookupStatus.FOUND, records=records,
                         jobs={records[0].key: jobs} if jobs else {}, complete=complete, error=error)


def _pending(account: str, label: str) -> AccountResult:
    return AccountResult(account_id=account, account_label=label, status=LookupStatus.PENDING)


RW = _found("rw", "Recruit Wizard", _rec("rw"), jobs=tuple(_job(f"24{i}", t) for i, t in enumerate(JOBS)))
TR = _found("tr", "TrackerRMS", _rec("tr"),
            jobs=tuple(_job(f"40{i}", t.upper(), status="Open · opened 19 Jan 2024") for i, t in enumerate(JOBS)))
RC = _found("rc", "retailCRM", _rec("rc", title="", company="", rtype=RecordType.CUSTOMER,
                                    note="Manager: Alex Morgan", links=(("Last order", "https://rc/o/1"),)))


def test_one_header_a_source_per_crm_and_jobs_once_with_every_crm_that_has_them() -> None:
    (person,) = merge_people([RW, TR, RC])
    assert (person.name, person.job_title, person.company) == ("Priya Raman", "Head of Engineering", "Kestrel Software")
    assert person.account_ids == ("rw", "tr", "rc")
    assert [s.record.link for s in person.sources] == ["https://rw.example/1", "https://tr.example/1",
                                                      "https://rc.example/1"]
    assert [j.job.title for j in person.jobs] == list(JOBS)  # the first CRM's wording
    assert all(j.labels == ("Recruit Wizard", "TrackerRMS") for j in person.jobs)
    assert person.jobs[0].found_in[1][1].status == "Open · opened 19 Jan 2024"  # TrackerRMS's own job kept
    assert person.job_labels == ("Recruit Wizard", "TrackerRMS")


def test_sections_hold_only_what_a_crm_adds_beyond_the_header() -> None:
    (person,) = merge_people([RW, TR, RC])
    rw, tr, rc = person.sources
    assert not rw.adds_anything and not tr.adds_anything
    assert rc.adds == ("Manager: Alex Morgan",) and rc.extra_links == (("Last order", "https://rc/o/1"),)
    other_title = _found("tr", "TrackerRMS", _rec("tr", title="CTO"))
    (person,) = merge_people([RW, other_title])
    assert person.job_title == "Head of Engineering" and person.sources[1].adds == ("CTO",)


def test_a_job_in_one_crm_only_is_labelled_with_that_crm() -> None:
    merged = merge_jobs([("Recruit Wizard", [_job("1", "Platform Engineer")]),
                         ("TrackerRMS", [_job("2", "platform  engineer"), _job("3", "Platform Engineer", "Other Co"),
                                         _job("4", "Data Engineer")])])
    assert [(j.job.id, j.labels) for j in merged] == [
        ("1", ("Recruit Wizard", "TrackerRMS")), ("3", ("TrackerRMS",)), ("4", ("TrackerRMS",))]


def test_merges_as_answers_arrive() -> None:
    assert merge_people([RW, _pending("tr", "TrackerRMS"), _pending("rc", "retailCRM")]) == ()
    (person,) = merge_people([RW, _found("tr", "TrackerRMS", _rec("tr"), complete=False), _pending("rc", "retailCRM")])
    assert person.account_ids == ("rw", "tr") and person.sources[1].loading
    (person,) = merge_people([RW, TR, _pending("rc", "retailCRM")])
    assert len(person.jobs) == 3 and not person.sources[1].loading


def test_shared_lines_guesses_and_different_people_keep_their_own_sections() -> None:
    daniel = _rec("rw", "Daniel O'Connor", company="Harbourline")
    mei = _rec("rw", "Mei Lin Chen", company="Harbourline")
    shared = _found("rw", "Recruit Wizard", daniel, mei)
    guess = _found("tr", "TrackerRMS", _rec("tr", "Daniel O'Connor", company="Harbourline", one_of=2))
    assert merge_people([shared, guess]) == ()
    assert merge_people([_found("rw", "Recruit Wizard", daniel), guess]) == ()
    assert merge_people([RW, _found("tr", "TrackerRMS", _rec("tr", company="Another Co"))]) == ()
    failing = _found("tr", "TrackerRMS", _rec("tr"), error="Open jobs could not be loaded.")
    (person,) = merge_people([RW, failing])
    assert person.sources[1].problem == "Open jobs could not be loaded."
