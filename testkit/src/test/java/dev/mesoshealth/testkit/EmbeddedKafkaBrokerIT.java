package dev.mesoshealth.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mesoshealth.broker.EmbeddedKafkaBroker;
import dev.mesoshealth.schemas.topics.Topics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/** A broker whose picked port is taken before it binds starts on other ports. */
class EmbeddedKafkaBrokerIT {
  @Test
  void aPortTakenBetweenPickAndBindIsReplaced() throws Exception {
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int taken = squatter.getLocalPort();
      AtomicInteger picks = new AtomicInteger();
      IntSupplier ports =
          () -> picks.getAndIncrement() == 0 ? taken : EmbeddedKafkaBroker.freePort();

      try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary(Map.of(), ports)) {
        assertThat(broker.isRunning()).isTrue();
        assertThat(broker.bootstrapServers()).doesNotEndWith(":" + taken);
        assertThat(picks).as("two ports for each of two starts").hasValue(4);
        broker.createTopics(List.of(Topics.METRIC_SNAPSHOTS), 1);
      }
    }
  }
}
