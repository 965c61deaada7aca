"""What the deployment files give an operator: no committed secret, containers that cannot
gain privileges, and secrets taken from the environment or from Kubernetes Secrets."""

from __future__ import annotations

import re

import yaml

from hadath.config import REPO_ROOT

CREDENTIALS_IN_URL = re.compile(r"://[^:/\s]+:(?!\$\{)[^@\s]+@")


def uncommented(path) -> str:
    return "\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("#"))


def test_kubernetes_commits_no_secret_and_runs_hardened():
    path = REPO_ROOT / "deploy" / "kubernetes" / "hadath.yaml"
    documents = list(yaml.safe_load_all(path.read_text()))
    assert "Secret" not in {d["kind"] for d in documents}
    assert not CREDENTIALS_IN_URL.search(uncommented(path))
    deployments = [d for d in documents if d["kind"] == "Deployment"]
    assert {d["metadata"]["name"] for d in deployments} == {"hadath-worker", "hadath-sink"}
    for d in deployments:
        pod = d["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            context = container["securityContext"]
            assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
            assert context["capabilities"]["drop"] == ["ALL"]
            assert {"/data", "/tmp"} <= {m["mountPath"] for m in container["volumeMounts"]}


def test_compose_reads_the_password_from_the_environment_and_runs_hardened():
    path = REPO_ROOT / "docker-compose.yml"
    compose = yaml.safe_load(path.read_text())
    assert not CREDENTIALS_IN_URL.search(uncommented(path))
    assert compose["services"]["postgres"]["environment"]["POSTGRES_PASSWORD"].startswith("${HADATH_DB_PASSWORD")
    for role in ("worker", "sink"):
        service = compose["services"][role]
        assert "${HADATH_DB_PASSWORD" in service["environment"]["HADATH_DATABASE_URL"]
        assert service["user"] != "root" and not service["user"].startswith("0")
        assert service["read_only"] is True and service["cap_drop"] == ["ALL"]


def test_the_image_does_not_run_as_root():
    lines = (REPO_ROOT / "Dockerfile").read_text().splitlines()
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
