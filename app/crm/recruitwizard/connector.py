"""Recruit Wizard: lookup by number, a contact's open jobs, call notes logged as activities.

Contract (../shared/docs/api-contracts.md): every call sends `Authorization: Bearer` and
`Accept: application/json` (without Accept the API refuses); numbers are E.164 without '+';
OAuth2 authorisation code with rotating refresh tokens at `{api_url}/core/connect/…`.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from app.core.models import CallEvent, Direction, Job, NoteDraft, Receipt, Record, RecordType
from app.core.phone import CallerNumber
from app.core.ports import Capabilities, ConnectorBase
from app.crm._shared.http import Http
from app.crm._shared.oauth_tokens import OAuthClient, OAuthConfig
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.errors import ConnectorError, Rejected
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

SERVICE = "Recruit Wizard"
SCOPE = "read write offline_access"

# Entity codes in lookup results, the full list of the reference renderer (TelephonyIntegrationExample,
# CallerRenderer.js). Codes without a RecordType of their own keep their name as label.
_ENTITY_TYPES: dict[int, tuple[RecordType, str]] = {
    1: (RecordType.CLIENT, ""),
    2: (RecordType.CONTACT, ""),
    3: (RecordType.CANDIDATE, ""),
    4: (RecordType.OTHER, "Job"),
    5: (RecordType.OTHER, "Placement"),
    6: (RecordType.OTHER, "Submission"),
    7: (RecordType.USER, ""),
    8: (RecordType.OTHER, "Opportunity"),
    9: (RecordType.OTHER, "Site"),
    10: (RecordType.OTHER, "Meeting"),
    11: (RecordType.OTHER, "Interview"),
    12: (RecordType.OTHER, "Email"),
    13: (RecordType.OTHER, "Activity"),
    14: (RecordType.OTHER, "Document"),
    15: (RecordType.OTHER, "Advert"),
}
# A sign-in lasts as long as its refresh token: 60 days, warned of a week ahead.
SIGN_IN_LIFE = timedelta(days=60)
# Activity payload codes: StatusID 2 = Closed (always); TypeId by direction; EntityID by record type.
STATUS_CLOSED = 2
_ACTIVITY_TYPE = {Direction.INBOUND: 1, Direction.OUTBOUND: 4}
_PLAYER_ENTITY = {RecordType.CONTACT: 2, RecordType.CANDIDATE: 3}


class _Model(BaseModel):
    # The API is ASP.NET (PascalCase); accept camelCase too, ignore anything we do not use.
    model_config = ConfigDict(extra="ignore", frozen=True)


class LookupMatch(_Model):
    id: int | str = Field(validation_alias=AliasChoices("ID", "Id", "id"))
    entity: int | None = Field(None, validation_alias=AliasChoices("Entity", "entity", "EntityID"))
    full_name: str | None = Field(None, validation_alias=AliasChoices("FullName", "fullName"))
    company: str | None = Field(None, validation_alias=AliasChoices("Company", "company"))
    job_title: str | None = Field(None, validation_alias=AliasChoices("JobTitle", "jobTitle"))
    # The seed says a link comes back; the reference client builds its own. Prefer one if sent.
    link: str | None = Field(None, validation_alias=AliasChoices("Link", "link", "URL", "Url", "url"))


class UserInfo(_Model):
    """OpenID Connect userinfo claims; which ones come back depends on the scopes granted."""

    sub: str | None = None
    name: str | None = None
    email: str | None = None
    preferred_username: str | None = None


def signed_in_as(info: UserInfo) -> str:
    """'Jane Doe <jane@agency.example>', or what there is of it."""
    name = (info.name or info.preferred_username or "").strip()
    email = (info.email or "").strip()
    if name and email and name != email:
        return f"{name} <{email}>"
    return name or email or (info.sub or "").strip() or "an unnamed user"


class OpenJob(_Model):
    job_id: int | str = Field(validation_alias=AliasChoices("JobID", "JobId", "jobId"))
    title: str | None = Field(None, validation_alias=AliasChoices("Title", "title"))
    employment_type: str | None = Field(
        None, validation_alias=AliasChoices("EmploymentType", "employmentType")
    )
    employer: str | None = Field(None, validation_alias=AliasChoices("Employer", "employer"))
    country: str | None = Field(None, validation_alias=AliasChoices("Location_Country", "locationCountry"))
    state: str | None = Field(None, validation_alias=AliasChoices("Location_State", "locationState"))
    suburb: str | None = Field(None, validation_alias=AliasChoices("Location_Suburb", "locationSuburb"))


# -- mapping (pure; unit-tested without a server) -------------------------------------------------


def oauth_config(account: RecruitWizardAccount) -> OAuthConfig:
    api = account.api_url.rstrip("/")
    return OAuthConfig(
        account_id=account.id,
        service=SERVICE,
        client_id=account.client_id,
        authorize_url=f"{api}/core/connect/authorize",
        token_url=f"{api}/core/connect/token",
        revocation_url=f"{api}/core/connect/revocation",
        scope=SCOPE,
        use_pkce=account.pkce,
        redirect_uri=account.redirect_uri,
        sign_in_life=SIGN_IN_LIFE,
    )


def record_link(web_url: str, entity: int | None, record_id: str) -> str | None:
    web = web_url.rstrip("/")
    rid = quote(record_id, safe="")
    return {
        1: f"{web}/secure/clients/details.aspx?ClientID={rid}",
        2: f"{web}/secure/contacts/details.aspx?ContactID={rid}",
        3: f"{web}/secure/candidates/details.aspx?CandidateId={rid}",
        4: f"{web}/secure/jobs/details.aspx?JobID={rid}",
    }.get(entity or 0)


def to_record(account: RecruitWizardAccount, match: LookupMatch) -> Record:
    record_id = str(match.id)
    if match.entity in _ENTITY_TYPES:
        record_type, label = _ENTITY_TYPES[match.entity]
    else:
        record_type = RecordType.OTHER
        label = f"Record type {match.entity}" if match.entity is not None else "Record"
    return Record(
        account_id=account.id,
        type=record_type,
        id=record_id,
        name=(match.full_name or "").strip() or "(no name)",
        job_title=(match.job_title or "").strip(),
        company=(match.company or "").strip(),
        link=match.link or record_link(account.web_url, match.entity, record_id),
        type_label=label,
    )


def to_job(account: RecruitWizardAccount, row: OpenJob) -> Job:
    job_id = str(row.job_id)
    parts = (row.suburb, row.state, row.country)
    return Job(
        id=job_id,
        title=(row.title or "").strip() or "(untitled job)",
        employer=(row.employer or "").strip(),
        location=", ".join(p.strip() for p in parts if p and p.strip()),
        employment_type=(row.employment_type or "").strip(),
        status="Open",
        link=record_link(account.web_url, 4, job_id),
    )


def activity_date(moment: datetime) -> str:
    """UTC ISO-8601 with milliseconds and 'Z', as the API's examples show: 2020-11-29T22:10:20.721Z.
    A naive datetime is taken to be UTC already (models promise aware ones)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def activity_body(note: NoteDraft) -> dict[str, Any]:
    """The POST /api/activities body for a note. Raises Rejected for records it cannot be logged
    against, before anything is sent."""
    record = note.record
    entity = _PLAYER_ENTITY.get(record.type)
    if entity is None:
        raise Rejected(
            f"Recruit Wizard only logs calls against contacts and candidates, not a "
            f"{record.display_type.lower()}."
        )
    if record.id is None or not record.id.isdigit():
        raise Rejected(f"Recruit Wizard cannot log this call: {record.name} has no Recruit Wizard id.")
    return {
        "StatusID": STATUS_CLOSED,
        "Notes": note.text,
        "TypeId": _ACTIVITY_TYPE[note.direction],
        "ActivityDate": activity_date(note.call_started_at),
        "LinkedPlayers": [{"EntityID": entity, "PlayerID": int(record.id)}],
    }


def _remote_id(body: Any) -> str | None:
    """An activity id from the (undocumented) response, if there is one."""
    if isinstance(body, dict):
        for key in ("ActivityID", "ActivityId", "activityId", "ID", "Id", "id"):
            value = body.get(key)
            if isinstance(value, int | str) and not isinstance(value, bool) and str(value):
                return str(value)
    elif isinstance(body, int) and not isinstance(body, bool):
        return str(body)
    return None


# -- the connector ---------------------------------------------------------------------------------


class RecruitWizardConnector(ConnectorBase):
    capabilities = Capabilities(lookup=True, open_jobs=True, log_call=True, sign_in=True)

    def __init__(
        self,
        account: RecruitWizardAccount,
        client: httpx.AsyncClient,
        secrets: SecretStore,
        *,
        oauth: OAuthClient | None = None,
    ) -> None:
        self.account = account
        self.account_id = account.id
        self.label = account.display_name
        self.oauth = oauth or OAuthClient(oauth_config(account), client, secrets)
        self._http = Http(
            client, service=SERVICE, base_url=account.api_url, auth=self.oauth,
            headers={"Accept": "application/json"},
        )

    async def lookup(self, caller: CallerNumber) -> list[Record]:
        digits = caller.digits  # E.164 without '+', as the lookup path wants it
        if not digits:
            raise Rejected(f"{caller.display()} has no number to look up.")
        try:
            matches = await self._http.fetch(
                "GET", f"/api/telephony/lookup/{digits}", list[LookupMatch], "a list of matching records"
            )
        except Rejected as exc:
            if exc.status == 404:  # undocumented: "no match" may be a 404 as well as []
                return []
            raise
        return [to_record(self.account, m) for m in matches]

    async def signed_in_user(self) -> str:
        """Who the stored sign-in acts for, from `/core/connect/userinfo`."""
        return signed_in_as(await self.user_info())

    async def user_info(self) -> UserInfo:
        """The stored sign-in's userinfo claims (Settings shows them)."""
        return await self._http.fetch("GET", "/core/connect/userinfo", UserInfo, "the signed-in user")

    async def open_jobs(self, record: Record) -> list[Job]:
        if record.type is not RecordType.CONTACT or not record.id:
            return []  # the API has open jobs for contacts only
        rows = await self._http.fetch(
            "GET", f"/api/jobs/contact/open/{quote(record.id, safe='')}", list[OpenJob], "a list of jobs"
        )
        return [to_job(self.account, r) for r in rows]

    async def log_call(self, note: NoteDraft) -> Receipt:
        body = activity_body(note)
        response = await self._http.send("POST", "/api/activities", json=body)
        try:
            answer = response.json() if response.content else None
        except ValueError:
            answer = None  # any 2xx is success; the body's shape is not documented
        remote_id = _remote_id(answer)
        return Receipt(account_id=self.account_id, remote_id=remote_id, detail=f"Logged in {self.label}")

    async def warm_up(self) -> None:
        """Before the first ring: refresh a token that is about to expire and open a pooled
        connection (DNS + TLS), so the first lookup pays for neither. Failures surface later."""
        try:
            await self.oauth.access_token()
            await self._http.send("HEAD", "/", authenticate=False)
        except ConnectorError as exc:
            log.info("%s: warm-up skipped: %s", self.account_id, exc)

    async def notify(self, event: CallEvent) -> None:
        """Recruit Wizard has no screen-pop of its own to tell."""

    async def aclose(self) -> None:
        """Nothing of our own to close: whoever made the injected client closes it."""
