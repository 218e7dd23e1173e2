package dev.armory.cli;

/**
 * The CLI logs warnings only; commands that run services ({@code up}, {@code train-worker}) show
 * Armory's own info messages too (runs accepted, resumed and finished, adapters loaded), unless the
 * user set the level. Must run before the services' classes create their loggers.
 */
final class ServiceLogs {
  static final String ARMORY_LEVEL = "org.slf4j.simpleLogger.log.dev.armory";

  private ServiceLogs() {}

  static void showArmoryInfo() {
    if (System.getProperty(ARMORY_LEVEL) == null) {
      System.setProperty(ARMORY_LEVEL, "info");
    }
  }
}
