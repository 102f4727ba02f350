"""Every entity's pages and API, the same tests for each, generated from ``entity_crud.py``: list,
filter, detail, create, update, delete, the refused role, bad input, and the audit row of each write."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.forms import CheckboxInput, ChoiceField
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.html import escape

from keyaccount.core import services as core_services
from keyaccount.core.models import AuditEntry
from tests.core import access_matrix as matrix
from tests.core import entity_crud as crud
from tests.core.access_channels import World


@pytest.fixture
def world(people):
    """Anna's private account; the records a test asks for are built on first use."""
    built = World(people=people)
    built.builders = {row.name: row.build for row in matrix.ROWS}
    return built


@pytest.fixture
def page_as(world):
    clients = {}

    def client(role):
        if role not in clients:
            clients[role] = Client()
            clients[role].force_login(world.people[role])
        return clients[role]

    return client


@pytest.fixture
def api_call(world):
    secrets = {}

    def call(role, method, path, body=None, **params):
        if role not in secrets:
            secrets[role] = core_services.token_create(user=world.people[role])[1]
        headers = {"HTTP_AUTHORIZATION": f"Bearer {secrets[role]}"}
        if method == "get":
            return Client().get(path, params, **headers)
        return getattr(Client(), method)(path, data=json.dumps(body or {}), content_type="application/json",
                                         **headers)

    return call


def _entities(*, having: str = "", gaps: dict | None = None) -> list:
    def has(entity):
        if not having:
            return True
        where, _, attribute = having.partition(".")
        part = getattr(entity, where)
        return part is not None and bool(getattr(part, attribute, True) if attribute else part)

    def marks(entity):
        gap = (gaps or {}).get(entity.name)
        return [pytest.mark.xfail(reason=gap, strict=True)] if gap else []

    return [pytest.param(entity, id=entity.name, marks=marks(entity)) for entity in crud.ENTITIES if has(entity)]


def _record(entity, world):
    """The registration's record, built once per test."""
    if entity.build is None:
        return world.record(entity.row)
    if entity.name not in world.records:
        world.records[entity.name] = entity.build(world)
    return world.records[entity.name]


def _form_values(form) -> dict:
    """What a browser would send back for ``form`` untouched: each field's current value."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif getattr(field.widget, "allow_multiple_selected", False):
            data[name] = [str(item) for item in value or []]
        elif value is None and isinstance(field, ChoiceField):
            # A browser sends a select's first option when nothing is chosen.
            data[name] = str(next(iter(field.choices), ("", ""))[0])
        elif value is None:
            data[name] = ""
        elif isinstance(value, list | tuple):
            data[name] = [str(item) for item in value]
        elif hasattr(value, "tzinfo") and hasattr(value, "hour"):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            data[name] = local.strftime("%Y-%m-%dT%H:%M")
        else:
            data[name] = str(value)
    return data


def _page_form(client, path) -> dict:
    response = client.get(path)
    assert response.status_code == 200, f"{path} answered {response.status_code}"
    data = _form_values(response.context["form"])
    formset = response.context.get("formset")
    if formset is not None:
        data.update({f"{formset.prefix}-{key}": str(value)
                     for key, value in formset.management_form.initial.items()})
        for form in formset.forms:
            data.update({f"{form.prefix}-{name}": value for name, value in _form_values(form).items()})
    return data


def _stored(entity, pk) -> dict:
    record = entity.model.objects.get(pk=pk)
    return {name: getattr(record, name) for name in entity.expected()}


def _audit_rows(entity):
    """The audit rows of the entity's kind (tokens and logins are audited too, but are not the write)."""
    return AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(entity.model))


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _assert_audited(entity, pk, action, actor, *, since, fields=()):
    entries = list(_audit_rows(entity).filter(object_id=pk, id__gt=since))
    assert [entry.action for entry in entries] == [action], f"{entity}: audit rows {entries} for one {action}"
    [entry] = entries
    assert entry.actor == actor, f"{entity}: audited as {entry.actor}, not {actor}"
    missing = set(fields) - set(entry.changes)
    assert not missing, f"{entity}: the audit row of the {action} misses {sorted(missing)}: {entry.changes}"


def _count(entity) -> int:
    return entity.model.objects.count()


def _form_errors(response) -> dict:
    return response.context["form"].errors


# --- pages ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("entity", _entities(having="pages.list"))
def test_the_list_shows_the_record_and_its_filter_keeps_it(entity, world, page_as):
    _record(entity, world)
    client = page_as(entity.writer)
    marker = entity.list_marker or entity.marker
    listed = client.get(reverse(entity.pages.list))
    assert listed.status_code == 200 and marker in listed.content.decode()
    if entity.filter:
        kept = client.get(reverse(entity.pages.list), entity.filter)
        assert kept.status_code == 200 and marker in kept.content.decode()
    if entity.filter_out:
        dropped = client.get(reverse(entity.pages.list), entity.filter_out)
        assert dropped.status_code == 200 and marker not in dropped.content.decode()


@pytest.mark.parametrize("entity", _entities(having="pages.detail"))
def test_the_page_shows_the_record(entity, world, page_as):
    record = _record(entity, world)
    response = page_as(entity.writer).get(record.get_absolute_url().partition("#")[0])
    assert response.status_code == 200 and entity.marker in response.content.decode()


@pytest.mark.parametrize("entity", _entities(having="pages.create"))
def test_a_record_created_on_its_page_is_stored_and_audited(entity, world, page_as):
    client = page_as(entity.writer)
    path = reverse(entity.pages.create, args=entity.pages.create_args(world))
    before, since = _count(entity), _last_audit_id()
    response = client.post(path, {**_page_form(client, path), **entity.form(world)})
    assert response.status_code == 302, _form_errors(response) if response.status_code == 200 else response
    assert _count(entity) == before + 1
    created = entity.model.objects.get(**entity.new)
    assert response.url == entity.pages.created(created)
    _assert_audited(entity, created.pk, "create", world.people[entity.writer], since=since)


@pytest.mark.parametrize("entity", _entities(having="pages.edit"))
def test_a_change_on_the_edit_page_is_stored_and_audited(entity, world, page_as):
    record = _record(entity, world)
    client = page_as(entity.writer)
    path = reverse(entity.pages.edit, args=[record.pk])
    form, since = _page_form(client, path), _last_audit_id()
    response = client.post(path, {**form, **entity.change})
    assert response.status_code == 302, _form_errors(response) if response.status_code == 200 else response
    assert _stored(entity, record.pk) == entity.expected()
    _assert_audited(entity, record.pk, "update", world.people[entity.writer], fields=entity.expected(), since=since)


@pytest.mark.parametrize("entity", _entities(having="pages.delete", gaps=crud.KNOWN_GAPS))
def test_a_record_deleted_on_its_page_is_gone_and_audited(entity, world, page_as):
    record = _record(entity, world)
    client = page_as(entity.deleter or entity.writer)
    path = reverse(entity.pages.delete, args=[record.pk])
    confirm = client.get(path)
    assert confirm.status_code == 200 and escape(str(record)) in confirm.content.decode()
    since = _last_audit_id()
    response = client.post(path)
    assert response.status_code == 302
    assert response.url == entity.pages.deleted(world)
    assert not entity.model.objects.filter(pk=record.pk).exists()
    _assert_audited(entity, record.pk, "delete", world.people[entity.deleter or entity.writer], since=since)


@pytest.mark.parametrize("entity", _entities())
def test_the_pages_refuse_who_may_not_write_and_save_nothing(entity, world, page_as):
    record = _record(entity, world)
    writer, refused = page_as(entity.writer), page_as(entity.refused)
    audit_rows = _audit_rows(entity).count()
    before = _stored(entity, record.pk)
    if entity.pages.edit:
        path = reverse(entity.pages.edit, args=[record.pk])
        assert refused.get(path).status_code == 403
        assert refused.post(path, {**_page_form(writer, path), **entity.change}).status_code == 403
    if entity.pages.create:
        path = reverse(entity.pages.create, args=entity.pages.create_args(world))
        count = _count(entity)
        assert refused.get(path).status_code == 403
        assert refused.post(path, {**_page_form(writer, path), **entity.form(world)}).status_code == 403
        assert _count(entity) == count
    if entity.pages.delete:
        assert refused.post(reverse(entity.pages.delete, args=[record.pk])).status_code == 403
        assert entity.model.objects.filter(pk=record.pk).exists()
    assert _stored(entity, record.pk) == before
    assert _audit_rows(entity).count() == audit_rows


@pytest.mark.parametrize("entity", _entities(having="bad_field"))
def test_bad_input_on_the_pages_is_named_at_its_field_and_nothing_is_saved(entity, world, page_as):
    record = _record(entity, world)
    client = page_as(entity.writer)
    before = _stored(entity, record.pk)
    audit_rows = _audit_rows(entity).count()
    if entity.pages.create:
        path = reverse(entity.pages.create, args=entity.pages.create_args(world))
        count = _count(entity)
        response = client.post(path, {**_page_form(client, path), **entity.form(world), **entity.bad})
        assert response.status_code == 200
        assert entity.bad_field in _form_errors(response), _form_errors(response)
        assert _count(entity) == count
    if entity.pages.edit:
        path = reverse(entity.pages.edit, args=[record.pk])
        response = client.post(path, {**_page_form(client, path), **entity.change, **entity.bad})
        assert response.status_code == 200
        assert entity.bad_field in _form_errors(response), _form_errors(response)
    assert _stored(entity, record.pk) == before
    assert _audit_rows(entity).count() == audit_rows


# --- API -----------------------------------------------------------------------------------------


def _path(value, world):
    return value(world) if callable(value) else value


def _ids(response) -> list[int]:
    payload = response.json()
    return [item["id"] for item in (payload["items"] if isinstance(payload, dict) else payload)]


@pytest.mark.parametrize("entity", _entities(having="api"))
def test_the_api_lists_filters_and_returns_the_record(entity, world, api_call):
    record = _record(entity, world)
    collection = _path(entity.api.collection, world)
    listed = api_call(entity.writer, "get", collection)
    assert listed.status_code == 200
    assert record.pk in _ids(listed)
    if entity.filter:
        kept = api_call(entity.writer, "get", collection, **entity.filter)
        assert record.pk in _ids(kept)
    if entity.filter_out:
        dropped = api_call(entity.writer, "get", collection, **entity.filter_out)
        assert record.pk not in _ids(dropped)
    if entity.api.detail:
        detail = api_call(entity.writer, "get", entity.api.item_path(record))
        assert detail.status_code == 200 and detail.json()["id"] == record.pk


@pytest.mark.parametrize("entity", _entities(having="api_new"))
def test_a_record_created_through_the_api_is_stored_and_audited(entity, world, api_call):
    _record(entity, world)
    api_call(entity.writer, "get", _path(entity.api.collection, world))
    before, since = _count(entity), _last_audit_id()
    response = api_call(entity.writer, "post", _path(entity.api.create or entity.api.collection, world),
                        entity.api_new(world))
    assert response.status_code == 201, response.content
    assert _count(entity) == before + 1
    created = entity.model.objects.get(**entity.new)
    assert response.json()["id"] == created.pk
    _assert_audited(entity, created.pk, "create", world.people[entity.writer], since=since)


def _versioned(entity, record, body):
    if hasattr(record, "version"):
        return {**body, "version": entity.model.objects.values_list("version", flat=True).get(pk=record.pk)}
    return body


@pytest.mark.parametrize("entity", _entities(having="api.patch"))
def test_a_change_through_the_api_is_stored_and_audited(entity, world, api_call):
    record = _record(entity, world)
    api_call(entity.writer, "get", _path(entity.api.collection, world))
    since = _last_audit_id()
    response = api_call(entity.writer, "patch", entity.api.item_path(record),
                        _versioned(entity, record, entity.body_change()))
    assert response.status_code == 200, response.content
    assert _stored(entity, record.pk) == entity.expected()
    _assert_audited(entity, record.pk, "update", world.people[entity.writer], fields=entity.expected(), since=since)


@pytest.mark.parametrize("entity", _entities(having="api.delete"))
def test_a_record_deleted_through_the_api_is_gone_and_audited(entity, world, api_call):
    record = _record(entity, world)
    deleter = entity.deleter or entity.writer
    api_call(deleter, "get", _path(entity.api.collection, world))
    since = _last_audit_id()
    response = api_call(deleter, "delete", entity.api.item_path(record))
    assert response.status_code == 204, response.content
    assert not entity.model.objects.filter(pk=record.pk).exists()
    _assert_audited(entity, record.pk, "delete", world.people[deleter], since=since)


@pytest.mark.parametrize("entity", _entities(having="api"))
def test_the_api_refuses_who_may_not_write_and_saves_nothing(entity, world, api_call):
    record = _record(entity, world)
    before = _stored(entity, record.pk)
    audit_rows, count = _audit_rows(entity).count(), _count(entity)
    if entity.api.patch:
        response = api_call(entity.refused, "patch", entity.api.item_path(record),
                            _versioned(entity, record, entity.body_change()))
        assert response.status_code == 403, response.content
    if entity.api_new is not None:
        response = api_call(entity.refused, "post", _path(entity.api.create or entity.api.collection, world),
                            entity.api_new(world))
        assert response.status_code == 403, response.content
    if entity.api.delete:
        assert api_call(entity.refused, "delete", entity.api.item_path(record)).status_code == 403
    assert _stored(entity, record.pk) == before
    assert (_audit_rows(entity).count(), _count(entity)) == (audit_rows, count)


@pytest.mark.parametrize("entity", _entities(having="api"))
def test_bad_input_to_the_api_answers_422_naming_the_field_and_saves_nothing(entity, world, api_call):
    record = _record(entity, world)
    before = _stored(entity, record.pk)
    audit_rows, count = _audit_rows(entity).count(), _count(entity)
    if entity.api_new is not None:
        response = api_call(entity.writer, "post", _path(entity.api.create or entity.api.collection, world),
                            {**entity.api_new(world), **entity.body_bad()})
        assert response.status_code == 422, response.content
        assert entity.bad_field in response.json()["errors"]
    if entity.api.patch:
        response = api_call(entity.writer, "patch", entity.api.item_path(record),
                            _versioned(entity, record, {**entity.body_change(), **entity.body_bad()}))
        assert response.status_code == 422, response.content
        assert entity.bad_field in response.json()["errors"]
    assert _stored(entity, record.pk) == before
    assert (_audit_rows(entity).count(), _count(entity)) == (audit_rows, count)


# --- nothing left out ----------------------------------------------------------------------------


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def _api_writes() -> set[str]:
    from keyaccount.api.urls import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {re.sub(r'{[^}]+}', '{}', path)}"
            for path, operations in schema["paths"].items() for method in operations
            if method in ("patch", "put", "delete")}


def test_every_write_path_has_a_registration():
    pages = {name for name in _url_names(get_resolver().url_patterns) if name.endswith(("_edit", "_delete"))}
    registered = set().union(*(crud.page_names(entity) for entity in crud.ENTITIES))
    operations = _api_writes()
    registered |= set().union(*(crud.api_operations(entity) for entity in crud.ENTITIES))
    uncovered = sorted((pages | operations) - registered - set(crud.ELSEWHERE))
    assert not uncovered, ("Every edit/delete page and every API PATCH/PUT/DELETE needs a registration in "
                           "tests/core/entity_crud.py (ENTITIES), or an ELSEWHERE entry naming its test. "
                           "Uncovered: " + ", ".join(uncovered))
    stale = sorted(set(crud.ELSEWHERE) - pages - operations)
    assert not stale, f"ELSEWHERE names paths that no longer exist: {stale}"


def test_what_elsewhere_names_is_a_test_that_exists():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for key, place in crud.ELSEWHERE.items():
        module, _, name = place.test.partition("::")
        assert (root / module).is_file(), f"{key}: no {module}"
        assert f"def {name}(" in (root / module).read_text(), f"{key}: no test {name} in {module}"
        assert place.reason.strip(), f"{key}: say why it is not generic"


# --- parts of a record, changed where the record is shown -----------------------------------------


def _audited(model, pk, action, actor, since):
    entries = list(AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk,
                                             id__gt=since))
    assert [(entry.action, entry.actor) for entry in entries] == [(action, actor)]
    return entries[0]


@pytest.fixture
def initiative(world):
    from keyaccount.planning import services as planning_services

    return planning_services.initiative_save(user=world.people["anna"], plan=world.record("AccountPlan"),
                                             data={"title": "Pilot the pump line", "status": "planned"})


def test_an_initiative_is_changed_and_deleted_on_its_plans_page(world, page_as, initiative):
    plan, anna = initiative.plan, world.people["anna"]
    edit = reverse("planning:initiative_edit", args=[plan.pk, initiative.pk])
    delete = reverse("planning:initiative_delete", args=[plan.pk, initiative.pk])
    change = {"title": "Pilot the valve line", "status": "in_progress"}
    assert page_as("analyst").post(edit, change).status_code == 403
    assert page_as("analyst").post(delete).status_code == 403
    bad = page_as("anna").post(edit, {**change, "title": ""})
    assert bad.status_code == 400 and "title" in bad.context["initiative_form"].errors
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Pilot the pump line", "planned")
    since = _last_audit_id()
    changed = page_as("anna").post(edit, change)
    assert (changed.status_code, changed.url) == (302, plan.get_absolute_url())
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Pilot the valve line", "in_progress")
    assert {"title", "status"} <= set(_audited(type(initiative), initiative.pk, "update", anna, since).changes)
    since = _last_audit_id()
    deleted = page_as("anna").post(delete)
    assert (deleted.status_code, deleted.url) == (302, plan.get_absolute_url())
    assert not type(initiative).objects.filter(pk=initiative.pk).exists()
    _audited(type(initiative), initiative.pk, "delete", anna, since)


def test_an_initiative_is_changed_and_deleted_through_the_api(world, api_call, initiative):
    path = f"/api/v1/account-plans/{initiative.plan_id}/initiatives/{initiative.pk}"
    body = {"title": "Pilot the valve line", "status": "in_progress"}
    assert api_call("analyst", "put", path, body).status_code == 403
    assert api_call("analyst", "delete", path).status_code == 403
    bad = api_call("anna", "put", path, {**body, "status": "someday"})
    assert bad.status_code == 422 and "status" in bad.json()["errors"]
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Pilot the pump line", "planned")
    api_call("anna", "get", "/api/v1/account-plans/")
    since = _last_audit_id()
    changed = api_call("anna", "put", path, body)
    assert changed.status_code == 200 and changed.json()["title"] == "Pilot the valve line"
    initiative.refresh_from_db()
    assert (initiative.title, initiative.status) == ("Pilot the valve line", "in_progress")
    _audited(type(initiative), initiative.pk, "update", world.people["anna"], since)
    since = _last_audit_id()
    assert api_call("anna", "delete", path).status_code == 204
    assert not type(initiative).objects.filter(pk=initiative.pk).exists()
    _audited(type(initiative), initiative.pk, "delete", world.people["anna"], since)


def test_a_competitor_is_unlinked_from_an_account_through_the_api(world, api_call):
    link = world.record("AccountCompetitor")
    path = f"/api/v1/accounts/{link.account_id}/competitors/{link.competitor_id}"
    assert api_call("analyst", "delete", path).status_code == 403
    assert type(link).objects.filter(pk=link.pk).exists()
    api_call("anna", "get", "/api/v1/accounts/")
    since = _last_audit_id()
    assert api_call("anna", "delete", path).status_code == 204
    assert not type(link).objects.filter(pk=link.pk).exists()
    # The link is part of the account: its removal is a change of the account's competitors.
    entry = _audited(type(link.account), link.account_id, "update", world.people["anna"], since)
    assert entry.changes
    assert api_call("anna", "delete", path).status_code == 404


def test_a_contract_attachment_is_deleted_from_its_contract(world, page_as):
    attachment = world.record("ContractAttachment")
    path = reverse("contracts:attachment_delete", args=[attachment.pk])
    assert page_as("analyst").post(path).status_code == 403
    assert type(attachment).objects.filter(pk=attachment.pk).exists()
    since = _last_audit_id()
    response = page_as("anna").post(path)
    assert (response.status_code, response.url) == (302, attachment.contract.get_absolute_url())
    assert not type(attachment).objects.filter(pk=attachment.pk).exists()
    # The file is part of the contract: its removal is a change of the contract's attachments.
    entry = _audited(type(attachment.contract), attachment.contract_id, "update", world.people["anna"], since)
    assert entry.changes["attachments"] == ["Tamarind scan.txt", None]


def test_a_proposal_template_is_deleted_by_a_head_of_sales(world, page_as):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keyaccount.deals import services as deal_services
    from tests.deals.test_documents import template_with

    template = deal_services.template_upload(user=world.people["head"], data={
        "name": "Our letterhead", "language": "ru", "is_default": False,
        "file": SimpleUploadedFile("ours.docx", template_with("{{ total }}"))})
    path = reverse("deals:template_delete", args=[template.pk])
    assert page_as("anna").post(path).status_code == 403
    assert type(template).objects.filter(pk=template.pk).exists()
    since = _last_audit_id()
    response = page_as("head").post(path)
    assert (response.status_code, response.url) == (302, reverse("deals:template_list"))
    assert not type(template).objects.filter(pk=template.pk).exists()
    _audited(type(template), template.pk, "delete", world.people["head"], since)
