"""Settings come from the environment; the signing key is made once and shared."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from iuc_portal import create_app
from iuc_portal.config import SECRET_KEY_FILE, ensure_secret_key, from_environ


def test_defaults_are_safe() -> None:
    settings = from_environ({})
    assert settings["SECRET_KEY"] is None
    assert settings["DATA_DIR"].endswith("var")
    assert settings["PROXY_COUNT"] == 0
    assert settings["RATELIMIT_ENABLED"] is True
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    assert settings["SHIPPED_LOCALES"] == ("fr", "en")


def test_environment_variables_are_read() -> None:
    settings = from_environ(
        {
            "IUC_SECRET_KEY": "k" * 40,
            "IUC_DATA_DIR": "/srv/iuc",
            "IUC_PROXY_COUNT": "2",
            "IUC_RATELIMIT_ENABLED": "0",
            "IUC_RATELIMIT_STORAGE_URL": "redis://localhost:6379",
            "IUC_SMTP_URL": "smtp://mail:587?starttls=1",
        }
    )
    assert settings["SECRET_KEY"] == "k" * 40
    assert settings["DATA_DIR"] == "/srv/iuc"
    assert settings["PROXY_COUNT"] == 2
    assert settings["RATELIMIT_ENABLED"] is False
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://localhost:6379"
    assert settings["SMTP_URL"] == "smtp://mail:587?starttls=1"


def test_a_bad_number_is_reported_by_name() -> None:
    with pytest.raises(ValueError, match="IUC_PROXY_COUNT must be a whole number"):
        from_environ({"IUC_PROXY_COUNT": "two"})


def test_without_a_key_one_is_created_privately_and_kept(tmp_path: Path) -> None:
    first = create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"]
    second = create_app({"DATA_DIR": str(tmp_path)}).config["SECRET_KEY"]
    assert first == second
    assert len(first) >= 32
    mode = stat.S_IMODE((tmp_path / SECRET_KEY_FILE).stat().st_mode)
    assert mode == 0o600


def _key_in_child(directory: str, barrier, results) -> None:
    barrier.wait()
    results.put(ensure_secret_key(Path(directory)))


def test_workers_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    count = 8
    barrier = context.Barrier(count)
    results = context.Queue()
    workers = [
        context.Process(target=_key_in_child, args=(str(tmp_path), barrier, results))
        for _ in range(count)
    ]
    for worker in workers:
        worker.start()
    keys = {results.get(timeout=20) for _ in workers}
    for worker in workers:
        worker.join(timeout=20)
    assert len(keys) == 1
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_KEY_FILE]  # no candidate left behind


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({}, "IUC_STRIPE_SECRET_KEY"),
        ({"STRIPE_SECRET_KEY": ""}, "IUC_STRIPE_SECRET_KEY"),
        ({"STRIPE_SECRET_KEY": "sk_test_x"}, "IUC_STRIPE_WEBHOOK_SECRET"),
        ({"STRIPE_SECRET_KEY": "sk_test_x", "STRIPE_WEBHOOK_SECRET": ""},
         "IUC_STRIPE_WEBHOOK_SECRET"),
    ],
)  # fmt: skip
def test_stripe_without_its_keys_refuses_to_start_naming_the_variable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: dict, named: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        create_app({"DATA_DIR": str(tmp_path), "PAYMENT_PROVIDER": "stripe", **given})
    assert stopped.value.code == 4  # gunicorn's "the app failed to load": its master stops too
    [line] = capsys.readouterr().err.splitlines()
    assert named in line
    assert "IUC_PAYMENT_PROVIDER=stripe" in line


def test_an_unknown_payment_provider_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        create_app({"DATA_DIR": str(tmp_path), "PAYMENT_PROVIDER": "paypal"})
    assert "IUC_PAYMENT_PROVIDER must be one of offline, stripe" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"SECRET_KEY": "k" * 40}, "IUC_SITE_URL must be set when IUC_ENV=production"),
        ({"SITE_URL": "https://iuc.example.org"}, "IUC_SECRET_KEY must be set"),
        ({"SITE_URL": "https://iuc.example.org", "SECRET_KEY": ""}, "IUC_SECRET_KEY must be set"),
        ({"SITE_URL": "https://iuc.example.org", "SECRET_KEY": "k" * 40, "DEBUG": True},
         "debug must be off"),
        ({"SITE_URL": "https://iuc.example.org", "SECRET_KEY": "k" * 40, "PREVIEW": True},
         "IUC_PREVIEW is a translator's preview"),
    ],
)  # fmt: skip
def test_production_refuses_to_start_without_what_a_public_site_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: dict, named: str
) -> None:
    with pytest.raises(SystemExit):
        create_app({"DATA_DIR": str(tmp_path), "ENV": "production", **given})
    [line] = capsys.readouterr().err.splitlines()
    assert named in line


def test_a_site_url_must_be_an_address(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        create_app({"DATA_DIR": str(tmp_path), "SITE_URL": "iuc.example.org/fr"})
    assert "IUC_SITE_URL must be the site's address" in capsys.readouterr().err


def test_a_number_setting_that_is_not_a_number_stops_the_site_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # systemd keeps a comment written after a value as part of it.
    monkeypatch.setenv("IUC_PROXY_COUNT", "1    # nginx")
    with pytest.raises(SystemExit) as stopped:
        create_app({"DATA_DIR": str(tmp_path)})
    assert stopped.value.code == 4
    [line] = capsys.readouterr().err.splitlines()
    assert line == "iuc_portal: IUC_PROXY_COUNT must be a whole number, not '1    # nginx'"
