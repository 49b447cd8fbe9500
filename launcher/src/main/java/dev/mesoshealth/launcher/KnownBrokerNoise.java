package dev.mesoshealth.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Marker;

/**
 * Drops one known exchange that is not an error: with transactions v2 (Kafka 4), a transactional
 * producer's first write after the coordinator answered CONCURRENT_TRANSACTIONS is refused with a
 * retriable OutOfOrderSequenceException ("Expected sequence 0 for transactions v2 ...",
 * KAFKA-18202), and the producer simply retries; yet the embedded broker logs each refusal at ERROR
 * and the producer each retry at WARN. Everything else is shown as it is.
 */
public final class KnownBrokerNoise extends TurboFilter {
  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == Level.ERROR
        && t instanceof OutOfOrderSequenceException
        && logger.getName().equals("kafka.server.ReplicaManager")
        && String.valueOf(t.getMessage()).contains("for transactions v2")) {
      return FilterReply.DENY;
    }
    if (level == Level.WARN
        && logger.getName().equals("org.apache.kafka.clients.producer.internals.Sender")
        && format != null
        && format.contains("retrying")) {
      // the client formats some messages itself, so look at the text and at the arguments
      String text = format + (params == null ? "" : java.util.Arrays.toString(params));
      if (text.contains(Errors.CONCURRENT_TRANSACTIONS.name())
          || text.contains(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.name())) {
        return FilterReply.DENY;
      }
    }
    return FilterReply.NEUTRAL;
  }
}
