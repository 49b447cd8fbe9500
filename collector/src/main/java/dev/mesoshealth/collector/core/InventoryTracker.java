package dev.mesoshealth.collector.core;

import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/** Remembers which ids the last inventory had, to emit tombstones for the ones that left. */
public final class InventoryTracker {
  private Set<String> known = new HashSet<>();

  /** Records the current ids and returns the ones that were known and are gone, sorted. */
  public synchronized Set<String> update(Set<String> current) {
    Set<String> gone = new TreeSet<>(known);
    gone.removeAll(current);
    known = new HashSet<>(current);
    return gone;
  }

  public synchronized Set<String> known() {
    return Set.copyOf(known);
  }
}
