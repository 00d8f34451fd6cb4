"""S3-compatible object storage as a setting, against a real S3 endpoint (moto's standalone server).

The settings switch both storages to S3 when ``ROSTRUM_S3_BUCKET`` is set (checked in a fresh
interpreter, as ``scripts/run`` would start one). The file fields bind their storage when the models
are imported, so the tests below point the library's and recordings' fields at an S3 storage of
their own, then go through the product's views: the upload lands in the bucket, a download is a
redirect to a short-lived signed link that S3 answers (with the name, the type and ranges), a
deletion removes the object once it commits, and the recording's composition gets a local copy.
"""

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import boto3
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from conftest import free_port
from rostrum.library.models import LibraryFile
from rostrum.library.tests.factories import pdf_bytes, upload
from rostrum.recordings import timeline
from rostrum.recordings.models import Recording

BUCKET = "rostrum-test"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_private(s3_endpoint, monkeypatch):
    """The private storage as the settings make it with a bucket, given to the file fields."""
    storage = S3Storage(
        bucket_name=BUCKET,
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        access_key=KEYS["aws_access_key_id"],
        secret_key=KEYS["aws_secret_access_key"],
        location="private",
        default_acl=None,
        file_overwrite=False,
        querystring_auth=True,
        querystring_expire=300,
    )
    for model, field in ((LibraryFile, "file"), (Recording, "file")):
        monkeypatch.setattr(model._meta.get_field(field), "storage", storage)
    monkeypatch.setattr("rostrum.core.storage.private_storage", lambda: storage)  # what the composition reads
    return storage


def objects(endpoint: str) -> set[str]:
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **KEYS)
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def expires_in(url: str) -> float:
    """Seconds until the signed link stops working (its ``Expires`` parameter)."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    return int(query["Expires"][0]) - time.time()


def fetch(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 — the local S3 endpoint
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_a_bucket_in_the_environment_switches_both_storages_to_s3(tmp_path):
    env = {
        **os.environ,
        "ROSTRUM_VAR_DIR": str(tmp_path),
        "ROSTRUM_S3_BUCKET": "uploads",
        "ROSTRUM_S3_ENDPOINT_URL": "https://s3.example.net",
        "ROSTRUM_S3_REGION": "eu-central-1",
    }
    env.pop("DATABASE_URL", None)
    script = (
        "import json, django; django.setup(); from django.conf import settings;print(json.dumps(settings.STORAGES))"
    )
    output = subprocess.run(  # noqa: S603 — this interpreter, a fixed script
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "rostrum.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout
    storages = json.loads(output.strip().splitlines()[-1])
    for alias, location in (("default", "media"), ("private", "private")):
        assert storages[alias]["BACKEND"] == "storages.backends.s3.S3Storage"
        options = storages[alias]["OPTIONS"]
        assert (options["bucket_name"], options["location"]) == ("uploads", location)
        assert options["endpoint_url"] == "https://s3.example.net" and options["region_name"] == "eu-central-1"
        assert options["default_acl"] is None and options["file_overwrite"] is False
    assert storages["private"]["OPTIONS"]["querystring_auth"] is True
    assert storages["staticfiles"]["BACKEND"].startswith("whitenoise.")


@pytest.mark.django_db(transaction=True)
def test_a_library_file_goes_to_the_bucket_and_comes_back_through_a_signed_link(
    s3_private, s3_endpoint, owner, other_owner, client_for
):
    client = client_for(owner.user)
    content = pdf_bytes()
    response = upload(client, content, "Quarterly report.pdf")
    assert response.status_code == 302, response.content[:500]
    library_file = LibraryFile.objects.get(account=owner.account)
    key = f"private/{library_file.file.name}"
    assert key in objects(s3_endpoint)

    download = client.get(f"/library/{library_file.pk}/download/")
    assert download.status_code == 302 and download["Cache-Control"] == "private, no-store"
    assert download["Location"].startswith(f"{s3_endpoint}/{BUCKET}/{key}?")
    assert expires_in(download["Location"]) == pytest.approx(300, abs=120)
    status, headers, body = fetch(download["Location"])
    assert (status, body) == (200, content)
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"] == 'attachment; filename="Quarterly report.pdf"'

    assert client_for(other_owner.user).get(f"/library/{library_file.pk}/download/").status_code == 404

    assert client.post(f"/library/{library_file.pk}/delete/").status_code == 302
    assert key not in objects(s3_endpoint)  # deleted once the deletion committed


@pytest.mark.django_db
def test_a_recording_on_s3_is_played_by_ranges_from_the_bucket(s3_private, s3_endpoint, owner, client_for):
    from rostrum.recordings.constants import RecordingStatus

    data = bytes(range(256)) * 64
    recording = Recording(account=owner.account, status=RecordingStatus.READY)
    recording.file.save("demo.mp4", ContentFile(data), save=True)
    response = client_for(owner.user).get(f"/recordings/{recording.pk}/media/", headers={"Range": "bytes=100-199"})
    assert response.status_code == 302
    assert expires_in(response["Location"]) == pytest.approx(6 * 3600, abs=120)  # a player seeks for hours
    status, headers, body = fetch(response["Location"], Range="bytes=100-199")
    assert (status, body) == (206, data[100:200])
    assert headers["content-type"] == "video/mp4"
    assert headers["content-range"] == f"bytes 100-199/{len(data)}"


def test_the_composition_reads_a_stored_file_from_the_bucket_into_its_folder(s3_private, tmp_path):
    name = s3_private.save("library/7/page-1.png", ContentFile(b"\x89PNG page"))
    copy = timeline.storage_file(name, tmp_path)
    assert copy is not None and copy.parent.parent == tmp_path and copy.read_bytes() == b"\x89PNG page"
    assert timeline.storage_file(name, tmp_path) == copy  # the same file shown again: copied once
    assert timeline.storage_file("library/7/missing.png", tmp_path) is None
    assert timeline.storage_file("", tmp_path) is None
