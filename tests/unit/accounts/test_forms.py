"""The Settings window's account forms come from the settings models, with errors in words."""

from __future__ import annotations

from app.accounts import forms
from app.accounts.kinds import SignIn, secret_for, sign_in_method
from app.core.regions import region_label, regions
from app.crm.fixdigital.settings import FixDigitalAccount
from app.crm.recruitwizard.settings import RecruitWizardAccount
from app.crm.retailcrm.settings import RetailCrmAccount
from app.crm.trackerrms.settings import TrackerRmsAccount


def test_every_kind_has_a_form_with_its_documented_keys() -> None:
    keys = {kind: {f.key for f in forms.fields_for(kind)} for kind in forms.MODELS}
    assert {"api_url", "web_url", "client_id"} <= keys["recruitwizard"]
    assert {"api_url", "auth", "username", "client_id"} <= keys["trackerrms"]
    assert {"api_url", "site", "user_id", "code", "client_id"} <= keys["retailcrm"]
    assert {"api_url", "client_id", "extension"} <= keys["fixdigital"]
    assert {"auth_url", "api_url", "customer_key", "username"} <= keys["puzzel"]
    auth = next(f for f in forms.fields_for("trackerrms") if f.key == "auth")
    assert [v for v, _ in auth.choices] == ["oauth", "password", "apikey"]
    username = next(f for f in forms.fields_for("trackerrms") if f.key == "username")
    assert username.shown_when == ("auth", "password")


def test_a_new_account_gets_the_defaults_and_a_free_id() -> None:
    values = forms.new_account_values("trackerrms", {"tr"})
    assert values["id"] == "tr2"
    assert values["client_id"] == "EvoApi_1.0" and values["auth"] == "oauth"


def test_errors_are_in_words_next_to_their_field() -> None:
    values = forms.new_account_values("recruitwizard", set()) | {"timeout_s": "soon", "api_url": "ftp://x",
                                                                  "id": "my account"}
    account, errors = forms.validate(values)
    assert account is None
    assert errors == {
        "id": "Use letters, digits, '.', '_' or '-' (at most 40).",
        "timeout_s": "Must be a number, e.g. 3.5.",
        "api_url": "Must be an http(s):// URL.",
        "client_id": "Required.",
    }


def test_a_password_account_needs_its_username() -> None:
    values = forms.new_account_values("trackerrms", set()) | {"auth": "password"}
    assert forms.validate(values) == (None, {"username": "Required to sign in with a password."})
    account, errors = forms.validate(values | {"username": " alex@agency.example "})
    assert errors == {} and isinstance(account, TrackerRmsAccount)
    assert account.username == "alex@agency.example"


def test_an_empty_optional_number_means_not_set() -> None:
    values = forms.new_account_values("retailcrm", set()) | {"api_url": "https://shop.retailcrm.ru", "user_id": ""}
    account, errors = forms.validate(values)
    assert errors == {} and isinstance(account, RetailCrmAccount) and account.user_id is None
    assert forms.validate(values | {"user_id": "12b"})[1] == {"user_id": "Must be a whole number."}


def test_how_each_kind_signs_in() -> None:
    rw = RecruitWizardAccount(kind="recruitwizard", id="rw", client_id="x")
    assert sign_in_method(rw) is SignIn.OAUTH and secret_for(rw) is None
    tr = TrackerRmsAccount(kind="trackerrms", id="tr", auth="apikey")
    assert sign_in_method(tr) is SignIn.API_KEY
    secret = secret_for(tr)
    assert secret is not None and secret.name == "apikey"
    fix = FixDigitalAccount(kind="fixdigital", id="fd", api_url="https://crm.example", client_id="10", extension="777")
    assert sign_in_method(fix) is SignIn.NONE
    with_callbacks = fix.model_copy(update={"callback_username": "fixdigital"})
    secret = secret_for(with_callbacks)
    assert secret is not None and secret.name == "callback_password"


def test_the_country_list_names_every_region() -> None:
    listed = dict(regions())
    assert listed["AU"] == "Australia" and listed["GB"] == "United Kingdom"
    assert all(name and name != code for code, name in listed.items())
    assert region_label("NZ") == "New Zealand (NZ)"


def test_a_list_is_typed_as_comma_separated_items() -> None:
    values = forms.new_account_values("fixdigital", set()) | {
        "api_url": "https://crm.example", "client_id": "10", "extension": "777",
        "allow_from": "203.0.113.7, 10.0.0.0/8"}
    account, errors = forms.validate(values)
    assert errors == {} and isinstance(account, FixDigitalAccount)
    assert account.allow_from == ["203.0.113.7", "10.0.0.0/8"]
    assert forms.validate(values | {"allow_from": "203.0.113.7, the office"})[1] == {
        "allow_from": "'the office' is not an IP address or network (e.g. 203.0.113.7 or 10.0.0.0/8)."}
