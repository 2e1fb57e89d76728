"""Static checks of the production deployment files: Dockerfile, docker-compose.yml, .dockerignore.

Docker is not available where the tests run, so nothing here builds or starts a container. The
checks read the files and hold them to what the app needs: the six services, one image for every
Expo process, the production environment (fed through the real ``load_config``), exactly one beat,
health checks, a non-root image, and every environment variable the app reads either set by the
compose file or deliberately left to its default (``LEFT_TO_CODE_DEFAULT`` below).

PyYAML is not a dependency of the project, so the compose file is read with ``load_yaml`` below,
which understands the small YAML subset the file is written in (block mappings and sequences,
quoted scalars, JSON-style flow sequences, anchors, aliases and ``<<`` merge keys) and rejects
anything else loudly. When PyYAML happens to be importable, the two readings must agree.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import tomllib
from pathlib import Path
from typing import Any, Mapping

import pytest

from expo.config import MIN_SECRET_KEY_LENGTH, load_config

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

SERVICES = {"postgres", "redis", "migrate", "web", "worker", "beat"}
# The services that run Expo's own code (and so read expo/config.py).
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat")
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
    # Set only by the embedded supervisor (expo.embedded) for the one worker it runs; the stack may run several.
    "EXPO_SOLE_WORKER": "embedded mode only",
}


# --------------------------------------------------------------------------- a small YAML reader


class UnsupportedYaml(ValueError):
    """The compose file uses YAML this reader does not understand: keep to the subset, or make
    PyYAML a dev dependency and read the file with it."""


_PLAIN_AMBIGUOUS = {"yes", "no", "on", "off", "y", "n"}  # YAML 1.1 booleans: PyYAML and compose disagree


def _strip_comment(line: str) -> str:
    quote = None
    for index, char in enumerate(line):
        if quote:
            if char == quote and not (quote == '"' and line[index - 1] == "\\"):
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index].rstrip()
    return line.rstrip()


def _split_key(content: str) -> tuple[str, str] | None:
    """``key: rest`` -> (key, rest); None when the line is not a mapping entry."""
    if content[0] in "[{":
        return None
    if content[0] in "\"'":
        # A quoted scalar, unless a ':' follows the closing quote (a quoted key).
        match = re.match(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'', content)
        if match and re.match(r"\s*:(\s|$)", content[match.end():]):
            raise UnsupportedYaml(f"quoted keys are not supported: {content!r}")
        return None
    for index, char in enumerate(content):
        if char == ":" and (index + 1 == len(content) or content[index + 1] == " "):
            return content[:index].strip(), content[index + 1:].strip()
    return None


class _Reader:
    def __init__(self, text: str):
        self.lines: list[tuple[int, str, int]] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            stripped = _strip_comment(raw)
            if not stripped.strip():
                continue
            body = stripped.lstrip(" ")
            if body.startswith("\t") or "\t" in stripped[: len(stripped) - len(body)]:
                raise UnsupportedYaml(f"line {number}: tabs in indentation")
            if body in ("---", "...") or body.startswith("%"):
                raise UnsupportedYaml(f"line {number}: document markers and directives")
            self.lines.append((len(stripped) - len(body), body, number))
        self.anchors: dict[str, Any] = {}

    def document(self) -> Any:
        if not self.lines:
            return None
        value, index = self.block(0, self.lines[0][0])
        if index != len(self.lines):
            raise UnsupportedYaml(f"line {self.lines[index][2]}: unexpected indentation")
        return value

    def block(self, index: int, indent: int) -> tuple[Any, int]:
        body = self.lines[index][1]
        if body == "-" or body.startswith("- "):
            return self.sequence(index, indent)
        return self.mapping(index, indent)

    def mapping(self, index: int, indent: int) -> tuple[dict, int]:
        explicit: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        while index < len(self.lines):
            line_indent, body, number = self.lines[index]
            if line_indent < indent:
                break
            if line_indent > indent or body.startswith("- ") or body == "-":
                raise UnsupportedYaml(f"line {number}: unexpected indentation or sequence item")
            entry = _split_key(body)
            if entry is None:
                raise UnsupportedYaml(f"line {number}: expected 'key: value', got {body!r}")
            key, rest = entry
            value, index = self.value(rest, index, indent, number)
            if key == "<<":
                if not isinstance(value, dict):
                    raise UnsupportedYaml(f"line {number}: '<<' must merge a mapping")
                for merged_key, merged_value in value.items():
                    merged.setdefault(merged_key, merged_value)
            elif key in explicit:
                raise UnsupportedYaml(f"line {number}: duplicate key {key!r}")
            else:
                explicit[key] = value
        return {**merged, **explicit}, index

    def sequence(self, index: int, indent: int) -> tuple[list, int]:
        items: list[Any] = []
        while index < len(self.lines):
            line_indent, body, number = self.lines[index]
            if line_indent < indent:
                break
            if line_indent > indent or not (body == "-" or body.startswith("- ")):
                raise UnsupportedYaml(f"line {number}: expected a sequence item, got {body!r}")
            rest = body[1:].strip()
            if _split_key(rest) is not None:
                raise UnsupportedYaml(f"line {number}: mappings inside sequences are not supported")
            value, index = self.value(rest, index, indent, number)
            items.append(value)
        return items, index

    def value(self, rest: str, index: int, indent: int, number: int) -> tuple[Any, int]:
        """The value written after 'key:' or '-' on line ``index``; returns it and the next line."""
        anchor = None
        if rest.startswith("&"):
            anchor, _, rest = rest[1:].partition(" ")
            rest = rest.strip()
        if rest:
            value = self.scalar(rest, number)
            index += 1
        else:
            index += 1
            if index < len(self.lines) and self.lines[index][0] > indent:
                value, index = self.block(index, self.lines[index][0])
            else:
                value = None
        if anchor:
            self.anchors[anchor] = value
        return value, index

    def scalar(self, text: str, number: int) -> Any:
        if text.startswith("*"):
            name = text[1:]
            if name not in self.anchors:
                raise UnsupportedYaml(f"line {number}: unknown alias {text}")
            return self.anchors[name]
        if text[0] in "|>!%@`":
            raise UnsupportedYaml(f"line {number}: block scalars and tags are not supported: {text!r}")
        if text[0] in '"[{':
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                raise UnsupportedYaml(
                    f"line {number}: quoted strings and flow collections must be JSON-compatible: {text!r}"
                ) from exc
        if text[0] == "'":
            if not text.endswith("'") or len(text) < 2:
                raise UnsupportedYaml(f"line {number}: unterminated quote: {text!r}")
            return text[1:-1].replace("''", "'")
        if text.lower() in _PLAIN_AMBIGUOUS:
            raise UnsupportedYaml(f"line {number}: quote {text!r}, YAML readers disagree on it")
        if text in ("~", "null", "Null", "NULL"):
            return None
        if text in ("true", "True", "TRUE"):
            return True
        if text in ("false", "False", "FALSE"):
            return False
        if re.fullmatch(r"[-+]?(0|[1-9][0-9]*)", text):
            return int(text)
        if re.fullmatch(r"[-+]?([0-9]*\.[0-9]+|[0-9]+\.[0-9]*)([eE][-+]?[0-9]+)?", text):
            return float(text)
        return text


def load_yaml(text: str) -> Any:
    return _Reader(text).document()


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
HOST_ENV = {"POSTGRES_PASSWORD": "pg-password", "SECRET_KEY": "k" * MIN_SECRET_KEY_LENGTH + "-not-weak",
            "MAIL_SERVER": "smtp.example.org"}


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def compose(compose_text) -> dict:
    return load_yaml(compose_text)


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


# ---------------------------------------------------------------------------- the YAML reader


def test_yaml_reader_handles_anchors_merges_and_flow_lists():
    text = """
x-base: &base
  image: "app"   # a comment
  environment: &env
    A: "1"
services:
  one:
    <<: *base
    image: "other"
    command: ["run", "--flag", "a b"]
    ports:
      - "127.0.0.1:80:80"
    restart: "no"
    retries: 3
    env: *env
    empty:
"""
    data = load_yaml(text)
    one = data["services"]["one"]
    assert one["image"] == "other"
    assert one["environment"] == {"A": "1"}
    assert one["command"] == ["run", "--flag", "a b"]
    assert one["ports"] == ["127.0.0.1:80:80"]
    assert one["restart"] == "no" and one["retries"] == 3 and one["empty"] is None
    assert one["env"] is data["x-base"]["environment"]
    for bad in ("a: yes\n", "a: |\n  text\n", "a:\n  - b: c\n", "a: 1\na: 2\n", "a: [b, c]\n"):
        with pytest.raises(UnsupportedYaml):
            load_yaml(bad)


def test_compose_file_parses_and_agrees_with_pyyaml_when_available(compose_text, compose):
    assert isinstance(compose, dict) and set(compose) >= {"services", "volumes"}
    try:
        import yaml
    except ImportError:  # not a project dependency; the reader above is then the only reading
        return
    assert compose == yaml.safe_load(compose_text)


def test_interpolation_follows_compose_rules():
    assert interpolate("${A:-x}", {}) == "x"
    assert interpolate("${A:-x}", {"A": ""}) == "x"
    assert interpolate("${A-x}", {"A": ""}) == ""
    assert interpolate("a$${B}", {}) == "a${B}"
    with pytest.raises(MissingVariable):
        interpolate("${A:?set A}", {"A": ""})


# ------------------------------------------------------------------------------- the services


def test_the_six_services(services):
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
    secrets += [services[name]["environment"][key] for name in APP_SERVICES
                for key in ("SECRET_KEY", "MAIL_PASSWORD")]
    for value in secrets:
        assert re.fullmatch(r"\$\{[A-Z_]+:[-?][^}]*\}", value), f"a secret in the file: {value!r}"
    for name in ("POSTGRES_PASSWORD", "SECRET_KEY"):
        with pytest.raises(MissingVariable):
            _environment(services["postgres" if name == "POSTGRES_PASSWORD" else "web"],
                         {k: v for k, v in HOST_ENV.items() if k != name})


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
    env = _environment(services["web"], {**HOST_ENV, "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": "465",
                                         "MAIL_USE_SSL": "true", "MAIL_USERNAME": "expo"})
    config = load_config(tmp_path / "instance", env)
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_SSL"]) == ("smtp.example.org", 465, True)


def _env_names_read_by_the_app() -> set[str]:
    names = set()
    config_source = (ROOT / "expo" / "config.py").read_text()
    names |= set(re.findall(r"""\benv\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""", config_source))
    names |= set(re.findall(r"""\benv\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""", config_source))
    sources = [ROOT / "wsgi.py", *(ROOT / "expo").rglob("*.py"), *(ROOT / "worker").rglob("*.py")]
    patterns = (r"""os\.environ\.get\(\s*["']([A-Z][A-Z0-9_]*)["']""",
                r"""os\.environ\[\s*["']([A-Z][A-Z0-9_]*)["']\s*\]""",
                r"""os\.getenv\(\s*["']([A-Z][A-Z0-9_]*)["']""")
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
    for name in ("web", "worker", "beat"):
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


def test_worker_and_exactly_one_beat(services):
    assert _command(services["worker"]) == ["celery", "-A", "worker.app", "worker", "--loglevel=INFO"]
    beat = _command(services["beat"])
    assert beat == ["celery", "-A", "worker.app", "beat", "--loglevel=INFO",
                    "--schedule", f"{DATA_DIR}/celerybeat-schedule"]
    runs_beat = [name for name, service in services.items() if service.get("command")
                 and ("beat" in _command(service) or {"--beat", "-B"} & set(_command(service)))]
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
    shared = {_mounts(services[name]).get(DATA_DIR) for name in ("web", "worker", "beat")}
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
    assert requires.strip() == ">=3.11", "the base image's Python must satisfy requires-python"


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
    assert any(keyword == "RUN" and "useradd" in arguments and "expo" in arguments
               for keyword, arguments in instructions)


def test_dockerfile_installs_the_project_and_keeps_the_source_tree():
    instructions = _dockerfile_instructions()
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "pip install --no-cache-dir --no-deps -e ." in runs
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
    build = [index for index, (keyword, arguments) in enumerate(instructions)
             if keyword == "RUN" and "python -m expo.static_files" in arguments]
    assert build, "the image has no build/static: every start would try to write it in the read-only /app"
    copy_static = max(index for index, (keyword, arguments) in enumerate(instructions)
                      if keyword == "COPY" and shlex.split(arguments)[0] == "static")
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
        elif pattern[index] == "[" and "]" in pattern[index + 1:]:
            end = pattern.index("]", index + 1)
            body = pattern[index + 1:end]
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
    for path in (".venv/bin/python", "instance/expo.sqlite", "instance/secret_key", ".git/HEAD",
                 "expo/__pycache__/config.cpython-311.pyc", "__pycache__/wsgi.cpython-311.pyc",
                 "bench/results/run.json", ".pytest_cache/v/cache", ".env", "expo.egg-info/PKG-INFO",
                 "expo/translations/zh/LC_MESSAGES/messages.mo"):
        assert dockerignored(path, patterns), f"{path} would be sent to the build"


def test_dockerignore_keeps_what_the_dockerfile_copies():
    patterns = _dockerignore_patterns()
    for source in _copied_sources():
        assert not dockerignored(source, patterns), f"{source} is copied by the Dockerfile but ignored"
    for path in ("expo/config.py", "worker/app.py", "templates/base.html", "static/css/expo.css",
                 "migrations/versions/0001_initial.py", "migrations/alembic.ini"):
        assert not dockerignored(path, patterns), path
