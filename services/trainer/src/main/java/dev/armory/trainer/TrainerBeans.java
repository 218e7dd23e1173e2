package dev.armory.trainer;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The trainer's objects: platform, worker, launcher (by armory.trainer.launcher) and service. */
@Factory
final class TrainerBeans {

  @Singleton
  @Bean(preDestroy = "close")
  TrainerPlatform trainerPlatform(Environment environment) {
    return TrainerPlatform.from(environment, "trainer");
  }

  @Singleton
  RunWorker runWorker(TrainerPlatform platform, TrainerConfig config) {
    return new RunWorker(
        platform.store(), platform.producer(), config.workerOptions("local@" + hostName()));
  }

  @Singleton
  @Bean(preDestroy = "close")
  @Requires(property = TrainerConfig.PREFIX + ".launcher", value = "local", defaultValue = "local")
  LocalJobLauncher localJobLauncher(RunWorker worker, TrainerConfig config) {
    return new LocalJobLauncher(worker, config.maxConcurrentRuns(), config.stopGrace());
  }

  @Singleton
  TrainerService trainerService(RunWorker worker, JobLauncher launcher, TrainerConfig config) {
    return new TrainerService(worker.runs(), launcher, config.groupId());
  }

  private static String hostName() {
    String fromEnv = System.getenv("HOSTNAME");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }
}
