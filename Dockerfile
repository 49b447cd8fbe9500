# The mesos-health distribution on a Java 17 runtime. One image runs every service:
#   docker run mesos-health collector | processor | sim | demo | ...   (see `--help`)
# Build: docker build -t mesos-health .

FROM eclipse-temurin:17.0.13_11-jdk AS build
WORKDIR /src
COPY . .
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17.0.13_11-jre
# curl for the health checks in docker-compose.yml
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /var/lib/mesos-health --create-home mesos-health
COPY --from=build /src/launcher/target/dist /opt/mesos-health
USER mesos-health
WORKDIR /var/lib/mesos-health
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
ENTRYPOINT ["java", "-jar", "/opt/mesos-health/mesos-health.jar"]
CMD ["--help"]
