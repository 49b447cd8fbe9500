package dev.mesoshealth.processor;

import dev.mesoshealth.events.HealthStatus;
import dev.mesoshealth.processor.topology.TopologyMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;

/** The topology's counters in Prometheus form. */
final class ProcessorMetrics implements TopologyMetrics {
  private final Counter deadLetters;
  private final Counter evaluations;
  private final Counter transitions;

  ProcessorMetrics(PrometheusRegistry registry) {
    deadLetters =
        Counter.builder()
            .name("mesos_health_processor_dead_letters_total")
            .help("Input records sent to mesos.dlq, by input topic.")
            .labelNames("topic")
            .register(registry);
    evaluations =
        Counter.builder()
            .name("mesos_health_processor_evaluations_total")
            .help("Snapshots evaluated, by node role.")
            .labelNames("role")
            .register(registry);
    transitions =
        Counter.builder()
            .name("mesos_health_processor_transitions_total")
            .help("Health transitions emitted, by node role and new state.")
            .labelNames("role", "to")
            .register(registry);
  }

  @Override
  public void deadLetter(String topic) {
    deadLetters.labelValues(topic).inc();
  }

  @Override
  public void evaluation(String role) {
    evaluations.labelValues(role).inc();
  }

  @Override
  public void transition(String role, HealthStatus to) {
    transitions.labelValues(role.toLowerCase(Locale.ROOT), to.name()).inc();
  }

  long evaluationsTotal() {
    return (long)
        evaluations.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
  }

  long transitionsTotal() {
    return (long)
        transitions.collect().getDataPoints().stream().mapToDouble(d -> d.getValue()).sum();
  }
}
