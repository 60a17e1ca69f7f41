# syntax=docker/dockerfile:1
# The testrail-report container image: a static (musl) binary on Alpine.
#
#   docker build -t testrail-report .
#   docker run --rm -e TESTRAIL_URL -e TESTRAIL_USER -e TESTRAIL_API_KEY \
#       -v "$PWD:/work" -w /work testrail-report submit --project-id 1 'reports/*.xml'
#
# Alpine rather than scratch: GitLab's `image:` and Jenkins' `agent { docker }` run job scripts
# with a shell inside the container, so the image needs /bin/sh (and CA certificates for the
# native-roots TLS option). The image runs as root because CI systems mount a root-owned
# workspace into job containers, and the tool must write --dotenv/--summary-json files there.

FROM rust:1-alpine AS build
# ring (rustls' crypto) compiles C code; on Alpine the toolchain targets musl and links
# statically by default. Package versions are not pinned (hadolint DL3018): Alpine removes old
# versions from its index, so a pin breaks rebuilds; the base image tag fixes the release.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev gcc
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin testrail-report \
    && ./target/release/testrail-report --version

FROM alpine:3.20
# hadolint ignore=DL3018
RUN apk add --no-cache ca-certificates
COPY --from=build /src/target/release/testrail-report /usr/local/bin/testrail-report
ENTRYPOINT ["testrail-report"]
CMD ["--help"]
