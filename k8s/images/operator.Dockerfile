# The TuningRun operator. Build from the repository root:
#   docker build -f k8s/images/operator.Dockerfile -t armory/armory-operator:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests -pl services/operator -am

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin armory
COPY --from=build /src/services/operator/target/armory-operator.jar /opt/armory/armory-operator.jar
COPY --from=build /src/services/operator/target/lib /opt/armory/lib
USER 10001
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/armory/armory-operator.jar"]
