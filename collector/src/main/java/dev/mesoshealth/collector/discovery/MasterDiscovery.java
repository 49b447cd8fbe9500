package dev.mesoshealth.collector.discovery;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Which masters to poll, and who leads if the discovery itself knows (ZooKeeper does). */
public interface MasterDiscovery extends AutoCloseable {
  /** Base URLs (scheme://host:port) of every master to poll. */
  List<URI> masters();

  /** The leader as the discovery sees it, when it sees one. */
  default Optional<URI> leaderHint() {
    return Optional.empty();
  }

  /** Learns of a leader from a redirect (static and redirect discovery add it to the list). */
  default void learned(URI leader) {}

  default void start() {}

  @Override
  default void close() {}

  /** A fixed list of masters. */
  static MasterDiscovery fixed(List<URI> masters) {
    return new StaticDiscovery(masters);
  }
}
