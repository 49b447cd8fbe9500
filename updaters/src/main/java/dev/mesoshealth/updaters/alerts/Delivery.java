package dev.mesoshealth.updaters.alerts;

import io.prometheus.metrics.core.metrics.Counter;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;

/**
 * What every alert target sends with: the HTTP client and its deadline, whether it is a dry run,
 * the clock, and the counters of what was sent and what failed (labelled by target).
 */
record Delivery(
    HttpClient http, Duration timeout, boolean dryRun, Clock clock, Counter sent, Counter errors) {}
