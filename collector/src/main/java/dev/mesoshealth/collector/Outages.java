package dev.mesoshealth.collector;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs a problem once when it starts and once when it ends, not at every poll. */
final class Outages {
  private static final Logger log = LoggerFactory.getLogger(Collector.class);

  private final Set<String> down = ConcurrentHashMap.newKeySet();

  void down(String what, String message) {
    if (down.add(what)) {
      log.warn(message);
    }
  }

  void up(String what, String message) {
    if (down.remove(what)) {
      log.info(message);
    }
  }
}
