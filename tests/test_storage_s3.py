"""S3-compatible file storage, against moto's in-memory S3 (no network, no real account)."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from flask import Flask
from flask_migrate import upgrade
from moto import mock_aws
from werkzeug.exceptions import NotFound

from tests.conftest import IsolatedClient, base_config, one_test
from tests.factories import make_user
from tests.helpers import login
from trainhub import create_app
from trainhub.extensions import db
from trainhub.feedback.models import ReportSnapshot
from trainhub.storage import LocalStorage, S3Storage, download, storage

REGION = "eu-west-2"
BUCKET = "trainhub-files"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Any]:
    """An S3 client on moto's in-memory S3 with one empty, private bucket.

    Dummy credentials and no shared config files or instance role, so boto3 never looks
    for real ones.
    """
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield client


def calls(client: Any) -> list[str]:
    """The S3 operations ``client`` makes from now on, by name (PutObject, HeadObject …)."""
    made: list[str] = []
    client.meta.events.register("before-call.s3.*", lambda model, **kwargs: made.append(model.name))
    return made


def objects(client: Any) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return [item["Key"] for item in listing.get("Contents", [])]


def s3_config(**overrides: Any) -> dict[str, Any]:
    return {**base_config("sqlite://"), "STORAGE_BACKEND": "s3", "S3_BUCKET": BUCKET, **overrides}


# The class ------------------------------------------------------------------------------------


def test_a_file_is_kept_encrypted_under_its_sha256_in_a_two_letter_folder(s3: Any) -> None:
    store = S3Storage(s3, BUCKET)

    key = store.save(b"workbook bytes")

    assert key == hashlib.sha256(b"workbook bytes").hexdigest()
    assert objects(s3) == [f"{key[:2]}/{key}"]
    assert s3.head_object(Bucket=BUCKET, Key=f"{key[:2]}/{key}")["ServerSideEncryption"] == (
        "AES256"
    )
    assert store.load(key) == b"workbook bytes"


def test_the_same_bytes_are_uploaded_once_and_different_bytes_apart(s3: Any) -> None:
    store = S3Storage(s3, BUCKET)
    made = calls(s3)

    first = store.save(b"version one")
    again = store.save(b"version one")
    second = store.save(b"version two")

    assert first == again != second
    assert made.count("PutObject") == 2  # "version one" once, "version two" once
    assert made == ["HeadObject", "PutObject", "HeadObject", "HeadObject", "PutObject"]
    assert len(objects(s3)) == 2
    assert (store.load(first), store.load(second)) == (b"version one", b"version two")


def test_objects_go_under_the_prefix(s3: Any) -> None:
    store = S3Storage(s3, BUCKET, prefix="/councils/trainhub/")

    key = store.save(b"evidence")

    assert objects(s3) == [f"councils/trainhub/{key[:2]}/{key}"]
    assert store.load(key) == b"evidence"
    with pytest.raises(KeyError):  # the same key outside the prefix is another store's
        S3Storage(s3, BUCKET).load(key)


def test_objects_can_be_encrypted_with_a_kms_key(s3: Any) -> None:
    kms_key = "arn:aws:kms:eu-west-2:123456789012:key/0b9b3f2c-0000-4000-8000-000000000000"
    store = S3Storage(s3, BUCKET, encryption="aws:kms", kms_key_id=kms_key)

    key = store.save(b"report pdf")

    head = s3.head_object(Bucket=BUCKET, Key=f"{key[:2]}/{key}")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", kms_key)
    assert store.load(key) == b"report pdf"


def test_a_well_formed_key_that_was_never_stored_is_a_key_error(s3: Any) -> None:
    with pytest.raises(KeyError):
        S3Storage(s3, BUCKET).load("0" * 64)


@pytest.mark.parametrize(
    "key",
    [
        "../" + "0" * 61,
        "ab/" + "0" * 61,
        "A" * 64,  # upper case is not how keys are written
        "g" * 64,
        "0" * 63,
        "0" * 65,
        "",
        "/etc/passwd",
    ],
)
def test_a_malformed_key_is_a_key_error_without_asking_s3(s3: Any, key: str) -> None:
    store = S3Storage(s3, BUCKET)
    made = calls(s3)

    with pytest.raises(KeyError):
        store.load(key)

    assert made == []


def test_other_errors_are_not_taken_for_a_missing_file(s3: Any) -> None:
    store = S3Storage(s3, "no-such-bucket")

    with pytest.raises(ClientError) as load_error:
        store.load("0" * 64)
    with pytest.raises(ClientError) as save_error:
        store.save(b"lost")

    assert load_error.value.response["Error"]["Code"] == "NoSuchBucket"
    assert save_error.value.response["Error"]["Code"] == "NoSuchBucket"


# Choosing it by settings ---------------------------------------------------------------------


def test_the_app_uses_s3_when_the_settings_say_so(s3: Any) -> None:
    app = create_app(
        s3_config(
            S3_REGION=REGION,
            S3_PREFIX="trainhub",
            S3_SSE="aws:kms",
            S3_KMS_KEY_ID="alias/trainhub",
        )
    )

    with app.app_context():
        store = storage()
        key = store.save(b"kept")

    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix, store.encryption) == (BUCKET, "trainhub/", "aws:kms")
    assert store.client.meta.region_name == REGION
    assert objects(s3) == [f"trainhub/{key[:2]}/{key}"]


def test_the_settings_come_from_trainhub_environment_variables(
    s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINHUB_STORAGE_BACKEND", "s3")
    monkeypatch.setenv("TRAINHUB_S3_BUCKET", BUCKET)
    monkeypatch.setenv("TRAINHUB_S3_PREFIX", "2024")  # read as JSON: a number
    monkeypatch.setenv("TRAINHUB_S3_ENDPOINT_URL", "https://objects.example.org:9000")

    app = create_app(base_config("sqlite://"))

    with app.app_context():
        store = storage()
    assert isinstance(store, S3Storage)
    assert (store.bucket, store.prefix, store.encryption) == (BUCKET, "2024/", "AES256")
    assert store.client.meta.endpoint_url == "https://objects.example.org:9000"


def test_each_app_makes_its_client_once(s3: Any) -> None:
    app = create_app(s3_config())

    with app.app_context():
        first = storage()
    with app.app_context():
        second = storage()

    assert first is second
    assert first.client is second.client  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"S3_BUCKET": None}, "TRAINHUB_S3_BUCKET is not set"),
        ({"S3_BUCKET": " "}, "TRAINHUB_S3_BUCKET is not set"),
        ({"STORAGE_BACKEND": "gcs"}, "TRAINHUB_STORAGE_BACKEND is 'gcs'"),
        ({"S3_SSE": "none"}, "TRAINHUB_S3_SSE is 'none'"),
        ({"S3_KMS_KEY_ID": "alias/trainhub"}, "TRAINHUB_S3_KMS_KEY_ID is set"),
    ],
)
def test_a_wrong_storage_setting_stops_the_app_at_start_up(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuntimeError, match=message):
        create_app(s3_config(**overrides))


def test_the_local_disk_is_the_default_and_needs_no_boto3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRAINHUB_STORAGE_BACKEND", raising=False)
    for module in ("boto3", "botocore"):
        monkeypatch.setitem(sys.modules, module, None)  # importing it now fails

    default = create_app({**base_config("sqlite://"), "UPLOAD_FOLDER": str(tmp_path)})
    named = create_app({**base_config("sqlite://"), "STORAGE_BACKEND": "local"})

    with default.app_context():
        assert isinstance(storage(), LocalStorage)
    with named.app_context():
        assert isinstance(storage(), LocalStorage)


# Downloads through the app -------------------------------------------------------------------


def test_a_download_comes_from_the_bucket_as_an_attachment(s3: Any) -> None:
    app = create_app(s3_config())

    with app.test_request_context():
        key = storage().save(b"%PDF-1.4 workbook")
        response = download(key, "application/pdf", "workbook.pdf")
        response.direct_passthrough = False
        with pytest.raises(NotFound):
            download("0" * 64, "application/pdf", "gone.pdf")

    assert response.get_data() == b"%PDF-1.4 workbook"
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=workbook.pdf"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def s3_app(s3: Any, tmp_path: Path) -> Iterator[Flask]:
    """A whole app on S3 storage and a migrated SQLite database of its own."""
    app = create_app(s3_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'test.sqlite'}"))
    app.test_client_class = IsolatedClient
    with one_test(app):
        upgrade()
        yield app


def test_a_manager_downloads_a_published_report_kept_in_the_bucket(s3_app: Flask, s3: Any) -> None:
    manager = make_user(roles=["manager"])
    pdf = b"%PDF-1.4 published figures"
    key = storage().save(pdf)
    db.session.add(ReportSnapshot(financial_year=2016, data={}, pdf_key=key))
    db.session.commit()
    client = login(s3_app.test_client(), manager)

    response = client.get("/reports/published/2016.pdf")

    assert response.status_code == 200
    assert response.get_data() == pdf
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=training-2016-17-published.pdf"
    )
    assert objects(s3) == [f"{key[:2]}/{key}"]
