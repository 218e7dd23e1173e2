# The exporter service (ExportRequested and completed runs from Kafka: merged HF directories, ONNX
# exports with parity reports). Build from the repository root:
#   docker build -f k8s/images/exporter.Dockerfile -t armory/armory-exporter:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests -pl services/exporter -am

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin armory
COPY --from=build /src/services/exporter/target/armory-exporter.jar /opt/armory/armory-exporter.jar
COPY --from=build /src/services/exporter/target/lib /opt/armory/lib
USER 10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/armory/armory-exporter.jar"]
