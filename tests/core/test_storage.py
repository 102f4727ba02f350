"""Stored files in an S3-compatible object store (KAM_STORAGE_URL): the address is read strictly; an
attachment lands in the bucket under its prefix, private, and comes back only through the app's access
rule; no crafted name leaves the prefix; a call log is previewed and imported from the bucket; a backup
takes the bucket's files and a restore puts them back.

The store is moto's S3 server on 127.0.0.1 (a free port), started once for the module; each test gets a
bucket of its own.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zipfile

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from keyaccount.contracts import services as contract_services
from keyaccount.contracts.models import ContractAttachment
from keyaccount.settings import STORAGE_MEMORY_BYTES, STORAGE_SIGNED_URL_SECONDS, storage_from_url
from keyaccount.timeline.models import Interaction
from tests.timeline.test_importers import MASTER_CSV

PREFIX = "keyaccount/media"
SCAN = b"%PDF-1.4\n" + bytes(range(256)) * 8
KEY, SECRET = "kam-test-key", "kam/test+secret"


# --- the address --------------------------------------------------------------------------------


def test_an_address_with_its_endpoint_region_and_keys_gives_the_s3_backend():
    storage = storage_from_url(
        "s3://kam-test-key:kam%2Ftest+secret@kam-files/tenants/acme/?endpoint_url=http://127.0.0.1:9000&region=ru-1")
    assert storage == {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": "kam-files", "location": "tenants/acme", "endpoint_url": "http://127.0.0.1:9000",
        "region_name": "ru-1", "addressing_style": "path", "access_key": KEY, "secret_key": SECRET,
        # Private files, never replaced by a later upload of the same name, signed links short-lived.
        "default_acl": None, "file_overwrite": False, "querystring_auth": True,
        "querystring_expire": STORAGE_SIGNED_URL_SECONDS, "signature_version": "s3v4",
        "max_memory_size": STORAGE_MEMORY_BYTES}}


def test_an_address_without_keys_leaves_them_to_the_aws_variables_and_aws_to_its_own_addressing():
    options = storage_from_url("s3://kam-files")["OPTIONS"]
    assert options["bucket_name"] == "kam-files" and options["location"] == ""
    assert not {"access_key", "secret_key", "endpoint_url", "addressing_style"} & set(options)


@pytest.mark.parametrize(("url", "message"), [
    ("https://kam-files/media", "must start with s3://"),
    ("s3:///media", "names no valid bucket"),
    ("s3://Kam_Files/media", "names no valid bucket"),
    ("s3://kam-files:9000/media", "names no valid bucket"),
    ("s3://kam-files/media/../other", "plain folder names"),
    ("s3://kam-files/media//inner", "plain folder names"),
    ("s3://kam-files/media?endpoint=http://minio:9000", "unknown parameters: endpoint"),
    ("s3://kam-files/media?endpoint_url=minio:9000", "endpoint_url must be an http:// or https:// address"),
    ("s3://kam-files/media?region=a&region=b", "must give region one value"),
    ("s3://kam-files/media?addressing_style=sideways", "addressing_style must be path, virtual or auto"),
    ("s3://only-the-key@kam-files/media", "both the access key and the secret"),
    ("s3://kam-files/media#part", "must not have a #fragment"),
])
def test_a_bad_address_stops_start_up_saying_what_is_wrong_and_never_the_secret(url, message):
    with pytest.raises(ImproperlyConfigured, match=message) as error:
        storage_from_url(url)
    assert "only-the-key" not in str(error.value) and "KAM_STORAGE_URL" in str(error.value)


# --- a local S3 server --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A new bucket, the default storage in it under a prefix; ``keys()`` lists every key in the bucket."""
    name = f"kam-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", aws_access_key_id=KEY,
                          aws_secret_access_key=SECRET)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(
        f"s3://{KEY}:kam%2Ftest+secret@{name}/{PREFIX}?endpoint_url={s3_endpoint}&region=us-east-1")}

    class Bucket:
        def keys(self):
            pages = client.get_paginator("list_objects_v2").paginate(Bucket=name)
            return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

        def read(self, key):
            return client.get_object(Bucket=name, Key=key)["Body"].read()

        def grantees(self, key):
            return [grant["Grantee"].get("URI", grant["Grantee"].get("ID"))
                    for grant in client.get_object_acl(Bucket=name, Key=key)["Grants"]]

    Bucket.name = name
    return Bucket()


@pytest.fixture
def contract(people, anna_account):
    return contract_services.contract_create(user=people["anna"], account=anna_account, data={
        "number": "7-K", "subject": "Supply", "starts_on": dt.date(2026, 1, 1)})


def test_an_attachment_is_written_to_the_bucket_and_read_back_only_through_the_access_rule(
        bucket, client_for, people, contract):
    anna = client_for(people["anna"])
    anna.post(reverse("contracts:attachment_add", args=[contract.pk]),
              {"file": SimpleUploadedFile("Договор 7-K.pdf", SCAN)})
    attachment = ContractAttachment.objects.get()
    (key,) = bucket.keys()
    assert key == f"{PREFIX}/{attachment.file.name}"
    assert key.startswith(f"{PREFIX}/contracts/{contract.pk}/") and bucket.read(key) == SCAN
    assert not [grantee for grantee in bucket.grantees(key) if "AllUsers" in grantee or "AuthenticatedUsers" in grantee]

    url = reverse("contracts:attachment_download", args=[attachment.pk])
    download = anna.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == SCAN
    assert download["Content-Type"] == "application/pdf" and download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    # A colleague of another portfolio and the support desk are refused: the bucket is never reached for them.
    for refused in ("boris", "support"):
        assert client_for(people[refused]).get(url).status_code == 404, refused


def test_a_file_gone_from_the_bucket_answers_404_not_an_error_page(bucket, client_for, people, contract):
    attachment = contract_services.attachment_add(user=people["anna"], contract=contract,
                                                  upload=SimpleUploadedFile("scan.pdf", SCAN))
    default_storage.delete(attachment.file.name)
    assert client_for(people["anna"]).get(reverse("contracts:attachment_download", args=[attachment.pk])) \
        .status_code == 404


def test_a_call_log_is_previewed_from_the_bucket_imported_and_then_removed_from_it(bucket, client_for, people):
    client = client_for(people["anna"])
    preview = client.post(reverse("timeline:call_import"), {
        "file": SimpleUploadedFile("Master.csv", MASTER_CSV.encode()), "file_format": "asterisk", "preview": "1"},
        follow=True)
    upload = preview.content.decode().split('name="upload" value="')[1].split('"')[0]
    assert bucket.keys() == [f"{PREFIX}/{upload}"] and upload.startswith("imports/")
    done = client.post(reverse("timeline:call_import"), {"upload": upload, "file_format": "asterisk", "import": "1"})
    assert done.status_code == 302 and Interaction.objects.count() == 3
    assert bucket.keys() == []


def test_a_stored_file_has_no_public_address_only_a_signed_one_that_expires(bucket):
    name = default_storage.save("company/logo.png", ContentFile(b"\x89PNG\r\n\x1a\n"))
    url = default_storage.url(name)
    assert f"/{bucket.name}/{PREFIX}/company/logo.png?" in url
    assert "X-Amz-Signature=" in url and f"X-Amz-Expires={STORAGE_SIGNED_URL_SECONDS}" in url


def test_a_second_file_of_the_same_name_does_not_replace_the_first(bucket):
    first = default_storage.save("contracts/1/scan.pdf", ContentFile(b"first"))
    second = default_storage.save("contracts/1/scan.pdf", ContentFile(b"second"))
    assert first != second
    assert default_storage.open(first).read() == b"first" and default_storage.open(second).read() == b"second"


@pytest.mark.parametrize("crafted", ["../../escape.pdf", "/etc/passwd.pdf", "..\\..\\escape.pdf",
                                     "contracts/../../escape.pdf"])
def test_a_crafted_upload_name_stays_under_the_prefix(bucket, people, contract, crafted):
    contract_services.attachment_add(user=people["anna"], contract=contract,
                                     upload=SimpleUploadedFile(crafted, SCAN))
    (key,) = bucket.keys()
    assert key.startswith(f"{PREFIX}/contracts/{contract.pk}/") and key.endswith(".pdf") and "/../" not in key


@pytest.mark.parametrize("name", ["../escape.txt", "/escape.txt", "contracts/../../escape.txt"])
def test_names_outside_the_prefix_are_refused_by_the_storage_itself(bucket, name):
    with pytest.raises(SuspiciousOperation):
        default_storage.save(name, ContentFile(b"x"))
    with pytest.raises(SuspiciousOperation):
        default_storage.open(name)
    assert bucket.keys() == []


def test_a_backup_takes_the_buckets_files_and_a_restore_puts_them_back(bucket, people, contract, tmp_path):
    contract_services.attachment_add(user=people["anna"], contract=contract,
                                     upload=SimpleUploadedFile("scan.pdf", SCAN))
    (key,) = bucket.keys()
    name = key.removeprefix(f"{PREFIX}/")
    archive = tmp_path / "keyaccount.zip"
    call_command("backup", str(archive))
    with zipfile.ZipFile(archive) as opened:
        assert opened.read(f"files/{name}") == SCAN

    default_storage.delete(name)
    assert bucket.keys() == []
    call_command("restore", str(archive), "--force")
    assert bucket.keys() == [key] and bucket.read(key) == SCAN
