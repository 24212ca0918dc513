"""TrackerRMS: the bodies of the calls that create records for unknown callers (createContact,
createResource, createLead, createResourceFromResume), built from the form's `NewPerson`.

Contacts and leads carry `businessphone`, candidates `workphone`; the number is written as the
installation stores numbers (`phone_format`), so a later checkPerson finds it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.core.ports import NewPerson
from app.crm.trackerrms.wire import PhoneFormat, stored_phone

SOURCE = "Phone call"
_CONTACT_PHONES = {"work": "businessphone", "home": "homephone", "mobile": "cellphone"}
_RESOURCE_PHONES = {"work": "workphone", "home": "homephone", "mobile": "cellphone"}


def _person(person: NewPerson, phones: Mapping[str, str], phone_format: PhoneFormat) -> dict[str, Any]:
    body: dict[str, Any] = {
        "firstname": person.first_name,
        "lastname": person.last_name,
        "fullname": person.full_name,
        "jobtitle": person.job_title,
        "company": person.company,
        "email": person.email,
    }
    if person.phone:
        body[phones[person.phone_kind]] = stored_phone(person.phone, phone_format)
    return body


def contact_sections(person: NewPerson, phone_format: PhoneFormat) -> dict[str, Any]:
    contact = _person(person, _CONTACT_PHONES, phone_format)
    if person.note:
        contact["note"] = person.note
    return {"instructions": {"createcompanyifnotexists": True, "overwritecontact": False}, "contact": contact}


def resource_sections(person: NewPerson, phone_format: PhoneFormat) -> dict[str, Any]:
    resource = _person(person, _RESOURCE_PHONES, phone_format) | {"source": SOURCE}
    if person.note:
        resource["note"] = person.note
    return {"instructions": {"overwriteresource": False}, "resource": resource}


def lead_sections(person: NewPerson, phone_format: PhoneFormat) -> dict[str, Any]:
    person_type = "N" if person.lead_for == "contact" else "R"
    phones = _CONTACT_PHONES  # a lead's person carries contact-style phone fields (seed sample)
    lead = {
        "leadname": f"Phone call from {person.full_name}",
        "source": SOURCE,
        "description": person.note,
        "leadpersontype": person_type,
        **_person(person, phones, phone_format),
    }
    return {"instructions": {"createpersonifnotexists": True, "notifydepartment": False}, "lead": lead}


RESUME_TYPES = {".pdf", ".doc", ".docx"}
MAX_RESUME_BYTES = 10 * 1024 * 1024


def resume_sections(filename: str, data_b64: str, person: NewPerson | None) -> dict[str, Any]:
    """createResourceFromResume's sections as the Widget API v1.11 text prints them: the CV in a `file`
    section of its own beside `resource`, and `instructions` without an overwrite flag (the text offers
    none for this call; only job assignment, which Ringside does not use)."""
    resource: dict[str, Any] = {"source": SOURCE}
    if person is not None:
        resource |= {
            "firstname": person.first_name,
            "lastname": person.last_name,
            "fullname": person.full_name,
            "jobtitle": person.job_title,
            "email": person.email,
        }
        if person.note:
            resource["note"] = person.note
    return {"instructions": {}, "resource": resource, "file": {"filename": filename, "data": data_b64}}
