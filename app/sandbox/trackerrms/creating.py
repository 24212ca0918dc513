"""The TrackerRMS emulator's create calls: createContact, createResource, createResourceFromResume
(a Base64 CV in a `file` section of its own, checked by its magic bytes), createLead and createActivity.
Each either answers with the record it made or updated, or refuses as TrackerRMS does (status 3 for a
record it may not overwrite, 99 for an invalid request). Not thread-safe: the sandbox holds its lock
around every call.
"""

from __future__ import annotations

import base64
import binascii
import copy
import itertools
import re
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from app.sandbox.trackerrms import models as m
from app.sandbox.trackerrms.replies import body
from app.sandbox.trackerrms.store import Rec, Store, User

MAX_RESUME_BYTES = 10 * 1024 * 1024
_MAGIC = {".pdf": (b"%PDF-",), ".docx": (b"PK\x03\x04",), ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)}
_TYPE_NAMES = {"C": "client", "N": "contact", "L": "lead", "O": "opportunity", "P": "project", "T": "ticket",
               "R": "resource", "X": "placement"}


class Creator:
    """Makes records in `store` and remembers what it accepted (`created`, `activities`)."""

    def __init__(self, store: Store, users: dict[str, User]) -> None:
        self.store = store
        self.users = users
        self.activities: list[dict[str, Any]] = []
        self.created: list[dict[str, Any]] = []
        self._activity_ids = itertools.count(90001)

    def contact(self, parsed: m.CreateContact, raw: dict[str, Any]) -> dict[str, Any]:
        contact, how = parsed.contact, parsed.instructions
        if not contact.name:
            return body(99, "Invalid request: the contact needs a firstname and lastname (or fullname).")
        if contact.company and not self.store.has_company(contact.company):
            if not how.createcompanyifnotexists:
                return body(99, f"Invalid request: there is no company named '{contact.company}'.")
            self.store.add("C", contact.company, contact.company)
        phones = [p for p in (contact.cellphone, contact.businessphone, contact.homephone) if p]
        return self._save_person("createContact", "N", contact, phones, how.overwritecontact, raw)

    def resource(self, parsed: m.CreateResource, raw: dict[str, Any]) -> dict[str, Any]:
        resource, how = parsed.resource, parsed.instructions
        if not resource.name:
            return body(99, "Invalid request: the resource needs a firstname and lastname (or fullname).")
        problem = self._assignment_problem(how)
        if problem:
            return body(99, problem)
        phones = [p for p in (resource.cellphone, resource.workphone, resource.homephone) if p]
        return self._save_person("createResource", "R", resource, phones, how.overwriteresource, raw)

    def from_resume(self, parsed: m.CreateResourceFromResume, raw: dict[str, Any]) -> dict[str, Any]:
        resource, how, cv = parsed.resource, parsed.instructions, parsed.file
        filename = PureWindowsPath(PurePosixPath(cv.filename).name).name
        suffix = PurePosixPath(filename.lower()).suffix
        if suffix not in _MAGIC:
            return body(99, "Invalid request: filename must end in .pdf, .doc or .docx.")
        try:
            blob = base64.b64decode(cv.data, validate=True)
        except (binascii.Error, ValueError):
            return body(99, "Invalid request: data is not Base64.")
        if not blob or len(blob) > MAX_RESUME_BYTES:
            return body(99, "Invalid request: the resume is empty or larger than 10 MB.")
        if not blob.startswith(_MAGIC[suffix]):
            return body(99, f"Invalid request: {filename} is not a {suffix[1:].upper()} file.")
        problem = self._assignment_problem(how)
        if problem:
            return body(99, problem)
        name = " ".join(f"{resource.firstname} {resource.lastname}".split()) or " ".join(resource.fullname.split())
        name = name or _name_from_filename(filename)
        if not name:
            return body(99, "Invalid request: no name could be read from the resume; send firstname and lastname.")
        person = m.ResourceIn(fullname=name, jobtitle=resource.jobtitle, email=resource.email,
                              note=resource.note, source=resource.source)
        return self._save_person("createResourceFromResume", "R", person, [], False, raw,
                                 details={"resume": filename})

    def lead(self, parsed: m.CreateLead, raw: dict[str, Any]) -> dict[str, Any]:
        lead, how = parsed.lead, parsed.instructions
        known = self.store.same_person(lead.leadpersontype, lead.name, lead.company, lead.email)
        if how.createpersonifnotexists and lead.name and known is None:
            phones = [p for p in (lead.cellphone, lead.businessphone, lead.homephone) if p]
            self.store.add(lead.leadpersontype, lead.name, lead.company, job_title=lead.jobtitle,
                           email=lead.email, phones=phones)
        record = self.store.add("L", lead.leadname, lead.company, status="Open",
                                details={"source": lead.source, "person": lead.name,
                                         "persontype": lead.leadpersontype})
        return self._created_answer("createLead", record, "created", raw)

    def activity(self, activity: m.ActivityIn, raw: dict[str, Any]) -> dict[str, Any]:
        if self.store.get(activity.linkRecordType, activity.linkRecordId) is None:
            kind = _TYPE_NAMES[activity.linkRecordType]
            return body(99, f"Invalid request: there is no {kind} with id {activity.linkRecordId}.")
        if activity.type == "Telephone" and activity.contactType is None:
            return body(99, "Invalid request: a Telephone activity needs contactType Inbound or Outbound.")
        if activity.userId is not None and all(u.user_id != activity.userId for u in self.users.values()):
            return body(99, f"Invalid request: there is no user with id {activity.userId}.")
        activity_id = next(self._activity_ids)
        self.activities.append(copy.deepcopy(raw))
        return body(0, "created", count=1, recordId=activity_id)

    def _assignment_problem(self, how: m.ResourceInstructions | m.ResumeInstructions) -> str | None:
        job = how.assigntoopportunity
        if job is not None and self.store.get("O", job) is None:
            return f"Invalid request: there is no opportunity with id {job}."
        return None

    def _save_person(self, call: str, letter: str, person: m.ContactIn | m.ResourceIn, phones: list[str],
                     overwrite: bool, raw: dict[str, Any], details: dict[str, Any] | None = None) -> dict[str, Any]:
        existing = self.store.same_person(letter, person.name, person.company, person.email)
        if existing is not None and not overwrite:
            return body(3, "record found and cannot be overwritten")
        fields: dict[str, Any] = {"job_title": person.jobtitle, "email": person.email,
                                  "linkedin": person.linkedin, "phones": phones, "details": details or {}}
        if existing is not None:
            for key, value in fields.items():
                if value:
                    setattr(existing, key, value)
            record, message = existing, "updated"
        else:
            record, message = self.store.add(letter, person.name, person.company, **fields), "created"
        return self._created_answer(call, record, message, raw)

    def _created_answer(self, call: str, record: Rec, message: str, raw: dict[str, Any]) -> dict[str, Any]:
        sent = {k: v for k, v in raw.items() if k != "credentials"}
        self.created.append({"call": call, "type": record.letter, "id": record.id, "name": record.name,
                             "message": message, "body": copy.deepcopy(sent)})
        return body(0, message, count=1, recordId=record.id, recordName=record.name)


def _name_from_filename(filename: str) -> str:
    stem = PurePosixPath(filename).stem
    words = [w for w in re.split(r"[\s_\-.]+", stem) if w and w.lower() not in {"resume", "cv", "curriculum",
                                                                               "vitae"} and not w.isdigit()]
    return " ".join(w.capitalize() if w.islower() else w for w in words)
