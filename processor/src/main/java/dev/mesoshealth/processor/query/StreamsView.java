package dev.mesoshealth.processor.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * What the REST layer asks of Kafka Streams: its local stores, and where the application's keys and
 * partitions live. One implementation wraps {@link KafkaStreams}; the REST layer's unit tests give
 * it stores filled by a TopologyTestDriver and a placement of their choosing.
 */
interface StreamsView {
  /** Whether the application is RUNNING (its assignment settled). */
  boolean running();

  /** The application's state, for messages. */
  String state();

  /** A local store; throws {@code InvalidStateStoreException} when it cannot be read now. */
  <T> T store(StoreQueryParameters<T> params);

  /** Where {@code key} of {@code store} lives; null or NOT_AVAILABLE while that is unknown. */
  KeyQueryMetadata keyMetadata(String store, String key);

  /**
   * How far behind its changelog each local copy of {@code store} is, by partition; null for a
   * store without a changelog (never restored).
   */
  Map<Integer, Long> lags(String store);

  /** The partitions of {@code store} that {@code host} is active for. */
  Set<Integer> activePartitions(String store, HostInfo host);

  /** Every instance of the application, this one included. */
  List<HostInfo> instances();

  static StreamsView of(KafkaStreams streams) {
    return new StreamsView() {
      @Override
      public boolean running() {
        return streams.state() == KafkaStreams.State.RUNNING;
      }

      @Override
      public String state() {
        return streams.state().name();
      }

      @Override
      public <T> T store(StoreQueryParameters<T> params) {
        return streams.store(params);
      }

      @Override
      public KeyQueryMetadata keyMetadata(String store, String key) {
        return streams.queryMetadataForKey(store, key, Serdes.String().serializer());
      }

      @Override
      public Map<Integer, Long> lags(String store) {
        Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags().get(store);
        if (lags == null) {
          return null;
        }
        Map<Integer, Long> out = new HashMap<>();
        lags.forEach((partition, lag) -> out.put(partition, lag.offsetLag()));
        return out;
      }

      @Override
      public Set<Integer> activePartitions(String store, HostInfo host) {
        Set<Integer> out = new LinkedHashSet<>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(store)) {
          if (m.hostInfo().equals(host)) {
            for (TopicPartition tp : m.topicPartitions()) {
              out.add(tp.partition());
            }
          }
        }
        return out;
      }

      @Override
      public List<HostInfo> instances() {
        List<HostInfo> hosts = new ArrayList<>();
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
          if (!hosts.contains(m.hostInfo())) {
            hosts.add(m.hostInfo());
          }
        }
        return hosts;
      }
    };
  }
}
