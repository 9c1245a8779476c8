# syntax=docker/dockerfile:1.7
# One image per service of the chargeback platform, built from the workspace root:
#   docker build -f deploy/docker/service.Dockerfile \
#     --build-arg SERVICE=budget-monitor --build-arg PACKAGE=budget_monitor .
# SERVICE is the folder under services/ (the distribution is chargeback-$SERVICE);
# PACKAGE is the Python package that `python -m` runs.

ARG PYTHON_VERSION=3.11
ARG UV_VERSION=0.13.9

FROM ghcr.io/astral-sh/uv:${UV_VERSION} AS uv

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build arg SERVICE is required" >&2; exit 1)
COPY --from=uv /uv /usr/local/bin/uv
# Byte-compile now (faster start), copy files out of the cache, use the image's Python only.
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Third-party dependencies first, from the lock alone: this layer survives source edits.
# Every workspace member a service depends on: the libraries and the services (`cli/`, the
# people's command line, is no service's dependency and stays out of the image).
COPY pyproject.toml uv.lock ./
COPY libs/chargeback/pyproject.toml libs/chargeback/pyproject.toml
COPY libs/terms/pyproject.toml libs/terms/pyproject.toml
COPY services/metering/pyproject.toml services/metering/pyproject.toml
COPY services/rating/pyproject.toml services/rating/pyproject.toml
COPY services/billing/pyproject.toml services/billing/pyproject.toml
COPY services/budget-monitor/pyproject.toml services/budget-monitor/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --package "chargeback-${SERVICE}"
# Then the workspace members themselves, installed as wheels (not editable) so the
# runtime image needs no source tree.
COPY libs libs
COPY services services
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --package "chargeback-${SERVICE}"

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
ARG SERVICE
ARG PACKAGE
RUN test -n "$PACKAGE" || (echo "build arg PACKAGE is required" >&2; exit 1)
RUN groupadd --system --gid 10001 chargeback \
    && useradd --system --uid 10001 --gid chargeback --home-dir /app --no-create-home chargeback \
    && mkdir -p /var/lib/chargeback/keys /var/lib/chargeback/data \
    && chown -R chargeback:chargeback /var/lib/chargeback
COPY --from=build --chown=chargeback:chargeback /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SERVICE_PACKAGE=${PACKAGE} \
    CHARGEBACK_KEYS_FILE=/var/lib/chargeback/keys/keys.json
LABEL org.opencontainers.image.title="chargeback-${SERVICE}"
WORKDIR /app
USER chargeback
# Shell form so the package comes from the build arg; `exec` makes Python PID 1 (signals).
# With arguments the same module runs admin commands instead of serving, e.g.
#   docker compose run --rm --no-deps metering python -m metering keys create --role finance
CMD exec python -m "$SERVICE_PACKAGE"
