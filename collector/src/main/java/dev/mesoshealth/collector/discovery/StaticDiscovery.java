package dev.mesoshealth.collector.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Masters from configuration. A leader learned from {@code /master/redirect} or a 307 that is not
 * in the list (the list may be a single load-balanced name) is added, so it is polled too.
 */
final class StaticDiscovery implements MasterDiscovery {
  private final List<URI> masters;

  StaticDiscovery(List<URI> masters) {
    this.masters = new CopyOnWriteArrayList<>(masters);
  }

  @Override
  public List<URI> masters() {
    return new ArrayList<>(masters);
  }

  @Override
  public void learned(URI leader) {
    if (!masters.contains(leader)) {
      masters.add(leader);
    }
  }
}
