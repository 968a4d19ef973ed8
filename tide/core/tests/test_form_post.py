"""The one form-view helper: bind, validate, call the service, show its refusal on the form (issue 19)."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from tide.core.forms import GovukForm, form_post


class NameForm(GovukForm):
    name = forms.CharField()


def _request(method: str, data: dict | None = None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def _post(request, on_valid, **kwargs):
    form = NameForm(request.POST or None)
    kwargs.setdefault("success", "/done/")
    return form_post(request, form, on_valid=on_valid, template="core/home.html", context={"cards": []}, **kwargs), form


def test_valid_post_calls_the_service_and_redirects_with_a_message(db):
    calls = []
    request = _request("post", {"name": "Ann"})
    response, _ = _post(request, lambda data: calls.append(data["name"]) or "done", message=lambda r: f"Saved {r}.")
    assert calls == ["Ann"]
    assert response.status_code == 302
    assert response["Location"] == "/done/"
    assert [str(m) for m in request._messages] == ["Saved done."]


def test_invalid_form_is_rendered_and_the_service_not_called(db):
    calls = []
    response, form = _post(_request("post", {"name": ""}), calls.append)
    assert response.status_code == 200
    assert calls == []
    assert "name" in form.errors


def test_get_renders_without_calling(db):
    calls = []
    response, form = _post(_request("get"), calls.append)
    assert response.status_code == 200
    assert calls == []
    assert not form.is_bound


def test_validation_error_goes_on_the_named_field(db):
    def refuse(data):
        raise ValidationError({"name": "Not that name."})

    response, form = _post(_request("post", {"name": "Bob"}), refuse)
    assert response.status_code == 200
    assert form.errors["name"] == ["Not that name."]


def test_permission_denied_becomes_a_form_error_or_stays_a_403(db):
    def refuse(data):
        raise PermissionDenied("Only the owner can do that.")

    response, form = _post(_request("post", {"name": "Bob"}), refuse)
    assert response.status_code == 200
    assert form.non_field_errors() == ["Only the owner can do that."]
    with pytest.raises(PermissionDenied):
        _post(_request("post", {"name": "Bob"}), refuse, refusal_as_error=False)


def test_a_need_to_know_refusal_stays_a_403(db):
    from tide.core.access import NeedToKnowRefused

    def refuse(data):
        raise NeedToKnowRefused(1)

    with pytest.raises(NeedToKnowRefused):
        _post(_request("post", {"name": "Bob"}), refuse)
