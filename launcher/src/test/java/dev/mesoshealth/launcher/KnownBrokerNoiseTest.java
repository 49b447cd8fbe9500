package dev.mesoshealth.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

class KnownBrokerNoiseTest {
  private final LoggerContext context = new LoggerContext();
  private final KnownBrokerNoise filter = new KnownBrokerNoise();

  @Test
  void onlyTheRetriableTransactionsV2RefusalIsDropped() {
    var broker = context.getLogger("kafka.server.ReplicaManager");
    var tv2 =
        new OutOfOrderSequenceException(
            "Invalid sequence number for producer 1 at offset 13 in partition p-3: 13 (incoming"
                + " seq. number). Expected sequence 0 for transactions v2 idempotent producer with"
                + " no existing state.");
    var other = new OutOfOrderSequenceException("Out of order sequence number for producer 7");

    assertThat(filter.decide(null, broker, Level.ERROR, "append failed", null, tv2))
        .isEqualTo(FilterReply.DENY);
    assertThat(filter.decide(null, broker, Level.ERROR, "append failed", null, other))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(null, broker, Level.ERROR, "disk failed", null, null))
        .isEqualTo(FilterReply.NEUTRAL);

    var sender = context.getLogger("org.apache.kafka.clients.producer.internals.Sender");
    String retry =
        "[Producer clientId=x] Got error produce response with correlation id 7 on topic-partition"
            + " p-5, retrying (2147483646 attempts left). Error: CONCURRENT_TRANSACTIONS";
    assertThat(filter.decide(null, sender, Level.WARN, retry, null, null))
        .isEqualTo(FilterReply.DENY);
    assertThat(
            filter.decide(
                null,
                sender,
                Level.WARN,
                retry.replace("CONCURRENT_TRANSACTIONS", "NOT_LEADER_OR_FOLLOWER"),
                null,
                null))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
