# syntax=docker/dockerfile:1
#
# The LeoPass.Recovery server image: scheduler, workflow engine and HTTP API in one process.
#
#   docker build -t leopass-recovery .                       # pg_dump/pg_restore 15
#   docker build -t leopass-recovery --build-arg PG_MAJOR=16 .
#
# PG_MAJOR must be the major version of the PostgreSQL server being backed up: pg_dump refuses
# servers newer than itself, and pg_restore reads dumps of its own major version and older.
#
# Base images: .NET 10 ships no Debian images; its default tags are Ubuntu 24.04 "noble", which
# carries PostgreSQL 16 only. So the client tools always come from the PostgreSQL project's own
# apt repository (PGDG), which builds every supported major for noble. Its signing key is taken
# from the distribution's postgresql-common package (it ships the PGDG key), so nothing
# unverified is downloaded. The OS is named in the tags so a new default never changes it silently.

ARG DOTNET_VERSION=10.0
ARG BASE_OS=noble

# ---------------------------------------------------------------------------------------------
# build: restore and publish the CLI (assembly leopass-recovery; `server` is one of its commands)
# ---------------------------------------------------------------------------------------------
FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION}-${BASE_OS} AS build
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
WORKDIR /src
# .dockerignore keeps bin/, obj/, .build/, .tools/, .tmp/, .git, tests/ and local secrets out.
COPY . .
# The NuGet cache survives between builds (BuildKit cache mount) without entering any layer.
# Framework-dependent and RID-neutral, so a build on amd64 runs on arm64 too.
# `mkdir -p workflows`: the COPY in the runtime stage stays valid in a tree without definitions.
RUN --mount=type=cache,id=leopass-nuget,target=/root/.nuget/packages \
    dotnet publish src/LeoPass.Recovery.Cli/LeoPass.Recovery.Cli.csproj \
      -c Release -o /out -p:UseAppHost=false -nologo \
 && test -f /out/leopass-recovery.dll \
 && mkdir -p /src/workflows

# ---------------------------------------------------------------------------------------------
# runtime: ASP.NET Core runtime + PostgreSQL client tools of PG_MAJOR + gnupg + zstd, non-root
# ---------------------------------------------------------------------------------------------
FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-${BASE_OS} AS runtime
ARG PG_MAJOR=15
ARG APP_UID=10001
ARG APP_GID=10001

# gnupg: lets a responder decrypt an artefact with plain gpg inside the container.
# zstd: the same, for decompressing. No curl: the healthcheck below uses bash's /dev/tcp, which
# keeps one network tool (and its CVE stream) out of an image that holds storage credentials.
RUN set -eux; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates postgresql-common; \
    . /etc/os-release; \
    echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt ${VERSION_CODENAME}-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list; \
    apt-get update; \
    apt-get install -y --no-install-recommends "postgresql-client-${PG_MAJOR}" gnupg zstd; \
    rm -rf /var/lib/apt/lists/*; \
    "/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump" --version; \
    gpg --version | head -n 1; \
    zstd --version

# A fixed uid/gid so host directories (the prod profile's /var/opt/leopass/backups) can be
# chowned to it ahead of time: chown 10001:10001 /var/opt/leopass/backups
RUN set -eux; \
    groupadd --system --gid "${APP_GID}" leopass; \
    useradd --system --uid "${APP_UID}" --gid leopass --home-dir /home/leopass --create-home \
      --shell /usr/sbin/nologin leopass; \
    mkdir -p /var/opt/leopass/backups /var/opt/leopass/work; \
    chown -R leopass:leopass /var/opt/leopass

WORKDIR /app
COPY --from=build --chown=root:root /out/ /app/
COPY --from=build --chown=root:root /src/workflows/ /app/workflows/
COPY --chown=root:root --chmod=0755 deploy/healthcheck.sh /app/healthcheck.sh

# LEOPASS_LISTEN_URL: where the HTTP API listens (outside a container the default is
#   http://127.0.0.1:8080; here it must be every interface so a published port reaches it).
# LEOPASS_WORKFLOWS_DIR: the definitions copied above (the server also finds ./workflows).
# PG_BIN_DIR: pg_dump/pg_restore of PG_MAJOR, never another major that may be on PATH.
# BACKUP_DIR: the filesystem store (used when OCI_BUCKET is unset); mount a volume here.
# TMPDIR: scratch space (a restore downloads the whole artefact: pg_restore --jobs cannot read a
#   pipe); a volume there keeps dump-sized files out of the container's writable layer.
ENV LEOPASS_LISTEN_URL=http://0.0.0.0:8080 \
    LEOPASS_WORKFLOWS_DIR=/app/workflows \
    PG_BIN_DIR=/usr/lib/postgresql/${PG_MAJOR}/bin \
    BACKUP_DIR=/var/opt/leopass/backups \
    TMPDIR=/var/opt/leopass/work \
    PG_MAJOR=${PG_MAJOR} \
    DOTNET_CLI_TELEMETRY_OPTOUT=1 \
    DOTNET_NOLOGO=1

USER ${APP_UID}:${APP_GID}
VOLUME ["/var/opt/leopass/backups", "/var/opt/leopass/work"]
EXPOSE 8080

# Liveness: GET /health/live on the port of LEOPASS_LISTEN_URL (8080) must answer 200; the HTTP
# API serves it. See deploy/healthcheck.sh. The start period covers migrations at start-up.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 CMD ["/app/healthcheck.sh"]

ENTRYPOINT ["dotnet", "/app/leopass-recovery.dll"]
CMD ["server"]
