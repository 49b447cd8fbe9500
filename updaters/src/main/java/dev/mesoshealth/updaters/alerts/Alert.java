package dev.mesoshealth.updaters.alerts;

import java.time.Instant;
import java.util.SortedMap;

/**
 * One alert as Alertmanager takes it: labels that identify it (the same labels while it fires),
 * annotations that explain it, and when it started.
 */
public record Alert(
    SortedMap<String, String> labels, SortedMap<String, String> annotations, Instant startsAt) {}
