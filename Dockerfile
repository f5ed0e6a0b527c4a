# Build stage: the full SDK is only needed to publish.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/LoadGen.Cli/LoadGen.Cli.csproj -c Release -o /app

# Runtime stage: Debian-based .NET runtime.
FROM mcr.microsoft.com/dotnet/runtime:10.0
# Charts need a font; without one their labels vanish silently.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /app /app
# A `loadgen` wrapper on PATH so Kubernetes can use command: ["loadgen"].
RUN printf '#!/bin/sh\nexec dotnet /app/loadgen.dll "$@"\n' > /usr/local/bin/loadgen \
    && chmod +x /usr/local/bin/loadgen
WORKDIR /work
ENTRYPOINT ["loadgen"]
