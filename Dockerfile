# syntax=docker/dockerfile:1
# Multi-stage build: a static vigie binary (CGO off, -trimpath, version
# stamped), the seeds indexed at build time so that the container answers
# at once, a distroless base without shell, run as a non-root user.
#
#   docker build -t vigie --build-arg VERSION=$(git describe --always --dirty) .
#   docker run -p 8080:8080 vigie
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/vigie ./cmd/vigie \
 && /out/vigie version
# Index the seeds now so that the container answers at once.
RUN /out/vigie index --seeds /src/seeds --data /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="vigie" \
      org.opencontainers.image.description="Bilingual (English/French) search engine for public-policy texts" \
      org.opencontainers.image.version="${VERSION}"
WORKDIR /app
COPY --from=build /out/vigie /app/vigie
COPY --from=build /src/seeds /app/seeds
COPY --from=build --chown=nonroot:nonroot /out/data /app/data
USER nonroot:nonroot
ENV VIGIE_ADDR=:8080 VIGIE_DATA=/app/data VIGIE_SEEDS=/app/seeds VIGIE_LOG_FORMAT=json
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s CMD ["/app/vigie", "healthcheck"]
ENTRYPOINT ["/app/vigie"]
CMD ["serve"]
