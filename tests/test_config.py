from hadath.config import load_settings


def test_environment_overrides_defaults(monkeypatch):
    monkeypatch.setenv("HADATH_BROKERS", "k1:9092,k2:9092")
    monkeypatch.setenv("HADATH_BATCH_SIZE", "8")
    settings = load_settings()
    assert settings.bootstrap == ["k1:9092", "k2:9092"]
    assert settings.batch_size == 8


def test_flags_override_environment(monkeypatch):
    monkeypatch.setenv("HADATH_DATABASE_URL", "sqlite:///env.db")
    assert load_settings(database_url="postgresql://h/db").database_url == "postgresql://h/db"
    assert load_settings(database_url=None).database_url == "sqlite:///env.db"


def test_defaults_need_no_configuration(monkeypatch):
    for name in ("HADATH_BROKERS", "HADATH_DATABASE_URL", "HADATH_PROCESSING_GUARANTEE"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.articles_topic == "hadath.articles.v1"
    assert settings.events_topic == "hadath.events.v1"
    assert settings.articles_dlq_topic == "hadath.articles.dlq"
    assert settings.processing_guarantee == "at_least_once"
    assert settings.database_url.startswith("sqlite:///")
