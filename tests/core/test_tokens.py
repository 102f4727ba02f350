"""API tokens: made, listed and revoked by their owner (page and command line), never another's."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from keyaccount.core import services
from keyaccount.core.errors import AccessDenied
from keyaccount.core.models import ApiToken, AuditEntry


def _works(client, secret) -> bool:
    return client.get("/api/v1/accounts/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


# Services


def test_a_second_live_token_with_the_same_name_is_refused(people):
    services.token_create(user=people["anna"], name="1C exchange")
    with pytest.raises(ValidationError) as refused:
        services.token_create(user=people["anna"], name=" 1c EXCHANGE ")
    assert "already a live token called" in refused.value.message_dict["name"][0]
    services.token_create(user=people["boris"], name="1C exchange")
    assert ApiToken.objects.filter(name="1C exchange").count() == 2


def test_a_revoked_tokens_name_may_be_used_again(people):
    token, _secret = services.token_create(user=people["anna"], name="reports")
    services.token_revoke(user=people["anna"], token=token)
    services.token_create(user=people["anna"], name="reports")
    assert ApiToken.objects.filter(user=people["anna"], name="reports").count() == 2


@pytest.mark.parametrize("name", ["kam_abcdefgh", "KAM_abc", "x" * 101, "nul\x00byte", "two\nlines"])
def test_a_name_shaped_like_a_prefix_or_too_long_is_refused(people, name):
    with pytest.raises(ValidationError) as refused:
        services.token_create(user=people["anna"], name=name)
    assert list(refused.value.message_dict) == ["name"]
    assert not ApiToken.objects.exists()


def test_making_and_revoking_a_token_is_audited_without_its_secret(people):
    token, secret = services.token_create(user=people["anna"], name="ci")
    services.token_revoke(user=people["admin"], token=token)
    entries = list(AuditEntry.objects.filter(content_type__model="apitoken", object_id=token.pk).order_by("at", "pk"))
    assert [(entry.action, entry.actor) for entry in entries] == [("create", people["anna"]),
                                                                  ("update", people["admin"])]
    assert entries[0].changes["name"] == [None, "ci"] and entries[1].changes["revoked_at"][0] is None
    assert all(secret not in str(entry.changes) and token.key_hash not in str(entry.changes) for entry in entries)


def test_nobody_but_the_owner_or_an_administrator_revokes_a_token(people):
    token, _secret = services.token_create(user=people["anna"])
    for username in ("boris", "head", "support", "analyst"):
        with pytest.raises(AccessDenied):
            services.token_revoke(user=people[username], token=token)
    token.refresh_from_db()
    assert token.revoked_at is None


# The page


def test_the_profile_links_to_the_token_page(client_for, people):
    page = client_for(people["anna"]).get(reverse("core:profile")).content.decode()
    assert reverse("core:tokens") in page


def test_the_page_lists_ones_own_tokens_and_nobody_elses(client_for, people):
    services.token_create(user=people["anna"], name="anna's script")
    services.token_create(user=people["boris"], name="boris's script")
    for username in ("anna", "admin"):
        services.token_create(user=people[username], name=f"{username} exchange")
    page = client_for(people["admin"]).get(reverse("core:tokens")).content.decode()
    assert "admin exchange" in page and "anna" not in page and "boris" not in page


def test_a_new_tokens_secret_is_shown_once_and_works(client_for, people):
    client = client_for(people["anna"])
    response = client.post(reverse("core:tokens"), {"name": "reports script"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=people["anna"], name="reports script")
    secret = next(part.split('"')[0] for part in response.content.decode().split('value="') if part.startswith("kam_"))
    assert services.hash_token(secret) == token.key_hash
    assert secret not in client.get(reverse("core:tokens")).content.decode()
    client.logout()
    assert _works(client, secret)


def test_a_duplicate_name_is_refused_next_to_the_field(client_for, people):
    services.token_create(user=people["anna"], name="ci")
    response = client_for(people["anna"]).post(reverse("core:tokens"), {"name": "CI"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["There is already a live token called “CI”: choose another "
                                                        "name or revoke that one first."]
    assert ApiToken.objects.filter(user=people["anna"]).count() == 1


def test_revoking_from_the_page_stops_the_token_at_once(client_for, people):
    token, secret = services.token_create(user=people["anna"], name="old")
    client = client_for(people["anna"])
    response = client.post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("core:tokens")
    token.refresh_from_db()
    assert token.revoked_at is not None
    client.logout()
    assert not _works(client, secret)


def test_another_users_token_answers_404_and_keeps_working(client, client_for, people):
    token, secret = services.token_create(user=people["boris"], name="boris")
    for username in ("anna", "head"):
        assert client_for(people[username]).post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    client.logout()
    assert _works(client, secret)


def test_an_administrator_may_revoke_anyones_token(client_for, people):
    token, _secret = services.token_create(user=people["boris"], name="leaked")
    assert client_for(people["admin"]).post(reverse("core:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_tokens_name_is_shown_escaped(client_for, people):
    services.token_create(user=people["anna"], name="<script>alert(1)</script>")
    page = client_for(people["anna"]).get(reverse("core:tokens")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_revoking_without_the_csrf_token_is_refused(people):
    from django.test import Client

    token, _secret = services.token_create(user=people["anna"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["anna"])
    assert client.post(reverse("core:token_revoke", args=[token.pk])).status_code == 403
    assert client.post(reverse("core:tokens"), {"name": "forged"}).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and not ApiToken.objects.filter(name="forged").exists()


@pytest.mark.parametrize("token_id", ["0", "99999999999999999999", "-1", "abc"])
def test_a_revoke_of_a_token_id_that_cannot_exist_is_404(client_for, people, token_id):
    response = client_for(people["anna"]).post(f"/profile/tokens/{token_id}/revoke/")
    assert response.status_code == 404


def test_revoking_needs_a_post(client_for, people):
    token, _secret = services.token_create(user=people["anna"])
    assert client_for(people["anna"]).get(reverse("core:token_revoke", args=[token.pk])).status_code == 405


# The command line


def test_kam_token_list_shows_every_token_but_never_a_secret(people, capsys):
    live, secret = services.token_create(user=people["anna"], name="exchange")
    revoked, _secret = services.token_create(user=people["anna"], name="old script")
    services.token_revoke(user=people["anna"], token=revoked)
    call_command("token", "anna", "--list")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "PREFIX", "CREATED", "LAST", "USED", "REVOKED"]
    assert lines[1].startswith("exchange") and f"{live.prefix}…" in lines[1] and lines[1].rstrip().endswith("-")
    assert lines[2].startswith("old script") and not lines[2].rstrip().endswith("-")
    assert secret not in out and live.key_hash not in out


def test_kam_token_revoke_by_name_or_prefix(client, people, capsys):
    by_name, secret = services.token_create(user=people["anna"], name="exchange")
    by_prefix, _secret = services.token_create(user=people["anna"], name="script")
    call_command("token", "anna", "--revoke", "Exchange")
    call_command("token", "anna", "--revoke", by_prefix.prefix + "…")
    assert "Revoked" in capsys.readouterr().out
    assert ApiToken.objects.filter(pk__in=[by_name.pk, by_prefix.pk], revoked_at__isnull=False).count() == 2
    assert not _works(client, secret)
    call_command("token", "anna", "--revoke", "exchange")
    assert "already revoked" in capsys.readouterr().out


def test_kam_token_refuses_to_guess_between_tokens_sharing_a_name(people):
    # Tokens made before names were unique may share one.
    first, _secret = services.token_create(user=people["anna"], name="ci")
    second, _secret = services.token_create(user=people["anna"])
    ApiToken.objects.filter(pk=second.pk).update(name="ci")
    with pytest.raises(CommandError) as refused:
        call_command("token", "anna", "--revoke", "ci")
    assert refused.value.returncode == 2
    assert first.prefix in str(refused.value) and second.prefix in str(refused.value)
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()


@pytest.mark.parametrize("arguments, message", [
    (["nobody", "--list"], "No user “nobody”."),
    (["anna", "--revoke", "nothing"], "anna has no token “nothing”"),
    (["boris", "--revoke", "anna's"], "boris has no token “anna's”"),
    (["anna", "--name", "ci"], "There is already a live token called “ci”"),
])
def test_kam_token_errors_are_one_line_and_exit_2(people, arguments, message):
    services.token_create(user=people["anna"], name="ci")
    services.token_create(user=people["anna"], name="anna's")
    with pytest.raises(CommandError) as refused:
        call_command("token", *arguments)
    assert refused.value.returncode == 2 and message in str(refused.value) and "\n" not in str(refused.value)


def test_the_admin_site_revokes_through_the_audited_service(client_for, people):
    people["admin"].is_staff = people["admin"].is_superuser = True
    people["admin"].save()
    token, _secret = services.token_create(user=people["boris"], name="leaked")
    response = client_for(people["admin"]).post(reverse("admin:core_apitoken_changelist"),
                                                {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(content_type__model="apitoken", object_id=token.pk, action="update",
                                     actor=people["admin"]).exists()


# Who may revoke Anna's token through the page: she and an administrator; for everyone else it does not exist.
REVOKES_ANNAS_TOKEN = {"anna": True, "boris": False, "head": False, "other_head": False, "support": False,
                       "analyst": False, "admin": True}


@pytest.mark.parametrize("username", list(REVOKES_ANNAS_TOKEN))
def test_revoking_annas_token_follows_the_rule_for_every_role(username, people, client_for):
    token, _secret = services.token_create(user=people["anna"], name="exchange")
    response = client_for(people[username]).post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == (302 if REVOKES_ANNAS_TOKEN[username] else 404)
    token.refresh_from_db()
    assert (token.revoked_at is not None) is REVOKES_ANNAS_TOKEN[username]
    listed = client_for(people[username]).get(reverse("core:tokens")).content.decode()
    assert (f'id="token-{token.pk}"' in listed) is (username == "anna")
