"""Static checks of the production deployment files: Dockerfile, docker-compose.yml, .dockerignore.

Docker is not available where the tests run, so nothing here builds or starts a container. The
checks read the files and hold them to what the app needs: the six services, one image for every
Expo process, the production environment (fed through the real ``load_config``), exactly one beat,
health checks, a non-root image, and every environment variable the app reads either set by the
compose file or deliberately left to its default (``LEFT_TO_CODE_DEFAULT`` below).

The compose file is read with PyYAML (the dev extra), anchors and ``<<`` merge keys resolved as
compose resolves them.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from expo.background import QUEUES
from expo.config import MIN_SECRET_KEY_LENGTH, load_config

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

# A Celery worker per queue (expo.background.QUEUES), each named after its queue.
WORKERS = {f"worker-{queue}": queue for queue in QUEUES}
SERVICES = {"postgres", "redis", "migrate", "web", "beat", *WORKERS}
# The services that run Expo's own code (and so read expo/config.py).
APP_SERVICES = ("migrate", "web", *sorted(WORKERS), "beat")
LONG_RUNNING = ("postgres", "redis", "web", *sorted(WORKERS), "beat")
DATA_DIR = "/var/lib/expo"

# Environment variables the app reads that docker-compose.yml deliberately does not set.
# Each is either meaningless in the container stack or has a code default that is the right
# production value; an operator can still add them to the environment anchor.
LEFT_TO_CODE_DEFAULT = {
    # Embedded mode only (bin/run-embedded): they build the default BASE_URL. In the stack gunicorn
    # binds 0.0.0.0:8000 from its own command line and BASE_URL is set explicitly.
    "HOST": "embedded mode only",
    "PORT": "embedded mode only",
    # The development outbox; it defaults to INSTANCE_PATH/outbox, which is on the expo-data volume.
    "MAIL_OUTBOX_PATH": "defaults under INSTANCE_PATH",
    # Rooms for online meetings on the public Jitsi Meet service; a deployment with a video service
    # of its own sets it.
    "MEETING_ROOM_BASE_URL": "code default is a public video service",
    # Delivery tuning: the code defaults (20 s timeout, 6 attempts, 30 s base back-off) are the
    # production policy, and the worker's stop_grace_period is sized for that timeout.
    "MAIL_TIMEOUT": "code default is the production policy",
    "MAIL_MAX_ATTEMPTS": "code default is the production policy",
    "MAIL_RETRY_BASE_SECONDS": "code default is the production policy",
    # An hour, above the longest retry back-off (50 minutes); tests shorten it to see redelivery.
    "BROKER_VISIBILITY_TIMEOUT": "code default is the production policy",
    # 25 MB uploads and the log-in / reset limits are product decisions made in the code.
    "MAX_UPLOAD_BYTES": "code default is the product's limit",
    "INQUIRY_ATTACHMENT_MAX_BYTES": "code default is the product's limit",
    "IMAGE_MAX_PIXELS": "code default is the product's limit",
    "LOGIN_FAILURE_LIMIT": "code default is the product's limit",
    "LOGIN_ADDRESS_FAILURE_LIMIT": "code default is the product's limit",
    "LOGIN_SLOWDOWN_AFTER": "code default is the product's limit",
    "LOGIN_SLOWDOWN_MAX_SECONDS": "code default is the product's limit",
    "ACCOUNT_MAIL_LIMIT": "code default is the product's limit",
    "SIGNUP_RATE_LIMIT": "code default is the product's limit",
    "RESET_RATE_LIMIT": "code default is the product's limit",
    "API_RATE_LIMIT": "code default is the product's limit",
    # Engagement: the buffer's cap bounds Redis memory (about 300 bytes an event); the track limit is a product limit.
    "ENGAGEMENT_BUFFER_CAP": "code default suits production",
    "ENGAGEMENT_TRACK_RATE_LIMIT": "code default is the product's limit",
    # Public pages kept for anonymous visitors (expo/page_cache.py): on, in Redis, is what production wants.
    "PAGE_CACHE": "code default suits production",
    # Set only by the embedded supervisor (expo.embedded) for the one worker it runs; the stack may run several.
    "EXPO_SOLE_WORKER": "embedded mode only",
    # Matchmaking: the recomputation's debounce and the scheduler's time limit suit production as they are.
    "MATCHMAKING_RECOMPUTE_DELAY": "code default suits production",
    "HOSTED_PLAN_TIME_LIMIT": "code default suits production",
    # The organizer search engines read in the structured data; a deployment names its own when it wants.
    "ORGANIZER_NAME": "code default is a neutral name",
    # Webhooks: production refuses private addresses and plain http by default; delivery tuning is the policy.
    "WEBHOOKS_ALLOW_PRIVATE": "code default is off in production",
    "WEBHOOKS_TIMEOUT_SECONDS": "code default is the production policy",
    "WEBHOOKS_MAX_ATTEMPTS": "code default is the production policy",
    "WEBHOOKS_RETRY_BASE_SECONDS": "code default is the production policy",
    "WEBHOOKS_DISABLE_AFTER_FAILURES": "code default is the production policy",
}


# --------------------------------------------------------------------- compose interpolation

_VARIABLE = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")


class MissingVariable(LookupError):
    pass


def interpolate(value: str, host_env: Mapping[str, str]) -> str:
    """What docker compose makes of ``value`` with ``host_env`` as the shell environment."""
    if re.search(r"\$(?![{$])", value):
        raise AssertionError(f"use ${{NAME}} (braces) for every variable: {value!r}")

    def replace(match: re.Match) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        current = host_env.get(name)
        if op in (":-", ":?"):
            missing = not current
        else:
            missing = current is None
        if not missing:
            return current
        if op in (":?", "?"):
            raise MissingVariable(f"{name}: {arg}")
        return arg if op else ""

    return _VARIABLE.sub(replace, value.replace("$$", "\0")).replace("\0", "$")


def required_variables(value: str) -> set[str]:
    return {m["name"] for m in _VARIABLE.finditer(value) if m["op"] in (":?", "?")}


def _strings(node: Any):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


# Just enough for the stack to start: the values compose refuses to do without.
HOST_ENV = {
    "POSTGRES_PASSWORD": "pg-password",
    "SECRET_KEY": "k" * MIN_SECRET_KEY_LENGTH + "-not-weak",
    "MAIL_SERVER": "smtp.example.org",
}


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text) -> dict:
    return yaml.safe_load(compose_text)


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def _environment(service: dict, host_env: Mapping[str, str] = HOST_ENV) -> dict[str, str]:
    environment = service.get("environment") or {}
    assert isinstance(environment, dict), "write environment as a mapping, not a list"
    return {key: interpolate(str(value), host_env) for key, value in environment.items()}


def _command(service: dict) -> list[str]:
    command = service["command"]
    assert isinstance(command, list), "write commands in exec form (a list), not a shell string"
    return [interpolate(str(part), HOST_ENV) for part in command]


def _option(command: list[str], name: str) -> str:
    assert name in command, f"{name} missing from {command}"
    return command[command.index(name) + 1]


def _mounts(service: dict) -> dict[str, str]:
    """Container path -> volume name (or host path)."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target, *_ = str(volume).split(":")
        mounts[target] = source
    return mounts


# ------------------------------------------------------------------------------ the compose file


def test_compose_file_parses(compose):
    assert isinstance(compose, dict) and set(compose) >= {"services", "volumes"}


def test_compose_file_quotes_what_yaml_versions_read_differently(compose_text):
    # PyYAML reads YAML 1.1, where a plain yes/no/on/off is a boolean; compose reads YAML 1.2,
    # where it is a string. Quoted, both agree.
    plain = re.findall(r":\s+(yes|no|on|off|y|n)\s*(?:#.*)?$", compose_text, flags=re.MULTILINE | re.IGNORECASE)
    assert not plain, f"quote these values: {plain}"


def test_interpolation_follows_compose_rules():
    assert interpolate("${A:-x}", {}) == "x"
    assert interpolate("${A:-x}", {"A": ""}) == "x"
    assert interpolate("${A-x}", {"A": ""}) == ""
    assert interpolate("a$${B}", {}) == "a${B}"
    with pytest.raises(MissingVariable):
        interpolate("${A:?set A}", {"A": ""})


# ------------------------------------------------------------------------------- the services


def test_the_services(services):
    assert set(services) == SERVICES
    assert str(services["postgres"]["image"]).startswith("postgres:16")
    assert str(services["redis"]["image"]).startswith("redis:7")


def test_expo_services_share_one_image_build(services):
    builds = {name: services[name].get("build") for name in APP_SERVICES}
    images = {name: services[name].get("image") for name in APP_SERVICES}
    assert all(builds.values()), f"every Expo service builds the image: {builds}"
    assert len({json.dumps(build, sort_keys=True) for build in builds.values()}) == 1, builds
    assert len(set(images.values())) == 1, f"one image name, so it is built once: {images}"
    build = builds["web"]
    context = ROOT / (build["context"] if isinstance(build, dict) else build)
    dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    assert (context / dockerfile).resolve() == DOCKERFILE


def test_expo_services_share_the_production_environment(services):
    environments = [services[name].get("environment") for name in APP_SERVICES]
    assert all(env == environments[0] for env in environments), "one shared environment anchor"
    postgres_env = _environment(services["postgres"])
    for name in APP_SERVICES:
        env = _environment(services[name])
        assert env["EXPO_ENV"] == "production", name
        assert env["DATABASE_URL"] == (
            f"postgresql://{postgres_env['POSTGRES_USER']}:{postgres_env['POSTGRES_PASSWORD']}"
            f"@postgres:5432/{postgres_env['POSTGRES_DB']}"
        ), name
        assert env["REDIS_URL"] == "redis://redis:6379/0", name
        assert env["SECRET_KEY"] == HOST_ENV["SECRET_KEY"], name
        assert env["BASE_URL"] == "http://localhost:8000", name
        assert env["STORAGE_PATH"] == f"{DATA_DIR}/uploads", name
        assert env["INSTANCE_PATH"] == f"{DATA_DIR}/instance", name
        assert services[name]["environment"]["MAIL_SERVER"].startswith("${MAIL_SERVER:?"), name
        for mail in ("MAIL_PORT", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_USE_TLS", "MAIL_DEFAULT_SENDER"):
            raw = services[name]["environment"][mail]
            assert raw.startswith("${" + mail + ":-"), f"{mail} comes from the host, with a default"


def test_secrets_are_required_from_the_host_never_written_down(compose):
    required = set().union(*(required_variables(text) for text in _strings(compose)))
    assert required == {"POSTGRES_PASSWORD", "SECRET_KEY", "MAIL_SERVER"}
    services = compose["services"]
    secrets = [services["postgres"]["environment"]["POSTGRES_PASSWORD"]]
    secrets += [services[name]["environment"][key] for name in APP_SERVICES for key in ("SECRET_KEY", "MAIL_PASSWORD")]
    for value in secrets:
        assert re.fullmatch(r"\$\{[A-Z_]+:[-?][^}]*\}", value), f"a secret in the file: {value!r}"
    for name in ("POSTGRES_PASSWORD", "SECRET_KEY"):
        with pytest.raises(MissingVariable):
            _environment(
                services["postgres" if name == "POSTGRES_PASSWORD" else "web"],
                {k: v for k, v in HOST_ENV.items() if k != name},
            )


def test_the_compose_environment_is_a_valid_production_config(services, tmp_path):
    """Feed what compose would pass (host env: only the required values) to load_config."""
    env = _environment(services["web"])
    config = load_config(tmp_path / "instance", env)
    assert config["PRODUCTION"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://expo:pg-password@postgres:5432/expo"
    assert config["CELERY"]["broker_url"] == config["RATELIMIT_STORAGE_URI"] == "redis://redis:6379/0"
    assert config["STORAGE_PATH"] == Path(f"{DATA_DIR}/uploads")
    assert config["MAIL_SERVER"] == "smtp.example.org" and config["MAIL_PORT"] == 587
    assert config["MAIL_USE_TLS"] is True and config["TRUSTED_PROXIES"] == 1
    assert config["MAIL_DEFAULT_SENDER"], "an empty host value must not produce an empty From header"
    # The same with the mail settings given, as an operator would.
    env = _environment(
        services["web"],
        {
            **HOST_ENV,
            "MAIL_SERVER": "smtp.example.org",
            "MAIL_PORT": "465",
            "MAIL_USE_SSL": "true",
            "MAIL_USERNAME": "expo",
        },
    )
    config = load_config(tmp_path / "instance", env)
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_SSL"]) == ("smtp.example.org", 465, True)


def _env_names_read_by_the_app() -> set[str]:
    names = set()
    config_source = (ROOT / "expo" / "config.py").read_text()
    names |= set(re.findall(r"""\benv\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""", config_source))
    names |= set(re.findall(r"""\benv\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""", config_source))
    sources = [ROOT / "wsgi.py", *(ROOT / "expo").rglob("*.py"), *(ROOT / "worker").rglob("*.py")]
    patterns = (
        r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""",
        r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""",
        r"""os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']""",
    )
    for path in sources:
        text = path.read_text()
        for pattern in patterns:
            names |= set(re.findall(pattern, text))
    return names


def test_every_setting_the_app_reads_is_set_or_deliberately_defaulted(services):
    read = _env_names_read_by_the_app()
    # The scan must see the settings everyone knows about, or it is not scanning anything.
    assert {"EXPO_ENV", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "INSTANCE_PATH"} <= read
    provided = set(services["web"]["environment"])
    missing = read - provided - set(LEFT_TO_CODE_DEFAULT)
    assert not missing, (
        f"read by the app but neither set in docker-compose.yml nor in LEFT_TO_CODE_DEFAULT: {sorted(missing)}"
    )
    stale = set(LEFT_TO_CODE_DEFAULT) - read
    assert not stale, f"LEFT_TO_CODE_DEFAULT names settings the app no longer reads: {sorted(stale)}"
    both = set(LEFT_TO_CODE_DEFAULT) & provided
    assert not both, f"set in docker-compose.yml, so drop from LEFT_TO_CODE_DEFAULT: {sorted(both)}"
    unknown = provided - read
    assert not unknown, f"docker-compose.yml sets variables the app never reads: {sorted(unknown)}"


def test_migrate_runs_once_before_everything_else(services):
    migrate = services["migrate"]
    assert _command(migrate) == ["flask", "db", "upgrade"]
    assert migrate.get("restart") == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", *WORKERS, "beat"):
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_web_runs_gunicorn_on_port_8000_with_several_workers(services, app):
    web = services["web"]
    command = _command(web)
    assert command[0] == "gunicorn" and command[-1] == "wsgi:app"
    assert _option(command, "--bind") == "0.0.0.0:8000"
    assert int(_option(command, "--workers")) > 1
    trusted = _option(command, "--forwarded-allow-ips")
    assert "*" not in trusted, "trust a proxy's X-Forwarded-* headers, not the whole world's"
    for address in trusted.split(","):
        assert ipaddress.ip_network(address.strip()).is_private, address
    assert all(str(port).startswith("127.0.0.1:") for port in web.get("ports", [])), (
        "publish gunicorn on the host's loopback only; TLS and the public port belong to a reverse proxy"
    )
    # The health check's URL is the app's health route.
    endpoint, _ = app.url_map.bind("localhost").match("/healthz")
    assert endpoint == "core.healthz"


def _without(command: list[str], *options: str) -> list[str]:
    """The command's flags without these options and their values."""
    kept, skip = [], False
    for part in command:
        if skip:
            skip = False
        elif part in options:
            skip = True
        else:
            kept.append(part)
    return kept


def test_web_workers_are_forked_from_one_imported_app_as_the_pages_bench_serves_them(services):
    """The image and the stack preload the app (its memory shared by the workers); the pages bench
    serves the app with the image's flags, so its memory and rates are production's."""
    from bench.pages import GUNICORN_FLAGS

    instructions = _dockerfile_instructions()
    image = json.loads([arguments for keyword, arguments in instructions if keyword == "CMD"][-1])
    stack = _command(services["web"])
    assert "--preload" in image and "--preload" in stack
    assert _without(GUNICORN_FLAGS, "--workers") == _without(image[1:-1], "--bind", "--workers")


def test_a_worker_per_queue_and_exactly_one_beat(services):
    for name, queue in WORKERS.items():
        assert _command(services[name]) == [
            "celery",
            "-A",
            "worker.app",
            "worker",
            "--loglevel=INFO",
            "--queues",
            queue,
            "--hostname",
            f"{queue}@%h",
        ], name
        # Warm shutdown: a running task (an SMTP conversation, a report's chunk) gets to finish.
        assert services[name].get("stop_grace_period") == "60s", name
    consumed = [_option(_command(services[name]), "--queues") for name in WORKERS]
    assert sorted(consumed) == sorted(QUEUES), "every queue has its worker, and only one kind each"
    beat = _command(services["beat"])
    assert beat == [
        "celery",
        "-A",
        "worker.app",
        "beat",
        "--loglevel=INFO",
        "--schedule",
        f"{DATA_DIR}/celerybeat-schedule",
    ]
    runs_beat = [
        name
        for name, service in services.items()
        if service.get("command") and ("beat" in _command(service) or {"--beat", "-B"} & set(_command(service)))
    ]
    assert runs_beat == ["beat"], f"periodic tasks would run once per beat: {runs_beat}"
    replicas = services["beat"].get("deploy", {}).get("replicas", 1)
    assert replicas == 1
    assert _mounts(services["beat"]).get(DATA_DIR), "beat's schedule must survive a restart"


def test_health_checks(services):
    postgres = services["postgres"]["healthcheck"]["test"]
    assert "pg_isready" in " ".join(postgres)
    redis = services["redis"]["healthcheck"]["test"]
    assert "redis-cli ping" in " ".join(redis)
    web = services["web"]["healthcheck"]["test"]
    assert web[0] == "CMD" and web[1] == "python" and web[2] == "-c", "curl is not in the image"
    code = web[3]
    compile(code, "web healthcheck", "exec")
    assert "urllib.request" in code and "http://127.0.0.1:8000/healthz" in code
    for name in ("postgres", "redis", "web"):
        check = services[name]["healthcheck"]
        assert {"interval", "timeout", "retries"} <= set(check), name


def test_restart_policies_and_volumes(compose, services):
    for name in LONG_RUNNING:
        assert services[name].get("restart") == "unless-stopped", name
    assert _mounts(services["postgres"]) == {"/var/lib/postgresql/data": "postgres-data"}
    assert _mounts(services["redis"]) == {"/data": "redis-data"}
    redis_command = services["redis"]["command"]
    assert redis_command[0] == "redis-server" and _option(redis_command, "--appendonly") == "yes"
    shared = {_mounts(services[name]).get(DATA_DIR) for name in ("web", *WORKERS, "beat")}
    assert len(shared) == 1 and None not in shared, "uploads are written by web and read by worker"
    declared = set(compose["volumes"])
    used = {source for service in services.values() for source in _mounts(service).values()}
    assert used <= declared, f"undeclared named volumes: {used - declared}"


# ------------------------------------------------------------------------------- the Dockerfile


def _dockerfile_instructions() -> list[tuple[str, str]]:
    instructions, current = [], ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if line.startswith("#") or not line:
            continue  # comment lines are dropped, even inside a continuation
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        current += line
        keyword, _, arguments = current.partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        current = ""
    assert not current, "the Dockerfile ends inside a continuation"
    return instructions


def _dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, arguments in _dockerfile_instructions():
        if keyword == "ENV":
            for word in shlex.split(arguments):
                key, _, value = word.partition("=")
                env[key] = value
    return env


def _copied_sources() -> set[str]:
    sources = set()
    for keyword, arguments in _dockerfile_instructions():
        if keyword in ("COPY", "ADD"):
            words = [word for word in shlex.split(arguments) if not word.startswith("--")]
            sources |= {word.rstrip("/") for word in words[:-1]}
    return sources


def test_dockerfile_base_image_and_python_version():
    instructions = _dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires.strip() == ">=3.11,<3.12", "the base image's Python must satisfy requires-python"


def test_dockerfile_runs_as_an_unprivileged_user():
    instructions = _dockerfile_instructions()
    users = [(index, arguments) for index, (keyword, arguments) in enumerate(instructions) if keyword == "USER"]
    assert users, "no USER line: the container would run as root"
    last_index, last_user = users[-1]
    assert last_user.split(":")[0] not in ("root", "0")
    assert last_user == "expo"
    cmd_index = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "CMD")
    assert last_index < cmd_index
    assert not any(keyword == "RUN" for keyword, _ in instructions[last_index:]), (
        "build steps after USER would run unprivileged; keep them above it"
    )
    assert any(
        keyword == "RUN" and "useradd" in arguments and "expo" in arguments for keyword, arguments in instructions
    )


def test_dockerfile_installs_the_project_and_keeps_the_source_tree():
    instructions = _dockerfile_instructions()
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "pip install --no-cache-dir --no-deps -e ." in runs
    # Dependencies from the lock file, hashes checked: the same files in every build.
    assert "pip install --no-cache-dir --require-hashes -r requirements.lock" in runs
    assert "requirements.lock" in _copied_sources() and (ROOT / "requirements.lock").is_file()
    assert "tomllib" not in runs, "dependencies come from the lock, not freshly resolved from pyproject.toml"
    assert "pyproject.toml" in _copied_sources()
    assert ("WORKDIR", "/app") in instructions
    # Everything the app finds relative to PROJECT_ROOT must be in the image (instance excepted:
    # INSTANCE_PATH points it at the volume; build is made in the image, below).
    relative = set(re.findall(r'PROJECT_ROOT\s*/\s*"([^"]+)"', (ROOT / "expo" / "__init__.py").read_text()))
    assert {"templates", "static", "migrations"} <= relative
    copied = _copied_sources()
    for name in relative - {"instance", "build"}:
        assert name in copied, f"{name}/ is read from the source tree but not copied into the image"
    for name in ("wsgi.py", "expo", "worker", "templates", "static", "migrations"):
        assert name in copied, name
        assert (ROOT / name).exists(), name
    assert "pybabel compile -d expo/translations -f" in runs


def test_dockerfile_builds_the_hashed_static_files_from_the_copied_tree():
    instructions = _dockerfile_instructions()
    build = [
        index
        for index, (keyword, arguments) in enumerate(instructions)
        if keyword == "RUN" and "python -m expo.static_files" in arguments
    ]
    assert build, "the image has no build/static: every start would try to write it in the read-only /app"
    copy_static = max(
        index
        for index, (keyword, arguments) in enumerate(instructions)
        if keyword == "COPY" and shlex.split(arguments)[0] == "static"
    )
    user = max(index for index, (keyword, _) in enumerate(instructions) if keyword == "USER")
    assert copy_static < build[0] < user
    assert "build" not in _copied_sources(), "a developer's build/static must not replace the image's own"
    assert dockerignored("build/static/manifest.json", _dockerignore_patterns())


def test_dockerfile_environment_and_entry_point(services):
    env = _dockerfile_env()
    assert env["FLASK_APP"] == "wsgi"
    assert env["PYTHONUNBUFFERED"] == "1"
    compose_env = _environment(services["web"])
    for key in ("EXPO_ENV", "INSTANCE_PATH", "STORAGE_PATH"):
        if key in env:
            assert env[key] == compose_env[key], key
    instructions = _dockerfile_instructions()
    assert ("EXPOSE", "8000") in instructions
    cmd = json.loads([arguments for keyword, arguments in instructions if keyword == "CMD"][-1])
    assert cmd[0] == "gunicorn" and cmd[-1] == "wsgi:app" and _option(cmd, "--bind") == "0.0.0.0:8000"
    # The writable directories exist in the image, owned by expo, so a fresh volume inherits that.
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    for path in (compose_env["INSTANCE_PATH"], compose_env["STORAGE_PATH"]):
        assert path in runs, f"{path} is not created in the image"
    assert f"chown -R expo:expo {DATA_DIR}" in runs


# ----------------------------------------------------------------------------- the .dockerignore


def _dockerignore_patterns() -> list[str]:
    lines = [line.strip() for line in DOCKERIGNORE.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def _dockerignore_regex(pattern: str) -> re.Pattern:
    """Go's filepath.Match as Docker extends it: '*' and '?' stop at '/', '**' crosses directories."""
    out, index = "", 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        elif pattern[index] == "[" and "]" in pattern[index + 1 :]:
            end = pattern.index("]", index + 1)
            body = pattern[index + 1 : end]
            out += "[" + ("^" + body[1:] if body.startswith(("!", "^")) else body) + "]"
            index = end + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out + r"\Z")


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: the last matching pattern wins; a path is excluded with its parent directory."""
    parts = path.split("/")
    candidates = ["/".join(parts[:length]) for length in range(1, len(parts) + 1)]
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        regex = _dockerignore_regex(raw.lstrip("!").strip().strip("/"))
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negate
    return excluded


def test_dockerignore_keeps_local_state_and_artefacts_out():
    patterns = _dockerignore_patterns()
    for path in (
        ".venv/bin/python",
        "instance/expo.sqlite",
        "instance/secret_key",
        ".git/HEAD",
        "expo/__pycache__/config.cpython-311.pyc",
        "__pycache__/wsgi.cpython-311.pyc",
        "bench/results/run.json",
        ".pytest_cache/v/cache",
        ".env",
        "expo.egg-info/PKG-INFO",
        "expo/translations/zh/LC_MESSAGES/messages.mo",
    ):
        assert dockerignored(path, patterns), f"{path} would be sent to the build"


def test_dockerignore_keeps_what_the_dockerfile_copies():
    patterns = _dockerignore_patterns()
    for source in _copied_sources():
        assert not dockerignored(source, patterns), f"{source} is copied by the Dockerfile but ignored"
    for path in (
        "expo/config.py",
        "worker/app.py",
        "templates/base.html",
        "static/css/expo.css",
        "migrations/versions/0001_initial.py",
        "migrations/alembic.ini",
    ):
        assert not dockerignored(path, patterns), path
