# The ingestion service (HTTP uploads on 8081, DatasetIngestRequested from Kafka). Build from the
# repository root:
#   docker build -f k8s/images/ingestion.Dockerfile -t armory/armory-ingestion:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests -pl services/ingestion -am

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin armory
COPY --from=build /src/services/ingestion/target/armory-ingestion.jar /opt/armory/armory-ingestion.jar
COPY --from=build /src/services/ingestion/target/lib /opt/armory/lib
USER 10001
EXPOSE 8081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/armory/armory-ingestion.jar"]
