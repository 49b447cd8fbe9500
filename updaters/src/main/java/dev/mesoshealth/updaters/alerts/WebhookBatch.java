package dev.mesoshealth.updaters.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a webhook is told, and when: the alerts that started or stopped firing since it was last
 * told, grouped per cluster into one message, at most one message per cluster every {@code
 * minInterval} (changes wait for the next one), so that a bad minute is one message and not ten
 * thousand. Pure: the caller sends and reports back.
 */
final class WebhookBatch {
  /** One message: a cluster's alerts that started and stopped firing. */
  record Message(String cluster, List<Alert> firing, List<Alert> resolved) {}

  private final Duration minInterval;
  private Map<SortedMap<String, String>, Alert> told = new HashMap<>();
  private final Map<String, Instant> lastSent = new HashMap<>();

  WebhookBatch(Duration minInterval) {
    this.minInterval = minInterval;
  }

  /** The messages due now, given what fires; nothing is taken as told until {@link #sent}. */
  List<Message> due(List<Alert> firingNow, Instant now) {
    Map<String, List<Alert>> started = new TreeMap<>();
    Map<String, List<Alert>> stopped = new TreeMap<>();
    Map<SortedMap<String, String>, Alert> current = new HashMap<>();
    firingNow.forEach(a -> current.put(a.labels(), a));
    current.forEach(
        (labels, a) -> {
          if (!told.containsKey(labels)) {
            started.computeIfAbsent(cluster(a), c -> new ArrayList<>()).add(a);
          }
        });
    told.forEach(
        (labels, a) -> {
          if (!current.containsKey(labels)) {
            stopped.computeIfAbsent(cluster(a), c -> new ArrayList<>()).add(a);
          }
        });
    List<Message> out = new ArrayList<>();
    TreeMap<String, Boolean> clusters = new TreeMap<>();
    started.keySet().forEach(c -> clusters.put(c, true));
    stopped.keySet().forEach(c -> clusters.put(c, true));
    for (String c : clusters.keySet()) {
      Instant last = lastSent.get(c);
      if (last == null || !now.isBefore(last.plus(minInterval))) {
        out.add(
            new Message(c, started.getOrDefault(c, List.of()), stopped.getOrDefault(c, List.of())));
      }
    }
    return out;
  }

  /** A message was delivered: its alerts are told, and its cluster waits for the next one. */
  void sent(Message m, Instant at) {
    m.firing().forEach(a -> told.put(a.labels(), a));
    m.resolved().forEach(a -> told.remove(a.labels()));
    lastSent.put(m.cluster(), at);
  }

  private static String cluster(Alert a) {
    return a.labels().getOrDefault("cluster", "");
  }
}
