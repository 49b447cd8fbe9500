package dev.mesoshealth.processor.it;

import dev.mesoshealth.events.HealthTransition;
import dev.mesoshealth.events.MetricSnapshot;
import dev.mesoshealth.processor.ProcessorConfig;
import dev.mesoshealth.processor.topology.HealthTopology;
import dev.mesoshealth.processor.topology.TestStateDirs;
import dev.mesoshealth.processor.topology.TopologyMetrics;
import dev.mesoshealth.schemas.topics.Topics;
import dev.mesoshealth.service.SharedConfig;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** What an uninterrupted run makes of an input, for comparison with runs that were interrupted. */
final class UninterruptedRun {
  private UninterruptedRun() {}

  /** The same input through the topology in a TopologyTestDriver: the uninterrupted run. */
  static List<String> transitions(List<MetricSnapshot> input) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "reference");
    // a state directory of its own: test JVMs running side by side must not share one
    props.put(StreamsConfig.STATE_DIR_CONFIG, TestStateDirs.create().toString());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    ProcessorConfig config =
        ProcessorConfig.fromFlags(
            Map.of(SharedConfig.KAFKA_BOOTSTRAP_SERVERS, "x:1", SharedConfig.POLL_INTERVAL, "60s"));
    try (TopologyTestDriver driver =
        new TopologyTestDriver(
            HealthTopology.build(config.topology(), TopologyMetrics.NONE), props)) {
      TestInputTopic<String, MetricSnapshot> in =
          driver.createInputTopic(
              Topics.METRIC_SNAPSHOTS.name(),
              new StringSerializer(),
              Topics.METRIC_SNAPSHOTS.valueSerde().serializer());
      TestOutputTopic<String, HealthTransition> out =
          driver.createOutputTopic(
              Topics.HEALTH_TRANSITIONS.name(),
              new StringDeserializer(),
              Topics.HEALTH_TRANSITIONS.valueSerde().deserializer());
      for (MetricSnapshot s : input) {
        in.pipeInput(s.getNode().getId(), s, s.getPolledAt());
      }
      return out.readKeyValuesToList().stream()
          .map(kv -> describe(kv.key, kv.value))
          .sorted()
          .toList();
    }
  }

  static String describe(String key, HealthTransition t) {
    return key + " " + t.getFrom() + ">" + t.getTo() + " at " + t.getAt();
  }
}
