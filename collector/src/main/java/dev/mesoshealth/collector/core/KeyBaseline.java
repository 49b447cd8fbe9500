package dev.mesoshealth.collector.core;

import java.util.Set;

/**
 * The raw keys a node's snapshots are expected to have, for telling a PARTIAL snapshot from a full
 * one. It is the key set of the last full snapshot; a smaller set seen three polls in a row becomes
 * the new baseline (the node now reports fewer metrics), and a change of master leadership starts
 * over (leaders report more than followers).
 */
public record KeyBaseline(
    Set<String> keys, Set<String> lastPartial, int partialStreak, Boolean elected) {
  public static final KeyBaseline EMPTY = new KeyBaseline(Set.of(), Set.of(), 0, null);
  static final int ACCEPT_AFTER = 3;

  public KeyBaseline {
    keys = Set.copyOf(keys);
    lastPartial = Set.copyOf(lastPartial);
  }
}
