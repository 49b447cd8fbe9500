package dev.mesoshealth.collector.core;

import dev.mesoshealth.events.CollectorRef;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.events.NodeRef;
import dev.mesoshealth.events.NodeRole;
import dev.mesoshealth.events.Outcome;
import dev.mesoshealth.schemas.metrics.MetricCatalogue;
import dev.mesoshealth.schemas.metrics.NormalisedMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns one poll of a node's {@code /metrics/snapshot} into a {@link MetricSnapshot}: the outcome
 * (OK, PARTIAL, TIMEOUT, HTTP_ERROR, UNREACHABLE, INVALID), metrics under their canonical names,
 * raw keys without one kept as they came, and what is missing compared with the node's {@link
 * KeyBaseline}. Pure: time and the previous baseline come in as arguments.
 */
public final class SnapshotAssembler {
  private static final int NAMED_MISSING = 5;

  private final MetricCatalogue catalogue;

  public SnapshotAssembler(MetricCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /** The event, and the baseline to use for the node's next poll. */
  public record Assembly(MetricSnapshot snapshot, KeyBaseline baseline) {}

  public Assembly assemble(
      NodeRef node,
      Instant polledAt,
      PollResult result,
      KeyBaseline baseline,
      CollectorRef collector,
      String mesosVersion) {
    MetricSnapshot.Builder event =
        MetricSnapshot.newBuilder()
            .setNode(node)
            .setPolledAt(polledAt)
            .setDurationMs(result.took().toMillis())
            .setMesosVersion(mesosVersion)
            .setCollector(collector);
    if (result instanceof PollResult.Failure f) {
      event.setOutcome(f.outcome()).setHttpStatus(f.status()).setError(f.error());
      return new Assembly(event.build(), baseline);
    }
    PollResult.Response r = (PollResult.Response) result;
    event.setHttpStatus(r.status());
    if (r.status() != 200) {
      event
          .setOutcome(Outcome.HTTP_ERROR)
          .setError(
              "unexpected HTTP "
                  + r.status()
                  + (r.location() == null ? "" : " to " + r.location()));
      return new Assembly(event.build(), baseline);
    }
    SnapshotParser.ParsedSnapshot parsed;
    try {
      parsed = SnapshotParser.parse(r.body());
    } catch (InvalidResponseException e) {
      event.setOutcome(Outcome.INVALID).setError(e.getMessage());
      return new Assembly(event.build(), baseline);
    }
    NormalisedMetrics metrics = catalogue.normalise(parsed.values());
    event.setMetrics(metrics.canonical()).setRawMetrics(metrics.raw());

    Boolean elected = null;
    if (node.getRole() == NodeRole.MASTER) {
      Double flag = parsed.values().get("master/elected");
      elected = flag == null ? null : flag == 1.0;
      event.setElected(elected);
    }
    KeyBaseline base = baseline;
    if (node.getRole() == NodeRole.MASTER
        && elected != null
        && base.elected() != null
        && !elected.equals(base.elected())) {
      base = KeyBaseline.EMPTY; // leadership changed: leaders and followers report different keys
    }
    if (parsed.rejected().isEmpty()
        && base.lastPartial().isEmpty()
        && base.partialStreak() == 0
        && Objects.equals(base.elected(), elected)
        && sameKeys(parsed.values().keySet(), base.keys())) {
      // the usual poll: the keys of last time, nothing to compare or copy
      event.setOutcome(Outcome.OK);
      return new Assembly(event.build(), base);
    }
    Set<String> keys = new HashSet<>();
    for (String key : parsed.values().keySet()) {
      if (!catalogue.isDynamic(key)) {
        keys.add(key);
      }
    }
    for (String rejected : parsed.rejected()) {
      keys.add(rejected.substring(0, rejected.indexOf(" (")));
    }
    Set<String> missing = new TreeSet<>(base.keys());
    missing.removeAll(keys);

    List<String> notes = new ArrayList<>();
    KeyBaseline next;
    if (missing.isEmpty()) {
      event.setOutcome(Outcome.OK);
      next = new KeyBaseline(keys, Set.of(), 0, elected);
    } else {
      event.setOutcome(Outcome.PARTIAL).setMissingKeys(List.copyOf(missing));
      List<String> shown = List.copyOf(missing).subList(0, Math.min(NAMED_MISSING, missing.size()));
      notes.add(
          missing.size()
              + " key(s) missing: "
              + String.join(", ", shown)
              + (missing.size() > shown.size() ? ", ..." : ""));
      int streak = keys.equals(base.lastPartial()) ? base.partialStreak() + 1 : 1;
      next =
          streak >= KeyBaseline.ACCEPT_AFTER
              ? new KeyBaseline(keys, Set.of(), 0, elected)
              : new KeyBaseline(base.keys(), keys, streak, elected);
    }
    if (parsed.rejectedNote() != null) {
      notes.add(parsed.rejectedNote());
    }
    if (!notes.isEmpty()) {
      event.setError(String.join("; ", notes));
    }
    return new Assembly(event.build(), next);
  }

  /** Whether the non-dynamic keys of a snapshot are exactly the baseline's (no set built). */
  private boolean sameKeys(Set<String> snapshotKeys, Set<String> baseline) {
    if (baseline.isEmpty()) {
      return false;
    }
    int matched = 0;
    for (String key : snapshotKeys) {
      if (baseline.contains(key)) {
        matched++;
      } else if (!catalogue.isDynamic(key)) {
        return false; // a new key: the baseline grows
      }
    }
    return matched == baseline.size();
  }
}
