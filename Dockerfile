# syntax=docker/dockerfile:1
# Multi-stage build: a static vigie binary, the seeds indexed at build time,
# run as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/vigie ./cmd/vigie
# Index the seeds now so that the container answers at once.
RUN /out/vigie index --seeds /src/seeds --data /out/data

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/vigie /app/vigie
COPY --from=build /src/seeds /app/seeds
COPY --from=build --chown=nonroot:nonroot /out/data /app/data
USER nonroot:nonroot
ENV VIGIE_ADDR=:8080 VIGIE_DATA=/app/data VIGIE_SEEDS=/app/seeds
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s CMD ["/app/vigie", "healthcheck"]
ENTRYPOINT ["/app/vigie"]
CMD ["serve"]
