# The judge service (JudgeRequested from Kafka; samples candidates through the inference gRPC
# API). Build from the repository root:
#   docker build -f k8s/images/judge.Dockerfile -t armory/armory-judge:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests -pl services/judge -am

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin armory
COPY --from=build /src/services/judge/target/armory-judge.jar /opt/armory/armory-judge.jar
COPY --from=build /src/services/judge/target/lib /opt/armory/lib
USER 10001
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/armory/armory-judge.jar"]
