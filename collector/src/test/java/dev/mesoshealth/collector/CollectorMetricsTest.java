package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class CollectorMetricsTest {
  @Test
  void scheduleLagQuantilesComeFromTheHistogramBuckets() {
    CollectorMetrics m = new CollectorMetrics(new PrometheusRegistry());
    assertThat(m.scheduleLag().quantile(0.99)).isZero();
    m.scheduleLagSeconds.observe(9); // before the window
    CollectorMetrics.Buckets start = m.scheduleLag();

    for (int i = 0; i < 98; i++) {
      m.scheduleLagSeconds.observe(0.0005); // <= 1 ms
    }
    m.scheduleLagSeconds.observe(0.2); // <= 250 ms
    m.scheduleLagSeconds.observe(3); // <= 5 s

    CollectorMetrics.Buckets window = m.scheduleLag().minus(start);
    assertThat(window.quantile(0.5)).isEqualTo(0.001);
    assertThat(window.quantile(0.98)).isEqualTo(0.001);
    assertThat(window.quantile(0.99)).isEqualTo(0.25);
    assertThat(window.quantile(1.0)).isEqualTo(5.0);
    assertThat(m.scheduleLag().quantile(1.0)).as("with the earlier 9 s").isEqualTo(10.0);
    assertThat(new CollectorMetrics.Buckets(new double[] {1, 2}, new long[] {0, 0}).quantile(0.99))
        .isZero();
  }

  @Test
  void agentPollDurationsLeaveMastersOut() {
    CollectorMetrics m = new CollectorMetrics(new PrometheusRegistry());
    m.pollSeconds.labelValues("master").observe(3);
    m.pollSeconds.labelValues("agent").observe(0.02);

    assertThat(m.agentPollDuration().quantile(1.0)).isEqualTo(0.025);
  }
}
