package dev.mesoshealth.processor.query;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;

/**
 * A {@link StreamsView} over a TopologyTestDriver's stores, with the placement a test sets: which
 * instance is active (and which are standbys) for a key, how far each store lags, which instances
 * exist. Unplaced keys live on this instance, in partition 0, up to date.
 */
final class DriverStreams implements StreamsView {
  private final TopologyTestDriver driver;
  private final HostInfo self;
  final Map<String, KeyQueryMetadata> placement = new HashMap<>();
  final Map<Integer, Long> lags = new HashMap<>(Map.of(0, 0L));
  final List<HostInfo> instances = new ArrayList<>();
  boolean running = true;

  /** Runs as a store is opened: a test's way to move the placement in the middle of a read. */
  Runnable onStoreOpened = () -> {};

  DriverStreams(TopologyTestDriver driver, HostInfo self) {
    this.driver = driver;
    this.self = self;
    instances.add(self);
  }

  /** {@code key} is active on {@code active}, with copies on {@code standbys}. */
  void place(String key, HostInfo active, HostInfo... standbys) {
    placement.put(key, new KeyQueryMetadata(active, Set.of(standbys), 0));
  }

  @Override
  public boolean running() {
    return running;
  }

  @Override
  public String state() {
    return running ? "RUNNING" : "REBALANCING";
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T store(StoreQueryParameters<T> params) {
    if (!running) {
      throw new InvalidStateStoreException("rebalancing");
    }
    onStoreOpened.run();
    String name = params.storeName();
    Object store =
        params.queryableStoreType() instanceof QueryableStoreTypes.WindowStoreType
            ? driver.getWindowStore(name)
            : driver.getKeyValueStore(name);
    if (store == null) {
      throw new InvalidStateStoreException("no store " + name);
    }
    return (T) store;
  }

  @Override
  public KeyQueryMetadata keyMetadata(String store, String key) {
    if (!running) {
      return KeyQueryMetadata.NOT_AVAILABLE;
    }
    return placement.getOrDefault(key, new KeyQueryMetadata(self, Set.of(), 0));
  }

  @Override
  public Map<Integer, Long> lags(String store) {
    return lags;
  }

  @Override
  public Set<Integer> activePartitions(String store, HostInfo host) {
    return host.equals(self) ? lags.keySet() : Set.of();
  }

  @Override
  public List<HostInfo> instances() {
    return instances;
  }
}
