"""Timeline pages: scrolling loads more, forms keep errors at the field, the queue and the import page."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keyaccount.timeline.models import Interaction
from tests.timeline.test_importers import MASTER_CSV


def _notes(account, owner, count, start):
    Interaction.objects.bulk_create(
        Interaction(kind="note", account=account, owner=owner, subject=f"Note {n}",
                    starts_at=start + dt.timedelta(minutes=n)) for n in range(count))


def test_the_timeline_loads_older_entries_as_you_scroll(people, anna_account, client_for):
    _notes(anna_account, people["anna"], 45, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    client = client_for(people["anna"])
    first = client.get(f"/timeline/accounts/{anna_account.pk}/").content.decode()
    assert "Note 44" in first and "Note 15" in first and "Note 14<" not in first
    cursor = first.split("cursor=")[1].split('"')[0]
    more = client.get(f"/timeline/accounts/{anna_account.pk}/?cursor={cursor}", HTTP_HX_REQUEST="true")
    html = more.content.decode()
    assert "Note 14<" in html and "Note 0<" in html and "Note 44" not in html and "<html" not in html


def test_the_timeline_filters_by_kind_and_period(people, anna_account, client_for):
    _notes(anna_account, people["anna"], 3, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    Interaction.objects.create(kind="task", account=anna_account, subject="Call back", starts_at=dt.datetime(
        2026, 2, 1, tzinfo=dt.UTC))
    client = client_for(people["anna"])
    tasks = client.get(f"/timeline/accounts/{anna_account.pk}/?kind=task").content.decode()
    assert "Call back" in tasks and "Note 1" not in tasks
    january = client.get(f"/timeline/accounts/{anna_account.pk}/?date_to=2026-01-31").content.decode()
    assert "Note 1" in january and "Call back" not in january


def test_the_timeline_first_page_runs_a_fixed_number_of_queries(people, anna_account, anna_contact, client_for):
    client = client_for(people["anna"])
    _notes(anna_account, people["anna"], 5, dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    for note in Interaction.objects.all():
        note.contacts.add(anna_contact)
    url = f"/timeline/accounts/{anna_account.pk}/"
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _notes(anna_account, people["anna"], 60, dt.datetime(2026, 2, 1, tzinfo=dt.UTC))
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large) == len(small)


def test_a_meeting_form_keeps_errors_at_the_field(people, anna_account, client_for):
    response = client_for(people["anna"]).post(f"/timeline/accounts/{anna_account.pk}/new/meeting/", {
        "subject": "Review", "starts_at": "2026-03-10T12:00", "ends_at": "2026-03-10T11:00",
        "video_link": "not a link", "travel_minutes": "-5"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_video_link_error"' in html and 'id="id_travel_minutes_error"' in html
    assert not Interaction.objects.exists()


def test_an_unknown_kind_is_not_found(people, anna_account, client_for):
    assert client_for(people["anna"]).get(f"/timeline/accounts/{anna_account.pk}/new/party/").status_code == 404


def test_log_this_call_in_one_click(people, anna_contact, client_for):
    client = client_for(people["anna"])
    response = client.post(f"/timeline/contacts/{anna_contact.pk}/log-call/", {
        "outcome": "answered", "direction": "out", "summary": "Agreed on a demo"})
    assert response.status_code == 302
    page = client.get(anna_contact.get_absolute_url()).content.decode()
    assert "Agreed on a demo" in page


def test_import_page_previews_then_imports(people, client_for):
    client = client_for(people["anna"])
    preview = client.post("/timeline/calls/import/", {
        "file": SimpleUploadedFile("Master.csv", MASTER_CSV.encode()), "file_format": "asterisk", "preview": "1"},
        follow=True)
    html = preview.content.decode()
    # A small file is read in the request; the preview is on the import's own page.
    assert preview.redirect_chain[0][0].startswith("/imports/")
    assert preview.status_code == 200 and "nothing is saved yet" in html
    assert not Interaction.objects.exists()
    upload = html.split('name="upload" value="')[1].split('"')[0]
    done = client.post("/timeline/calls/import/", {"upload": upload, "file_format": "asterisk", "import": "1"})
    assert done.status_code == 302 and Interaction.objects.count() == 3
    queue = client.get("/timeline/calls/queue/").content.decode()
    assert "+7 999 000-00-00" in queue or "8 (999) 000-00-00" in queue


def test_import_page_shows_bad_rows_and_saves_nothing(people, client_for):
    response = client_for(people["anna"]).post("/timeline/calls/import/", {
        "file": SimpleUploadedFile("Master.csv", b'"","1","2"\n'), "file_format": "asterisk", "import": "1"})
    assert response.status_code == 400 and "Line 1: 3 columns" in response.content.decode()
    assert not Interaction.objects.exists()


def test_import_page_refuses_a_forged_upload_name(people, client_for):
    response = client_for(people["anna"]).post("/timeline/calls/import/", {
        "upload": "../../etc/passwd", "file_format": "asterisk", "import": "1"})
    assert response.status_code == 400


def test_previewed_files_nobody_imported_are_removed_after_a_day(people, client_for):
    import os
    import time

    from django.core.files.storage import default_storage

    old = default_storage.save("imports/old-Master.csv", SimpleUploadedFile("x", b"x"))
    two_days_ago = time.time() - 2 * 86400
    os.utime(default_storage.path(old), (two_days_ago, two_days_ago))
    client_for(people["anna"]).post("/timeline/calls/import/", {
        "file": SimpleUploadedFile("Master.csv", MASTER_CSV.encode()), "file_format": "asterisk", "preview": "1"})
    assert not default_storage.exists(old)
    assert len(default_storage.listdir("imports")[1]) == 1


def test_support_reads_the_timeline_without_its_deals_proposals_and_contracts(people, anna_account, client_for,
                                                                             api_as):
    """Deal names and amounts reached support agents through the timeline's events."""
    from keyaccount.deals import services as deal_services
    from keyaccount.feedback import services as feedback_services

    deal_services.deal_create(user=people["anna"], account=anna_account, data={"title": "Boilers for Perm"})
    feedback_services.feedback_create(user=people["anna"], account=anna_account, data={
        "subject": "Late pallets", "text": "…"})
    url = f"/timeline/accounts/{anna_account.pk}/"
    support_page = client_for(people["support"]).get(url).content.decode()
    assert "Late pallets" in support_page and "Boilers for Perm" not in support_page
    subjects = [entry["subject"] for entry in api_as("support")("get", "/api/v1/interactions/").json()["items"]]
    assert any("Late pallets" in subject for subject in subjects)
    assert not any("Boilers" in subject for subject in subjects)
    analyst = [entry["subject"] for entry in api_as("analyst")("get", "/api/v1/interactions/").json()["items"]]
    assert any("Boilers for Perm" in subject for subject in analyst)
