"""Puzzel Contact Centre click-to-call (seed 004): sign in, check the agent can take a call, order
the callout.

    PuzzelAuth      LogIn (password from the keyring) → access token + session; on a 401,
                    GetAccessToken with the session [U], else LogIn again. Tokens stay in memory.
    PuzzelClient    accesstokeninformation → the user id; the user's state → "LoggedOn" and
                    "Available" or a plain refusal; then POST …/users/{userId}/callout.

What Puzzel does with a callout: it rings the agent's own phone first and, when they answer, calls
the destination. Nothing comes back to Ringside about the call itself.

The callout body (the seed lists the fields, not their meaning [U]): `destination` is the number in
E.164 with its '+' (unambiguous whatever country the Puzzel account is in), `countryCode` its
country calling code without '+' ("61"), `maxAttempts` 1 (a click is one attempt), plus `queueKey` and
`accessPoint` when the [dialer] section sets them. `callout_body` is the one place to change that.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, TypeVar

import httpx
import phonenumbers
from pydantic import BaseModel, ConfigDict

from app import __version__
from app.config.secret_names import PASSWORD
from app.core.phone import PhoneNumber
from app.crm._shared.http import Http
from app.crm.puzzel.settings import PuzzelAccount
from app.errors import BadResponse, ConnectorError, NeedsSignIn, Rejected, SecretStoreError
from app.storage.secrets import SecretStore

log = logging.getLogger(__name__)

SERVICE = "Puzzel"
CLIENT_NAME = "Ringside"
LOGGED_ON = "LoggedOn"
AVAILABLE = "Available"
_JSON = {"Accept": "application/json"}
R = TypeVar("R", bound=BaseModel)
# How a Puzzel status reads in a sentence ("Your Puzzel status is …").
_STATUS_WORDS = {"Pause": "Paused", "WrapUp": "Wrap-up", "Busy": "Busy", "Connected": "Connected (in a call)"}


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class RefreshToken(_Loose):
    customerKey: str | None = None
    sessionId: str
    expiryDate: datetime | None = None


class LogInAnswer(_Loose):
    accessToken: str | None = None
    refreshToken: RefreshToken | None = None
    twoFactorRequired: bool = False


class TokenInformation(_Loose):
    customerKey: str | None = None
    userId: int


class UserState(_Loose):
    contactCentreStatus: str
    userStatus: str


class Envelope(_Loose):
    """ContactCentre5 wraps every answer: `{result, code, id, message}`; code 0 is success."""

    result: Any = None
    code: int = 0
    message: str | None = None


def callout_body(phone: PhoneNumber, *, queue_key: str = "", access_point: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "destination": phone.e164,
        "countryCode": str(phonenumbers.parse(phone.e164).country_code),
        "maxAttempts": 1,
        "requestDescription": "Click-to-call from Ringside",
    }
    if queue_key:
        body["queueKey"] = queue_key
    if access_point:
        body["accessPoint"] = access_point
    return body


def refusal(state: UserState) -> str | None:
    """Why the agent can't place a call now, in the recruiter's words; None when they can."""
    if state.contactCentreStatus != LOGGED_ON:
        return "You're logged off in Puzzel — log on to make calls."
    if state.userStatus != AVAILABLE:
        word = _STATUS_WORDS.get(state.userStatus, state.userStatus)
        return f"Your Puzzel status is {word} — set it to Available to make calls."
    return None


class PuzzelAuth:
    """`Auth` for ContactCentre5: a bearer token from LogIn, renewed on a 401. Single-flight: calls
    that fail together renew once."""

    def __init__(self, account: PuzzelAccount, client: httpx.AsyncClient, secrets: SecretStore) -> None:
        self.account = account
        self._secrets = secrets
        self._http = Http(client, service=SERVICE, base_url=account.auth_url, headers=_JSON)
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._session: RefreshToken | None = None

    async def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.access_token()}"}

    async def refresh(self, failed: Mapping[str, str]) -> None:
        refused = failed.get("Authorization", "").removeprefix("Bearer ").strip()
        async with self._lock:
            if self._token is not None and self._token != refused:
                return  # someone renewed it while this request was out
            self._token = None
            if self._session is not None and await self._renew(self._session):
                return
            await self._log_in()

    async def access_token(self) -> str:
        async with self._lock:
            if self._token is None:
                await self._log_in()
            assert self._token is not None
            return self._token

    async def _renew(self, session: RefreshToken) -> bool:
        """GetAccessToken with the session from LogIn [U]; False when Puzzel won't (session over)."""
        try:
            response = await self._http.send("POST", "/api/Authenticate/GetAccessToken", authenticate=False,
                                             json={"customerKey": self.account.customer_key,
                                                   "sessionId": session.sessionId})
            answer = self._http.parse(self._http.decode(response), LogInAnswer, "a new access token")
        except (NeedsSignIn, Rejected, BadResponse) as exc:
            log.info("Puzzel account %s: session not renewed (%s); signing in again", self.account.id, exc)
            self._session = None
            return False
        if not answer.accessToken:
            self._session = None
            return False
        self._token = answer.accessToken
        self._session = answer.refreshToken or session
        return True

    async def _log_in(self) -> None:
        account = self.account
        body = {"customerKey": account.customer_key, "userName": account.username, "password": self._password(),
                "clientName": CLIENT_NAME, "clientVersion": __version__}
        try:
            response = await self._http.send("POST", "/api/Authenticate/LogIn", json=body, authenticate=False)
        except (NeedsSignIn, Rejected) as exc:
            if isinstance(exc, Rejected) and exc.status not in (400, 401, 403):
                raise
            raise NeedsSignIn(
                f"Puzzel refused the sign-in for {account.username} (customer {account.customer_key}): check the "
                f"customer key, user name and password (`ringside account connect {account.id}`)."
            ) from None
        answer = self._http.parse(self._http.decode(response), LogInAnswer, "an access token")
        if answer.twoFactorRequired:
            raise Rejected(
                f"Puzzel asks {account.username} for a second sign-in step (two-factor authentication), which "
                "Ringside can't complete. Ask your Puzzel administrator for a user without two-factor sign-in "
                "for click-to-call."
            )
        if not answer.accessToken:
            raise BadResponse("Puzzel accepted the sign-in but sent no access token.")
        self._token, self._session = answer.accessToken, answer.refreshToken

    def _password(self) -> str:
        try:
            password = self._secrets.get(self.account.id, PASSWORD)
        except SecretStoreError as exc:
            raise ConnectorError(str(exc)) from None
        if not password:
            raise NeedsSignIn(f"No Puzzel password is stored for account '{self.account.id}': run "
                              f"`ringside account connect {self.account.id}`.")
        return password


class PuzzelClient:
    """Click-to-call through one Puzzel account. `call(phone)` raises a ConnectorError whose message
    the recruiter can act on (logged off, busy, wrong password, two-factor, Puzzel down)."""

    def __init__(
        self,
        account: PuzzelAccount,
        client: httpx.AsyncClient,
        secrets: SecretStore,
        *,
        queue_key: str = "",
        access_point: str = "",
    ) -> None:
        self.account = account
        self.auth = PuzzelAuth(account, client, secrets)
        self._api = Http(client, service=SERVICE, base_url=account.api_url, auth=self.auth, headers=_JSON)
        self._queue_key = queue_key
        self._access_point = access_point
        self._user_id: int | None = None

    async def user_id(self) -> int:
        if self._user_id is None:
            info = await self._result("GET", "/ContactCentre5/accesstokeninformation", TokenInformation,
                                      "the signed-in user's details")
            self._user_id = info.userId
        return self._user_id

    async def user_state(self) -> UserState:
        path = f"/ContactCentre5/{self.account.customer_key}/users/{await self.user_id()}"
        return await self._result("GET", path, UserState, "the user's contact-centre status")

    async def call(self, phone: PhoneNumber) -> None:
        """Check the agent is logged on and available, then order the callout."""
        problem = refusal(await self.user_state())
        if problem is not None:
            raise Rejected(problem)
        path = f"/ContactCentre5/{self.account.customer_key}/users/{await self.user_id()}/callout"
        body = callout_body(phone, queue_key=self._queue_key, access_point=self._access_point)
        await self._envelope("POST", path, json=body)
        log.info("Puzzel callout ordered for account %s", self.account.id)

    async def _envelope(self, method: str, path: str, **kwargs: Any) -> Envelope:
        response = await self._api.send(method, path, **kwargs)
        envelope = self._api.parse(self._api.decode(response), Envelope, "a result envelope")
        if envelope.code != 0:
            raise Rejected(f"Puzzel refused: {envelope.message or f'code {envelope.code}'}")
        return envelope

    async def _result(self, method: str, path: str, shape: type[R], what: str) -> R:
        envelope = await self._envelope(method, path)
        return self._api.parse(envelope.result, shape, what)
