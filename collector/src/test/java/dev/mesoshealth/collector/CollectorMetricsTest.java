package dev.mesoshealth.collector;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.junit.jupiter.api.Test;

class CollectorMetricsTest {
  @Test
  void scheduleLagQuantilesComeFromTheHistogramBuckets() {
    CollectorMetrics m = new CollectorMetrics(new PrometheusRegistry());
    assertThat(m.scheduleLagQuantile(0.99)).isZero();

    for (int i = 0; i < 98; i++) {
      m.scheduleLagSeconds.observe(0.0005); // <= 1 ms
    }
    m.scheduleLagSeconds.observe(0.2); // <= 250 ms
    m.scheduleLagSeconds.observe(3); // <= 5 s

    assertThat(m.scheduleLagQuantile(0.5)).isEqualTo(0.001);
    assertThat(m.scheduleLagQuantile(0.98)).isEqualTo(0.001);
    assertThat(m.scheduleLagQuantile(0.99)).isEqualTo(0.25);
    assertThat(m.scheduleLagQuantile(1.0)).isEqualTo(5.0);
    assertThat(CollectorMetrics.quantile(new double[] {1, 2}, new long[] {0, 0}, 0.99)).isZero();
  }
}
