# The inference service (gRPC on 50051, standard gRPC health service for probes). CPU build of
# ONNX Runtime; add -Ponnxruntime_gpu and a CUDA base as in trainer-cuda.Dockerfile for GPUs.
# Build from the repository root:
#   docker build -f k8s/images/inference.Dockerfile -t armory/armory-inference:0.1.0 .
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -q -B package -DskipTests -pl services/inference -am

FROM eclipse-temurin:17-jre
RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin armory
COPY --from=build /src/services/inference/target/armory-inference.jar /opt/armory/armory-inference.jar
COPY --from=build /src/services/inference/target/lib /opt/armory/lib
USER 10001
EXPOSE 50051
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/armory/armory-inference.jar"]
